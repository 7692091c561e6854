import { Errors } from "../../core/errors.js";
import { newJobId } from "../../core/ids.js";
import {
  describeJob,
  IN_PROGRESS_MESSAGE,
  JOB_STATUSES,
  type JobRecord,
  type JobStatus,
  outputSize,
} from "../../core/jobs-model.js";
import { checkRetrievalRange, parseJobParameters, parseOutputRange } from "../../core/jobs-params.js";
import { completionDelayMs, type JobTiming } from "../../core/jobs-timing.js";
import { PAGE } from "../../core/limits.js";
import { decodeMarker, encodeMarker, parseLimit, parseMarker } from "../../core/paging.js";
import { isTreeHashAligned } from "../../core/treehash.js";
import { readSegments, treeHashOfRange } from "../../store/segments.js";
import type { VaultRecord } from "../../store/types.js";
import { arnOf, vaultScope } from "../access.js";
import { header } from "../ingest.js";
import { admitRetrieval } from "../retrieval-guard.js";
import type { Handler, OperationRequest, Services } from "../types.js";
import { completeDueJobs, completeJob } from "./complete.js";

const jobNotFound = (jobId: string) => Errors.notFound(`The job ID was not found: ${jobId}`);

/** The job named by the path, in this vault, not expired; due work is finished first (lazy completion). */
async function loadJob(req: OperationRequest, svc: Services, vault: VaultRecord): Promise<JobRecord> {
  const jobId = req.params.jobId ?? "";
  let job = await svc.store.jobs.get(jobId);
  const visible = (j: JobRecord | undefined): j is JobRecord =>
    j !== undefined && j.vaultId === vault.id && (j.expiresAt === null || j.expiresAt > svc.clock.now());
  if (!visible(job)) throw jobNotFound(jobId);
  if (job.status === "InProgress" && job.dueAt <= svc.clock.now()) {
    await completeJob(svc, job).catch((err: unknown) =>
      svc.log.error({ err, jobId }, "job completion failed; will retry"),
    );
    job = await svc.store.jobs.get(jobId);
    if (!visible(job)) throw jobNotFound(jobId);
  }
  return job;
}

const InitiateJob: Handler = async (req, svc) => {
  const rawArchiveId = typeof req.json.ArchiveId === "string" ? req.json.ArchiveId : undefined;
  const archive = rawArchiveId ? await svc.store.archives.get(rawArchiveId) : undefined;
  const vault = await vaultScope(req, svc, { archive });
  const params = parseJobParameters(req.json);
  if (params.type === "select") {
    throw Errors.invalid(
      "The job type select is not supported by this server: S3 Glacier Select jobs write their results to Amazon S3, which Permafrost does not provide.",
    );
  }
  const now = svc.clock.now();
  const jobId = newJobId();
  const base = {
    jobId,
    seq: 0,
    vaultId: vault.id,
    vaultArn: arnOf(vault),
    description: params.description,
    snsTopic: params.snsTopic,
    createdAt: now,
    status: "InProgress" as const,
    statusMessage: IN_PROGRESS_MESSAGE,
    completedAt: null,
    expiresAt: null,
    inventorySize: null,
    nextMarker: null,
  };
  const timing = svc.config.jobTiming as JobTiming;
  let job: JobRecord;
  if (params.type === "archive-retrieval") {
    if (!archive) throw Errors.notFound(`The archive ID was not found: ${params.archiveId}`);
    // As DeleteArchive: an archive of another vault names the wrong vault.
    if (archive.vaultId !== vault.id) throw Errors.invalid(`Invalid vault name: ${arnOf(vault)}`);
    const range = params.range ?? { first: 0, last: archive.size - 1 };
    if (params.range) checkRetrievalRange(params.range, archive.size);
    const whole = range.first === 0 && range.last === archive.size - 1;
    await admitRetrieval(req, svc, {
      vault,
      type: params.type,
      tier: params.tier,
      bytes: range.last - range.first + 1,
    });
    job = {
      ...base,
      action: "ArchiveRetrieval",
      tier: params.tier,
      dueAt: now + completionDelayMs(timing, svc.config.timeWarp, { action: "ArchiveRetrieval", tier: params.tier }),
      archiveId: archive.archiveId,
      archiveSize: archive.size,
      archiveTreeHash: archive.treeHash,
      archiveDescription: archive.description,
      rangeFirst: range.first,
      rangeLast: range.last,
      // Known from the start for the whole archive; an aligned sub-range's hash is computed at completion.
      rangeTreeHash: whole ? archive.treeHash : null,
      segments: archive.segments,
      inventory: null,
    };
  } else {
    await admitRetrieval(req, svc, { vault, type: params.type, tier: "Standard", bytes: 0 });
    job = {
      ...base,
      action: "InventoryRetrieval",
      tier: null,
      dueAt: now + completionDelayMs(timing, svc.config.timeWarp, { action: "InventoryRetrieval", tier: null }),
      archiveId: null,
      archiveSize: null,
      archiveTreeHash: null,
      archiveDescription: null,
      rangeFirst: null,
      rangeLast: null,
      rangeTreeHash: null,
      segments: [],
      inventory: params.params,
    };
  }
  if (!(await svc.store.jobs.create(job))) {
    throw Errors.notFound(`The archive ID was not found: ${job.archiveId}`);
  }
  return {
    status: 202,
    headers: { Location: `/${vault.accountId}/vaults/${vault.name}/jobs/${jobId}`, "x-amz-job-id": jobId },
  };
};

const DescribeJob: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  return { status: 200, json: describeJob(await loadJob(req, svc, vault)) };
};

function parseCompleted(raw: string | null): boolean | undefined {
  if (raw === null) return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw Errors.invalid(`Invalid value for completed: ${raw}. Valid values are true and false.`);
}

function parseStatus(raw: string | null): JobStatus | undefined {
  if (raw === null) return undefined;
  if (!JOB_STATUSES.includes(raw as JobStatus)) throw Errors.invalid(`The job status code is not valid: ${raw}`);
  return raw as JobStatus;
}

function parseJobMarker(raw: string | null): { createdAt: number; seq: number } | undefined {
  const marker = parseMarker(raw);
  if (marker === undefined) return undefined;
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(decodeMarker(marker));
  if (!m) throw Errors.invalid(`Invalid marker: ${marker}`);
  return { createdAt: Number(m[1]), seq: Number(m[2]) };
}

const ListJobs: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const completed = parseCompleted(req.query.get("completed"));
  const status = parseStatus(req.query.get("statuscode"));
  const limit = parseLimit(req.query.get("limit"), PAGE.jobs);
  const after = parseJobMarker(req.query.get("marker"));
  await completeDueJobs(svc, vault.id);
  const rows = await svc.store.jobs.list(vault.id, { completed, status }, svc.clock.now(), after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const marker = rows.length > limit && last ? encodeMarker(`${last.createdAt}:${last.seq}`) : null;
  return { status: 200, json: { JobList: page.map(describeJob), Marker: marker } };
};

const GetJobOutput: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const job = await loadJob(req, svc, vault);
  const size = outputSize(job);
  if (job.status !== "Succeeded" || size === undefined) {
    throw Errors.invalid(`The job is not currently available for download: ${job.jobId}`);
  }
  const range = parseOutputRange(header(req.headers, "range"), size);
  const first = range?.first ?? 0;
  const last = range?.last ?? size - 1;
  const headers: Record<string, string> = { "Accept-Ranges": "bytes" };
  if (range) headers["Content-Range"] = `bytes ${first}-${last}/${size}`;
  if (job.action === "InventoryRetrieval") {
    return {
      status: range ? 206 : 200,
      headers,
      stream: {
        stream: readSegments(svc.blobs, job.segments, { start: first, end: last }),
        length: last - first + 1,
        contentType: job.inventory?.format === "CSV" ? "text/csv" : "application/json",
      },
    };
  }
  // Archive coordinates of the bytes served: output offsets are relative to the retrieved range.
  const jobFirst = job.rangeFirst ?? 0;
  const archiveSize = job.archiveSize ?? 0;
  const a = jobFirst + first;
  const b = jobFirst + last;
  const jobAligned = isTreeHashAligned(jobFirst, job.rangeLast ?? 0, archiveSize);
  if (jobAligned && isTreeHashAligned(a, b, archiveSize)) {
    let hash: string;
    if (a === 0 && b === archiveSize - 1 && job.archiveTreeHash) hash = job.archiveTreeHash;
    else if (a === jobFirst && b === job.rangeLast && job.rangeTreeHash) hash = job.rangeTreeHash;
    // Another aligned node of the tree: hash it before sending (the header precedes the body).
    else hash = await treeHashOfRange(svc.blobs, job.segments, { start: a, end: b });
    headers["x-amz-sha256-tree-hash"] = hash;
  }
  if (job.archiveDescription) headers["x-amz-archive-description"] = job.archiveDescription;
  return {
    status: range ? 206 : 200,
    headers,
    stream: {
      stream: readSegments(svc.blobs, job.segments, { start: a, end: b }),
      length: b - a + 1,
      contentType: "application/octet-stream",
    },
  };
};

export const jobHandlers = { InitiateJob, DescribeJob, ListJobs, GetJobOutput };
