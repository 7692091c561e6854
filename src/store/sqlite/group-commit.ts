import type { Database } from "better-sqlite3";

interface Pending {
  write: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the writes queued during one turn of the event loop share one transaction, so one
 * WAL fsync (synchronous=FULL) makes all of them durable instead of one each. Each write runs in
 * its own savepoint: one that fails is rolled back alone and rejects only its own caller. Every
 * promise settles after the commit — a caller is never told "done" before its write is on disk.
 *
 * better-sqlite3 is synchronous, so while one commit waits for its fsync the event loop is
 * blocked and requests pile up in the kernel; the next turn handles them all and their writes
 * leave together.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly batch: (items: Pending[]) => unknown[];

  constructor(db: Database) {
    const savepoint = db.transaction((write: () => void) => write());
    const tx = db.transaction((items: Pending[]) =>
      items.map((item) => {
        try {
          savepoint(item.write);
          return undefined;
        } catch (err) {
          return err ?? new Error("write failed");
        }
      }),
    );
    this.batch = (items) => tx.immediate(items);
  }

  /** Runs `write` (synchronous statements) in the next group transaction; resolves once committed. */
  run(write: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const items = this.queue;
    this.queue = [];
    let outcomes: unknown[];
    try {
      outcomes = this.batch(items);
    } catch (err) {
      // The commit itself failed: nothing of the group is durable.
      for (const item of items) item.reject(err);
      return;
    }
    items.forEach((item, i) => {
      const err = outcomes[i];
      if (err === undefined) item.resolve();
      else item.reject(err);
    });
  };
}
