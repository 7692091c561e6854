import type { Task } from "../maintenance.js";
import { completeDueJobs } from "./complete.js";
import { deliverDueNotifications } from "./notify.js";

/** Completes due jobs, then forgets expired ones (releasing their blobs) and old outbox rows. */
export const completeJobsTask: Task = {
  name: "jobs",
  intervalMs: 1_000,
  async run(svc) {
    await completeDueJobs(svc);
    const now = svc.clock.now();
    while ((await svc.store.jobs.expire(now, 500)) === 500) {}
    await svc.store.jobs.purgeDeliveries(now - svc.config.jobRetentionSeconds * 1000);
  },
};

/** Delivers queued job notifications; failures are retried with back-off and never hold up a job. */
export const deliverNotificationsTask: Task = {
  name: "job-notifications",
  intervalMs: 1_000,
  async run(svc) {
    await deliverDueNotifications(svc);
  },
};

export const jobTasks: Task[] = [completeJobsTask, deliverNotificationsTask];
