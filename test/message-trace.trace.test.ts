import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SpanKind } from '@opentelemetry/api';
import { ATTRIBUTE, createTracing, traceParentOf, type Tracing } from '@pubsub-ingest/common';
import { REGION } from '@pubsub-ingest/local-stack';
import { createLambdaRuntime, ingestEvent, loadLambdaConfig, receivedMessageOf, SubscriberMetrics } from '@pubsub-ingest/subscriber';
import type { SQSRecord } from 'aws-lambda';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from './support/database';
import { encodeMessage } from './support/messages';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { postJson, silentLogger, startPublisher, startSubscriber, waitFor } from './support/services';
import { startTraceCollector, type ExportedSpan, type TraceCollector } from './support/trace-collector';

/** The spans of one message's trace, found by the transaction id its server or process span carries. */
function traceOf(spans: ExportedSpan[], transactionId: string): ExportedSpan[] {
  const root = spans.find((s) => s.attributes['ingest.transaction_id'] === transactionId && (s.kind === 'server' || s.kind === 'consumer'));
  if (!root) throw new Error(`no span carries transaction id ${transactionId}`);
  return spans.filter((s) => s.traceId === root.traceId);
}

const one = (spans: ExportedSpan[], what: string, match: (s: ExportedSpan) => boolean): ExportedSpan => {
  const found = spans.filter(match);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}: ${JSON.stringify(spans.map((s) => `${s.service}/${s.name}`))}`);
  return found[0]!;
};
const childrenOf = (spans: ExportedSpan[], parent: ExportedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);

/** One trace as an indented span list with start offsets and durations, for the run's output. */
function describeTrace(trace: ExportedSpan[]): string {
  const t0 = Math.min(...trace.map((s) => s.startMs));
  const ids = new Set(trace.map((s) => s.spanId));
  const lines: string[] = [];
  const walk = (span: ExportedSpan, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${span.service} ${span.kind} "${span.name}" +${(span.startMs - t0).toFixed(1)} ms, ${(span.endMs - span.startMs).toFixed(1)} ms${span.error ? ' (error)' : ''}`);
    for (const child of childrenOf(trace, span).sort((a, b) => a.startMs - b.startMs)) walk(child, depth + 1);
  };
  for (const root of trace.filter((s) => !ids.has(s.parentSpanId)).sort((a, b) => a.startMs - b.startMs)) walk(root, 0);
  return lines.join('\n');
}

describe('one trace per message, from the POST to the insert or the dead-letter queue', () => {
  let collector: TraceCollector;
  let database: TestDatabase;
  const tracings: Tracing[] = [];
  const tracingFor = (service: string): Tracing => {
    const tracing = createTracing(service, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
    tracings.push(tracing);
    return tracing;
  };
  /** Waits until the collector holds spans matching `done`: exports are batched and written with a delay. */
  const spansWhen = (what: string, done: (spans: ExportedSpan[]) => boolean) =>
    waitFor(what, async () => {
      await Promise.all(tracings.map((t) => t.flush().catch(() => undefined)));
      const spans = collector.spans();
      return done(spans) ? spans : undefined;
    }, 20_000, 200);

  beforeAll(async () => {
    collector = await startTraceCollector();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(tracings.map((t) => t.shutdown()));
    await collector?.stop();
    await database?.drop();
  });

  it('When messages pass the publisher and the poller, then each is one trace: request, validation, publish, process, insert and delete, with the batch calls linked', async () => {
    const messaging = await createTestMessaging();
    const env = { DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint };
    const logLines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    const publisher = await startPublisher({ ...env, ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}` }, { tracing: tracingFor('publisher'), logger });
    const subscriber = await startSubscriber({ ...env, QUEUE_URL: messaging.queueUrl }, { tracing: tracingFor('subscriber') });
    try {
      // A caller's own trace continues through us: the W3C traceparent of its request becomes the parent.
      const callerTrace = 'ab'.repeat(16);
      const callerSpan = 'cd'.repeat(8);
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message: { n: i } }, i === 0 ? { traceparent: `00-${callerTrace}-${callerSpan}-01` } : {}),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
      const ids = answers.map((a) => a.json.transaction_id as string);
      for (const id of ids) await waitFor(`record ${id}`, async () => (await fetch(`${publisher.url}/data/${id}`)).status === 200);

      const spans = await spansWhen('every message to be deleted', (all) => ids.every((id) => {
        try {
          return traceOf(all, id).some((s) => s.name === 'DeleteMessageBatch');
        } catch {
          return false;
        }
      }));
      process.stdout.write(`\ntrace of message ${ids[1]}:\n${describeTrace(traceOf(spans, ids[1]!))}\n`);
      for (const [i, id] of ids.entries()) {
        const trace = traceOf(spans, id);
        const request = one(trace, 'server span', (s) => s.kind === 'server');
        expect(request).toMatchObject({ service: 'publisher', name: 'POST /ingresar-datos', attributes: { 'http.route': '/ingresar-datos', 'http.response.status_code': 202 } });
        if (i === 0) expect(request).toMatchObject({ traceId: callerTrace, parentSpanId: callerSpan });
        else expect(request.parentSpanId).toBe('');
        expect(childrenOf(trace, request).map((s) => s.name).sort()).toEqual(['publish ' + messaging.topicName, 'validate']);
        const produce = one(trace, 'producer span', (s) => s.kind === 'producer');
        expect(produce.parentSpanId).toBe(request.spanId);
        // Its POST's one log line names the transaction and the trace (the GETs polling for it have lines of their own).
        expect(logLines.filter((l) => l.transaction_id === id && l.method === 'POST')).toEqual([
          expect.objectContaining({ msg: 'request', route: '/ingresar-datos', status: 202, trace_id: request.traceId }),
        ]);
        expect(logLines.filter((l) => l.transaction_id === id && l.method === 'GET').every((l) => l.route === '/data/:id' && typeof l.trace_id === 'string')).toBe(true);

        // The PublishBatch call that carried it stands in a trace of its own and links to the message.
        const batch = one(spans, 'PublishBatch span linked to the message', (s) => s.name === 'PublishBatch' && s.links.some((l) => l.spanId === produce.spanId));
        expect(batch).toMatchObject({ service: 'publisher', kind: 'client' });
        expect(batch.startMs).toBeGreaterThanOrEqual(produce.startMs);
        expect(batch.endMs).toBeLessThanOrEqual(produce.endMs + 1);

        const processSpan = one(trace, 'process span', (s) => s.kind === 'consumer');
        expect(processSpan).toMatchObject({ service: 'subscriber', parentSpanId: produce.spanId, attributes: { 'ingest.transaction_id': id, 'ingest.outcome': 'stored', 'ingest.receive_count': 1 } });
        const receive = one(spans, 'receive span', (s) => s.spanId === processSpan.links[0]?.spanId);
        expect(receive).toMatchObject({ name: 'ReceiveMessage', kind: 'client', parentSpanId: '' });
        expect(childrenOf(trace, processSpan).map((s) => s.name)).toEqual(['insert records', 'DeleteMessageBatch']);
        const insert = one(trace, 'insert', (s) => s.name === 'insert records');
        expect(insert.attributes['db.operation.batch.size']).toBeGreaterThanOrEqual(1);
        expect(insert.error).toBe(false);
        // The steps follow each other in time, inside the process span, after the publish began.
        expect(processSpan.startMs).toBeGreaterThanOrEqual(produce.startMs);
        expect(insert.startMs).toBeGreaterThanOrEqual(processSpan.startMs - 1);
        expect(processSpan.endMs).toBeGreaterThanOrEqual(insert.endMs);
      }
    } finally {
      await subscriber.stop();
      await publisher.stop();
      messaging.destroy();
    }
  });

  it('When a message is redelivered after the database was down, then its trace holds both receives: the failed insert and the stored one', async () => {
    const messaging = await createTestMessaging({ visibilityTimeoutSeconds: 1 });
    const env = { AWS_ENDPOINT_URL: messaging.endpoint, QUEUE_URL: messaging.queueUrl, VISIBILITY_TIMEOUT_SECONDS: '1' };
    const publisher = await startPublisher(
      { DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}` },
      { tracing: tracingFor('publisher') },
    );
    try {
      const answer = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message: 'redelivered' });
      expect(answer.status).toBe(202);
      const id = answer.json.transaction_id as string;

      // A subscriber whose database refuses connections keeps the message, retries, and leaves it at shutdown.
      const down = await startSubscriber({ ...env, DATABASE_URL: 'postgres://ingest@127.0.0.1:1/none', DATABASE_CONNECT_TIMEOUT_MS: '500' }, { tracing: tracingFor('subscriber') });
      await waitFor('a failed insert', async () => (await down.metrics.messages.get()).values.some((v) => v.labels.outcome === 'failed' && v.value > 0));
      await down.stop();

      const up = await startSubscriber({ ...env, DATABASE_URL: database.url }, { tracing: tracingFor('subscriber') });
      await waitFor(`record ${id}`, async () => (await fetch(`${publisher.url}/data/${id}`)).status === 200);
      await up.stop();

      const spans = await spansWhen('both receives', (all) => all.filter((s) => s.kind === 'consumer' && s.attributes['ingest.transaction_id'] === id).length >= 2);
      const trace = traceOf(spans, id);
      const produce = one(trace, 'producer span', (s) => s.kind === 'producer');
      const receives = trace.filter((s) => s.kind === 'consumer').sort((a, b) => a.startMs - b.startMs);
      expect(receives.map((s) => [s.parentSpanId, s.attributes['ingest.outcome'], s.error])).toEqual([
        [produce.spanId, 'retry', true],
        [produce.spanId, 'stored', false],
      ]);
      const [failed, stored] = receives as [ExportedSpan, ExportedSpan];
      // A long poll aborted at shutdown may have counted a receive of its own, so only the order is certain.
      expect(failed.attributes['ingest.receive_count']).toBe(1);
      expect(stored.attributes['ingest.receive_count']).toBeGreaterThanOrEqual(2);
      expect(failed.events.some((e) => e.name === 'retry')).toBe(true);
      expect(childrenOf(trace, failed).every((s) => s.name === 'insert records' && s.error)).toBe(true);
      expect(childrenOf(trace, stored).map((s) => [s.name, s.error])).toEqual([['insert records', false], ['DeleteMessageBatch', false]]);
    } finally {
      await publisher.stop();
      messaging.destroy();
    }
  });

  it('When a message cannot be stored, then its trace shows every receive up to the redrive, each with the dead-letter reason', async () => {
    const messaging = await createTestMessaging({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
    // A producer of our own stands for a publisher of an older or foreign version: its message breaks the contract.
    const producer = tracingFor('foreign-producer');
    const span = producer.tracer.startSpan('publish foreign', { kind: SpanKind.PRODUCER });
    const message = encodeMessage({ n: 1 });
    await messaging.sendRaw(message.body, { ...message.attributes, [ATTRIBUTE.schemaVersion]: '99', [ATTRIBUTE.traceParent]: traceParentOf(span.spanContext()) });
    span.end();
    const subscriber = await startSubscriber({ DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, QUEUE_URL: messaging.queueUrl, VISIBILITY_TIMEOUT_SECONDS: '1' }, { tracing: tracingFor('subscriber') });
    try {
      await waitFor('the message in the dead-letter queue', async () => (await messaging.drain(messaging.deadLetterQueueUrl, 1)).length === 1, 30_000, 250);
    } finally {
      await subscriber.stop();
      messaging.destroy();
    }
    const producedId = span.spanContext().spanId;
    const spans = await spansWhen('two dead-lettered receives', (all) => all.filter((s) => s.kind === 'consumer' && s.parentSpanId === producedId).length >= 2);
    const receives = spans.filter((s) => s.kind === 'consumer' && s.parentSpanId === producedId).sort((a, b) => a.startMs - b.startMs);
    expect(receives.map((s) => [s.traceId, s.attributes['ingest.receive_count'], s.attributes['ingest.outcome']])).toEqual([
      [span.spanContext().traceId, 1, 'dead_letter'],
      [span.spanContext().traceId, 2, 'dead_letter'],
    ]);
    for (const receive of receives) {
      const [deadLetter, ...rest] = childrenOf(spans, receive);
      expect(rest).toEqual([]);
      expect(deadLetter).toMatchObject({ name: 'dead-letter', error: true, attributes: { 'ingest.dead_letter.cause': 'invalid' } });
      expect(String(deadLetter!.attributes['ingest.dead_letter.reason'])).toContain('schema version');
    }
  });

  it('When the Lambda handler ingests a published message, then its spans join the publisher trace like the poller does', async () => {
    const messaging = await createTestMessaging();
    const publisher = await startPublisher(
      { DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}` },
      { tracing: tracingFor('publisher') },
    );
    const runtime = createLambdaRuntime(
      loadLambdaConfig({ AWS_REGION: REGION, LOG_LEVEL: 'silent', DATABASE_URL: database.url, QUEUE_NAME: 'lambda-queue' }),
      { logger: silentLogger, tracing: tracingFor('subscriber-lambda'), metrics: Object.assign(new SubscriberMetrics({ defaultMetrics: false }), { flush: () => undefined }) },
    );
    try {
      const answer = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message: { via: 'lambda' } });
      expect(answer.status).toBe(202);
      const id = answer.json.transaction_id as string;
      const { Messages = [] } = await messaging.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: messaging.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
      );
      expect(Messages).toHaveLength(1);
      const received = receivedMessageOf(Messages[0]!);
      const record = {
        messageId: received.messageId,
        body: received.body,
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: Object.fromEntries(Object.entries(received.attributes).map(([k, v]) => [k, { stringValue: v, dataType: 'String' }])),
      } as unknown as SQSRecord;
      expect(await ingestEvent(runtime, { Records: [record] })).toEqual({ batchItemFailures: [] });

      const spans = await spansWhen('the Lambda process span', (all) => all.some((s) => s.service === 'subscriber-lambda' && s.attributes['ingest.transaction_id'] === id));
      const trace = traceOf(spans, id);
      const produce = one(trace, 'producer span', (s) => s.kind === 'producer');
      const processSpan = one(trace, 'process span', (s) => s.kind === 'consumer');
      expect(processSpan).toMatchObject({ service: 'subscriber-lambda', name: 'process lambda-queue', parentSpanId: produce.spanId, attributes: { 'ingest.outcome': 'stored' } });
      expect(childrenOf(trace, processSpan).map((s) => s.name)).toEqual(['insert records']);
      expect(one(spans, 'event span', (s) => s.spanId === processSpan.links[0]?.spanId).name).toBe('SQS event');
    } finally {
      await runtime.database.destroy();
      await publisher.stop();
      messaging.destroy();
    }
  });
});
