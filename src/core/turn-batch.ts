/** One queued call: its input, and how to answer it. */
export interface Queued<I, R> {
  input: I;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * Collects the calls made during one turn of the event loop and hands them to `flush` together,
 * once that turn's I/O callbacks have run (setImmediate). Work done for many requests back to back
 * shares one transaction, or keeps the code and tables it uses warm in the CPU caches. `flush` must
 * answer every call it is given.
 */
export class TurnBatch<I, R> {
  private queue: Queued<I, R>[] = [];
  private scheduled = false;

  constructor(private readonly flush: (batch: Queued<I, R>[]) => void) {}

  run(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.drain);
      }
    });
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    try {
      this.flush(batch);
    } catch (err) {
      for (const q of batch) q.reject(err);
    }
  };
}
