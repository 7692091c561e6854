import { isoMillis } from "../core/clock.js";
import { Errors } from "../core/errors.js";
import { newArchiveId, newUploadId } from "../core/ids.js";
import { COMPLETED_UPLOAD_MEMORY_MS, PAGE } from "../core/limits.js";
import {
  assembleParts,
  parseArchiveSize,
  parsePartRange,
  parsePartSize,
  stripLeadingSpaces,
} from "../core/multipart.js";
import { decodeMarker, encodeMarker, parseLimit, parseMarker } from "../core/paging.js";
import type { UploadRecord } from "../store/multipart.js";
import type { VaultRecord } from "../store/types.js";
import { arnOf, vaultScope } from "./access.js";
import { archiveCreated, descriptionHeader } from "./archives.js";
import { checksumHeaders, header, ingest } from "./ingest.js";
import type { Task } from "./maintenance.js";
import type { Handler, OperationRequest, Services } from "./types.js";

// AWS's wording is unconfirmed (SPEC §2.3); this follows its job-ID message.
const uploadNotFound = (uploadId: string) => Errors.notFound(`The upload ID was not found: ${uploadId}`);

/** The upload named by the path, if it is open and belongs to the vault; otherwise RNF. */
async function openUpload(req: OperationRequest, svc: Services, vault: VaultRecord): Promise<UploadRecord> {
  const uploadId = req.params.uploadId ?? "";
  const upload = await svc.store.uploads.get(uploadId);
  if (!upload || upload.vaultId !== vault.id || upload.state !== "open") throw uploadNotFound(uploadId);
  return upload;
}

const uploadJson = (u: UploadRecord, vault: VaultRecord) => ({
  ArchiveDescription: u.description,
  CreationDate: isoMillis(u.createdAt),
  MultipartUploadId: u.uploadId,
  PartSizeInBytes: u.partSize,
  VaultARN: arnOf(vault),
});

const InitiateMultipartUpload: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const partSize = parsePartSize(header(req.headers, "x-amz-part-size"));
  const raw = descriptionHeader(req);
  const upload = await svc.store.uploads.create(
    {
      uploadId: newUploadId(),
      vaultId: vault.id,
      partSize,
      description: raw === null ? null : stripLeadingSpaces(raw),
    },
    svc.clock.now(),
  );
  return {
    status: 201,
    headers: {
      Location: `/${vault.accountId}/vaults/${vault.name}/multipart-uploads/${upload.uploadId}`,
      "x-amz-multipart-upload-id": upload.uploadId,
    },
  };
};

const UploadMultipartPart: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const upload = await openUpload(req, svc, vault);
  const range = parsePartRange(
    header(req.headers, "content-range"),
    header(req.headers, "content-length"),
    upload.partSize,
  );
  const expected = checksumHeaders(req.headers);
  if (!req.body) throw Errors.missingParameter("body");
  const { blob, treeHash } = await ingest(req.body, await svc.blobs.create(), { length: range.length, ...expected });
  try {
    // Acknowledged only once the bytes are fsynced (commit) and the part is recorded (putPart).
    await blob.commit();
    const recorded = await svc.store.uploads.putPart(
      upload.uploadId,
      vault.id,
      { index: range.index, size: range.length, treeHash, blobKey: blob.key },
      svc.clock.now(),
    );
    // Aborted, completed or expired while the body was streaming.
    if (!recorded.ok) throw uploadNotFound(upload.uploadId);
  } catch (err) {
    await svc.blobs.delete(blob.key).catch(() => {});
    await blob.discard();
    throw err;
  }
  return { status: 204, headers: { "x-amz-sha256-tree-hash": treeHash } };
};

const CompleteMultipartUpload: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const uploadId = req.params.uploadId ?? "";
  const known = await svc.store.uploads.get(uploadId);
  if (!known || known.vaultId !== vault.id || known.state === "aborted") throw uploadNotFound(uploadId);
  const archiveSize = parseArchiveSize(header(req.headers, "x-amz-archive-size"));
  const sentTreeHash = header(req.headers, "x-amz-sha256-tree-hash");
  if (!sentTreeHash) throw Errors.missingParameter("x-amz-sha256-tree-hash");
  const now = svc.clock.now();
  const result = await svc.store.uploads.complete(uploadId, vault.id, newArchiveId(), now, (upload, parts) => ({
    size: archiveSize,
    treeHash: assembleParts(parts, upload.partSize, archiveSize, sentTreeHash),
  }));
  let archiveId: string;
  let treeHash: string;
  if (result.kind === "completed") {
    archiveId = result.archive.archiveId;
    treeHash = result.archive.treeHash;
  } else if (
    // The identical request repeated shortly after success answers with the same archive (SPEC §3.22).
    result.kind === "completedBefore" &&
    result.upload.archiveId !== null &&
    result.upload.archiveSize === archiveSize &&
    result.upload.archiveTreeHash === sentTreeHash.toLowerCase() &&
    now - (result.upload.closedAt ?? 0) <= COMPLETED_UPLOAD_MEMORY_MS
  ) {
    archiveId = result.upload.archiveId;
    treeHash = result.upload.archiveTreeHash;
  } else {
    throw uploadNotFound(uploadId);
  }
  return archiveCreated(vault, archiveId, treeHash);
};

const AbortMultipartUpload: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const uploadId = req.params.uploadId ?? "";
  const outcome = await svc.store.uploads.abort(
    uploadId,
    vault.id,
    svc.clock.now(),
    svc.config.abortedUploadGraceSeconds * 1000,
  );
  // A completed upload cannot be aborted; AWS's code for it is unconfirmed (RNF, as for any closed upload).
  if (outcome === "notFound" || outcome === "completed") throw uploadNotFound(uploadId);
  return { status: 204 };
};

function partCursor(marker: string | undefined): number {
  if (marker === undefined) return 0;
  const cursor = decodeMarker(marker);
  if (!/^\d{1,5}$/.test(cursor)) throw Errors.invalid(`Invalid marker: ${marker}`);
  return Number(cursor);
}

const ListParts: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const upload = await openUpload(req, svc, vault);
  const limit = parseLimit(req.query.get("limit"), PAGE.parts);
  const from = partCursor(parseMarker(req.query.get("marker")));
  const rows = await svc.store.uploads.listParts(upload.uploadId, from, limit + 1);
  const next = rows[limit];
  return {
    status: 200,
    json: {
      ArchiveDescription: upload.description,
      CreationDate: isoMillis(upload.createdAt),
      Marker: next ? encodeMarker(String(next.index)) : null,
      MultipartUploadId: upload.uploadId,
      PartSizeInBytes: upload.partSize,
      Parts: rows.slice(0, limit).map((p) => {
        const first = p.index * upload.partSize;
        return { RangeInBytes: `${first}-${first + p.size - 1}`, SHA256TreeHash: p.treeHash };
      }),
      VaultARN: arnOf(vault),
    },
  };
};

function uploadCursor(marker: string | undefined): { createdAt: number; uploadId: string } | undefined {
  if (marker === undefined) return undefined;
  const m = /^(\d{1,15}):([A-Za-z0-9_-]+)$/.exec(decodeMarker(marker));
  if (!m) throw Errors.invalid(`Invalid marker: ${marker}`);
  return { createdAt: Number(m[1]), uploadId: m[2] as string };
}

const ListMultipartUploads: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const limit = parseLimit(req.query.get("limit"), PAGE.uploads);
  const after = uploadCursor(parseMarker(req.query.get("marker")));
  const rows = await svc.store.uploads.listOpen(vault.id, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  // The cursor is the last upload shown, so uploads closed meanwhile never break the walk.
  return {
    status: 200,
    json: {
      Marker: rows.length > limit && last ? encodeMarker(`${last.createdAt}:${last.uploadId}`) : null,
      UploadsList: page.map((u) => uploadJson(u, vault)),
    },
  };
};

export const multipartHandlers = {
  InitiateMultipartUpload,
  UploadMultipartPart,
  CompleteMultipartUpload,
  AbortMultipartUpload,
  ListParts,
  ListMultipartUploads,
};

/**
 * Reclaims uploads idle for `uploadExpirySeconds` (their parts become garbage for the reaper) and
 * forgets tombstones once repeated Abort/Complete no longer need them.
 */
export const expireUploads: Task = {
  name: "expire-uploads",
  intervalMs: 60_000,
  async run(svc) {
    const now = svc.clock.now();
    const expired = await svc.store.uploads.expire(now, {
      idleBefore: now - svc.config.uploadExpirySeconds * 1000,
      abortedBefore: now - svc.config.abortedUploadGraceSeconds * 1000,
      completedBefore: now - Math.max(COMPLETED_UPLOAD_MEMORY_MS, svc.config.uploadExpirySeconds * 1000),
    });
    if (expired > 0) svc.log.info({ expired }, "expired idle multipart uploads");
  },
};
