import { completeJobsNow, deliverNotificationsNow, listNotifications, listPendingJobs } from "./jobs/admin.js";
import type { Services } from "./types.js";

/** An operator/test endpoint under /_permafrost/ (outside the Glacier namespace, authenticated). */
export interface AdminRoute {
  method: string;
  /** Path below /_permafrost/, e.g. "jobs" or "jobs/complete". */
  path: string;
  handle(
    svc: Services,
    input: { query: URLSearchParams; json: Record<string, unknown> },
  ): Promise<{ status: number; json?: unknown }>;
}

/** Admin endpoints of every family. */
export const adminRoutes: AdminRoute[] = [
  // Jobs (docs/jobs.md): make job completion and notification delivery deterministic for tests.
  { method: "GET", path: "jobs", handle: listPendingJobs },
  { method: "POST", path: "jobs/complete", handle: completeJobsNow },
  { method: "GET", path: "notifications", handle: listNotifications },
  { method: "POST", path: "notifications/deliver", handle: deliverNotificationsNow },
];
