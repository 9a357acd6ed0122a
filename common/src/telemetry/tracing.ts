import { ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config/shared-env';

/** The tracer a service's components take; a no-op tracer (and `enabled: false`) unless tracing is switched on. */
export interface Tracing {
  readonly tracer: Tracer;
  /** False when tracing is off: hot paths skip building span attributes and trace context altogether. */
  readonly enabled: boolean;
  /** Sends the spans still buffered (a Lambda invocation calls it before returning). */
  flush(): Promise<void>;
  /** Flushes and stops the exporter. */
  shutdown(): Promise<void>;
}

const TRACER_NAME = '@pubsub-ingest';

/** Off: what every service runs with unless `OTEL_*` switches tracing on. */
export const tracingOff: Tracing = {
  tracer: new ProxyTracerProvider().getTracer(TRACER_NAME),
  enabled: false,
  flush: async () => undefined,
  shutdown: async () => undefined,
};

/**
 * Tracing as the standard OpenTelemetry environment asks for it, off by default. On when
 * `OTEL_TRACES_EXPORTER` names `otlp` (or `console`), or when it is unset and an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is; `OTEL_SDK_DISABLED=true`
 * or `OTEL_TRACES_EXPORTER=none` keeps it off. The OTLP exporter (http/protobuf) reads its own
 * `OTEL_EXPORTER_OTLP_*` settings (endpoint, headers, timeout, compression, certificates);
 * `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` name the resource.
 *
 * Each service gets its own provider (nothing is registered globally), so a publisher and a
 * subscriber in one process still report as two services.
 */
export function createTracing(service: string, config: TracingConfig, version = '0.1.0'): Tracing {
  const exporters = tracesExporters(config);
  if (exporters.length === 0) return tracingOff;
  const processors: SpanProcessor[] = exporters.map((name) =>
    name === 'console'
      ? new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })
      : new BatchSpanProcessor({ exporter: new OTLPTraceExporter(otlpUrlOf(config)), maxQueueSize: 8192, maxExportBatchSize: 512 }),
  );
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: service, [ATTR_SERVICE_VERSION]: version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({ resource, sampler: samplerOf(config), spanProcessors: processors });
  return {
    tracer: provider.getTracer(TRACER_NAME, version),
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * The traces endpoint as the OTLP specification derives it: the signal's own variable as it is,
 * or `/v1/traces` under the generic one. Passed explicitly so the configuration read at start-up
 * is the one used; undefined leaves the exporter's default (localhost:4318).
 */
function otlpUrlOf(config: TracingConfig): { url?: string } {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return { url: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT };
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return { url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` };
  return {};
}

function tracesExporters(config: TracingConfig): ('otlp' | 'console')[] {
  if (config.OTEL_SDK_DISABLED) return [];
  const named = config.OTEL_TRACES_EXPORTER;
  if (named === undefined) return config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ['otlp'] : [];
  return named.filter((n): n is 'otlp' | 'console' => n !== 'none');
}

/** The sampler of `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` (default: parent-based, always on). */
function samplerOf({ OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: arg }: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(arg ?? 1);
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
