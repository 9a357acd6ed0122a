import type { StoreOutcome } from './store-messages';

export interface BatchWriterOptions {
  /** Most messages in one statement. */
  maxBatch: number;
  /** How long the first message of a batch may wait for more. */
  lingerMs: number;
  /** Statements in flight at once (at most the pool size). */
  concurrency: number;
}

interface Pending<T> {
  item: T;
  resolve: (outcome: StoreOutcome) => void;
}

/**
 * Gathers the messages of every caller into large statements: a batch is written when it is full,
 * when its first message has waited `lingerMs`, or as soon as a writer frees up while messages wait.
 */
export class BatchWriter<T> {
  private pending: Pending<T>[] = [];
  private active = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: (items: T[]) => Promise<StoreOutcome[]>,
    private readonly options: BatchWriterOptions,
  ) {}

  write(items: readonly T[]): Promise<StoreOutcome[]> {
    const outcomes = items.map((item) => new Promise<StoreOutcome>((resolve) => this.pending.push({ item, resolve })));
    if (this.pending.length >= this.options.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    return Promise.all(outcomes);
  }

  get waiting(): number {
    return this.pending.length;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0 && this.active < this.options.concurrency) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      this.active++;
      void this.run(batch);
    }
  }

  private async run(batch: Pending<T>[]): Promise<void> {
    let outcomes: StoreOutcome[];
    try {
      outcomes = await this.store(batch.map((p) => p.item));
    } catch (err) {
      outcomes = batch.map(() => ({ status: 'retry', reason: err instanceof Error ? err.message : String(err) }));
    }
    batch.forEach((p, i) => p.resolve(outcomes[i]!));
    this.active--;
    if (this.pending.length > 0) this.flush();
  }
}
