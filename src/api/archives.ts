import { Errors } from "../core/errors.js";
import { newArchiveId, newInlineBlobKey } from "../core/ids.js";
import { INLINE_ARCHIVE_MAX, MAX_SINGLE_UPLOAD } from "../core/limits.js";
import { validateDescription } from "../core/names.js";
import type { VaultRecord } from "../store/types.js";
import { arnOf, vaultScope } from "./access.js";
import { checksumHeaders, header, ingest, MemorySink } from "./ingest.js";
import type { Handler, OperationResult } from "./types.js";

/** The optional description header of UploadArchive and InitiateMultipartUpload. */
export function descriptionHeader(req: Parameters<Handler>[0]): string | null {
  const d = header(req.headers, "x-amz-archive-description");
  validateDescription(d);
  return d ?? null;
}

const UploadArchive: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const rawLength = header(req.headers, "content-length");
  if (rawLength === undefined) throw Errors.missingParameter("Content-Length");
  const length = Number(rawLength);
  if (!/^\d+$/.test(rawLength) || length < 1 || length > MAX_SINGLE_UPLOAD) {
    throw Errors.invalid(`Invalid Content-Length: ${rawLength}`);
  }
  const expected = checksumHeaders(req.headers);
  const description = descriptionHeader(req);
  if (!req.body) throw Errors.missingParameter("body");
  const archiveId = newArchiveId();
  const record = (key: string, treeHash: string) => ({
    archiveId,
    vaultId: vault.id,
    size: length,
    treeHash,
    description,
    createdAt: svc.clock.now(),
    segments: [{ key, size: length }],
  });
  if (length <= INLINE_ARCHIVE_MAX) {
    // Small: the bytes go into the archive's own metadata transaction — one durable commit.
    const { blob, treeHash } = await ingest(req.body, new MemorySink(), { length, ...expected });
    const key = newInlineBlobKey();
    const r = record(key, treeHash);
    await svc.store.archives.insert(r, r.createdAt, { key, data: blob.data });
    return archiveCreated(vault, archiveId, treeHash);
  }
  const { blob, treeHash } = await ingest(req.body, await svc.blobs.create(), { length, ...expected });
  try {
    await blob.commit();
    const r = record(blob.key, treeHash);
    await svc.store.archives.insert(r, r.createdAt);
  } catch (err) {
    // Not acknowledged, so the bytes must not linger (the startup sweep would find them otherwise).
    await svc.blobs.delete(blob.key).catch(() => {});
    await blob.discard();
    throw err;
  }
  return archiveCreated(vault, archiveId, treeHash);
};

/** The 201 of UploadArchive and CompleteMultipartUpload. */
export function archiveCreated(vault: VaultRecord, archiveId: string, treeHash: string): OperationResult {
  return {
    status: 201,
    headers: {
      Location: `/${vault.accountId}/vaults/${vault.name}/archives/${archiveId}`,
      "x-amz-archive-id": archiveId,
      "x-amz-sha256-tree-hash": treeHash,
    },
  };
}

const DeleteArchive: Handler = async (req, svc) => {
  const archive = await svc.store.archives.get(req.params.archiveId ?? "");
  const vault = await vaultScope(req, svc, { archive });
  if (archive && archive.vaultId !== vault.id) throw Errors.invalid(`Invalid vault name: ${arnOf(vault)}`);
  // Deleting an archive that is already gone succeeds: the operation is idempotent.
  if (archive) await svc.store.archives.delete(archive.archiveId, svc.clock.now());
  return { status: 204 };
};

export const archiveHandlers = { UploadArchive, DeleteArchive };
