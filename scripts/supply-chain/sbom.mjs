// Checks one CycloneDX SBOM and prints its one-line summary:
//   node sbom.mjs NAME BOM.json [--lock package-lock.json] [--installed DIR/node_modules]
//   1. valid against the CycloneDX JSON schema of its spec version (the CycloneDX library's strict
//      validator; a missing validator fails, it is never skipped)
//   2. production only: every component is a package of the lockfile that is not a dev dependency
//   3. with --installed: the components are exactly the packages installed in that node_modules
import { lstatSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';

export const componentName = (c) => (c.group ? `${c.group}/${c.name}` : c.name);

// Every component, nested ones too (cyclonedx-npm nests a package installed under another's node_modules).
export function components(bom) {
  const out = [];
  const walk = (list) => { for (const c of list ?? []) { out.push(c); walk(c.components); } };
  walk(bom.components);
  return out;
}

export async function schemaErrors(text) {
  const bom = JSON.parse(text);
  const version = Object.values(Spec.Version).find((v) => v === bom.specVersion);
  if (bom.bomFormat !== 'CycloneDX' || !version) return `not a CycloneDX document of a known spec version (${bom.bomFormat} ${bom.specVersion})`;
  // Throws MissingOptionalDependencyError when ajv is not installed: that fails the check.
  const errors = await new Validation.JsonStrictValidator(version).validate(text);
  return errors === null ? null : JSON.stringify(errors).slice(0, 2000);
}

// name -> versions of the production packages of a package-lock.json (v2/v3), workspaces included.
export function productionPackages(lock) {
  const prod = new Map();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.includes('node_modules/') || entry.dev) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const version = entry.link ? lock.packages[entry.resolved]?.version : entry.version;
    if (!prod.has(name)) prod.set(name, new Set());
    prod.get(name).add(version);
  }
  return prod;
}

export function notProduction(bom, lock) {
  const prod = productionPackages(lock);
  return components(bom).map((c) => `${componentName(c)}@${c.version}`)
    .filter((id) => { const at = id.lastIndexOf('@'); return !prod.get(id.slice(0, at))?.has(id.slice(at + 1)); });
}

// name@version of every package under a node_modules directory (nested ones, and workspace links).
export function installedPackages(nodeModules) {
  const found = new Set();
  const visit = (dir) => {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) return;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'));
    found.add(`${name}@${version}`);
    if (!lstatSync(dir).isSymbolicLink() && existsSync(join(dir, 'node_modules'))) walk(join(dir, 'node_modules'));
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) for (const scoped of readdirSync(join(dir, entry))) visit(join(dir, entry, scoped));
      else visit(join(dir, entry));
    }
  };
  walk(nodeModules);
  return found;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [name, file, ...rest] = process.argv.slice(2);
  const option = (flag) => { const i = rest.indexOf(flag); return i < 0 ? undefined : rest[i + 1]; };
  const text = readFileSync(file, 'utf8');
  const bom = JSON.parse(text);
  const problems = [];
  const invalid = await schemaErrors(text);
  if (invalid) problems.push(`not valid against the CycloneDX ${bom.specVersion} JSON schema: ${invalid}`);
  const all = components(bom);
  if (all.length === 0) problems.push('no components');
  if (option('--lock')) {
    const extra = notProduction(bom, JSON.parse(readFileSync(option('--lock'), 'utf8')));
    if (extra.length) problems.push(`not production dependencies in the lockfile: ${extra.join(', ')}`);
  }
  let tree = '';
  if (option('--installed')) {
    const installed = installedPackages(option('--installed'));
    const listed = new Set(all.map((c) => `${componentName(c)}@${c.version}`));
    const missing = [...installed].filter((p) => !listed.has(p));
    const absent = [...listed].filter((p) => !installed.has(p));
    if (missing.length) problems.push(`installed but not in the SBOM: ${missing.join(', ')}`);
    if (absent.length) problems.push(`in the SBOM but not installed: ${absent.join(', ')}`);
    tree = `, equal to the ${installed.size} packages npm ci installs`;
  }
  const main = bom.metadata?.component;
  console.log(`${problems.length ? 'FAIL' : 'ok  '}  sbom ${name}: ${all.length} components, CycloneDX ${bom.specVersion}` +
    `${invalid ? '' : ' (schema-valid)'}, main component ${main ? componentName(main) : '?'}${tree} — ${file}`);
  for (const p of problems) console.log(`        ${p}`);
  process.exit(problems.length ? 1 : 0);
}
