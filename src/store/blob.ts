import type { Readable } from "node:stream";

/** A blob written but not yet visible: commit() makes it durable and visible, discard() removes it. */
export interface StagedBlob {
  readonly key: string;
  readonly size: number;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface StageOptions {
  /** Called with every chunk, in order, before it is written (hashing happens here). */
  onChunk?: (chunk: Buffer) => void;
  /** Fails the write once more than this many bytes arrive. */
  maxBytes?: number;
}

/** Byte range, both ends inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * An open, invisible blob being appended to. Writes apply in call order; the caller must not change
 * the bytes of a write until its promise settles (so the same buffer can be hashed meanwhile).
 */
export interface BlobWriter {
  readonly key: string;
  /** Bytes handed to write() so far. */
  readonly size: number;
  write(bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** Waits for every write, makes the bytes durable and returns the staged blob. */
  finish(): Promise<StagedBlob>;
  /** Abandons the blob: waits for writes in progress, then removes what was written. */
  abort(): Promise<void>;
}

export interface BlobStore {
  /** Opens a new, invisible blob under a generated key. */
  create(): Promise<BlobWriter>;
  /** Streams `source` into a new, invisible blob under a generated key. */
  stage(source: AsyncIterable<Buffer>, opts?: StageOptions): Promise<StagedBlob>;
  /** Streams a committed blob (or a range of it). */
  read(key: string, range?: ByteRange): Readable;
  /** Deletes a committed blob; deleting a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Every committed blob with its modification time, for the orphan sweep. */
  list(): AsyncIterable<{ key: string; mtimeMs: number }>;
  /** Removes leftovers of writes interrupted by a crash (staged blobs never committed). */
  recover(): Promise<void>;
  close(): Promise<void>;
}

export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`blob exceeds ${limit} bytes`);
  }
}

/** Chunks of stage() are gathered into writes of about this size: fewer syscalls, bounded memory. */
const STAGE_BATCH = 2 * 1024 * 1024;

/** stage() for any store: `source` through a writer, in batches, one batch in flight. */
export async function stageThrough(
  writer: BlobWriter,
  source: AsyncIterable<Buffer>,
  opts: StageOptions = {},
): Promise<StagedBlob> {
  let writing: Promise<void> | undefined;
  try {
    let size = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    for await (const chunk of source) {
      size += chunk.length;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new BlobTooLargeError(opts.maxBytes);
      opts.onChunk?.(chunk);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= STAGE_BATCH) {
        await writing;
        writing = writer.write(batch);
        batch = [];
        batchBytes = 0;
      }
    }
    await writing;
    if (batch.length > 0) await writer.write(batch);
    return await writer.finish();
  } catch (err) {
    await writing?.catch(() => {});
    await writer.abort();
    throw err;
  }
}
