import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { Errors, GlacierError } from "../core/errors.js";
import { ParallelStreamHasher, parallelHashing } from "../core/hash-pool.js";
import { MIB, StreamHasher } from "../core/treehash.js";
import type { BlobStore, StagedBlob } from "../store/blob.js";

export interface IngestExpectations {
  /** Exact number of bytes the body must contain. */
  length: number;
  /** Client's linear SHA-256 (`x-amz-content-sha256`). */
  sha256: string;
  /** Client's tree hash (`x-amz-sha256-tree-hash`). */
  treeHash: string;
}

export interface Ingested {
  blob: StagedBlob;
  sha256: string;
  treeHash: string;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** Reads the checksum headers every data-carrying operation requires. */
export function checksumHeaders(headers: IncomingHttpHeaders): { sha256: string; treeHash: string } {
  const treeHash = header(headers, "x-amz-sha256-tree-hash");
  if (!treeHash) throw Errors.missingParameter("x-amz-sha256-tree-hash");
  const sha256 = header(headers, "x-amz-content-sha256");
  if (!sha256) throw Errors.missingParameter("x-amz-content-sha256");
  return { sha256, treeHash };
}

/** Bodies from this size on are hashed with a worker thread's help; smaller ones are not worth a round trip. */
const PARALLEL_MIN = MIB;

/** Feeds each chunk to the hasher before passing it on, waiting whenever the worker is behind. */
async function* handOver(body: Readable, hasher: ParallelStreamHasher, limit: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    seen += chunk.length;
    // Past the limit stage() fails the write; hashing those bytes would be wasted.
    if (seen <= limit) await hasher.update(chunk);
    yield chunk;
  }
}

function bodyError(err: unknown): unknown {
  if (err instanceof GlacierError) return err;
  // The client went away or the body broke off before Content-Length bytes arrived.
  return new GlacierError("RequestTimeoutException", "The request body was not received completely in time.");
}

/**
 * Streams a request body into a staged blob, computing the linear SHA-256 and the tree hash in the
 * same pass, and verifies length and both hashes. On any failure nothing remains: the staged blob
 * is discarded. On success the caller commits the blob, then its metadata.
 */
export async function ingest(body: Readable, blobs: BlobStore, expect: IngestExpectations): Promise<Ingested> {
  let blob: StagedBlob;
  let got: { sha256: string; treeHash: string };
  if (expect.length >= PARALLEL_MIN && parallelHashing()) {
    // Both hashes run in a worker while this thread does the socket and the writes.
    const hasher = new ParallelStreamHasher();
    try {
      blob = await blobs.stage(handOver(body, hasher, expect.length), { maxBytes: expect.length });
    } catch (err) {
      hasher.abort();
      throw bodyError(err);
    }
    try {
      got = await hasher.digest();
    } catch (err) {
      await blob.discard();
      throw err;
    }
  } else {
    const hasher = new StreamHasher();
    try {
      blob = await blobs.stage(body, { onChunk: (c) => hasher.update(c), maxBytes: expect.length });
    } catch (err) {
      throw bodyError(err);
    }
    got = hasher.digest();
  }
  try {
    if (blob.size !== expect.length) {
      throw new GlacierError(
        "RequestTimeoutException",
        `The request body ended after ${blob.size} of ${expect.length} bytes.`,
      );
    }
    if (got.sha256 !== expect.sha256.toLowerCase()) {
      throw new GlacierError(
        "InvalidSignatureException",
        `The value passed in as x-amz-content-sha256 does not match the computed payload hash. Computed digest: ${got.sha256} expected hash: ${expect.sha256}`,
      );
    }
    if (got.treeHash !== expect.treeHash.toLowerCase()) {
      throw Errors.invalid(`Checksum mismatch: expected ${expect.treeHash}, computed ${got.treeHash}`);
    }
  } catch (err) {
    await blob.discard();
    throw err;
  }
  return { blob, ...got };
}
