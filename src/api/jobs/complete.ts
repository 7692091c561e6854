import { Readable } from "node:stream";
import {
  decodeInventoryMarker,
  encodeInventoryMarker,
  type InventoryCursor,
  InventoryWriter,
} from "../../core/jobs-inventory.js";
import { describeJob, type JobRecord, SUCCEEDED_MESSAGE } from "../../core/jobs-model.js";
import { isTreeHashAligned } from "../../core/treehash.js";
import type { JobOutcome } from "../../store/jobs.js";
import { treeHashOfRange } from "../../store/segments.js";
import { vaultNotificationTopic } from "../notify-config.js";
import type { Services } from "../types.js";

/** Archives read from the metadata store per inventory page: bounds memory whatever the vault size. */
export const INVENTORY_PAGE = 1000;

/** Completions in flight, per server: the background task and a lazy reader never prepare a job twice. */
const inflight = new WeakMap<Services, Map<string, Promise<void>>>();

export interface ForcedOutcome {
  /** Fail the job with this status message instead of producing its output (admin). */
  fail?: string;
}

/**
 * Completes one in-progress job: prepares its output (inventory blob, range tree hash), then in one
 * transaction marks it Succeeded/Failed and queues its notifications. Safe to call concurrently and
 * repeatedly; only the first completion counts.
 */
export function completeJob(svc: Services, job: JobRecord, forced: ForcedOutcome = {}): Promise<void> {
  let mine = inflight.get(svc);
  if (!mine) {
    mine = new Map();
    inflight.set(svc, mine);
  }
  const running = mine.get(job.jobId);
  if (running) return running;
  const p = runCompletion(svc, job, forced).finally(() => mine.delete(job.jobId));
  mine.set(job.jobId, p);
  return p;
}

/**
 * Completes every job due by now (of one vault, or all); returns how many were attempted. A job
 * whose output cannot be prepared yet (I/O error) is logged and left in progress for the next tick.
 */
export async function completeDueJobs(svc: Services, vaultId?: number): Promise<number> {
  const tried = new Set<string>();
  for (;;) {
    const due = await svc.store.jobs.due(svc.clock.now(), 50 + tried.size, vaultId);
    const fresh = due.filter((j) => !tried.has(j.jobId));
    if (fresh.length === 0) return tried.size;
    for (const job of fresh) {
      tried.add(job.jobId);
      await completeJob(svc, job).catch((err: unknown) =>
        svc.log.error({ err, jobId: job.jobId }, "job completion failed; will retry"),
      );
    }
  }
}

async function runCompletion(svc: Services, job: JobRecord, forced: ForcedOutcome): Promise<void> {
  let outcome: JobOutcome;
  if (forced.fail !== undefined) outcome = { status: "Failed", statusMessage: forced.fail };
  else if (job.action === "ArchiveRetrieval") outcome = await archiveOutcome(svc, job);
  else {
    const inv = await buildInventory(svc, job);
    if (!inv) return; // the vault is gone, and with it the job
    outcome = inv;
  }
  const now = svc.clock.now();
  const expiresAt = now + svc.config.jobRetentionSeconds * 1000;
  const completed: JobRecord = {
    ...job,
    status: outcome.status,
    statusMessage: outcome.statusMessage,
    completedAt: now,
    expiresAt,
    rangeTreeHash: outcome.rangeTreeHash ?? job.rangeTreeHash,
    inventorySize: outcome.inventorySize ?? null,
    nextMarker: outcome.nextMarker ?? null,
  };
  const body = JSON.stringify(describeJob(completed));
  const event = job.action === "ArchiveRetrieval" ? "ArchiveRetrievalCompleted" : "InventoryRetrievalCompleted";
  const topics = new Set<string>();
  if (job.snsTopic) topics.add(job.snsTopic);
  const vaultTopic = await vaultNotificationTopic(svc, job.vaultId, event);
  if (vaultTopic) topics.add(vaultTopic);
  const won = await svc.store.jobs.complete(
    job.jobId,
    outcome,
    now,
    expiresAt,
    [...topics].map((topic) => ({ topic, body })),
  );
  if (!won && outcome.output) await svc.blobs.delete(outcome.output.key);
  if (won) svc.log.debug({ jobId: job.jobId, status: outcome.status }, "job completed");
}

/** An archive retrieval's output is the archive's own blobs; only an aligned sub-range's hash is new. */
async function archiveOutcome(svc: Services, job: JobRecord): Promise<JobOutcome> {
  const first = job.rangeFirst ?? 0;
  const last = job.rangeLast ?? 0;
  const size = job.archiveSize ?? 0;
  if (job.rangeTreeHash !== null || !isTreeHashAligned(first, last, size)) {
    return { status: "Succeeded", statusMessage: SUCCEEDED_MESSAGE };
  }
  try {
    const rangeTreeHash = await treeHashOfRange(svc.blobs, job.segments, { start: first, end: last });
    return { status: "Succeeded", statusMessage: SUCCEEDED_MESSAGE, rangeTreeHash };
  } catch (err) {
    svc.log.error({ err, jobId: job.jobId }, "archive data unreadable; failing the retrieval job");
    return { status: "Failed", statusMessage: "The archive data could not be read." };
  }
}

/**
 * Writes the inventory into a blob, page by page from the metadata store (ordered by creation),
 * so that memory stays flat for any number of archives.
 */
async function buildInventory(svc: Services, job: JobRecord): Promise<JobOutcome | undefined> {
  const params = job.inventory;
  if (!params) throw new Error(`inventory job ${job.jobId} has no parameters`);
  const intervalMs = svc.config.inventoryRefreshSeconds * 1000;
  const vault = await svc.store.vaults
    .refreshInventory(job.vaultId, svc.clock.now(), intervalMs)
    .catch(() => undefined);
  if (!vault) return undefined;
  // The snapshot's time is the inventory's date; with a refresh lag (aws-like mode) archives
  // uploaded after the snapshot are not in it yet.
  const inventoryDate = vault.lastInventoryAt ?? svc.clock.now();
  let endMs = params.endDate === null ? undefined : Date.parse(params.endDate);
  if (intervalMs > 0) {
    const cutoff = vault.lastInventoryAt === null ? 0 : vault.lastInventoryAt + 1;
    endMs = endMs === undefined ? cutoff : Math.min(endMs, cutoff);
  }
  const filter = { startMs: params.startDate === null ? undefined : Date.parse(params.startDate), endMs };
  const limit = params.limit === null ? Number.POSITIVE_INFINITY : Number(params.limit);
  const start: InventoryCursor | undefined =
    params.marker === null || params.marker === "" ? undefined : decodeInventoryMarker(params.marker);
  const writer = new InventoryWriter(params.format, job.vaultArn, inventoryDate);
  let nextMarker: string | null = null;
  // Raising the date filter's lower bound to the cursor is the same set of rows, but lets the index
  // seek straight to the page: without it every page rescans from StartDate (O(n²) for a vault).
  const seek = (after: InventoryCursor | undefined) => ({
    ...filter,
    startMs: after === undefined ? filter.startMs : Math.max(filter.startMs ?? 0, after.createdAt),
  });

  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(writer.head(), "utf8");
    let after = start;
    let remaining = limit;
    for (;;) {
      const want = Math.min(INVENTORY_PAGE, remaining);
      const page = await svc.store.archives.listForInventory(job.vaultId, after, want, seek(after));
      if (page.length > 0) {
        yield Buffer.from(writer.page(page), "utf8");
        const lastItem = page[page.length - 1] as (typeof page)[number];
        after = { createdAt: lastItem.createdAt, archiveId: lastItem.archiveId };
      }
      remaining -= page.length;
      if (page.length < want) break;
      if (remaining <= 0) {
        // The limit was reached: a marker is due only when something is left to list.
        const more = await svc.store.archives.listForInventory(job.vaultId, after, 1, seek(after));
        if (more.length > 0 && after) nextMarker = encodeInventoryMarker(after);
        break;
      }
    }
    yield Buffer.from(writer.tail(), "utf8");
  }

  const staged = await svc.blobs.stage(Readable.from(chunks()));
  try {
    await staged.commit();
  } catch (err) {
    await staged.discard();
    throw err;
  }
  return {
    status: "Succeeded",
    statusMessage: SUCCEEDED_MESSAGE,
    output: { key: staged.key, size: staged.size },
    inventorySize: staged.size,
    nextMarker,
  };
}
