import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchResultErrorEntry } from '@aws-sdk/client-sqs';
import { SqsRequestError, type QueueTransport } from './sqs-json-client';

/** Tries of one DeleteMessageBatch call that failed as a whole (throttling, a server error, a dropped connection). */
const CALL_ATTEMPTS = 3;

/**
 * Deletes messages in batches of 10, retrying entries that failed once. Returns the entries that
 * still failed: they will be redelivered, and the primary key keeps their records single.
 */
export async function deleteMessages(sqs: QueueTransport, queueUrl: string, receiptHandles: readonly string[]): Promise<BatchResultErrorEntry[]> {
  const failures: BatchResultErrorEntry[] = [];
  const chunks: string[][] = [];
  for (let i = 0; i < receiptHandles.length; i += 10) chunks.push(receiptHandles.slice(i, i + 10));
  await Promise.all(
    chunks.map(async (chunk) => {
      let entries = chunk.map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const failed = await deleteBatch(sqs, queueUrl, entries);
        if (failed.length === 0) return;
        const retryable = new Set(failed.filter((f) => !f.SenderFault).map((f) => f.Id));
        if (attempt >= 2 || retryable.size === 0) {
          failures.push(...failed);
          return;
        }
        failures.push(...failed.filter((f) => f.SenderFault));
        entries = entries.filter((e) => retryable.has(e.Id));
      }
    }),
  );
  return failures;
}

async function deleteBatch(sqs: QueueTransport, queueUrl: string, entries: { Id: string; ReceiptHandle: string }[]): Promise<BatchResultErrorEntry[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sqs.deleteBatch(queueUrl, entries);
    } catch (err) {
      const retryable = !(err instanceof SqsRequestError) || err.retryable;
      if (!retryable || attempt >= CALL_ATTEMPTS) throw err;
      await sleep(Math.random() * 100 * 2 ** attempt);
    }
  }
}
