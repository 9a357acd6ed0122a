import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface Row {
  name: string;
  ms: number;
  share: number;
}

/** Where a frame's code lives: a package under node_modules, the project's own code, Node itself, or V8. */
function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node core';
  const own = /\/(publisher|subscriber|common|bench|local-stack)\/dist\//.exec(url);
  if (own) return `@pubsub-ingest/${own[1]}`;
  return url;
}

function top(map: Map<string, number>, total: number, n: number): Row[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
}

/** Self time per function and per package from a V8 `.cpuprofile` (as written by `node --cpu-prof`). */
export function summarizeProfile(profile: CpuProfile, n = 15): { totalMs: number; idleShare: number; functions: Row[]; owners: Row[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const file = frame.url ? basename(frame.url.replace(/^file:\/\//, '')) : '';
    const key = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''} [${ownerOf(frame.url, frame.functionName)}]`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
    const owner = ownerOf(frame.url, frame.functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
  }
  const busy = total - idle;
  return { totalMs: total / 1000, idleShare: total ? idle / total : 0, functions: top(functions, busy, n), owners: top(owners, busy, n) };
}

/** Summarizes every profile in `dir` into `dir/summary.md`; returns the text. */
export async function summarizeProfiles(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const sections: string[] = ['# CPU profiles', '', 'Self time while busy (idle excluded), from `node --cpu-prof`.', ''];
  for (const file of files) {
    const summary = summarizeProfile(JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    sections.push(
      `## ${file}`,
      '',
      `${(summary.totalMs / 1000).toFixed(1)} s profiled, ${pct(summary.idleShare)} idle.`,
      '',
      '| by package | self ms | share of busy |',
      '| --- | ---: | ---: |',
      ...summary.owners.map((r) => `| ${r.name} | ${r.ms.toFixed(0)} | ${pct(r.share)} |`),
      '',
      '| by function | self ms | share of busy |',
      '| --- | ---: | ---: |',
      ...summary.functions.map((r) => `| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.ms.toFixed(0)} | ${pct(r.share)} |`),
      '',
    );
  }
  const text = sections.join('\n');
  await writeFile(join(dir, 'summary.md'), text);
  return text;
}
