import type { IngestMessage } from '@pubsub-ingest/common';
import { BatchWriter } from './batch-writer';
import type { StoreOutcome } from './store-messages';

const message = (n: number) => ({ transactionId: `id-${n}` }) as IngestMessage;

describe('BatchWriter', () => {
  it('When writes from several callers arrive together, then they share one statement and each gets its own outcomes', async () => {
    const batches: string[][] = [];
    const writer = new BatchWriter<IngestMessage>(
      async (messages) => {
        batches.push(messages.map((m) => m.transactionId));
        return messages.map((m): StoreOutcome => ({ status: m.transactionId === 'id-2' ? 'duplicate' : 'stored' }));
      },
      { maxBatch: 100, lingerMs: 10, concurrency: 1 },
    );
    const [a, b] = await Promise.all([writer.write([message(1), message(2)]), writer.write([message(3)])]);
    expect(batches).toEqual([['id-1', 'id-2', 'id-3']]);
    expect(a.map((o) => o.status)).toEqual(['stored', 'duplicate']);
    expect(b.map((o) => o.status)).toEqual(['stored']);
  });

  it('When more messages wait than a batch holds, then they are split and never exceed maxBatch', async () => {
    const sizes: number[] = [];
    const writer = new BatchWriter<IngestMessage>(
      async (messages) => {
        sizes.push(messages.length);
        return messages.map((): StoreOutcome => ({ status: 'stored' }));
      },
      { maxBatch: 4, lingerMs: 1000, concurrency: 2 },
    );
    await writer.write(Array.from({ length: 10 }, (_, i) => message(i)));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
  });

  it('When the store throws, then every message of that batch comes back as retry', async () => {
    const writer = new BatchWriter(async () => Promise.reject(new Error('connection refused')), { maxBatch: 10, lingerMs: 0, concurrency: 1 });
    const outcomes = await writer.write([message(1), message(2)]);
    expect(outcomes).toEqual([
      { status: 'retry', reason: 'connection refused' },
      { status: 'retry', reason: 'connection refused' },
    ]);
  });
});
