import { decodeQueuedMessage, type Database, type IngestMessage, type Logger, type QueuedMessage } from '@pubsub-ingest/common';
import type { Kysely } from 'kysely';
import type { SubscriberMetrics } from '../metrics';
import { BatchWriter, type BatchWriterOptions } from './batch-writer';
import { storeMessages } from './store-messages';

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

/** A queued message with what its transport knows about it, for the logs. */
export interface ReceivedMessage extends QueuedMessage {
  messageId: string;
  /** How often SQS has handed this message out, this time included. */
  receiveCount: number;
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
  metrics: SubscriberMetrics;
  logger: Logger;
}

export function createIngestCore({ db, batch, metrics, logger }: IngestCoreDeps): IngestCore {
  const writer = new BatchWriter((messages) => storeMessages(db, messages), batch, (size) => metrics.batchSize.observe(size));

  const deadLetter = (received: ReceivedMessage, cause: 'invalid' | 'rejected', reason: string, transactionId?: string): IngestOutcome => {
    // Logged once, on the first receive: the later receives until the redrive are the same story.
    if (received.receiveCount <= 1) {
      logger.error({ messageId: received.messageId, transactionId, cause, reason }, 'message left for the dead-letter queue');
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
      const stored = await writer.write(decoded.map((d) => d.message));
      decoded.forEach(({ index, message }, i) => {
        const outcome = stored[i]!;
        outcomes[index] =
          outcome.status === 'rejected' ? deadLetter(received[index]!, 'rejected', outcome.reason, message.transactionId)
          : outcome.status === 'retry' ? { status: 'retry', reason: outcome.reason }
          : { status: outcome.status, message };
      });
      metrics.record(outcomes);
      return outcomes;
    },
  };
}
