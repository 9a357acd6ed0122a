import { progress } from '../progress';
import { startOtlpSink } from '../peers/otlp-sink';
import type { SystemResult } from '../report/results';
import { measure, type Scenario, type ScenarioContext } from './context';
import { runE2e } from './e2e-run';

/** The e2e scenario's one constant rate; tracing runs it too. */
async function runSteadyE2e(context: ScenarioContext, env: Record<string, string> = {}): Promise<Record<string, number>> {
  const { rate, durationS } = context.options.sizes.e2e;
  return (await runE2e(context, { label: 'e2e', segments: [{ rate, durationS }], env })).figures;
}

/** The e2e run with tracing off and on, alternating, each system keeping its lowest-CPU round. */
async function runTracing(context: ScenarioContext): Promise<Record<string, SystemResult>> {
  const sink = await startOtlpSink();
  const rounds = context.options.quick ? 1 : 2;
  const best: Record<string, Record<string, number>> = {};
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [system, env] of [
        ['tracing_off', {}],
        ['tracing_on', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint }],
      ] as const) {
        progress.step(`${system}, round ${round + 1} of ${rounds}`);
        const result = await runSteadyE2e(context, env);
        if (system === 'tracing_on') result.otlp_export_kib_per_s = round1(sink.received.bytes / 1024 / context.options.sizes.e2e.durationS);
        sink.received.bytes = 0;
        if (!best[system] || (result.services_cpu_s_per_1k_msgs ?? Infinity) < (best[system]!.services_cpu_s_per_1k_msgs ?? Infinity)) best[system] = result;
      }
    }
  } finally {
    await sink.stop();
  }
  return best;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export const tracingScenario: Scenario = {
  name: 'tracing',
  what: 'the e2e run with tracing off and on (OTLP export to a sink that drops it): what tracing costs in CPU and lag',
  expected: () => ({ tracing_off: ['msgs_per_s', 'p99_ms', 'services_cpu_s_per_1k_msgs'], tracing_on: ['msgs_per_s', 'p99_ms', 'services_cpu_s_per_1k_msgs', 'otlp_export_kib_per_s'] }),
  run: (context) => runTracing(context),
};

export const e2eScenario: Scenario = {
  name: 'e2e',
  what: 'sustained POST rate through SNS, SQS and the subscriber; lag from the 202 to the row being visible',
  expected: () => ({ ours: ['msgs_per_s', 'p50_ms', 'p99_ms'] }),
  run: async (context) => ({ ours: await measure('e2e ours', () => runSteadyE2e(context)) }),
};
