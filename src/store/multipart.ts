import type { ArchiveRecord } from "./types.js";

/** Multipart uploads and their parts. */
export type UploadState = "open" | "completed" | "aborted";

export interface UploadRecord {
  uploadId: string;
  vaultId: number;
  partSize: number;
  description: string | null;
  createdAt: number;
  /** Initiation or the last recorded part; idle uploads expire from here. */
  lastActivityAt: number;
  state: UploadState;
  /** When the upload was completed or aborted. */
  closedAt: number | null;
  /** Set once completed: what a repeated identical Complete answers with. */
  archiveId: string | null;
  archiveSize: number | null;
  archiveTreeHash: string | null;
}

export interface PartRecord {
  /** Zero-based: the part covers bytes [index × partSize, index × partSize + size). */
  index: number;
  size: number;
  treeHash: string;
  blobKey: string;
}

export type PutPartResult = { ok: true; replacedBlobKey: string | null } | { ok: false };

export type CompleteResult =
  | { kind: "completed"; archive: ArchiveRecord }
  /** Completed earlier; the record says with what (for the idempotent repeat). */
  | { kind: "completedBefore"; upload: UploadRecord }
  | { kind: "notFound" };

export type AbortResult = "aborted" | "alreadyAborted" | "completed" | "notFound";

export interface ExpiryLimits {
  /** Open uploads whose last activity is older than this are reclaimed. */
  idleBefore: number;
  /** Aborted-upload tombstones older than this are forgotten (repeated aborts then fail). */
  abortedBefore: number;
  /** Completed-upload tombstones older than this are forgotten. */
  completedBefore: number;
}

export interface UploadStore {
  create(
    upload: { uploadId: string; vaultId: number; partSize: number; description: string | null },
    now: number,
  ): Promise<UploadRecord>;
  /** Any state; callers check `state` and `vaultId`. */
  get(uploadId: string): Promise<UploadRecord | undefined>;
  /**
   * Records a durable part blob for an open upload of the vault, replacing any part at the same
   * index (whose blob is released). `ok: false` when the upload is not open (any more).
   */
  putPart(uploadId: string, vaultId: number, part: PartRecord, now: number): Promise<PutPartResult>;
  /** Parts in index order, from `fromIndex` inclusive. */
  listParts(uploadId: string, fromIndex: number, limit: number): Promise<PartRecord[]>;
  /** Open uploads of a vault in (createdAt, uploadId) order, after the cursor. */
  listOpen(
    vaultId: number,
    after: { createdAt: number; uploadId: string } | undefined,
    limit: number,
  ): Promise<UploadRecord[]>;
  /**
   * One transaction: checks the upload is open and belongs to the vault, hands its parts (index
   * order) to `assemble` — which throws to refuse, leaving everything unchanged — then creates the
   * archive from the part blobs and closes the upload.
   */
  complete(
    uploadId: string,
    vaultId: number,
    archiveId: string,
    now: number,
    assemble: (upload: UploadRecord, parts: readonly PartRecord[]) => { size: number; treeHash: string },
  ): Promise<CompleteResult>;
  /** Closes an open upload and releases its parts; a repeat within `graceMs` is "alreadyAborted". */
  abort(uploadId: string, vaultId: number, now: number, graceMs: number): Promise<AbortResult>;
  /** Reclaims idle uploads and forgets old tombstones; returns how many open uploads expired. */
  expire(now: number, limits: ExpiryLimits): Promise<number>;
}
