import { constants, createReadStream } from "node:fs";
import { mkdir, open, opendir, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { newBlobKey } from "../core/ids.js";
import { type BlobStore, BlobTooLargeError, type ByteRange, type StagedBlob, type StageOptions } from "./blob.js";

const KEY = /^[0-9a-f]{32}$/;
/** Chunks are gathered into writes of about this size: fewer syscalls, same memory bound. */
const WRITE_BATCH = 2 * 1024 * 1024;
/** Dirty bytes after which a background datasync starts writeback (see stage()). */
const WRITEBACK_EVERY = 8 * 1024 * 1024;

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Blobs as files: `tmp/<key>` while being written, then fsync, rename to `blobs/<aa>/<key>`, fsync
 * of the directory. Paths are built only from generated hex keys, never from user input.
 */
export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly blobDir: string;
  private readonly knownShards = new Set<string>();

  constructor(root: string) {
    this.tmpDir = join(root, "tmp");
    this.blobDir = join(root, "blobs");
  }

  async init(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(this.blobDir, { recursive: true });
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid blob key ${key}`);
    return join(this.blobDir, key.slice(0, 2), key);
  }

  async stage(source: AsyncIterable<Buffer>, opts: StageOptions = {}): Promise<StagedBlob> {
    const key = newBlobKey();
    const tmpPath = join(this.tmpDir, key);
    const fh = await open(tmpPath, "wx");
    let size = 0;
    // One write in flight while the next batch is gathered (memory: two batches); writes are
    // appends in order, so awaiting the previous one before issuing the next keeps them ordered.
    let writing: Promise<unknown> | undefined;
    // Early writeback: without it the kernel keeps the whole blob dirty and the final fsync
    // writes all of it after the last byte arrived; a background datasync every WRITEBACK_EVERY
    // bytes lets the disk work while the body is still arriving. Durability is unchanged: the
    // blob counts only after the final fsync below.
    let flushing: Promise<void> | undefined;
    let flushError: unknown;
    let unflushed = 0;
    try {
      let batch: Buffer[] = [];
      let batchBytes = 0;
      const write = async (bufs: Buffer[], bytes: number) => {
        await writing;
        writing = fh.writev(bufs);
        unflushed += bytes;
        if (unflushed >= WRITEBACK_EVERY && flushing === undefined) {
          unflushed = 0;
          const w = writing;
          flushing = w
            .then(() => fh.datasync())
            .catch((err: unknown) => {
              flushError ??= err;
            })
            .finally(() => {
              flushing = undefined;
            });
        }
        if (flushError !== undefined) throw flushError;
      };
      for await (const chunk of source) {
        size += chunk.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new BlobTooLargeError(opts.maxBytes);
        opts.onChunk?.(chunk);
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH) {
          await write(batch, batchBytes);
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0) await write(batch, batchBytes);
      await writing;
      await flushing;
      if (flushError !== undefined) throw flushError;
      await fh.sync();
    } catch (err) {
      await writing?.catch(() => {});
      await flushing;
      await fh.close().catch(() => {});
      await unlink(tmpPath).catch(() => {});
      throw err;
    }
    await fh.close();
    const finalPath = this.path(key);
    const shard = join(this.blobDir, key.slice(0, 2));
    let settled = false;
    return {
      key,
      size,
      commit: async () => {
        if (settled) throw new Error("blob already settled");
        settled = true;
        if (!this.knownShards.has(shard)) {
          await mkdir(shard, { recursive: true });
          await fsyncDir(this.blobDir);
          this.knownShards.add(shard);
        }
        await rename(tmpPath, finalPath);
        await fsyncDir(shard);
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await unlink(tmpPath).catch(() => {});
      },
    };
  }

  read(key: string, range?: ByteRange): Readable {
    return createReadStream(this.path(key), {
      start: range?.start,
      end: range?.end,
      highWaterMark: 1024 * 1024,
    });
  }

  async delete(key: string): Promise<void> {
    await unlink(this.path(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
  }

  async *list(): AsyncIterable<{ key: string; mtimeMs: number }> {
    for (const shard of await readdir(this.blobDir)) {
      const dir = await opendir(join(this.blobDir, shard));
      for await (const entry of dir) {
        if (!KEY.test(entry.name)) continue;
        const st = await stat(join(this.blobDir, shard, entry.name)).catch(() => undefined);
        if (st) yield { key: entry.name, mtimeMs: st.mtimeMs };
      }
    }
  }

  async recover(): Promise<void> {
    // Staged files were never acknowledged: a crash mid-write leaves only these, and they can go.
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  async close(): Promise<void> {}
}
