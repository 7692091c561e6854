import { Errors } from "./errors.js";
import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from "./limits.js";
import { combineTreeHashes } from "./treehash.js";

/**
 * Validates `x-amz-part-size`: 1 MiB × 2^k up to 4 GiB. AWS reports a missing header as `0`
 * (SPEC §2.3); anything else is echoed as sent.
 */
export function parsePartSize(raw: string | undefined): number {
  const n = raw !== undefined && /^\d{1,11}$/.test(raw) ? Number(raw) : Number.NaN;
  // 4 GiB does not fit 32-bit bit tricks, so the power-of-two test is done on the exponent.
  if (!(n >= MIN_PART_SIZE && n <= MAX_PART_SIZE && Number.isInteger(Math.log2(n)))) {
    throw Errors.invalid(
      `Invalid part size: ${raw ?? "0"}. Part size must not be null, must be a power of two and be between 1048576 and 4294967296 bytes.`,
    );
  }
  return n;
}

/** A part's position as declared by `Content-Range: bytes first-last/*`. */
export interface PartRange {
  first: number;
  last: number;
  /** Zero-based part index (`first / partSize`); AWS counts part numbers from 1. */
  index: number;
  length: number;
}

/**
 * Parses and checks an UploadMultipartPart range against the upload's part size and the request's
 * Content-Length, with AWS's messages where they are known (SPEC §2.3, §3.21).
 */
export function parsePartRange(
  raw: string | undefined,
  contentLength: string | undefined,
  partSize: number,
): PartRange {
  if (raw === undefined) throw Errors.missingParameter("Content-Range");
  const m = /^bytes (\d{1,15})-(\d{1,15})\/\*$/.exec(raw);
  const first = m ? Number(m[1]) : Number.NaN;
  const last = m ? Number(m[2]) : Number.NaN;
  if (!m || last < first) throw Errors.invalid(`Invalid Content-Range: ${raw}`);
  const length = last - first + 1;
  if (contentLength === undefined) throw Errors.missingParameter("Content-Length");
  if (!/^\d+$/.test(contentLength) || Number(contentLength) !== length) {
    throw Errors.invalid(`Content-Range: ${raw} is incompatible with Content-Length: ${contentLength}`);
  }
  // Unconfirmed wording for the next two (SPEC §14.1); the `Invalid Content-Range: {value}` prefix is AWS's.
  if (first % partSize !== 0) {
    throw Errors.invalid(
      `Invalid Content-Range: ${raw}. The range must start at a multiple of the part size (${partSize} bytes).`,
    );
  }
  if (length > partSize) {
    throw Errors.invalid(`Invalid Content-Range: ${raw}. The range is larger than the part size (${partSize} bytes).`);
  }
  const index = first / partSize;
  if (index + 1 > MAX_PARTS) {
    throw Errors.invalid(
      `This is part number ${index + 1} for the current multipart upload. It exceeds the limit of ${MAX_PARTS} parts.`,
    );
  }
  return { first, last, index, length };
}

/** Parses `x-amz-archive-size` of CompleteMultipartUpload. */
export function parseArchiveSize(raw: string | undefined): number {
  if (raw === undefined) throw Errors.missingParameter("x-amz-archive-size");
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PARTS * MAX_PART_SIZE)) throw Errors.invalid(`Invalid x-amz-archive-size: ${raw}`);
  return n;
}

export interface StoredPart {
  index: number;
  size: number;
  treeHash: string;
}

/**
 * Checks that the stored parts (sorted by index) assemble into exactly `archiveSize` bytes — every
 * part present, every part but the last full-sized, nothing beyond the end — and that the tree hash
 * derived from the part hashes (SPEC §4.3) equals the client's. Returns the archive's tree hash.
 */
export function assembleParts(
  parts: readonly StoredPart[],
  partSize: number,
  archiveSize: number,
  sentTreeHash: string,
): string {
  const count = Math.ceil(archiveSize / partSize);
  const tail = archiveSize - (count - 1) * partSize;
  const range = (i: number, size: number) => `${i * partSize}-${i * partSize + size - 1}`;
  const beyond = parts.find((p) => p.index >= count);
  if (beyond) {
    throw Errors.invalid(
      `Invalid x-amz-archive-size: ${archiveSize}. A part was uploaded for bytes ${range(beyond.index, beyond.size)}, beyond the end of an archive of that size.`,
    );
  }
  for (let i = 0; i < count; i++) {
    const p = parts[i];
    const want = i === count - 1 ? tail : partSize;
    if (!p || p.index !== i) {
      throw Errors.invalid(
        `Invalid x-amz-archive-size: ${archiveSize}. No part has been uploaded for bytes ${range(i, want)}.`,
      );
    }
    if (p.size !== want) {
      throw Errors.invalid(
        `Invalid x-amz-archive-size: ${archiveSize}. The part for bytes ${range(i, p.size)} has ${p.size} bytes; ${want} bytes are needed there.`,
      );
    }
  }
  const treeHash = combineTreeHashes(parts.map((p) => Buffer.from(p.treeHash, "hex"))).toString("hex");
  if (treeHash !== sentTreeHash.toLowerCase()) throw Errors.invalid(`Invalid x-amz-sha256-tree-hash: ${sentTreeHash}`);
  return treeHash;
}

/** Leading spaces of a multipart description are removed (Developer Guide, InitiateMultipartUpload). */
export const stripLeadingSpaces = (description: string): string => description.replace(/^ +/, "");
