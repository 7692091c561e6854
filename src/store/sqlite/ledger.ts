import type { Database } from "better-sqlite3";
import type { InlineBlob, Segment } from "../types.js";

/** Blob reference counting inside the caller's transaction. */
export class Ledger {
  private readonly addStmt;
  private readonly releaseStmt;
  private readonly inlineStmt;

  constructor(db: Database) {
    this.addStmt = db.prepare(
      `INSERT INTO blobs (key, size, refs) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET refs = refs + 1, garbage_since = NULL`,
    );
    this.inlineStmt = db.prepare("INSERT INTO inline_blobs (key, data) VALUES (?, ?)");
    this.releaseStmt = db.prepare(
      `UPDATE blobs SET refs = refs - 1,
         garbage_since = CASE WHEN refs - 1 <= 0 THEN ? ELSE NULL END
       WHERE key = ?`,
    );
  }

  /** References the segments' blobs; `inline` holds the bytes of new blobs kept in the database. */
  add(segments: readonly Segment[], inline?: InlineBlob): void {
    for (const s of segments) this.addStmt.run(s.key, s.size);
    if (inline) {
      const seg = segments.find((s) => s.key === inline.key);
      if (!seg || seg.size !== inline.data.length) {
        throw new Error(`inline blob ${inline.key} does not match a segment of its size`);
      }
      this.inlineStmt.run(inline.key, inline.data);
    }
  }

  release(keys: readonly string[], now: number): void {
    for (const key of keys) this.releaseStmt.run(now, key);
  }
}
