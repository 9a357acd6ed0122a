#!/usr/bin/env node
// The checks of the alerting rules and dashboards that promtool does not do itself, against the
// one list of metrics, observability/metrics.json. check.sh runs promtool on what this writes.
//
//   node check.mjs rules RENDERED OUT        spec.groups of the PrometheusRule in RENDERED (helm
//                                            template output) to the plain rules file OUT
//   node check.mjs alerts RULES TEST...      every alert has severity, summary, description and a
//                                            runbook_url to its section of docs/operations.md, and a
//                                            promtool test case where it fires and one where it is silent
//   node check.mjs dashboard RENDERED OUT    the Grafana dashboard of the ConfigMap in RENDERED is
//                                            complete; its queries, template variables filled in,
//                                            become the recording rules of OUT (for promtool's parser)
//   node check.mjs catalogue SERVICE RULES...  every metric a rule's expression selects is in the
//                                            list, exported by SERVICE (or external), with only the
//                                            labels (and values) the list gives it
//   node check.mjs runbooks FILE...          every docs/operations.md#anchor named in FILE exists
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse, stringify } from 'yaml';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OPERATIONS = join(repo, 'docs', 'operations.md');
// Labels Prometheus (or the prometheus-operator's scrape config) puts on every scraped series.
const SCRAPE_LABELS = ['namespace', 'job', 'pod', 'instance', 'service', 'container', 'endpoint'];
const SEVERITIES = ['critical', 'warning', 'info'];

const problems = [];
const fail = (msg) => problems.push(msg);
const readYaml = (file) => parse(readFileSync(file, 'utf8'));

function renderedDocument(file, kind) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((d) => d?.kind === kind);
  if (docs.length !== 1) throw new Error(`${file}: expected one ${kind}, found ${docs.length}`);
  return docs[0];
}

// ------------------------------------------------------------------ rules
function extractRules(rendered, out) {
  const rule = renderedDocument(rendered, 'PrometheusRule');
  writeFileSync(out, stringify({ groups: rule.spec.groups }, { lineWidth: 0 }));
  const n = rule.spec.groups.reduce((a, g) => a + g.rules.length, 0);
  console.log(`${rule.metadata.name}: ${rule.spec.groups.length} group(s), ${n} rule(s)`);
}

// ------------------------------------------------------------------ alerts
/** GitHub's anchors of the headings of a Markdown file. */
function anchors(file) {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} +(.+?) *$/gm)].map(([, h]) =>
    h.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')));
}

function checkAlerts(rulesFile, tests) {
  const alerts = readYaml(rulesFile).groups.flatMap((g) => g.rules).filter((r) => r.alert);
  const docs = anchors(OPERATIONS);
  for (const a of alerts) {
    const where = `${a.alert}`;
    if (!SEVERITIES.includes(a.labels?.severity)) fail(`${where}: labels.severity must be one of ${SEVERITIES.join(', ')}`);
    for (const k of ['summary', 'description', 'runbook_url']) if (!a.annotations?.[k]?.trim()) fail(`${where}: no ${k} annotation`);
    const url = a.annotations?.runbook_url ?? '';
    const anchor = a.alert.toLowerCase();
    if (!url.endsWith(`/docs/operations.md#${anchor}`)) fail(`${where}: runbook_url ${url} must end in /docs/operations.md#${anchor}`);
    if (!docs.has(anchor)) fail(`${where}: docs/operations.md has no section "${a.alert}" (#${anchor})`);
  }
  const firing = new Map(), silent = new Map();
  for (const file of tests) {
    for (const t of readYaml(file).tests ?? []) {
      for (const c of t.alert_rule_test ?? []) {
        const into = c.exp_alerts?.length ? firing : silent;
        into.set(c.alertname, (into.get(c.alertname) ?? 0) + 1);
      }
    }
  }
  const names = new Set(alerts.map((a) => a.alert));
  for (const name of new Set([...firing.keys(), ...silent.keys()])) {
    if (!names.has(name)) fail(`the tests name ${name}, which is no alert of ${relative(repo, rulesFile)}`);
  }
  for (const name of names) {
    if (!firing.get(name)) fail(`${name}: no test case where it fires`);
    if (!silent.get(name)) fail(`${name}: no test case where it stays silent`);
  }
  console.log(`${alerts.length} alerts; test cases: ${[...names].map((n) => `${n} ${firing.get(n) ?? 0}+${silent.get(n) ?? 0}`).join(', ')}`);
}

// ------------------------------------------------------------------ dashboards
// Grafana's interval variables become a duration, every other variable a plain value.
function fillVariables(expr) {
  return expr
    .replace(/\$\{?__(rate_interval|interval|range)(_ms|_s)?\}?/g, '5m')
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)/g, (_, a, _f, b) => `var_${a ?? b}`);
}

function checkDashboard(rendered, out) {
  const cm = renderedDocument(rendered, 'ConfigMap');
  const [[key, text]] = Object.entries(cm.data);
  const where = `${cm.metadata.name}/${key}`;
  let d;
  try { d = JSON.parse(text); } catch (e) { fail(`${where}: not JSON: ${e.message}`); return; }
  for (const k of ['title', 'uid', 'schemaVersion', 'panels']) if (d[k] === undefined || d[k] === '') fail(`${where}: no ${k}`);
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(d.uid ?? '')) fail(`${where}: uid must be 1-40 letters, digits, - or _`);
  const vars = d.templating?.list ?? [];
  const ds = vars.find((v) => v.type === 'datasource' && v.query === 'prometheus');
  if (!ds) fail(`${where}: no template variable of type datasource (prometheus)`);
  const dsRefs = ds ? [`$${ds.name}`, `\${${ds.name}}`] : [];
  const usesVariable = (x) => x && typeof x === 'object' && dsRefs.includes(x.uid);

  const panels = (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  const ids = new Set(), rules = [];
  for (const p of panels) {
    const pw = `${where} panel ${p.id} "${p.title}"`;
    if (!Number.isInteger(p.id)) fail(`${pw}: id must be an integer`);
    else if (ids.has(p.id)) fail(`${pw}: id used twice`);
    ids.add(p.id);
    if (!p.title) fail(`${pw}: no title`);
    const g = p.gridPos ?? {};
    if (!['x', 'y', 'w', 'h'].every((k) => Number.isInteger(g[k])) || g.x < 0 || g.x + g.w > 24) fail(`${pw}: gridPos must be integers x, y, w, h within 24 columns`);
    if (p.type === 'row') continue;
    if (!usesVariable(p.datasource)) fail(`${pw}: datasource must be the template variable ${dsRefs[1]}`);
    if (!p.targets?.length) fail(`${pw}: no query`);
    for (const t of p.targets ?? []) {
      if (t.datasource && !usesVariable(t.datasource)) fail(`${pw} ${t.refId}: datasource must be ${dsRefs[1]}`);
      if (!t.expr?.trim()) { fail(`${pw} ${t.refId}: no expr`); continue; }
      rules.push({ record: `dashboard:panel_${p.id}:${t.refId}`, expr: fillVariables(t.expr) });
    }
  }
  for (const v of vars.filter((v) => v.type === 'query')) {
    if (!usesVariable(v.datasource)) fail(`${where} variable ${v.name}: datasource must be ${dsRefs[1]}`);
    const q = typeof v.query === 'string' ? v.query : v.query?.query ?? '';
    // label_values(selector, label): the selector is PromQL too.
    const m = /^label_values\((.*),\s*(\w+)\)$/.exec(q.trim());
    if (m) rules.push({ record: `dashboard:variable:${v.name}`, expr: fillVariables(m[1]) });
    else if (q) fail(`${where} variable ${v.name}: only label_values(selector, label) queries are checked`);
  }
  writeFileSync(out, stringify({ groups: [{ name: where, rules }] }, { lineWidth: 0 }));
  console.log(`${where}: "${d.title}", ${panels.length} panels, ${rules.length} queries`);
}

// ------------------------------------------------------------------ catalogue
const FUNCTIONS_AND_KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2',
  'sum', 'avg', 'count', 'min', 'max', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'limitk', 'limit_ratio', 'inf', 'nan', 'start', 'end',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** The vector selectors of a (valid) PromQL expression: [{ name, matchers: [{ label, op, value }] }]. */
export function selectors(expr) {
  const tokens = [];
  const re = /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|[0-9.][0-9a-zA-Z_.+]*|[a-zA-Z_:][a-zA-Z0-9_:]*|=~|!~|!=|==|<=|>=|[{}()[\],=<>+\-*/%^@]/gy;
  for (let m; re.lastIndex < expr.length;) {
    const at = re.lastIndex;
    if (!(m = re.exec(expr))) throw new Error(`cannot read "${expr.slice(at, at + 20)}"`);
    if (!/^\s|^#/.test(m[0])) tokens.push(m[0]);
  }
  const unquote = (s) => (s[0] === '`' ? s.slice(1, -1) : JSON.parse(s[0] === "'" ? `"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s));
  const found = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '[') { while (tokens[i] !== ']') i++; continue; }
    if (GROUPING.has(t.toLowerCase()) && tokens[i + 1] === '(') { while (tokens[i] !== ')') i++; continue; }
    let name = null;
    if (/^[a-zA-Z_:]/.test(t)) {
      if (tokens[i + 1] === '(' || FUNCTIONS_AND_KEYWORDS.has(t.toLowerCase())) continue;
      name = t;
      if (tokens[i + 1] !== '{') { found.push({ name, matchers: [] }); continue; }
      i++;
    }
    if (tokens[i] !== '{') continue;
    const matchers = [];
    for (i++; tokens[i] !== '}'; i++) {
      if (tokens[i] === ',') continue;
      matchers.push({ label: tokens[i], op: tokens[i + 1], value: unquote(tokens[i + 2]) });
      i += 2;
    }
    const byName = matchers.find((m) => m.label === '__name__' && m.op === '=');
    found.push({ name: name ?? byName?.value ?? null, matchers: matchers.filter((m) => m !== byName) });
  }
  return found;
}

function catalogue() {
  const list = JSON.parse(readFileSync(join(repo, 'observability', 'metrics.json'), 'utf8'));
  const byName = new Map();
  for (const m of list.metrics) {
    const labels = new Map(Object.entries(m.labels ?? {}));
    const services = m.services ?? [];
    byName.set(m.name, { labels, services });
    if (m.type === 'histogram') {
      byName.set(`${m.name}_bucket`, { labels: new Map([...labels, ['le', null]]), services });
      byName.set(`${m.name}_sum`, { labels, services });
      byName.set(`${m.name}_count`, { labels, services });
    }
  }
  for (const m of list.external) byName.set(m.name, { labels: new Map(Object.entries(m.labels ?? {})), external: true });
  return byName;
}

function checkCatalogue(service, files) {
  const known = catalogue();
  let n = 0;
  for (const file of files) {
    const rules = readYaml(file).groups.flatMap((g) => g.rules);
    const recorded = new Set(rules.map((r) => r.record).filter(Boolean));
    for (const r of rules) {
      const where = `${file.split("/").slice(-2).join("/")} ${r.alert ?? r.record}`;
      let sels;
      try { sels = selectors(String(r.expr)); } catch (e) { fail(`${where}: ${e.message}`); continue; }
      for (const { name, matchers } of sels) {
        n++;
        if (!name) { fail(`${where}: a selector without a metric name`); continue; }
        if (recorded.has(name)) continue;
        const metric = known.get(name);
        if (!metric) { fail(`${where}: ${name} is not in observability/metrics.json`); continue; }
        if (!metric.external && !metric.services.includes(service)) fail(`${where}: ${name} is exported by ${metric.services.join(', ')}, not by the ${service}`);
        for (const { label, op, value } of matchers) {
          if (SCRAPE_LABELS.includes(label)) continue;
          if (!metric.labels.has(label)) { fail(`${where}: ${name} has no label ${label} in observability/metrics.json`); continue; }
          const values = metric.labels.get(label);
          if (!Array.isArray(values) || /^var_/.test(value)) continue;
          const ok = op === '=' || op === '!=' ? values.includes(value) : values.some((v) => new RegExp(`^(?:${value})$`).test(v));
          if (!ok) fail(`${where}: ${name}{${label}${op}"${value}"} matches none of ${values.join(', ')}`);
        }
      }
    }
  }
  console.log(`${files.length} file(s), ${n} selectors checked against observability/metrics.json (${service})`);
}

// ------------------------------------------------------------------ runbooks
function checkRunbooks(files) {
  const docs = anchors(OPERATIONS);
  let n = 0;
  for (const file of files) {
    for (const [, anchor] of readFileSync(file, 'utf8').matchAll(/docs\/operations\.md#([\w-]+)/g)) {
      n++;
      if (!docs.has(anchor)) fail(`${relative(repo, file)}: docs/operations.md has no section #${anchor}`);
    }
  }
  console.log(`${n} links to docs/operations.md in ${files.length} file(s)`);
}

const [command, ...args] = process.argv.slice(2);
const commands = {
  rules: () => extractRules(args[0], args[1]),
  alerts: () => checkAlerts(args[0], args.slice(1)),
  dashboard: () => checkDashboard(args[0], args[1]),
  catalogue: () => checkCatalogue(args[0], args.slice(1)),
  runbooks: () => checkRunbooks(args),
};
if (!commands[command]) {
  console.error('usage: check.mjs rules|alerts|dashboard|catalogue|runbooks ARGS...');
  process.exit(2);
}
await commands[command]();
for (const p of problems) console.error(`FAIL: ${p}`);
process.exit(problems.length ? 1 : 0);
