// Helpers of check.sh's checkov step.
//   node checkov.mjs groups checkov-skips.json RENDERED.yaml...
//       prints "<comma-separated skip ids> <file> <file>..." per distinct set of skips that apply
//       (the file names are <chart>--<value set>.yaml; "-" for no skip); fails on a skip that
//       applies to none of them
//   node checkov.mjs summary checkov-skips.json FRAMEWORK... -- CHECKOV-OUTPUT.json...
//       prints the result per framework, every failed and skipped check, and every skip's reason;
//       fails on a failed check, a parsing error, a framework that scanned no resource, and a skip
//       without a reason
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [command, skipsFile, ...rest] = process.argv.slice(2);
const { skips } = JSON.parse(readFileSync(skipsFile, 'utf8'));
const glob = (pattern) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
const appliesTo = (skip, file) => skip.applies.some((p) => glob(p).test(basename(file, '.yaml')));

if (command === 'groups') {
  const groups = new Map();
  for (const file of rest) {
    const ids = skips.filter((s) => s.framework === 'kubernetes' && appliesTo(s, file)).map((s) => s.id).join(',') || '-';
    groups.set(ids, [...(groups.get(ids) ?? []), file]);
  }
  for (const [ids, files] of groups) console.log([ids, ...files].join(' '));
  const unused = skips.filter((s) => s.framework === 'kubernetes' && !rest.some((f) => appliesTo(s, f)));
  for (const s of unused) console.error(`skip ${s.id} applies to no rendered value set (${s.applies.join(', ')}): remove or correct it`);
  if (unused.length) process.exit(1);
} else if (command === 'summary') {
  const split = rest.indexOf('--');
  const frameworks = rest.slice(0, split);
  const reports = rest.slice(split + 1).flatMap((f) => { const raw = JSON.parse(readFileSync(f, 'utf8')); return Array.isArray(raw) ? raw : [raw]; });
  const problems = [];
  for (const framework of frameworks) {
    const mine = reports.filter((r) => r.check_type === framework);
    if (mine.length === 0) { problems.push(`${framework}: no report (nothing scanned)`); continue; }
    const sum = (key) => mine.reduce((n, r) => n + r.summary[key], 0);
    const [passed, failed, skipped, parsing, resources] = ['passed', 'failed', 'skipped', 'parsing_errors', 'resource_count'].map(sum);
    console.log(`checkov ${framework}: ${passed} passed, ${failed} failed, ${skipped} skipped inline, ${resources} resources, ${parsing} parsing errors`);
    for (const r of mine) {
      for (const c of r.results.failed_checks ?? []) {
        console.log(`  FAIL  ${c.check_id} ${c.check_name}: ${c.resource.split('.helm.sh/')[0]} (${c.file_path}${c.file_line_range ? `:${c.file_line_range.join('-')}` : ''})`);
      }
      const inline = new Map();
      for (const c of r.results.skipped_checks ?? []) inline.set(`${c.check_id} ${c.file_path}: ${c.check_result?.suppress_comment ?? ''}`, true);
      for (const line of inline.keys()) console.log(`  skipped inline  ${line}`);
      if (r.results.parsing_errors?.length) problems.push(`${framework}: checkov could not parse ${r.results.parsing_errors.join(', ')}`);
    }
    if (failed) problems.push(`${framework}: ${failed} failed check(s)`);
    if (!resources) problems.push(`${framework}: no resource scanned`);
  }
  for (const s of skips) {
    if (!s.id || !s.framework || !s.reason || !Array.isArray(s.applies)) problems.push(`skip ${JSON.stringify(s)} lacks an id, framework, applies or reason`);
    else console.log(`  skipped (checkov-skips.json)  ${s.framework} ${s.id} on ${s.applies.join(', ')}: ${s.reason}`);
  }
  for (const p of problems) console.log(`FAIL  ${p}`);
  process.exit(problems.length ? 1 : 0);
} else {
  console.error('usage: checkov.mjs groups|summary ...');
  process.exit(2);
}
