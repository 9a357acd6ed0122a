import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './services';

/** One span as the collector's file exporter wrote it, with its resource's service name. */
export interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  events: { name: string; attributes: Record<string, string | number | boolean> }[];
  error: boolean;
}

export interface TraceCollector {
  /** The OTLP/HTTP endpoint, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  /** Every span written so far. */
  spans(): ExportedSpan[];
  stop(): Promise<void>;
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

type OtlpValue = { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
const attributesOf = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? ''))]));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the OpenTelemetry Collector built by scripts/observability/install-tools.sh (OTELCOL_BIN),
 * receiving OTLP on a loopback port and writing spans to a file of its own.
 */
export async function startTraceCollector(): Promise<TraceCollector> {
  const bin = process.env.OTELCOL_BIN;
  if (!bin || !existsSync(bin)) throw new Error(`OTELCOL_BIN (${bin ?? 'unset'}) is not the collector binary: run the tracing tests with npm run test:tracing`);
  const dir = mkdtempSync(join(tmpdir(), 'traces-'));
  const file = join(dir, 'traces.jsonl');
  const port = await freePort();
  const child: ChildProcess = spawn(bin, [`--config=file:${join(__dirname, '..', '..', 'scripts', 'observability', 'otelcol', 'config.yaml')}`], {
    env: { PATH: process.env.PATH, OTELCOL_OTLP_HTTP_PORT: String(port), OTELCOL_TRACES_FILE: file },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(`the collector on ${endpoint}`, async () => {
    if (child.exitCode !== null) throw new Error(`collector exited ${child.exitCode}: ${log}`);
    return log.includes('Everything is ready');
  }, 15_000);

  return {
    endpoint,
    spans: () =>
      !existsSync(file)
        ? []
        : readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((line) =>
            (JSON.parse(line).resourceSpans ?? []).flatMap((rs: any) => {
              const service = String(attributesOf(rs.resource?.attributes)['service.name']);
              return (rs.scopeSpans ?? []).flatMap((ss: any) =>
                (ss.spans ?? []).map((s: any): ExportedSpan => ({
                  service,
                  traceId: s.traceId,
                  spanId: s.spanId,
                  parentSpanId: s.parentSpanId ?? '',
                  name: s.name,
                  kind: KINDS[s.kind ?? 0] as ExportedSpan['kind'],
                  startMs: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000,
                  endMs: Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000,
                  attributes: attributesOf(s.attributes),
                  links: (s.links ?? []).map((l: any) => ({ traceId: l.traceId, spanId: l.spanId })),
                  events: (s.events ?? []).map((e: any) => ({ name: e.name, attributes: attributesOf(e.attributes) })),
                  error: s.status?.code === 2,
                })),
              );
            }),
          ),
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
