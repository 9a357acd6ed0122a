import { performance } from 'node:perf_hooks';
import type { Span } from '@opentelemetry/api';
import { decodeQueuedMessage, type Database, type IngestMessage, type Logger, type QueuedMessage } from '@pubsub-ingest/common';
import type { Kysely } from 'kysely';
import type { IngestMetrics } from '../metrics';
import { BatchWriter, type BatchWriterOptions } from './batch-writer';
import type { MessageTracing } from './message-tracing';
import { storeMessages, type StoreOutcome } from './store-messages';

/**
 * What became of one queued message:
 * - `stored`: written now; `duplicate`: its transaction id was already stored. Both may be deleted.
 * - `dead_letter`: outside the contract (`invalid`) or refused by the database (`rejected`); it is
 *   left on the queue, and the redrive policy moves it to the dead-letter queue.
 * - `retry`: the database is unavailable; nothing was written and the message must be kept.
 */
export type IngestOutcome =
  | { status: 'stored' | 'duplicate'; message: IngestMessage }
  | { status: 'dead_letter'; cause: 'invalid' | 'rejected'; reason: string }
  | { status: 'retry'; reason: string };

export const isAcknowledgeable = (o: IngestOutcome): boolean => o.status === 'stored' || o.status === 'duplicate';

/** A queued message with what its transport knows about it, for the logs and the trace. */
export interface ReceivedMessage extends QueuedMessage {
  messageId: string;
  /** How often SQS has handed this message out, this time included. */
  receiveCount: number;
  /** The message's process span when tracing is on; its transport starts and ends it. */
  span?: Span;
}

/** The one ingest path, used unchanged by the poller and the Lambda handler. */
export interface IngestCore {
  /** Decodes and stores messages; outcomes come back in input order. Never throws. */
  ingest(messages: readonly ReceivedMessage[]): Promise<IngestOutcome[]>;
  /** Messages waiting for a statement. */
  readonly waiting: number;
}

export interface IngestCoreDeps {
  db: Kysely<Database>;
  batch: BatchWriterOptions;
  metrics: IngestMetrics;
  logger: Logger;
  tracing: MessageTracing;
}

interface Pending {
  message: IngestMessage;
  span: Span | undefined;
}

export function createIngestCore({ db, batch, metrics, logger, tracing }: IngestCoreDeps): IngestCore {
  /** One statement for the messages of every caller waiting; one log line and one metric sample per statement. */
  const store = async (pending: Pending[]): Promise<StoreOutcome[]> => {
    const startedAt = Date.now();
    const started = performance.now();
    const outcomes = await storeMessages(db, pending.map((p) => p.message));
    const seconds = (performance.now() - started) / 1000;
    metrics.statement(pending.length, seconds);
    const counts = { stored: 0, duplicate: 0, rejected: 0, retry: 0 };
    for (const o of outcomes) counts[o.status]++;
    const failure = outcomes.find((o): o is Extract<StoreOutcome, { status: 'retry' }> => o.status === 'retry')?.reason;
    tracing.step(
      pending.map((p) => p.span),
      'insert records',
      startedAt,
      Date.now(),
      { 'db.system.name': 'postgresql', 'db.operation.name': 'INSERT', 'db.collection.name': 'records', 'db.operation.batch.size': pending.length },
      failure,
    );
    logger.info({ size: pending.length, ...counts, duration_ms: Math.round(seconds * 10_000) / 10 }, 'batch stored');
    return outcomes;
  };
  const writer = new BatchWriter(store, batch);

  const deadLetter = (received: ReceivedMessage, cause: 'invalid' | 'rejected', reason: string, transactionId?: string): IngestOutcome => {
    const now = Date.now();
    tracing.step([received.span], 'dead-letter', now, now, { 'ingest.dead_letter.cause': cause, 'ingest.dead_letter.reason': reason, 'ingest.receive_count': received.receiveCount }, reason);
    // Logged once, on the first receive: the later receives until the redrive are the same story.
    if (received.receiveCount <= 1) {
      logger.error(
        { messageId: received.messageId, transaction_id: transactionId, ...(received.span ? { trace_id: received.span.spanContext().traceId } : {}), cause, reason },
        'message left for the dead-letter queue',
      );
    }
    return { status: 'dead_letter', cause, reason };
  };

  return {
    get waiting() {
      return writer.waiting;
    },
    async ingest(received) {
      const outcomes: IngestOutcome[] = new Array(received.length);
      const decoded: { index: number; message: IngestMessage }[] = [];
      received.forEach((r, index) => {
        const result = decodeQueuedMessage(r);
        if (result.ok) decoded.push({ index, message: result.message });
        else outcomes[index] = deadLetter(r, 'invalid', result.reason);
      });
      const stored = await writer.write(decoded.map(({ index, message }) => ({ message, span: received[index]!.span })));
      decoded.forEach(({ index, message }, i) => {
        const outcome = stored[i]!;
        received[index]!.span?.setAttribute('ingest.transaction_id', message.transactionId);
        outcomes[index] =
          outcome.status === 'rejected' ? deadLetter(received[index]!, 'rejected', outcome.reason, message.transactionId)
          : outcome.status === 'retry' ? { status: 'retry', reason: outcome.reason }
          : { status: outcome.status, message };
      });
      if (tracing.enabled) received.forEach((r, i) => r.span?.setAttribute('ingest.outcome', outcomes[i]!.status));
      metrics.record(outcomes);
      return outcomes;
    },
  };
}
