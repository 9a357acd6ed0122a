// Licences of what ships, against licence-allow-list.json:
//   node licences.mjs [--allow-list FILE] BOM.json...
// Reads each component's licences from the SBOMs (as the generators took them from package.json),
// prints how many components carry each licence, and fails naming every component whose licence
// the allow-list does not allow. An SPDX expression is allowed when it is satisfied by the allowed
// ids (spdx-satisfies: "MIT OR GPL-3.0-only" passes, "MIT AND GPL-3.0-only" does not). A component
// without a licence, or with a name that is no SPDX id, passes only as a listed exception, and an
// exception that matches nothing any more fails too, so the list stays true.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import satisfies from 'spdx-satisfies';
import { componentName, components } from './sbom.mjs';

export const NONE = 'NONE';

// One SPDX expression (or NONE) for a component's `licenses`.
export function licenceOf(component) {
  const parts = (component.licenses ?? []).map((l) => l.expression ?? l.license?.id ?? l.license?.name).filter(Boolean);
  if (parts.length === 0) return NONE;
  return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' AND ');
}

function allowedBySpdx(expression, allowed) {
  try {
    return satisfies(expression, allowed);
  } catch {
    return false; // not an SPDX expression
  }
}

// { counts: Map licence -> n, failures: [..], usedExceptions: Set } for the components of some SBOMs.
export function checkLicences(boms, allowList) {
  const counts = new Map();
  const failures = [];
  const used = new Set();
  const seen = new Set();
  for (const { name: artefact, bom } of boms) {
    for (const c of components(bom)) {
      const pkg = componentName(c);
      const licence = licenceOf(c);
      const key = `${artefact} ${pkg}@${c.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      counts.set(licence, (counts.get(licence) ?? 0) + 1);
      const exception = allowList.exceptions.find((e) => e.package === pkg && (e.licence ?? NONE) === licence);
      if (exception) { used.add(exception); continue; }
      if (licence !== NONE && allowedBySpdx(licence, allowList.allowed)) continue;
      failures.push(`${artefact}: ${pkg}@${c.version} is licensed ${licence}, which the allow-list does not allow`);
    }
  }
  for (const e of allowList.exceptions) {
    if (!e.package || !e.reason) failures.push(`exception ${JSON.stringify(e)} lacks a package or a reason`);
    else if (!used.has(e)) failures.push(`exception for ${e.package} (${e.licence ?? NONE}) matches no component any more: remove it`);
  }
  return { counts, failures };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  let listFile = join(dirname(fileURLToPath(import.meta.url)), 'licence-allow-list.json');
  if (args[0] === '--allow-list') { listFile = args[1]; args.splice(0, 2); }
  const allowList = JSON.parse(readFileSync(listFile, 'utf8'));
  const boms = args.map((file) => ({ name: file.split('/').pop().replace(/\.cdx\.json$/, ''), bom: JSON.parse(readFileSync(file, 'utf8')) }));
  const { counts, failures } = checkLicences(boms, allowList);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`licences of ${total} components in ${boms.length} SBOM(s): ` +
    [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l, n]) => `${l} ${n}`).join(', '));
  for (const f of failures) console.log(`FAIL  ${f}`);
  console.log(failures.length ? `licences: ${failures.length} not allowed` : `licences: all allowed (${allowList.allowed.length} ids allowed, ${allowList.exceptions.length} exception(s))`);
  process.exit(failures.length ? 1 : 0);
}
