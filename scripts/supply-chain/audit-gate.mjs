// The pipeline's vulnerability gate, fed by npm's advisory service:
//   npm audit --omit=dev --audit-level=high --json > reports/npm-audit.json || true
//   node scripts/supply-chain/audit-gate.mjs reports/npm-audit.json [--exceptions FILE] [--today YYYY-MM-DD]
// Fails on every high or critical advisory (npm 11's report: `vulnerabilities`, whose `via` entries
// are the advisories, with `source`, `url`, `severity`) not excepted in audit-exceptions.json; on
// any exception that has expired or lacks an id, package, reason or expiry date; and on a report
// that is not one (npm audit's own failure, which the `|| true` above lets through). Moderate and
// low advisories are listed and do not fail.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const GATING = new Set(['high', 'critical']);

// Every advisory of the report, once each: { id, url, package, severity, title, range }.
export function advisories(report) {
  const found = new Map();
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== 'object') continue; // the name of another vulnerable package: its own entry has the advisory
      const id = via.url?.split('/').pop() || String(via.source);
      const key = `${id} ${via.name}`;
      if (!found.has(key)) found.set(key, { id, source: via.source, url: via.url, package: via.name, severity: via.severity, title: via.title, range: via.range });
    }
  }
  return [...found.values()];
}

// Problems of the exception list itself (missing fields, bad or past dates).
export function exceptionProblems(exceptions, today) {
  const problems = [];
  for (const e of exceptions) {
    const label = `exception ${e.id ?? e.url ?? '?'} (${e.package ?? '?'})`;
    for (const field of ['id', 'url', 'package', 'reason', 'expires']) if (!e[field]) problems.push(`${label} has no ${field}`);
    if (e.expires && !/^\d{4}-\d{2}-\d{2}$/.test(e.expires)) problems.push(`${label}: expires "${e.expires}" is not YYYY-MM-DD`);
    else if (e.expires && e.expires < today) problems.push(`${label} expired on ${e.expires}: fix the dependency, or review the exception and set a new date`);
  }
  return problems;
}

const matches = (e, a) => e.package === a.package && (e.id === a.id || e.url === a.url || String(e.id) === String(a.source));

export function gate(report, exceptions, today) {
  if (report.error) return { failures: [`npm audit failed: ${report.error.summary ?? JSON.stringify(report.error)}`], lines: [] };
  if (typeof report.vulnerabilities !== 'object' || report.auditReportVersion !== 2) {
    return { failures: ['not an npm audit --json report (auditReportVersion 2 with a vulnerabilities map)'], lines: [] };
  }
  const failures = exceptionProblems(exceptions, today);
  const lines = [];
  const all = advisories(report);
  let excepted = 0;
  for (const a of all) {
    const label = `${a.severity.padEnd(8)} ${a.package} ${a.range ?? ''} ${a.id} ${a.title ?? ''} ${a.url ?? ''}`;
    if (!GATING.has(a.severity)) { lines.push(`  not gating  ${label}`); continue; }
    const exception = exceptions.find((e) => matches(e, a));
    if (exception) { excepted++; lines.push(`  excepted    ${label} (until ${exception.expires}: ${exception.reason})`); continue; }
    lines.push(`  FAIL        ${label}`);
    failures.push(`${a.severity} advisory ${a.id} in ${a.package} is not excepted`);
  }
  const gating = all.filter((a) => GATING.has(a.severity)).length;
  lines.push(`audit gate: ${all.length} advisories, ${gating} high or critical (${excepted} excepted), ${all.length - gating} below high`);
  return { failures, lines };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const option = (flag, fallback) => { const i = args.indexOf(flag); return i < 0 ? fallback : args.splice(i, 2)[1]; };
  const exceptionsFile = option('--exceptions', join(dirname(fileURLToPath(import.meta.url)), 'audit-exceptions.json'));
  const today = option('--today', new Date().toISOString().slice(0, 10));
  if (args.length !== 1) { console.error('usage: audit-gate.mjs NPM-AUDIT.json [--exceptions FILE] [--today YYYY-MM-DD]'); process.exit(2); }
  let report;
  try {
    report = JSON.parse(readFileSync(args[0], 'utf8'));
  } catch (error) {
    console.log(`FAIL  ${args[0]} is not an npm audit --json report: ${error.message}`);
    process.exit(1);
  }
  const { exceptions } = JSON.parse(readFileSync(exceptionsFile, 'utf8'));
  const { failures, lines } = gate(report, exceptions, today);
  for (const line of lines) console.log(line);
  for (const f of failures) console.log(`FAIL  ${f}`);
  console.log(failures.length ? `audit gate: FAIL (${failures.length})` : 'audit gate: pass');
  process.exit(failures.length ? 1 : 0);
}
