import type { Database } from "better-sqlite3";
import { type Queued, TurnBatch } from "../../core/turn-batch.js";

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
  private readonly batch: TurnBatch<() => void, void>;

  constructor(db: Database) {
    const savepoint = db.transaction((write: () => void) => write());
    const tx = db.transaction((items: Queued<() => void, void>[]) =>
      items.map((item) => {
        try {
          savepoint(item.input);
          return undefined;
        } catch (err) {
          return err ?? new Error("write failed");
        }
      }),
    );
    this.batch = new TurnBatch((items) => {
      // If the commit itself fails, nothing of the group is recorded: TurnBatch rejects them all.
      const outcomes = tx.immediate(items);
      items.forEach((item, i) => {
        const err = outcomes[i];
        if (err === undefined) item.resolve();
        else item.reject(err);
      });
    });
  }

  /** Runs `write` (synchronous statements) in the next group transaction; resolves once committed. */
  run(write: () => void): Promise<void> {
    return this.batch.run(write);
  }
}
