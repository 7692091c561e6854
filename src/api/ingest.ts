import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { Errors, GlacierError } from "../core/errors.js";
import {
  type BodyHashes,
  copyIntoSlab,
  LocalSlabHasher,
  parallelHashing,
  releaseSlab,
  type Slab,
  type SlabHasher,
  takeSlab,
  WorkerSlabHasher,
} from "../core/hash-pool.js";
import { MIB } from "../core/treehash.js";
import { BlobTooLargeError, type BlobWriter, type StagedBlob } from "../store/blob.js";

export interface IngestExpectations {
  /** Exact number of bytes the body must contain. */
  length: number;
  /** Client's linear SHA-256 (`x-amz-content-sha256`). */
  sha256: string;
  /** Client's tree hash (`x-amz-sha256-tree-hash`). */
  treeHash: string;
}

/** What an ingest produces: the written bytes, which can still be thrown away. */
type Written = { readonly size: number; discard(): Promise<void> };

/** Where an ingested body is written: a blob writer, or memory for an archive kept inline. */
export interface IngestSink<T extends Written> {
  /** The caller must not change the bytes until the promise settles. */
  write(bytes: Uint8Array): Promise<void>;
  finish(): Promise<T>;
  abort(): Promise<void>;
}

export interface Ingested<T = StagedBlob> {
  blob: T;
  sha256: string;
  treeHash: string;
}

/**
 * A small body gathered in memory (copied out of the slabs), to be stored with its metadata. Its
 * size is bounded by ingest(), which fails a body longer than the expected length.
 */
export class MemorySink implements IngestSink<Written & { data: Buffer }> {
  private readonly parts: Buffer[] = [];
  private size = 0;

  async write(bytes: Uint8Array): Promise<void> {
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  async finish(): Promise<Written & { data: Buffer }> {
    const data = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    return { size: this.size, data, discard: async () => {} };
  }

  async abort(): Promise<void> {
    this.parts.length = 0;
  }
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

/** Bodies from this size on are hashed by a worker thread; smaller ones are not worth a round trip. */
const PARALLEL_MIN = MIB;
/** Slabs one stream may hold at once (one filling, the rest being written and hashed). */
const SLABS_PER_STREAM = 4;

/**
 * Moves a body from the socket into slabs; each full slab is written and hashed at the same time.
 * Chunks are taken as 'data' events (no re-buffering); when the stream holds all its slabs, the
 * socket is paused until one comes back. Resolves once every slab is written and hashed.
 */
function pump(body: Readable, writer: Pick<BlobWriter, "write">, hasher: SlabHasher, limit: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let current: Slab | undefined;
    let fill = 0;
    let inFlight = 0;
    let received = 0;
    let ended = false;
    let failed = false;
    let waiting: { chunk: Buffer; offset: number } | undefined;

    const detach = () => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", fail);
      body.off("close", onClose);
    };
    function fail(err: unknown): void {
      if (failed) return;
      failed = true;
      detach();
      if (current) {
        releaseSlab(current);
        current = undefined;
      }
      // Slabs still being written or hashed come back when those finish; the caller aborts both.
      reject(err);
    }
    const maybeDone = () => {
      if (!failed && ended && inFlight === 0 && waiting === undefined) {
        detach();
        resolve();
      }
    };
    const dispatch = () => {
      const slab = current as Slab;
      const length = fill;
      current = undefined;
      fill = 0;
      inFlight += 1;
      const work: Promise<void>[] = [writer.write(slab.bytes.subarray(0, length))];
      const hashing = hasher.update(slab, length);
      if (hashing) work.push(hashing);
      void Promise.allSettled(work).then((results) => {
        // Only now is the slab read by nobody.
        releaseSlab(slab);
        inFlight -= 1;
        const bad = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (bad) {
          fail(bad.reason);
          return;
        }
        if (waiting) {
          const { chunk, offset } = waiting;
          waiting = undefined;
          if (copy(chunk, offset)) body.resume();
        }
        finishIfEnded();
      });
    };
    /** Copies from `offset` on; false when the stream's slabs ran out (the rest waits). */
    const copy = (chunk: Buffer, offset: number): boolean => {
      let at = offset;
      while (at < chunk.length) {
        if (!current) {
          // No slab is filling, so every slab the stream holds is being written and hashed.
          if (inFlight === SLABS_PER_STREAM) {
            waiting = { chunk, offset: at };
            return false;
          }
          // At most `limit` bytes arrive (more fail above), so a smaller body's own-size slab holds it.
          current = takeSlab(limit);
        }
        const capacity = current.bytes.length;
        const n = Math.min(capacity - fill, chunk.length - at);
        copyIntoSlab(current, fill, at === 0 && n === chunk.length ? chunk : chunk.subarray(at, at + n));
        fill += n;
        at += n;
        if (fill === capacity) dispatch();
      }
      return true;
    };
    function onData(chunk: Buffer): void {
      if (failed) return;
      received += chunk.length;
      if (received > limit) {
        fail(new BlobTooLargeError(limit));
        return;
      }
      if (!copy(chunk, 0)) body.pause();
    }
    /** After the body's end (and any chunk still waiting for a slab), the last partial slab goes out. */
    function finishIfEnded(): void {
      // A slab is taken only for bytes to copy into it, so a current slab is never empty.
      if (ended && waiting === undefined && current) dispatch();
      maybeDone();
    }
    function onEnd(): void {
      ended = true;
      finishIfEnded();
    }
    function onClose(): void {
      if (!ended) fail(new Error("request body closed before its end"));
    }
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", fail);
    body.on("close", onClose);
  });
}

function bodyError(err: unknown): unknown {
  if (err instanceof GlacierError) return err;
  // The client went away or the body broke off before Content-Length bytes arrived.
  return new GlacierError("RequestTimeoutException", "The request body was not received completely in time.");
}

/**
 * Streams a request body into `writer` (a new blob, or memory), computing the linear SHA-256 and the
 * tree hash in the same pass, and verifies length and both hashes. On any failure nothing remains:
 * the written blob is aborted or discarded. On success the caller commits the blob, then its
 * metadata.
 */
export async function ingest<T extends Written>(
  body: Readable,
  writer: IngestSink<T>,
  expect: IngestExpectations,
): Promise<Ingested<T>> {
  const hasher: SlabHasher =
    expect.length >= PARALLEL_MIN && parallelHashing() ? new WorkerSlabHasher() : new LocalSlabHasher();
  let blob: T;
  let got: BodyHashes;
  try {
    await pump(body, writer, hasher, expect.length);
    blob = await writer.finish();
  } catch (err) {
    hasher.abort();
    await writer.abort();
    throw bodyError(err);
  }
  try {
    got = await hasher.digest();
  } catch (err) {
    await blob.discard();
    throw err;
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
