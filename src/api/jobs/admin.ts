import { isoMillis } from "../../core/clock.js";
import { Errors } from "../../core/errors.js";
import { describeJob, type JobRecord } from "../../core/jobs-model.js";
import type { Delivery } from "../../store/jobs.js";
import type { Services } from "../types.js";
import { completeJob } from "./complete.js";
import { deliverDueNotifications } from "./notify.js";

/** Admin endpoints of the jobs family (mounted under /_permafrost/ by src/api/admin.ts). */
type AdminInput = { query: URLSearchParams; json: Record<string, unknown> };
type AdminOutput = Promise<{ status: number; json?: unknown }>;

const withDue = (j: JobRecord) => ({ ...describeJob(j), DueDate: isoMillis(j.dueAt) });

/** GET /_permafrost/jobs — in-progress jobs of every vault, oldest first, with when each falls due. */
export async function listPendingJobs(svc: Services, input: AdminInput): AdminOutput {
  const limit = Math.min(Number(input.query.get("limit") ?? 1000) || 1000, 10_000);
  return { status: 200, json: { Jobs: (await svc.store.jobs.pending(limit)).map(withDue) } };
}

/**
 * POST /_permafrost/jobs/complete — completes one job (`{"JobId":"…"}`) or every in-progress job
 * (`{}`) now, whatever the timing policy. `{"Status":"Failed","StatusMessage":"…"}` fails them instead.
 */
export async function completeJobsNow(svc: Services, input: AdminInput): AdminOutput {
  const { JobId, Status, StatusMessage } = input.json;
  if (JobId !== undefined && typeof JobId !== "string") throw Errors.invalid("JobId must be a string.");
  if (Status !== undefined && Status !== "Succeeded" && Status !== "Failed") {
    throw Errors.invalid("Status must be Succeeded or Failed.");
  }
  const fail = Status === "Failed" ? (typeof StatusMessage === "string" ? StatusMessage : "Failed") : undefined;
  let jobs: JobRecord[];
  if (JobId !== undefined) {
    const job = await svc.store.jobs.get(JobId);
    if (!job) throw Errors.notFound(`The job ID was not found: ${JobId}`);
    if (job.status !== "InProgress") throw Errors.invalid(`The job is not in progress: ${JobId}`);
    jobs = [job];
  } else jobs = await svc.store.jobs.pending(100_000);
  const now = svc.clock.now();
  const completed: string[] = [];
  for (const job of jobs) {
    await svc.store.jobs.makeDue(job.jobId, now);
    await completeJob(svc, { ...job, dueAt: Math.min(job.dueAt, now) }, { fail });
    const after = await svc.store.jobs.get(job.jobId);
    if (after && after.status !== "InProgress") completed.push(job.jobId);
  }
  return { status: 200, json: { Completed: completed } };
}

const deliveryJson = (d: Delivery) => ({
  Id: d.id,
  JobId: d.jobId,
  Topic: d.topic,
  State: d.state,
  Attempts: d.attempts,
  NextAttemptDate: isoMillis(d.nextAttemptAt),
  LastError: d.lastError,
  CreationDate: isoMillis(d.createdAt),
});

/** GET /_permafrost/notifications[?state=pending|delivered|failed] — the notification outbox. */
export async function listNotifications(svc: Services, input: AdminInput): AdminOutput {
  const state = input.query.get("state") ?? undefined;
  if (state !== undefined && !["pending", "delivered", "failed"].includes(state)) {
    throw Errors.invalid("state must be pending, delivered or failed.");
  }
  const rows = await svc.store.jobs.deliveries(state as Delivery["state"] | undefined, 10_000);
  return { status: 200, json: { Notifications: rows.map(deliveryJson) } };
}

/** POST /_permafrost/notifications/deliver — attempts every pending notification now, ignoring back-off. */
export async function deliverNotificationsNow(svc: Services, _input: AdminInput): AdminOutput {
  await svc.store.jobs.retryDeliveriesNow(svc.clock.now());
  const attempted = await deliverDueNotifications(svc);
  return { status: 200, json: { Attempted: attempted } };
}
