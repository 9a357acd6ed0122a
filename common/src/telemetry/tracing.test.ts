import { readEnv } from '../config/env';
import { tracingEnv } from '../config/shared-env';
import { z } from 'zod';
import { createTracing } from './tracing';
import { contextOfTraceParent, spanContextOf, traceParentOf } from './trace-context';

const tracingFor = (env: Record<string, string>) => createTracing('test', readEnv(z.object(tracingEnv), env));

describe('tracing from the standard OTEL_* variables', () => {
  it('When no OTEL_* variable is set, then tracing is off and spans are not recorded', async () => {
    const tracing = tracingFor({});
    expect(tracing.enabled).toBe(false);
    expect(tracing.tracer.startSpan('x').isRecording()).toBe(false);
    await tracing.shutdown();
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, false],
  ])('When the environment is %j, then tracing is on: %s', async (env, on) => {
    const tracing = tracingFor(env);
    expect(tracing.enabled).toBe(on);
    expect(tracing.tracer.startSpan('x').isRecording()).toBe(on);
    await tracing.shutdown();
  });

  it('When a sampler asks for none of the new traces, then a root span is not recorded but a sampled parent still is followed', async () => {
    const tracing = tracingFor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    expect(tracing.tracer.startSpan('root').isRecording()).toBe(false);
    const sampledParent = contextOfTraceParent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(tracing.tracer.startSpan('child', {}, sampledParent).isRecording()).toBe(true);
    await tracing.shutdown();
  });

  it('When an OTEL_* value is not one of the standard ones, then the configuration names the variable', () => {
    expect(() => tracingFor({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => tracingFor({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});

describe('the traceparent a message carries', () => {
  it('When a span context is written and read back, then it names the same trace and span as a remote parent', () => {
    const context = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    expect(traceParentOf(context)).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(spanContextOf(traceParentOf(context))).toEqual({ ...context, isRemote: true });
  });

  it.each(['', 'garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'])(
    'When the attribute is %j, then there is no parent and the message starts a trace of its own',
    (value) => expect(spanContextOf(value)).toBeUndefined(),
  );
});
