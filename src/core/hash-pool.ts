import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { MIB, TreeHasher } from "./treehash.js";

/**
 * Both hashes (linear SHA-256 and tree hash) computed in a worker thread, so the event loop only
 * moves bytes between the socket and the disk (measured: the linear hash on the event loop made the
 * loop the bottleneck of a 1 GiB upload, 2.7–3.1 s vs 2.65–2.83 s with both in the worker). Bytes reach the worker in recycled 1 MiB buffers that are transferred (not copied) both
 * ways; a fixed number of buffers per stream bounds memory and gives back-pressure.
 *
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
parentPort.on("message", (m) => {
  if (m.t === "u") {
    let h = jobs.get(m.id);
    if (!h) jobs.set(m.id, (h = { tree: new TreeHasher(), linear: createHash("sha256") }));
    const bytes = new Uint8Array(m.buf, 0, m.len);
    h.linear.update(bytes);
    h.tree.update(bytes);
    parentPort.postMessage({ t: "a", id: m.id, buf: m.buf }, [m.buf]);
  } else if (m.t === "d") {
    const h = jobs.get(m.id) ?? { tree: new TreeHasher(), linear: createHash("sha256") };
    jobs.delete(m.id);
    parentPort.postMessage({ t: "d", id: m.id, treeHash: h.tree.digest(), sha256: h.linear.digest("hex") });
  } else if (m.t === "x") {
    jobs.delete(m.id);
  }
});
`;

/** Buffer size: one tree-hash leaf. */
const BUF = MIB;
/** Buffers per stream: at most this many MiB of a stream wait for (or are in) the worker. */
const BUFS_PER_STREAM = 4;

type FromWorker = { t: "a"; id: number; buf: ArrayBuffer } | { t: "d"; id: number; treeHash: string; sha256: string };

interface StreamState {
  onBuffer: (buf: ArrayBuffer) => void;
  onDigest: (hashes: { sha256: string; treeHash: string }) => void;
  onError: (err: Error) => void;
}

class HashWorker {
  private readonly worker: Worker;
  readonly streams = new Map<number, StreamState>();
  failed: Error | undefined;

  constructor() {
    this.worker = new Worker(WORKER_PRELUDE + WORKER_BODY, { eval: true, name: "permafrost-treehash" });
    this.worker.on("message", (m: FromWorker) => {
      const s = this.streams.get(m.id);
      if (!s) return;
      if (m.t === "a") s.onBuffer(m.buf);
      else s.onDigest({ sha256: m.sha256, treeHash: m.treeHash });
    });
    const fail = (err: Error) => {
      this.failed ??= err;
      for (const s of this.streams.values()) s.onError(err);
      this.streams.clear();
      this.worker.unref();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`tree-hash worker exited with code ${code}`)));
    // An idle worker must not keep the process alive; one with streams in progress must.
    this.worker.unref();
  }

  add(id: number, state: StreamState): void {
    this.streams.set(id, state);
    if (this.streams.size === 1) this.worker.ref();
  }

  remove(id: number): void {
    if (this.streams.delete(id) && this.streams.size === 0) this.worker.unref();
  }

  post(msg: { t: "u"; id: number; buf: ArrayBuffer; len: number } | { t: "d" | "x"; id: number }): void {
    if (msg.t === "u") this.worker.postMessage(msg, [msg.buf]);
    else this.worker.postMessage(msg);
  }
}

/**
 * Worker hashing pays off only with a second core; PERMAFROST_HASH_WORKERS=off turns it off (then
 * both hashes run on the event loop, as StreamHasher does).
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
  const w = workers[nextWorker++ % workers.length] as HashWorker;
  return w;
}

/**
 * Same results as StreamHasher (linear SHA-256 and tree hash), with both computed in a
 * worker thread. update() returns a promise only when the stream's buffers are all with the
 * worker; callers must await it before the next update (that is the back-pressure).
 */
export class ParallelStreamHasher {
  private readonly worker = pickWorker();
  private readonly id = nextId++;
  private readonly free: ArrayBuffer[] = [];
  private allocated = 0;
  private current: Uint8Array | undefined;
  private fill = 0;
  private total = 0;
  private waiting: (() => void) | undefined;
  private error: Error | undefined;
  private finish:
    | { resolve: (hashes: { sha256: string; treeHash: string }) => void; reject: (err: Error) => void }
    | undefined;
  private done = false;

  constructor() {
    this.worker.add(this.id, {
      onBuffer: (buf) => {
        this.free.push(buf);
        this.wake();
      },
      onDigest: (hashes) => this.finish?.resolve(hashes),
      onError: (err) => {
        this.error = err;
        this.wake();
        this.finish?.reject(err);
      },
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  get size(): number {
    return this.total;
  }

  private take(): Uint8Array | undefined {
    const recycled = this.free.pop();
    if (recycled) return new Uint8Array(recycled);
    if (this.allocated === BUFS_PER_STREAM) return undefined;
    this.allocated += 1;
    return new Uint8Array(new ArrayBuffer(BUF));
  }

  private flush(): void {
    const cur = this.current as Uint8Array;
    this.worker.post({ t: "u", id: this.id, buf: cur.buffer as ArrayBuffer, len: this.fill });
    this.current = undefined;
    this.fill = 0;
  }

  /** Hashes `chunk`; resolves once it has been handed over (the chunk may be reused after that). */
  update(chunk: Buffer): Promise<void> | undefined {
    if (this.error) throw this.error;
    this.total += chunk.length;
    return this.copy(chunk, 0);
  }

  private copy(chunk: Buffer, from: number): Promise<void> | undefined {
    let offset = from;
    while (offset < chunk.length) {
      if (!this.current) {
        this.current = this.take();
        if (!this.current) return this.waitThenCopy(chunk, offset);
      }
      const n = Math.min(BUF - this.fill, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + n), this.fill);
      this.fill += n;
      offset += n;
      if (this.fill === BUF) this.flush();
    }
    return undefined;
  }

  private async waitThenCopy(chunk: Buffer, offset: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
    if (this.error) throw this.error;
    await this.copy(chunk, offset);
  }

  /** Both hashes, lower-case hex. The hasher cannot be used afterwards. */
  async digest(): Promise<{ sha256: string; treeHash: string }> {
    if (this.done) throw new Error("hasher already finished");
    this.done = true;
    if (this.error) throw this.error;
    if (this.fill > 0) this.flush();
    return new Promise<{ sha256: string; treeHash: string }>((resolve, reject) => {
      this.finish = { resolve, reject };
      this.worker.post({ t: "d", id: this.id });
    }).finally(() => this.worker.remove(this.id));
  }

  /** Forgets the stream (on a failed upload); safe to call at any time. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.worker.remove(this.id);
    this.worker.post({ t: "x", id: this.id });
  }
}
