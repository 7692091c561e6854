import type { Database } from "better-sqlite3";
import type { Segment } from "../types.js";

/** Blob reference counting inside the caller's transaction. */
export class Ledger {
  private readonly addStmt;
  private readonly releaseStmt;

  constructor(db: Database) {
    this.addStmt = db.prepare(
      `INSERT INTO blobs (key, size, refs) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET refs = refs + 1, garbage_since = NULL`,
    );
    this.releaseStmt = db.prepare(
      `UPDATE blobs SET refs = refs - 1,
         garbage_since = CASE WHEN refs - 1 <= 0 THEN ? ELSE NULL END
       WHERE key = ?`,
    );
  }

  add(segments: readonly Segment[]): void {
    for (const s of segments) this.addStmt.run(s.key, s.size);
  }

  release(keys: readonly string[], now: number): void {
    for (const key of keys) this.releaseStmt.run(now, key);
  }
}
