import type { StoreOutcome } from './store-messages';

export interface BatchWriterOptions {
  /** Most messages in one statement. */
  maxBatch: number;
  /** How long the first message of a batch may wait for more. */
  lingerMs: number;
  /** Statements in flight at once (at most the pool size). */
  concurrency: number;
}

/** One caller's write: its outcomes fill in as the statements carrying its items finish. */
interface Write {
  outcomes: StoreOutcome[];
  remaining: number;
  resolve: (outcomes: StoreOutcome[]) => void;
}

interface Pending<T> {
  item: T;
  write: Write;
  index: number;
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
    if (items.length === 0) return Promise.resolve([]);
    // One promise per caller, not per item: a receive of ten messages is one wait.
    const done = new Promise<StoreOutcome[]>((resolve) => {
      const write: Write = { outcomes: new Array<StoreOutcome>(items.length), remaining: items.length, resolve };
      for (let index = 0; index < items.length; index++) this.pending.push({ item: items[index]!, write, index });
    });
    if (this.pending.length >= this.options.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    return done;
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
      const retry: StoreOutcome = { status: 'retry', reason: err instanceof Error ? err.message : String(err) };
      outcomes = batch.map(() => retry);
    }
    for (let i = 0; i < batch.length; i++) {
      const { write, index } = batch[i]!;
      write.outcomes[index] = outcomes[i]!;
      if (--write.remaining === 0) write.resolve(write.outcomes);
    }
    this.active--;
    if (this.pending.length > 0) this.flush();
  }
}
