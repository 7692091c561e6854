import type { InventoryItem } from "../../core/jobs-inventory.js";
import type { ArchiveRecord, ArchiveStore, InlineBlob, Segment } from "../types.js";
import type { SqliteContext } from "./context.js";

interface ArchiveRow {
  archive_id: string;
  vault_id: number;
  size: number;
  tree_hash: string;
  description: string | null;
  created_at: number;
  segments: string;
}

const toArchive = (r: ArchiveRow): ArchiveRecord => ({
  archiveId: r.archive_id,
  vaultId: r.vault_id,
  size: r.size,
  treeHash: r.tree_hash,
  description: r.description,
  createdAt: r.created_at,
  segments: JSON.parse(r.segments) as Segment[],
});

/** Live statistics move with every archive added or removed; the inventory catches up later. */
function vaultAdjuster(ctx: SqliteContext) {
  return ctx.db.prepare(
    `UPDATE vaults SET live_count = live_count + ?, live_size = live_size + ?,
       dirty_since = COALESCE(dirty_since, ?) WHERE id = ?`,
  );
}

/**
 * Records an archive inside the caller's transaction: its row, its blob references and the vault's
 * live statistics. Shared by UploadArchive and CompleteMultipartUpload so the rules live in one place.
 */
export function archiveInserter(ctx: SqliteContext): (a: ArchiveRecord, now: number, inline?: InlineBlob) => void {
  const insert = ctx.db.prepare(
    `INSERT INTO archives (archive_id, vault_id, size, tree_hash, description, created_at, segments)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const adjust = vaultAdjuster(ctx);
  return (a, now, inline) => {
    insert.run(a.archiveId, a.vaultId, a.size, a.treeHash, a.description, a.createdAt, JSON.stringify(a.segments));
    ctx.ledger.add(a.segments, inline);
    adjust.run(1, a.size, now, a.vaultId);
  };
}

export class SqliteArchiveStore implements ArchiveStore {
  private readonly getStmt;
  private readonly inserter;
  private readonly group;
  private readonly deleteTx;
  private readonly pageFirst;
  private readonly pageAfter;

  constructor(ctx: SqliteContext) {
    const { db, ledger } = ctx;
    this.getStmt = db.prepare<[string], ArchiveRow>("SELECT * FROM archives WHERE archive_id = ?");
    const remove = db.prepare("DELETE FROM archives WHERE archive_id = ?");
    const adjust = vaultAdjuster(ctx);
    this.inserter = archiveInserter(ctx);
    this.group = ctx.group;
    this.deleteTx = db.transaction((archiveId: string, now: number): ArchiveRow | undefined => {
      const row = this.getStmt.get(archiveId);
      if (!row) return undefined;
      remove.run(archiveId);
      ledger.release(
        (JSON.parse(row.segments) as Segment[]).map((s) => s.key),
        now,
      );
      adjust.run(-1, -row.size, now, row.vault_id);
      return row;
    });
    // Inventory pages walk (created_at, archive_id) so that concurrent uploads never shift a page.
    // They read only the listed columns: no blob segments to parse per archive.
    const filter = "vault_id = ? AND created_at >= ? AND created_at < ?";
    const columns = "archive_id AS archiveId, description, created_at AS createdAt, size, tree_hash AS treeHash";
    this.pageFirst = db.prepare<[number, number, number, number], InventoryItem>(
      `SELECT ${columns} FROM archives WHERE ${filter} ORDER BY created_at, archive_id LIMIT ?`,
    );
    this.pageAfter = db.prepare<[number, number, number, number, number, string, number], InventoryItem>(
      `SELECT ${columns} FROM archives WHERE ${filter} AND (created_at > ? OR (created_at = ? AND archive_id > ?))
       ORDER BY created_at, archive_id LIMIT ?`,
    );
  }

  /** Group-committed with the other inserts of this event-loop turn (one fsync for all of them). */
  insert(archive: ArchiveRecord, now: number, inline?: InlineBlob): Promise<void> {
    return this.group.run(() => this.inserter(archive, now, inline));
  }

  async get(archiveId: string): Promise<ArchiveRecord | undefined> {
    const row = this.getStmt.get(archiveId);
    return row && toArchive(row);
  }

  async delete(archiveId: string, now: number): Promise<ArchiveRecord | undefined> {
    const row = this.deleteTx.immediate(archiveId, now);
    return row && toArchive(row);
  }

  async listForInventory(
    vaultId: number,
    after: { createdAt: number; archiveId: string } | undefined,
    limit: number,
    filter: { startMs?: number; endMs?: number },
  ): Promise<InventoryItem[]> {
    const start = filter.startMs ?? 0;
    const end = filter.endMs ?? Number.MAX_SAFE_INTEGER;
    return after
      ? // Starting the index range at the cursor keeps every page O(page), not O(rows before it).
        this.pageAfter.all(
          vaultId,
          Math.max(start, after.createdAt),
          end,
          after.createdAt,
          after.createdAt,
          after.archiveId,
          limit,
        )
      : this.pageFirst.all(vaultId, start, end, limit);
  }
}
