import { DeleteMessageBatchCommand, type BatchResultErrorEntry, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Deletes messages in batches of 10, retrying entries that failed once. Returns the entries that
 * still failed: they will be redelivered, and the primary key keeps their records single.
 */
export async function deleteMessages(sqs: SQSClient, queueUrl: string, receiptHandles: readonly string[]): Promise<BatchResultErrorEntry[]> {
  const failures: BatchResultErrorEntry[] = [];
  const chunks: string[][] = [];
  for (let i = 0; i < receiptHandles.length; i += 10) chunks.push(receiptHandles.slice(i, i + 10));
  await Promise.all(
    chunks.map(async (chunk) => {
      let entries = chunk.map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const result = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failed = result.Failed ?? [];
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
