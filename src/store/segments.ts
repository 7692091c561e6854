import { Readable } from "node:stream";
import { StreamHasher } from "../core/treehash.js";
import type { BlobStore, ByteRange } from "./blob.js";
import type { Segment } from "./types.js";

/** Yields the bytes [range.start, range.end] (inclusive) of the concatenation of `segments`, in order. */
async function* segmentBytes(blobs: BlobStore, segments: readonly Segment[], range: ByteRange): AsyncGenerator<Buffer> {
  let offset = 0;
  for (const s of segments) {
    const segStart = offset;
    const segEnd = offset + s.size - 1;
    offset += s.size;
    if (s.size === 0 || segEnd < range.start) continue;
    if (segStart > range.end) return;
    const start = Math.max(range.start, segStart) - segStart;
    const end = Math.min(range.end, segEnd) - segStart;
    // for-await closes the blob stream if the consumer stops early (client gone).
    for await (const chunk of blobs.read(s.key, { start, end })) yield chunk as Buffer;
  }
}

/**
 * One readable stream over a range of an archive stored as ordered segments (one blob per upload
 * part). Back-pressure flows through: a segment's file is read only as fast as the consumer drains.
 */
export function readSegments(blobs: BlobStore, segments: readonly Segment[], range: ByteRange): Readable {
  return Readable.from(checkedLength(segmentBytes(blobs, segments, range), range.end - range.start + 1), {
    objectMode: false,
  });
}

/** Fails the stream when storage holds fewer bytes than metadata promised (the response is then cut short). */
async function* checkedLength(source: AsyncGenerator<Buffer>, expected: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source) {
    seen += chunk.length;
    yield chunk;
  }
  if (seen !== expected) throw new Error(`stored data ended after ${seen} of ${expected} bytes`);
}

/** Tree hash of a range of the segments' concatenation, computed by streaming it once. */
export async function treeHashOfRange(
  blobs: BlobStore,
  segments: readonly Segment[],
  range: ByteRange,
): Promise<string> {
  const hasher = new StreamHasher();
  for await (const chunk of segmentBytes(blobs, segments, range)) hasher.update(chunk);
  if (hasher.size !== range.end - range.start + 1) {
    throw new Error(`segments hold ${hasher.size} bytes of the ${range.end - range.start + 1} requested`);
  }
  return hasher.digest().treeHash;
}
