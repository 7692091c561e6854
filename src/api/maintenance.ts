import type { Services } from "./types.js";

/** A periodic background duty (garbage collection, expiry, job completion, deliveries). */
export interface Task {
  name: string;
  intervalMs: number;
  run(svc: Services): Promise<void>;
}

/** Deletes blob files whose last reference is gone, then forgets them. Survives crashes: the ledger is durable. */
export const reapGarbage: Task = {
  name: "reap-garbage",
  intervalMs: 2_000,
  async run(svc) {
    for (;;) {
      const keys = await svc.store.blobs.garbage(500);
      if (keys.length === 0) return;
      for (const key of keys) await svc.blobs.delete(key);
      await svc.store.blobs.forget(keys);
    }
  },
};

/**
 * Removes blobs that metadata never learned of: a crash between a blob's commit and its metadata
 * transaction leaves one behind. Only files older than `before` are considered, so writes in
 * flight in this process are never touched.
 */
export async function sweepOrphans(svc: Services, before: number): Promise<number> {
  let removed = 0;
  for await (const { key, mtimeMs } of svc.blobs.list()) {
    if (mtimeMs >= before) continue;
    if (await svc.store.blobs.known(key)) continue;
    await svc.blobs.delete(key);
    removed += 1;
  }
  return removed;
}

/** Runs tasks on their intervals, never overlapping a task with itself. */
export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly svc: Services,
    private readonly tasks: readonly Task[],
  ) {}

  start(): void {
    for (const task of this.tasks) {
      let busy = false;
      const tick = () => {
        if (busy) return;
        busy = true;
        const p = this.runOnce(task).finally(() => {
          busy = false;
          this.running.delete(p);
        });
        this.running.add(p);
      };
      const t = setInterval(tick, task.intervalMs);
      t.unref();
      this.timers.push(t);
    }
  }

  async runOnce(task: Task): Promise<void> {
    try {
      await task.run(this.svc);
    } catch (err) {
      this.svc.log.error({ err, task: task.name }, "background task failed");
    }
  }

  /** Runs every task once now (used by the admin interface and tests). */
  async runAll(): Promise<void> {
    for (const task of this.tasks) await this.runOnce(task);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.running);
  }
}
