import { isoMillis } from "./clock.js";

/** A blob the job reads (structurally the store's Segment; core depends on nothing). */
export interface Segment {
  key: string;
  size: number;
}

/** Retrieval tiers (SPEC §7.2); inventories have none. */
export type Tier = "Expedited" | "Standard" | "Bulk";
export const TIERS: readonly Tier[] = ["Expedited", "Standard", "Bulk"];

export type JobAction = "ArchiveRetrieval" | "InventoryRetrieval";
export type JobStatus = "InProgress" | "Succeeded" | "Failed";
export const JOB_STATUSES: readonly JobStatus[] = ["InProgress", "Succeeded", "Failed"];
export type InventoryFormat = "JSON" | "CSV";

/** The inventory request as the client sent it (echoed in DescribeJob), plus its parsed form. */
export interface InventoryParams {
  format: InventoryFormat;
  startDate: string | null;
  endDate: string | null;
  /** A string holding an integer ≥ 1, as in the model. */
  limit: string | null;
  /** The marker the request continued from. */
  marker: string | null;
}

/** A job as stored: one row, never a timer, so that pending jobs survive restarts. */
export interface JobRecord {
  jobId: string;
  /** Insertion order; breaks ties between jobs created in the same millisecond. */
  seq: number;
  vaultId: number;
  vaultArn: string;
  action: JobAction;
  description: string | null;
  snsTopic: string | null;
  tier: Tier | null;
  createdAt: number;
  /** When the job completes by itself (policy-dependent, fixed at creation). */
  dueAt: number;
  status: JobStatus;
  statusMessage: string;
  completedAt: number | null;
  /** After this instant the job and its output are gone (RNF). */
  expiresAt: number | null;
  archiveId: string | null;
  archiveSize: number | null;
  archiveTreeHash: string | null;
  archiveDescription: string | null;
  /** Retrieved byte range of the archive, inclusive (archive jobs). */
  rangeFirst: number | null;
  rangeLast: number | null;
  /** Tree hash of the retrieved range when it is tree-hash aligned (known from the start for whole archives). */
  rangeTreeHash: string | null;
  /**
   * Blobs the job holds references to: the archive's segments (archive jobs) or the generated
   * inventory (inventory jobs, once complete). The job's output is these blobs read in order.
   */
  segments: Segment[];
  inventory: InventoryParams | null;
  inventorySize: number | null;
  /** Marker to continue a limited inventory; null when exhausted (set at completion). */
  nextMarker: string | null;
}

export const IN_PROGRESS_MESSAGE = "Operation in progress.";
export const SUCCEEDED_MESSAGE = "Succeeded";

/** Size in bytes of what GetJobOutput serves; undefined before the output exists. */
export function outputSize(j: JobRecord): number | undefined {
  if (j.action === "ArchiveRetrieval") {
    return j.rangeFirst === null || j.rangeLast === null ? undefined : j.rangeLast - j.rangeFirst + 1;
  }
  return j.inventorySize ?? undefined;
}

/**
 * DescribeJob's document (also each ListJobs entry and the notification body): keys in AWS's
 * alphabetical order, explicit nulls for inapplicable documented fields (SPEC §3.27).
 */
export function describeJob(j: JobRecord): Record<string, unknown> {
  const archive = j.action === "ArchiveRetrieval";
  const done = j.status !== "InProgress";
  const out: Record<string, unknown> = {
    Action: j.action,
    ArchiveId: archive ? j.archiveId : null,
    ArchiveSHA256TreeHash: archive ? j.archiveTreeHash : null,
    ArchiveSizeInBytes: archive ? j.archiveSize : null,
    Completed: done,
    CompletionDate: j.completedAt === null ? null : isoMillis(j.completedAt),
    CreationDate: isoMillis(j.createdAt),
  };
  if (!archive && j.inventory) {
    const p = j.inventory;
    out.InventoryRetrievalParameters = {
      EndDate: p.endDate,
      Format: p.format,
      Limit: p.limit,
      // While running: the marker the request continued from; once succeeded: the next one (or null).
      Marker: j.status === "Succeeded" ? j.nextMarker : p.marker,
      StartDate: p.startDate,
    };
  }
  out.InventorySizeInBytes = !archive && j.status === "Succeeded" ? j.inventorySize : null;
  out.JobDescription = j.description;
  out.JobId = j.jobId;
  out.RetrievalByteRange = archive && j.rangeFirst !== null ? `${j.rangeFirst}-${j.rangeLast}` : null;
  out.SHA256TreeHash = archive ? j.rangeTreeHash : null;
  out.SNSTopic = j.snsTopic;
  out.StatusCode = j.status;
  out.StatusMessage = j.statusMessage;
  if (archive) out.Tier = j.tier;
  out.VaultARN = j.vaultArn;
  return out;
}
