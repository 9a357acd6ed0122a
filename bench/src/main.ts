import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseOptions, SCENARIOS, type BenchOptions } from './options';
import { benthosBinary, BENTHOS_VERSION } from './peers/benthos-peer';
import { killAllNow, stopAll } from './processes';
import { summarizeProfiles } from './profile/cpu-profile-summary';
import { fmt, progress } from './progress';
import { cpuPressure, describeMachine, loadAverage } from './report/machine';
import { findProblems, type BenchResults, type Expected } from './report/results';
import { checkTargets } from './report/targets';
import { writeResults } from './report/write-results';
import type { Scenario, ScenarioContext } from './scenarios/context';
import { batchScenario } from './scenarios/batch';
import { containerScenario } from './scenarios/container';
import { drainScenario } from './scenarios/drain';
import { e2eScenario, tracingScenario } from './scenarios/e2e';
import { floodScenario, floodUnlimitedScenario } from './scenarios/flood';
import { memoryScenario } from './scenarios/memory';
import { publishScenario } from './scenarios/publish';
import { readScenario } from './scenarios/read';
import { shapesScenario } from './scenarios/shapes';
import { sweepScenario } from './scenarios/sweep';
import { startBenchStack, type Stack } from './bench-stack';

const RESULTS_DIR = resolve(__dirname, '..', 'results');
const ALL: Scenario[] = [publishScenario, batchScenario, drainScenario, e2eScenario, sweepScenario, shapesScenario, tracingScenario, readScenario, memoryScenario, containerScenario, floodScenario, floodUnlimitedScenario];

let activeStack: Stack | undefined;

async function shutdown(code: number, why: string): Promise<never> {
  progress.warn(`${why}: stopping every process this run started`);
  await stopAll();
  await activeStack?.stop().catch(() => undefined);
  process.exit(code);
}

function describeSizes({ sizes, quick }: BenchOptions): string {
  return [
    quick ? 'quick mode' : 'full run',
    `publish ${sizes.publish.durationS} s per concurrency level`,
    `batch ${sizes.batch.durationS} s of ${sizes.batch.items}-message batches on ${sizes.batch.connections} connections`,
    `drain ${fmt.int(sizes.drain.messages)} messages${sizes.drain.rounds > 1 ? ` (best of ${sizes.drain.rounds} interleaved rounds; sqs_consumer once)` : ''}`,
    `e2e ${fmt.int(sizes.e2e.rate)} POST/s for ${sizes.e2e.durationS} s`,
    `sweep ${sizes.sweep.durationS} s at ${sizes.sweep.rates.map(fmt.int).join(', ')} POST/s and up to ${sizes.sweep.searchRuns} more rates`,
    `shapes ramp ${fmt.int(sizes.shapes.ramp.fromRate)}→${fmt.int(sizes.shapes.ramp.toRate)} POST/s over ${sizes.shapes.ramp.durationS} s, steps ${sizes.shapes.steps.rates.map(fmt.int).join('→')} held ${sizes.shapes.steps.holdS} s, waves ${fmt.int(sizes.shapes.waves.baseRate)} with ${sizes.shapes.waves.spikeS} s spikes to ${fmt.int(sizes.shapes.waves.spikeRate)}`,
    `read ${sizes.read.durationS} s over ${fmt.int(sizes.read.rows)} records with ${sizes.read.connections} connections`,
    `flood ${sizes.flood.durationS} s at ${sizes.flood.multiple}× the sustainable rate on ${sizes.flood.floodConnections} connections and bodies of the largest size on ${sizes.flood.largeConnections}, beside a steady producer, with and without per-client limits`,
    `${sizes.pollers} pollers and ${sizes.poolSize} database connections per consumer or service`,
  ].join('; ');
}

async function prepareProfileDir(): Promise<string> {
  const dir = join(RESULTS_DIR, 'profiles');
  await mkdir(dir, { recursive: true });
  for (const file of await readdir(dir)) if (file.endsWith('.cpuprofile')) await rm(join(dir, file));
  return dir;
}

/** A full run of some scenarios writes files of its own, so it never replaces the last run of all of them. */
function resultsName(options: BenchOptions): string {
  if (options.quick) return 'quick';
  if (options.profile) return 'profile';
  return options.only.size < SCENARIOS.length ? `only-${[...options.only].join('-')}` : 'latest';
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = loadAverage();
  const scenarios = ALL.filter((s) => options.only.has(s.name as never));
  const expected: Record<string, Expected> = Object.fromEntries(scenarios.map((s) => [s.name, s.expected(options)]));
  const results: BenchResults = { machine: {}, scenarios: {} };
  const profileDir = options.profile ? await prepareProfileDir() : undefined;

  console.log(`pubsub-ingest benchmark — ${describeSizes(options)}`);
  progress.scenario('stack', 'a real Postgres server and fauxqs, each in its own process on 127.0.0.1');
  const stack = await startBenchStack();
  activeStack = stack;
  const context: ScenarioContext = { stack, options, memory: {}, unavailable: new Set(), profileDir, results: results.scenarios };
  try {
    for (const scenario of scenarios) {
      progress.scenario(scenario.name, scenario.what);
      try {
        results.scenarios[scenario.name] = await scenario.run(context);
      } catch (err) {
        const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
        progress.fail(`${scenario.name} failed: ${message}`);
        results.scenarios[scenario.name] = Object.fromEntries(Object.keys(expected[scenario.name] ?? {}).map((system) => [system, { error: message }]));
      }
    }
  } finally {
    progress.scenario('stack', 'stopping');
    await stack.stop();
    activeStack = undefined;
  }

  results.machine = describeMachine({
    mode: options.quick ? 'quick' : 'full',
    sizes: describeSizes(options),
    postgres: stack.postgresVersion,
    benthos: existsSync(benthosBinary()) ? BENTHOS_VERSION : `${BENTHOS_VERSION} (not built)`,
    pollers: options.sizes.pollers,
    pool_size: options.sizes.poolSize,
    wall_s: Math.round((Date.now() - started) / 1000),
    load_avg_1m_at_start: loadAtStart,
    ...(cpuPressure() !== undefined ? { cpu_pressure_pct_last_5_min: cpuPressure()! } : {}),
  });
  const targets = checkTargets(results);
  const descriptions = Object.fromEntries(scenarios.map((s) => [s.name, s.what]));
  const name = resultsName(options);
  const paths = await writeResults(RESULTS_DIR, name, results, targets, descriptions);

  console.log('');
  for (const t of targets) {
    if (t.met === undefined) continue;
    (t.met ? progress.done : progress.warn)(`${t.target}: ${t.measured}`);
  }
  if (profileDir) {
    await summarizeProfiles(profileDir);
    progress.done(`CPU profiles and their summary in ${profileDir}`);
  }
  progress.done(`results: ${paths.join(', ')} (${Math.round((Date.now() - started) / 1000)} s)`);

  const problems = findProblems(results, expected, context.unavailable);
  for (const p of problems) progress.fail(`${p.scenario}/${p.system}: ${p.problem}`);
  for (const pair of context.unavailable) progress.warn(`${pair}: not measured on this machine (reason in the results)`);
  return problems.length > 0 ? 1 : 0;
}

process.on('exit', killAllNow);
process.once('SIGINT', () => void shutdown(130, 'interrupted'));
process.once('SIGTERM', () => void shutdown(143, 'terminated'));
process.on('unhandledRejection', (err) => void shutdown(1, `unexpected failure: ${err instanceof Error ? err.stack : String(err)}`));

main().then(
  (code) => process.exit(code),
  (err: unknown) => void shutdown(1, `benchmark failed: ${err instanceof Error ? err.message : String(err)}`),
);
