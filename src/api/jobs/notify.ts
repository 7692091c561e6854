import { retryDelayMs } from "../../core/jobs-timing.js";
import type { Delivery } from "../../store/jobs.js";
import type { Services } from "../types.js";

/** Attempts per notification before it is given up (back-off doubles up to 1 h: about a day in all). */
export const MAX_DELIVERY_ATTEMPTS = 30;
const DELIVERY_TIMEOUT_MS = 10_000;

/** The webhook standing in for an SNS topic: exact match first, then the "*" catch-all. */
export function targetFor(svc: Services, topic: string): string | undefined {
  const targets = svc.config.notificationTargets;
  return targets[topic] ?? targets["*"];
}

/**
 * POSTs one queued notification. The body is exactly the DescribeJob document; headers mirror
 * SNS's HTTP delivery headers so that receivers can tell topics apart.
 */
async function attempt(svc: Services, d: Delivery): Promise<void> {
  const url = targetFor(svc, d.topic);
  if (!url) {
    svc.log.warn({ topic: d.topic, jobId: d.jobId }, "no notification target configured for topic; dropping");
    await svc.store.jobs.deliveryFailed(
      d.id,
      "no notification target configured for this topic",
      undefined,
      svc.clock.now(),
    );
    return;
  }
  let error: string;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "x-amz-sns-message-type": "Notification",
        "x-amz-sns-message-id": `${d.jobId}.${d.id}`,
        "x-amz-sns-topic-arn": d.topic,
        "x-permafrost-delivery-attempt": String(d.attempts + 1),
      },
      body: d.body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    if (res.ok) {
      await svc.store.jobs.delivered(d.id, svc.clock.now());
      return;
    }
    error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const attempts = d.attempts + 1;
  const now = svc.clock.now();
  const next = attempts >= MAX_DELIVERY_ATTEMPTS ? undefined : now + retryDelayMs(attempts);
  svc.log.warn(
    { topic: d.topic, jobId: d.jobId, attempts, error, giveUp: next === undefined },
    "notification delivery failed",
  );
  await svc.store.jobs.deliveryFailed(d.id, error, next, now);
}

/** Deliveries being attempted in this process: the task and an admin call never POST one twice at once. */
const attempting = new WeakMap<Services, Set<number>>();

/** Delivers every notification due now, a batch at a time, in parallel within a batch. */
export async function deliverDueNotifications(svc: Services): Promise<number> {
  let busy = attempting.get(svc);
  if (!busy) {
    busy = new Set();
    attempting.set(svc, busy);
  }
  const mine = busy;
  let sent = 0;
  const seen = new Set<number>();
  for (;;) {
    const due = (await svc.store.jobs.dueDeliveries(svc.clock.now(), 20 + seen.size)).filter(
      (d) => !seen.has(d.id) && !mine.has(d.id),
    );
    if (due.length === 0) return sent;
    for (const d of due) {
      seen.add(d.id);
      mine.add(d.id);
    }
    await Promise.all(due.map((d) => attempt(svc, d).finally(() => mine.delete(d.id))));
    sent += due.length;
  }
}
