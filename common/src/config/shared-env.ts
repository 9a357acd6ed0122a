import { z } from 'zod';
import { envVar } from './env';

/** Settings every process reads the same way; each service's config module spreads the ones it needs. */
export const loggingEnv = {
  LOG_LEVEL: envVar.logLevel(),
};

/** The standard AWS SDK settings: the region, and the endpoint override the local stack uses. */
export const awsEnv = {
  AWS_REGION: z.string().min(1),
  AWS_ENDPOINT_URL: envVar.url().optional(),
};

const otelExporters = z
  .string()
  .transform((raw) => raw.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(['otlp', 'console', 'none'], { message: 'expected otlp, console or none' })));

/**
 * The standard OpenTelemetry variables that decide whether traces are recorded; the OTLP exporter
 * reads its own `OTEL_EXPORTER_OTLP_*` settings. Tracing is off unless an exporter or endpoint is set.
 */
export const tracingEnv = {
  OTEL_SDK_DISABLED: envVar.boolean(false),
  OTEL_TRACES_EXPORTER: otelExporters.optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: envVar.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envVar.url().optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
};

export type TracingConfig = { [K in keyof typeof tracingEnv]?: z.output<(typeof tracingEnv)[K]> };
