import type { JobRecord, JobStatus, Segment } from "../core/jobs-model.js";

/** Retrieval jobs, their outputs and the notification outbox (issue: jobs). */

/** Position in a vault's job listing (newest first). */
export interface JobCursor {
  createdAt: number;
  seq: number;
}

export interface JobFilter {
  status?: JobStatus;
  completed?: boolean;
}

/** How a job ended, decided by the completer before the completing transaction. */
export interface JobOutcome {
  status: "Succeeded" | "Failed";
  statusMessage: string;
  /** Tree hash of the retrieved range, when tree-hash aligned and computed at completion. */
  rangeTreeHash?: string | null;
  /** A generated output blob (inventories), committed but not yet referenced. */
  output?: Segment;
  inventorySize?: number | null;
  nextMarker?: string | null;
}

/** A notification to deliver, written in the transaction that completes its job. */
export interface OutboxMessage {
  topic: string;
  body: string;
}

export interface Delivery {
  id: number;
  jobId: string;
  topic: string;
  body: string;
  attempts: number;
  nextAttemptAt: number;
  state: "pending" | "delivered" | "failed";
  lastError: string | null;
  createdAt: number;
}

export interface JobStore {
  /**
   * Records a new job in one transaction. For archive retrievals it re-reads the archive in that
   * transaction and references its blobs (so a later DeleteArchive cannot take the output away);
   * returns false when the archive no longer exists.
   */
  create(job: JobRecord): Promise<boolean>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /** A vault's unexpired jobs, newest first, strictly after `after`. */
  list(
    vaultId: number,
    filter: JobFilter,
    now: number,
    after: JobCursor | undefined,
    limit: number,
  ): Promise<JobRecord[]>;
  /** In-progress jobs due by `now` (optionally of one vault), oldest due first. */
  due(now: number, limit: number, vaultId?: number): Promise<JobRecord[]>;
  /** In-progress jobs, oldest first (admin). */
  pending(limit: number): Promise<JobRecord[]>;
  /** Makes in-progress jobs due now (one job, or all); returns how many. */
  makeDue(jobId: string | undefined, now: number): Promise<number>;
  /**
   * Completes an in-progress job and queues its notifications, atomically. Returns false (and
   * changes nothing) when the job is no longer in progress: another completer won.
   */
  complete(
    jobId: string,
    outcome: JobOutcome,
    now: number,
    expiresAt: number,
    outbox: OutboxMessage[],
  ): Promise<boolean>;
  /** Deletes jobs whose retention has ended and releases their blobs; returns how many. */
  expire(now: number, limit: number): Promise<number>;

  dueDeliveries(now: number, limit: number): Promise<Delivery[]>;
  delivered(id: number, now: number): Promise<void>;
  /** Records a failed attempt: retried at `nextAttemptAt`, or given up (`nextAttemptAt` undefined). */
  deliveryFailed(id: number, error: string, nextAttemptAt: number | undefined, now: number): Promise<void>;
  deliveries(state: Delivery["state"] | undefined, limit: number): Promise<Delivery[]>;
  /** Makes every pending delivery due now (admin). */
  retryDeliveriesNow(now: number): Promise<number>;
  /** Forgets delivered and failed outbox rows older than `before`. */
  purgeDeliveries(before: number): Promise<number>;
}
