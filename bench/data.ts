import { randomFillSync } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StreamHasher } from "../src/core/treehash.js";

export interface PartHashes {
  start: number;
  end: number;
  /** The part's bytes as a file of its own (see writePartFiles), for clients that upload whole files. */
  file?: string;
  sha256: string;
  treeHash: string;
}

export interface SourceFile {
  path: string;
  size: number;
  sha256: string;
  treeHash: string;
  parts: PartHashes[];
}

/** Writes `size` random bytes (incompressible, so no layer can cheat). */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const fh = await open(path, "w");
  const buf = Buffer.allocUnsafe(8 * 2 ** 20);
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(buf.length, size - done);
      randomFillSync(buf, 0, n);
      await fh.write(buf, 0, n);
      done += n;
    }
  } finally {
    await fh.close();
  }
}

/** Streams `path` `times` times in a row (the body of the case-7 big part). */
export function repeated(path: string, times: number): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < times; i++) yield* createReadStream(path, { highWaterMark: 2 ** 20 });
    })(),
    { objectMode: false },
  );
}

/** Hashes of the whole file and of each `partSize` part, in one untimed pass. */
export async function hashSource(path: string, size: number, partSize: number): Promise<SourceFile> {
  const whole = new StreamHasher();
  const parts: PartHashes[] = [];
  let part = new StreamHasher();
  let partStart = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 2 ** 20 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    for (let off = 0; off < chunk.length; ) {
      const take = Math.min(partSize - part.size, chunk.length - off);
      part.update(chunk.subarray(off, off + take));
      off += take;
      if (part.size === partSize) {
        parts.push({ start: partStart, end: partStart + partSize - 1, ...part.digest() });
        partStart += partSize;
        part = new StreamHasher();
      }
    }
  }
  if (part.size > 0) parts.push({ start: partStart, end: partStart + part.size - 1, ...part.digest() });
  return { path, size, ...whole.digest(), parts };
}

/** Linear SHA-256 and tree hash of `path` repeated `times` times. */
export async function hashRepeated(path: string, times: number): Promise<{ sha256: string; treeHash: string }> {
  const h = new StreamHasher();
  for await (const chunk of repeated(path, times) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest();
}

/** Copies each part of the source into a file of its own under `dir` (untimed set-up of case 2). */
export async function writePartFiles(src: SourceFile, dir: string): Promise<void> {
  for (const [i, p] of src.parts.entries()) {
    p.file = join(dir, `part-${i}.bin`);
    await pipeline(
      createReadStream(src.path, { start: p.start, end: p.end, highWaterMark: 2 ** 20 }),
      createWriteStream(p.file),
    );
  }
}
