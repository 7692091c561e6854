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

export interface BlobStore {
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
