// Renders a chart of helm-charts/ with the pinned helm, and indexes what the image test needs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The objects `helm template` renders (hooks included), for a release in `namespace`. */
export function renderChart({ helm, chartDir, release, namespace, values }) {
  const dir = mkdtempSync(join(tmpdir(), 'render-'));
  try {
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    const out = execFileSync(helm, ['template', release, chartDir, '--namespace', namespace, '--values', file], { encoding: 'utf8' });
    return parseAllDocuments(out).map((doc) => doc.toJS()).filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one object of `kind` (and `component` label, when given); throws unless exactly one. */
export function only(objects, kind, component) {
  const found = objects.filter((o) => o.kind === kind && (!component || o.metadata.labels?.['app.kubernetes.io/component'] === component));
  if (found.length !== 1) throw new Error(`expected one ${kind}${component ? ` (${component})` : ''}, rendered ${found.length}`);
  return found[0];
}

/** ConfigMaps by name, with their data. */
export function configMapsOf(objects) {
  return Object.fromEntries(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
}
