import type { InventoryParams, JobAction, JobRecord, JobStatus, Segment, Tier } from "../../core/jobs-model.js";
import type { Delivery, JobCursor, JobFilter, JobOutcome, JobStore, OutboxMessage } from "../jobs.js";
import type { SqliteContext } from "./context.js";

interface JobRow {
  seq: number;
  job_id: string;
  vault_id: number;
  vault_arn: string;
  action: string;
  description: string | null;
  sns_topic: string | null;
  tier: string | null;
  created_at: number;
  due_at: number;
  status: string;
  status_message: string;
  completed_at: number | null;
  expires_at: number | null;
  archive_id: string | null;
  archive_size: number | null;
  archive_tree_hash: string | null;
  archive_description: string | null;
  range_first: number | null;
  range_last: number | null;
  range_tree_hash: string | null;
  segments: string;
  inventory: string | null;
  inventory_size: number | null;
  next_marker: string | null;
}

interface DeliveryRow {
  id: number;
  job_id: string;
  topic: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
  state: string;
  last_error: string | null;
  created_at: number;
}

const toJob = (r: JobRow): JobRecord => ({
  jobId: r.job_id,
  seq: r.seq,
  vaultId: r.vault_id,
  vaultArn: r.vault_arn,
  action: r.action as JobAction,
  description: r.description,
  snsTopic: r.sns_topic,
  tier: r.tier as Tier | null,
  createdAt: r.created_at,
  dueAt: r.due_at,
  status: r.status as JobStatus,
  statusMessage: r.status_message,
  completedAt: r.completed_at,
  expiresAt: r.expires_at,
  archiveId: r.archive_id,
  archiveSize: r.archive_size,
  archiveTreeHash: r.archive_tree_hash,
  archiveDescription: r.archive_description,
  rangeFirst: r.range_first,
  rangeLast: r.range_last,
  rangeTreeHash: r.range_tree_hash,
  segments: JSON.parse(r.segments) as Segment[],
  inventory: r.inventory === null ? null : (JSON.parse(r.inventory) as InventoryParams),
  inventorySize: r.inventory_size,
  nextMarker: r.next_marker,
});

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  jobId: r.job_id,
  topic: r.topic,
  body: r.body,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  state: r.state as Delivery["state"],
  lastError: r.last_error,
  createdAt: r.created_at,
});

const keysOf = (segments: readonly Segment[]) => segments.map((s) => s.key);

export class SqliteJobStore implements JobStore {
  private readonly getStmt;
  private readonly createTx;
  private readonly listStmt;
  private readonly dueStmt;
  private readonly dueInVaultStmt;
  private readonly pendingStmt;
  private readonly makeDueOne;
  private readonly makeDueAll;
  private readonly completeTx;
  private readonly expireTx;
  private readonly dueDeliveriesStmt;
  private readonly deliveredStmt;
  private readonly failedStmt;
  private readonly deliveriesStmt;
  private readonly deliveriesByState;
  private readonly retryNowStmt;
  private readonly purgeStmt;

  constructor(ctx: SqliteContext) {
    const { db, ledger } = ctx;
    this.getStmt = db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE job_id = ?");
    const archiveSegments = db.prepare<[string, number], { segments: string }>(
      "SELECT segments FROM archives WHERE archive_id = ? AND vault_id = ?",
    );
    const insert = db.prepare(
      `INSERT INTO jobs (job_id, vault_id, vault_arn, action, description, sns_topic, tier, created_at, due_at,
         status, status_message, completed_at, expires_at, archive_id, archive_size, archive_tree_hash,
         archive_description, range_first, range_last, range_tree_hash, segments, inventory, inventory_size, next_marker)
       VALUES (@jobId, @vaultId, @vaultArn, @action, @description, @snsTopic, @tier, @createdAt, @dueAt,
         @status, @statusMessage, @completedAt, @expiresAt, @archiveId, @archiveSize, @archiveTreeHash,
         @archiveDescription, @rangeFirst, @rangeLast, @rangeTreeHash, @segmentsJson, @inventoryJson, @inventorySize, @nextMarker)`,
    );
    this.createTx = db.transaction((j: JobRecord): boolean => {
      let segments = j.segments;
      if (j.action === "ArchiveRetrieval") {
        // The archive may have been deleted since the handler read it: decide inside the transaction.
        const row = archiveSegments.get(j.archiveId ?? "", j.vaultId);
        if (!row) return false;
        segments = JSON.parse(row.segments) as Segment[];
        ledger.add(segments);
      }
      const { seq: _seq, segments: _s, inventory, ...rest } = j;
      insert.run({
        ...rest,
        segmentsJson: JSON.stringify(segments),
        inventoryJson: inventory === null ? null : JSON.stringify(inventory),
      });
      return true;
    });
    const live = "(expires_at IS NULL OR expires_at > @now)";
    this.listStmt = db.prepare<Record<string, unknown>, JobRow>(
      `SELECT * FROM jobs WHERE vault_id = @vaultId AND ${live}
         AND (@status IS NULL OR status = @status)
         AND (@completed IS NULL OR (status <> 'InProgress') = @completed)
         AND (@afterCreated IS NULL OR created_at < @afterCreated OR (created_at = @afterCreated AND seq < @afterSeq))
       ORDER BY created_at DESC, seq DESC LIMIT @limit`,
    );
    this.dueStmt = db.prepare<[number, number], JobRow>(
      "SELECT * FROM jobs WHERE status = 'InProgress' AND due_at <= ? ORDER BY due_at, seq LIMIT ?",
    );
    this.dueInVaultStmt = db.prepare<[number, number, number], JobRow>(
      "SELECT * FROM jobs WHERE status = 'InProgress' AND due_at <= ? AND vault_id = ? ORDER BY due_at, seq LIMIT ?",
    );
    this.pendingStmt = db.prepare<[number], JobRow>(
      "SELECT * FROM jobs WHERE status = 'InProgress' ORDER BY created_at, seq LIMIT ?",
    );
    this.makeDueOne = db.prepare("UPDATE jobs SET due_at = MIN(due_at, ?) WHERE job_id = ? AND status = 'InProgress'");
    this.makeDueAll = db.prepare("UPDATE jobs SET due_at = MIN(due_at, ?) WHERE status = 'InProgress'");
    const completeStmt = db.prepare(
      `UPDATE jobs SET status = @status, status_message = @statusMessage, completed_at = @now, expires_at = @expiresAt,
         range_tree_hash = COALESCE(@rangeTreeHash, range_tree_hash), inventory_size = @inventorySize,
         next_marker = @nextMarker, segments = @segmentsJson
       WHERE job_id = @jobId AND status = 'InProgress'`,
    );
    const enqueue = db.prepare(
      "INSERT INTO job_notifications (job_id, topic, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.completeTx = db.transaction(
      (jobId: string, o: JobOutcome, now: number, expiresAt: number, outbox: OutboxMessage[]): boolean => {
        const row = this.getStmt.get(jobId);
        if (row?.status !== "InProgress") return false;
        const segments = JSON.parse(row.segments) as Segment[];
        if (o.output) {
          segments.push(o.output);
          ledger.add([o.output]);
        }
        completeStmt.run({
          jobId,
          now,
          expiresAt,
          status: o.status,
          statusMessage: o.statusMessage,
          rangeTreeHash: o.rangeTreeHash ?? null,
          inventorySize: o.inventorySize ?? null,
          nextMarker: o.nextMarker ?? null,
          segmentsJson: JSON.stringify(segments),
        });
        for (const m of outbox) enqueue.run(jobId, m.topic, m.body, now, now);
        return true;
      },
    );
    const expiredStmt = db.prepare<[number, number], JobRow>(
      "SELECT * FROM jobs WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?",
    );
    const deleteJob = db.prepare("DELETE FROM jobs WHERE seq = ?");
    this.expireTx = db.transaction((now: number, limit: number): number => {
      const rows = expiredStmt.all(now, limit);
      for (const r of rows) {
        deleteJob.run(r.seq);
        ledger.release(keysOf(JSON.parse(r.segments) as Segment[]), now);
      }
      return rows.length;
    });
    // A deleted vault takes its jobs with it; their blob references go too (queued notifications stay).
    const vaultJobs = db.prepare<[number], JobRow>("SELECT * FROM jobs WHERE vault_id = ?");
    const deleteVaultJobs = db.prepare("DELETE FROM jobs WHERE vault_id = ?");
    ctx.onVaultDelete.push((vaultId, now) => {
      for (const r of vaultJobs.all(vaultId)) ledger.release(keysOf(JSON.parse(r.segments) as Segment[]), now);
      deleteVaultJobs.run(vaultId);
    });

    this.dueDeliveriesStmt = db.prepare<[number, number], DeliveryRow>(
      "SELECT * FROM job_notifications WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
    );
    this.deliveredStmt = db.prepare(
      "UPDATE job_notifications SET state = 'delivered', attempts = attempts + 1, settled_at = ?, last_error = NULL WHERE id = ?",
    );
    this.failedStmt = db.prepare(
      `UPDATE job_notifications SET attempts = attempts + 1, last_error = @error,
         state = CASE WHEN @next IS NULL THEN 'failed' ELSE 'pending' END,
         next_attempt_at = COALESCE(@next, next_attempt_at),
         settled_at = CASE WHEN @next IS NULL THEN @now ELSE NULL END
       WHERE id = @id`,
    );
    this.deliveriesStmt = db.prepare<[number], DeliveryRow>("SELECT * FROM job_notifications ORDER BY id LIMIT ?");
    this.deliveriesByState = db.prepare<[string, number], DeliveryRow>(
      "SELECT * FROM job_notifications WHERE state = ? ORDER BY id LIMIT ?",
    );
    this.retryNowStmt = db.prepare(
      "UPDATE job_notifications SET next_attempt_at = MIN(next_attempt_at, ?) WHERE state = 'pending'",
    );
    this.purgeStmt = db.prepare("DELETE FROM job_notifications WHERE settled_at IS NOT NULL AND settled_at < ?");
  }

  async create(job: JobRecord): Promise<boolean> {
    return this.createTx.immediate(job);
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const row = this.getStmt.get(jobId);
    return row && toJob(row);
  }

  async list(
    vaultId: number,
    filter: JobFilter,
    now: number,
    after: JobCursor | undefined,
    limit: number,
  ): Promise<JobRecord[]> {
    return this.listStmt
      .all({
        vaultId,
        now,
        status: filter.status ?? null,
        completed: filter.completed === undefined ? null : filter.completed ? 1 : 0,
        afterCreated: after?.createdAt ?? null,
        afterSeq: after?.seq ?? null,
        limit,
      })
      .map(toJob);
  }

  async due(now: number, limit: number, vaultId?: number): Promise<JobRecord[]> {
    const rows = vaultId === undefined ? this.dueStmt.all(now, limit) : this.dueInVaultStmt.all(now, vaultId, limit);
    return rows.map(toJob);
  }

  async pending(limit: number): Promise<JobRecord[]> {
    return this.pendingStmt.all(limit).map(toJob);
  }

  async makeDue(jobId: string | undefined, now: number): Promise<number> {
    return (jobId === undefined ? this.makeDueAll.run(now) : this.makeDueOne.run(now, jobId)).changes;
  }

  async complete(
    jobId: string,
    outcome: JobOutcome,
    now: number,
    expiresAt: number,
    outbox: OutboxMessage[],
  ): Promise<boolean> {
    return this.completeTx.immediate(jobId, outcome, now, expiresAt, outbox);
  }

  async expire(now: number, limit: number): Promise<number> {
    return this.expireTx.immediate(now, limit);
  }

  async dueDeliveries(now: number, limit: number): Promise<Delivery[]> {
    return this.dueDeliveriesStmt.all(now, limit).map(toDelivery);
  }

  async delivered(id: number, now: number): Promise<void> {
    this.deliveredStmt.run(now, id);
  }

  async deliveryFailed(id: number, error: string, nextAttemptAt: number | undefined, now: number): Promise<void> {
    this.failedStmt.run({ id, error, next: nextAttemptAt ?? null, now });
  }

  async deliveries(state: Delivery["state"] | undefined, limit: number): Promise<Delivery[]> {
    const rows = state === undefined ? this.deliveriesStmt.all(limit) : this.deliveriesByState.all(state, limit);
    return rows.map(toDelivery);
  }

  async retryDeliveriesNow(now: number): Promise<number> {
    return this.retryNowStmt.run(now).changes;
  }

  async purgeDeliveries(before: number): Promise<number> {
    return this.purgeStmt.run(before).changes;
  }
}
