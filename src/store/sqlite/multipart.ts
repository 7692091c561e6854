import type {
  AbortResult,
  CompleteResult,
  ExpiryLimits,
  PartRecord,
  PutPartResult,
  UploadRecord,
  UploadState,
  UploadStore,
} from "../multipart.js";
import type { ArchiveRecord } from "../types.js";
import { archiveInserter } from "./archives.js";
import type { SqliteContext } from "./context.js";

interface UploadRow {
  upload_id: string;
  vault_id: number;
  part_size: number;
  description: string | null;
  created_at: number;
  last_activity_at: number;
  state: UploadState;
  closed_at: number | null;
  archive_id: string | null;
  archive_size: number | null;
  archive_tree_hash: string | null;
}

interface PartRow {
  part_index: number;
  size: number;
  tree_hash: string;
  blob_key: string;
}

const toUpload = (r: UploadRow): UploadRecord => ({
  uploadId: r.upload_id,
  vaultId: r.vault_id,
  partSize: r.part_size,
  description: r.description,
  createdAt: r.created_at,
  lastActivityAt: r.last_activity_at,
  state: r.state,
  closedAt: r.closed_at,
  archiveId: r.archive_id,
  archiveSize: r.archive_size,
  archiveTreeHash: r.archive_tree_hash,
});

const toPart = (r: PartRow): PartRecord => ({
  index: r.part_index,
  size: r.size,
  treeHash: r.tree_hash,
  blobKey: r.blob_key,
});

/** Expiry works in batches so that one sweep never holds the write lock for long. */
const EXPIRY_BATCH = 100;

export class SqliteUploadStore implements UploadStore {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly partsFrom;
  private readonly openFirst;
  private readonly openAfter;
  private readonly putPartTx;
  private readonly completeTx;
  private readonly abortTx;
  private readonly expireTx;

  constructor(ctx: SqliteContext) {
    const { db, ledger } = ctx;
    this.getStmt = db.prepare<[string], UploadRow>("SELECT * FROM uploads WHERE upload_id = ?");
    this.insertStmt = db.prepare<[string, number, number, string | null, number, number], UploadRow>(
      `INSERT INTO uploads (upload_id, vault_id, part_size, description, created_at, last_activity_at, state)
       VALUES (?, ?, ?, ?, ?, ?, 'open') RETURNING *`,
    );
    this.partsFrom = db.prepare<[string, number, number], PartRow>(
      "SELECT * FROM upload_parts WHERE upload_id = ? AND part_index >= ? ORDER BY part_index LIMIT ?",
    );
    const allParts = db.prepare<[string], PartRow>(
      "SELECT * FROM upload_parts WHERE upload_id = ? ORDER BY part_index",
    );
    this.openFirst = db.prepare<[number, number], UploadRow>(
      `SELECT * FROM uploads WHERE vault_id = ? AND state = 'open' ORDER BY created_at, upload_id LIMIT ?`,
    );
    this.openAfter = db.prepare<[number, number, number, string, number], UploadRow>(
      `SELECT * FROM uploads WHERE vault_id = ? AND state = 'open'
         AND (created_at > ? OR (created_at = ? AND upload_id > ?))
       ORDER BY created_at, upload_id LIMIT ?`,
    );
    const partAt = db.prepare<[string, number], PartRow>(
      "SELECT * FROM upload_parts WHERE upload_id = ? AND part_index = ?",
    );
    const upsertPart = db.prepare(
      `INSERT INTO upload_parts (upload_id, part_index, size, tree_hash, blob_key) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (upload_id, part_index) DO UPDATE SET
         size = excluded.size, tree_hash = excluded.tree_hash, blob_key = excluded.blob_key`,
    );
    const touch = db.prepare("UPDATE uploads SET last_activity_at = MAX(last_activity_at, ?) WHERE upload_id = ?");
    const deleteParts = db.prepare("DELETE FROM upload_parts WHERE upload_id = ?");
    const close = db.prepare(
      `UPDATE uploads SET state = ?, closed_at = ?, archive_id = ?, archive_size = ?, archive_tree_hash = ?
       WHERE upload_id = ?`,
    );
    const deleteUpload = db.prepare("DELETE FROM uploads WHERE upload_id = ?");
    // The state check, the archive row and the upload's closing share one IMMEDIATE transaction.
    const insertArchive = archiveInserter(ctx);

    /** Drops an upload's parts and releases their blobs (the reaper deletes the files). */
    const dropParts = (uploadId: string, now: number) => {
      const keys = allParts.all(uploadId).map((p) => p.blob_key);
      deleteParts.run(uploadId);
      ledger.release(keys, now);
    };

    this.putPartTx = db.transaction((uploadId: string, vaultId: number, p: PartRecord, now: number): PutPartResult => {
      const u = this.getStmt.get(uploadId);
      if (!u || u.vault_id !== vaultId || u.state !== "open") return { ok: false };
      const old = partAt.get(uploadId, p.index);
      upsertPart.run(uploadId, p.index, p.size, p.treeHash, p.blobKey);
      ledger.add([{ key: p.blobKey, size: p.size }]);
      if (old) ledger.release([old.blob_key], now);
      touch.run(now, uploadId);
      return { ok: true, replacedBlobKey: old ? old.blob_key : null };
    });

    this.completeTx = db.transaction(
      (
        uploadId: string,
        vaultId: number,
        archiveId: string,
        now: number,
        assemble: (u: UploadRecord, parts: readonly PartRecord[]) => { size: number; treeHash: string },
      ): CompleteResult => {
        const row = this.getStmt.get(uploadId);
        if (!row || row.vault_id !== vaultId || row.state === "aborted") return { kind: "notFound" };
        const upload = toUpload(row);
        if (row.state === "completed") return { kind: "completedBefore", upload };
        const parts = allParts.all(uploadId).map(toPart);
        const { size, treeHash } = assemble(upload, parts);
        const archive: ArchiveRecord = {
          archiveId,
          vaultId,
          size,
          treeHash,
          description: row.description,
          createdAt: now,
          segments: parts.map((p) => ({ key: p.blobKey, size: p.size })),
        };
        // The archive takes its references before the parts drop theirs: no blob is ever at zero.
        insertArchive(archive, now);
        dropParts(uploadId, now);
        close.run("completed", now, archiveId, size, treeHash, uploadId);
        return { kind: "completed", archive };
      },
    );

    this.abortTx = db.transaction((uploadId: string, vaultId: number, now: number, graceMs: number): AbortResult => {
      const row = this.getStmt.get(uploadId);
      if (!row || row.vault_id !== vaultId) return "notFound";
      if (row.state === "completed") return "completed";
      if (row.state === "aborted") {
        return row.closed_at !== null && now - row.closed_at <= graceMs ? "alreadyAborted" : "notFound";
      }
      dropParts(uploadId, now);
      close.run("aborted", now, null, null, null, uploadId);
      return "aborted";
    });

    const idle = db.prepare<[number, number], { upload_id: string }>(
      "SELECT upload_id FROM uploads WHERE state = 'open' AND last_activity_at < ? LIMIT ?",
    );
    const closedBefore = db.prepare<[UploadState, number, number], { upload_id: string }>(
      "SELECT upload_id FROM uploads WHERE state = ? AND closed_at < ? LIMIT ?",
    );
    this.expireTx = db.transaction((now: number, limits: ExpiryLimits): { expired: number; more: boolean } => {
      const stale = idle.all(limits.idleBefore, EXPIRY_BATCH);
      for (const { upload_id } of stale) {
        dropParts(upload_id, now);
        deleteUpload.run(upload_id);
      }
      const tombstones = [
        ...closedBefore.all("aborted", limits.abortedBefore, EXPIRY_BATCH),
        ...closedBefore.all("completed", limits.completedBefore, EXPIRY_BATCH),
      ];
      for (const { upload_id } of tombstones) deleteUpload.run(upload_id);
      return { expired: stale.length, more: stale.length === EXPIRY_BATCH || tombstones.length > 0 };
    });

    // A deleted vault takes its uploads with it, in the deleting transaction (SPEC §14.7: AWS's
    // behaviour with uploads in progress is unconfirmed; Permafrost lets the delete succeed).
    const ofVault = db.prepare<[number], { upload_id: string }>("SELECT upload_id FROM uploads WHERE vault_id = ?");
    ctx.onVaultDelete.push((vaultId, now) => {
      for (const { upload_id } of ofVault.all(vaultId)) {
        dropParts(upload_id, now);
        deleteUpload.run(upload_id);
      }
    });
  }

  async create(
    u: { uploadId: string; vaultId: number; partSize: number; description: string | null },
    now: number,
  ): Promise<UploadRecord> {
    return toUpload(this.insertStmt.get(u.uploadId, u.vaultId, u.partSize, u.description, now, now) as UploadRow);
  }

  async get(uploadId: string): Promise<UploadRecord | undefined> {
    const row = this.getStmt.get(uploadId);
    return row && toUpload(row);
  }

  async putPart(uploadId: string, vaultId: number, part: PartRecord, now: number): Promise<PutPartResult> {
    return this.putPartTx.immediate(uploadId, vaultId, part, now);
  }

  async listParts(uploadId: string, fromIndex: number, limit: number): Promise<PartRecord[]> {
    return this.partsFrom.all(uploadId, fromIndex, limit).map(toPart);
  }

  async listOpen(
    vaultId: number,
    after: { createdAt: number; uploadId: string } | undefined,
    limit: number,
  ): Promise<UploadRecord[]> {
    const rows = after
      ? this.openAfter.all(vaultId, after.createdAt, after.createdAt, after.uploadId, limit)
      : this.openFirst.all(vaultId, limit);
    return rows.map(toUpload);
  }

  async complete(
    uploadId: string,
    vaultId: number,
    archiveId: string,
    now: number,
    assemble: (upload: UploadRecord, parts: readonly PartRecord[]) => { size: number; treeHash: string },
  ): Promise<CompleteResult> {
    return this.completeTx.immediate(uploadId, vaultId, archiveId, now, assemble);
  }

  async abort(uploadId: string, vaultId: number, now: number, graceMs: number): Promise<AbortResult> {
    return this.abortTx.immediate(uploadId, vaultId, now, graceMs);
  }

  async expire(now: number, limits: ExpiryLimits): Promise<number> {
    let total = 0;
    for (;;) {
      const { expired, more } = this.expireTx.immediate(now, limits);
      total += expired;
      if (!more) return total;
    }
  }
}
