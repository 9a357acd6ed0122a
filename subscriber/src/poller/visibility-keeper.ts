import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@pubsub-ingest/common';

interface Held {
  id: string;
  receiptHandle: string;
  visibleAt: number;
}

/**
 * Keeps received messages invisible while they wait or retry: when a third of the visibility
 * timeout is left, it extends them by a full timeout again.
 */
export class VisibilityKeeper {
  private readonly held = new Map<string, Held>();
  private readonly timer: NodeJS.Timeout;
  private readonly timeoutMs: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    visibilityTimeoutSeconds: number,
    private readonly logger: Logger,
    private readonly onError: () => void = () => undefined,
  ) {
    this.timeoutMs = visibilityTimeoutSeconds * 1000;
    this.timer = setInterval(() => void this.extendDue(), Math.min(1000, this.timeoutMs / 4));
    this.timer.unref();
  }

  hold(messages: { id: string; receiptHandle: string }[], receivedAt = Date.now()): void {
    for (const m of messages) this.held.set(m.receiptHandle, { ...m, visibleAt: receivedAt + this.timeoutMs });
  }

  release(receiptHandles: readonly string[]): void {
    for (const handle of receiptHandles) this.held.delete(handle);
  }

  isHeld(receiptHandle: string): boolean {
    return this.held.has(receiptHandle);
  }

  get size(): number {
    return this.held.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.held.clear();
  }

  private async extendDue(now = Date.now()): Promise<void> {
    const due = [...this.held.values()].filter((h) => h.visibleAt - now < this.timeoutMs / 3);
    for (let i = 0; i < due.length; i += 10) {
      const chunk = due.slice(i, i + 10);
      try {
        const result = await this.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((h, n) => ({ Id: String(n), ReceiptHandle: h.receiptHandle, VisibilityTimeout: this.timeoutMs / 1000 })),
          }),
        );
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        chunk.forEach((h, n) => {
          if (!failed.has(String(n))) h.visibleAt = now + this.timeoutMs;
        });
        if (failed.size > 0) this.logger.warn({ failed: result.Failed }, 'could not extend visibility; those messages may be redelivered');
      } catch (err) {
        this.onError();
        this.logger.warn({ err }, 'could not extend visibility; those messages may be redelivered');
      }
    }
  }
}
