import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { MIB, StreamHasher, TreeHasher } from "./treehash.js";

/**
 * Bodies are moved in slabs: 1 MiB SharedArrayBuffers (one tree-hash leaf each). A slab is filled
 * once from the socket, then written to disk and hashed at the same time, from the same memory:
 * the hash worker reads it through the shared buffer while the file write reads it on the
 * thread pool. Nothing is transferred or copied a second time, and the event loop only fills slabs.
 * Slabs are recycled through a small pool; the number a stream may hold is the back-pressure.
 */
export const SLAB_SIZE = MIB;

export interface Slab {
  readonly sab: SharedArrayBuffer;
  readonly bytes: Buffer;
}

/**
 * Copies `source` into the slab at `offset`. Not `TypedArray#set`: V8 copies into shared memory
 * with relaxed atomics, byte by byte when the two addresses are not equally aligned (measured
 * 2.7 GiB/s for socket chunks at odd offsets, the upload's main cost); `Buffer#fill` with a buffer
 * of exactly the range's length is one native memcpy (27–28 GiB/s, aligned or not).
 */
export function copyIntoSlab(slab: Slab, offset: number, source: Uint8Array): void {
  if (source.length > 0) slab.bytes.fill(source, offset, offset + source.length);
}

/** Idle slabs kept for reuse; more are allocated on demand and dropped when the pool is full. */
const MAX_IDLE_SLABS = 16;
const idle: Slab[] = [];

/**
 * A slab for a stream of at most `limit` bytes. A body smaller than a slab gets one of its own
 * size, outside the pool: with many small uploads in flight, 1 MiB slabs would outnumber the pool
 * and be allocated (zero-filled) and collected by the thousand — 40 µs each, and up to a
 * millisecond once the garbage collector is pressed by the external memory.
 */
export function takeSlab(limit = SLAB_SIZE): Slab {
  if (limit < SLAB_SIZE) {
    const sab = new SharedArrayBuffer(limit);
    return { sab, bytes: Buffer.from(sab) };
  }
  const recycled = idle.pop();
  if (recycled) return recycled;
  const sab = new SharedArrayBuffer(SLAB_SIZE);
  return { sab, bytes: Buffer.from(sab) };
}

/** Returns a slab once nothing (writer, hasher) reads it any more. */
export function releaseSlab(slab: Slab): void {
  if (slab.bytes.length === SLAB_SIZE && idle.length < MAX_IDLE_SLABS) idle.push(slab);
}

export interface BodyHashes {
  sha256: string;
  treeHash: string;
}

/** Linear SHA-256 and tree hash of a body that arrives in slabs, in order. */
export interface SlabHasher {
  /** Hashes the slab's first `length` bytes; the promise (if any) settles once the slab is no longer read. */
  update(slab: Slab, length: number): Promise<void> | undefined;
  digest(): Promise<BodyHashes>;
  /** Forgets the stream (a failed upload); safe at any time. */
  abort(): void;
}

/** Hashing on the calling thread: for small bodies, or a machine with one core. */
export class LocalSlabHasher implements SlabHasher {
  private readonly h = new StreamHasher();

  update(slab: Slab, length: number): undefined {
    this.h.update(Buffer.from(slab.sab, 0, length));
    return undefined;
  }

  async digest(): Promise<BodyHashes> {
    return this.h.digest();
  }

  abort(): void {}
}

/**
 * The worker runs TreeHasher's own code (its source text, so the results are identical by
 * construction and no separate worker file has to be resolved under tsx or from dist/). That
 * code may only use the module-level names defined in WORKER_PRELUDE.
 */
const WORKER_PRELUDE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const MIB = ${MIB};
const sha256 = (data) => createHash("sha256").update(data).digest();
const __name = (target) => target;
`;

const WORKER_BODY = `
const TreeHasher = (${TreeHasher.toString()});
const jobs = new Map();
const job = (id) => {
  let h = jobs.get(id);
  if (!h) jobs.set(id, (h = { tree: new TreeHasher(), linear: createHash("sha256") }));
  return h;
};
parentPort.on("message", (m) => {
  if (m.t === "u") {
    const h = job(m.id);
    const bytes = new Uint8Array(m.sab, 0, m.len);
    h.linear.update(bytes);
    h.tree.update(bytes);
    parentPort.postMessage({ seq: m.seq });
  } else if (m.t === "d") {
    const h = job(m.id);
    jobs.delete(m.id);
    parentPort.postMessage({ seq: m.seq, hashes: { sha256: h.linear.digest("hex"), treeHash: h.tree.digest() } });
  } else if (m.t === "x") {
    jobs.delete(m.id);
  }
});
`;

type ToWorker =
  | { t: "u"; id: number; seq: number; sab: SharedArrayBuffer; len: number }
  | { t: "d"; id: number; seq: number }
  | { t: "x"; id: number };

interface Pending {
  resolve: (value: BodyHashes | undefined) => void;
  reject: (err: Error) => void;
}

class HashWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  failed: Error | undefined;

  constructor() {
    this.worker = new Worker(WORKER_PRELUDE + WORKER_BODY, { eval: true, name: "permafrost-hash" });
    this.worker.on("message", (m: { seq: number; hashes?: BodyHashes }) => {
      const p = this.pending.get(m.seq);
      if (!p) return;
      this.pending.delete(m.seq);
      if (this.pending.size === 0) this.worker.unref();
      p.resolve(m.hashes);
    });
    const fail = (err: Error) => {
      this.failed ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker.unref();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`hash worker exited with code ${code}`)));
    // An idle worker must not keep the process alive; one with work in progress must.
    this.worker.unref();
  }

  /** Posts a message; for "u" and "d" the promise settles with the worker's answer. */
  call(msg: { t: "u"; id: number; sab: SharedArrayBuffer; len: number } | { t: "d"; id: number }) {
    if (this.failed) return Promise.reject(this.failed);
    const seq = this.seq++;
    return new Promise<BodyHashes | undefined>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...msg, seq } satisfies ToWorker);
    });
  }

  forget(id: number): void {
    if (!this.failed) this.worker.postMessage({ t: "x", id } satisfies ToWorker);
  }
}

/**
 * Worker hashing pays off only with a second core; PERMAFROST_HASH_WORKERS=off turns it off (then
 * both hashes run on the event loop).
 */
export function parallelHashing(): boolean {
  return availableParallelism() > 1 && !/^(0|off|false|no)$/i.test(process.env.PERMAFROST_HASH_WORKERS ?? "");
}

let workers: HashWorker[] = [];
let nextWorker = 0;
let nextId = 1;

/** Workers are started on first use; one fewer than the cores (at least one), at most four. */
function pickWorker(): HashWorker {
  workers = workers.filter((w) => w.failed === undefined);
  const size = Math.min(4, Math.max(1, availableParallelism() - 1));
  if (workers.length < size) workers.push(new HashWorker());
  return workers[nextWorker++ % workers.length] as HashWorker;
}

/**
 * Both hashes computed in a worker thread, so the event loop only moves bytes (measured: the
 * linear hash on the event loop made the loop the bottleneck of a 1 GiB upload). Slabs are read
 * in place through shared memory; each update's promise settles when the worker is done with it.
 */
export class WorkerSlabHasher implements SlabHasher {
  private readonly worker = pickWorker();
  private readonly id = nextId++;
  private done = false;

  update(slab: Slab, length: number): Promise<void> {
    if (this.done) return Promise.reject(new Error("hasher already finished"));
    return this.worker.call({ t: "u", id: this.id, sab: slab.sab, len: length }).then(() => undefined);
  }

  async digest(): Promise<BodyHashes> {
    if (this.done) throw new Error("hasher already finished");
    this.done = true;
    return (await this.worker.call({ t: "d", id: this.id })) as BodyHashes;
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.worker.forget(this.id);
  }
}
