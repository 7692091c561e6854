import { constants, createReadStream } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { mkdir, open, opendir, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { newBlobKey } from "../core/ids.js";
import {
  type BlobStore,
  type BlobWriter,
  type ByteRange,
  type StagedBlob,
  type StageOptions,
  stageThrough,
} from "./blob.js";

const KEY = /^[0-9a-f]{32}$/;
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
 * Appends to a tmp file, one write in flight (writes are issued in call order at explicit offsets).
 *
 * Early writeback: Linux keeps a freshly written file dirty in the page cache until the final fsync
 * would have to write all of it after the last byte arrived. A background datasync every
 * WRITEBACK_EVERY bytes (at most one at a time, never waited on by write()) lets the disk work while
 * the body is still arriving — what sync_file_range would do, which Node does not expose.
 * Durability is unchanged: the blob counts only after finish()'s fsync and the commit's rename.
 */
class FsBlobWriter implements BlobWriter {
  size = 0;
  private tail: Promise<void> = Promise.resolve();
  private error: unknown;
  private unflushed = 0;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly key: string,
    private readonly fh: FileHandle,
    private readonly tmpPath: string,
    private readonly settle: () => Pick<StagedBlob, "commit" | "discard">,
  ) {}

  write(bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("blob writer already closed"));
    if (this.error !== undefined) return Promise.reject(this.error);
    const position = this.size;
    const length = Array.isArray(bytes)
      ? (bytes as readonly Uint8Array[]).reduce((n, b) => n + b.length, 0)
      : (bytes as Uint8Array).length;
    this.size += length;
    const run = async () => {
      if (this.error !== undefined) throw this.error;
      if (Array.isArray(bytes)) await this.fh.writev(bytes as Uint8Array[], position);
      else await this.fh.write(bytes as Uint8Array, 0, length, position);
      this.unflushed += length;
      if (this.unflushed >= WRITEBACK_EVERY && this.flushing === undefined) {
        this.unflushed = 0;
        this.flushing = this.fh
          .datasync()
          .catch((err: unknown) => {
            this.error ??= err;
          })
          .finally(() => {
            this.flushing = undefined;
          });
      }
    };
    const p = this.tail.then(run);
    this.tail = p.catch((err: unknown) => {
      this.error ??= err;
    });
    return p;
  }

  private async drain(): Promise<void> {
    await this.tail;
    await this.flushing;
  }

  async finish(): Promise<StagedBlob> {
    if (this.closed) throw new Error("blob writer already closed");
    this.closed = true;
    try {
      await this.drain();
      if (this.error !== undefined) throw this.error;
      await this.fh.sync();
      await this.fh.close();
    } catch (err) {
      await this.fh.close().catch(() => {});
      await unlink(this.tmpPath).catch(() => {});
      throw err;
    }
    return { key: this.key, size: this.size, ...this.settle() };
  }

  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    await this.fh.close().catch(() => {});
    await unlink(this.tmpPath).catch(() => {});
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

  async create(): Promise<BlobWriter> {
    const key = newBlobKey();
    const tmpPath = join(this.tmpDir, key);
    const fh = await open(tmpPath, "wx");
    return new FsBlobWriter(key, fh, tmpPath, () => this.settle(key, tmpPath));
  }

  stage(source: AsyncIterable<Buffer>, opts: StageOptions = {}): Promise<StagedBlob> {
    return this.create().then((w) => stageThrough(w, source, opts));
  }

  /** The staged blob of a finished tmp file: commit() renames it into place durably. */
  private settle(key: string, tmpPath: string): Pick<StagedBlob, "commit" | "discard"> {
    const finalPath = this.path(key);
    const shard = join(this.blobDir, key.slice(0, 2));
    let settled = false;
    return {
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
