/** Pure rules of data-retrieval policies and provisioned capacity (SPEC §9). */

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A provisioned capacity unit's term: one calendar month after purchase, same time of day, with the
 * milliseconds zeroed; a day the next month lacks becomes its last day (Jan 31 → Feb 28/29).
 */
export function capacityExpiry(startMs: number): number {
  const d = new Date(startMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0);
}

/** Simulated on-demand Expedited capacity when an account has no provisioned unit. */
export type ExpeditedCapacity = { kind: "always" } | { kind: "never" } | { kind: "limited"; perFiveMinutes: number };

/** Parses `always`, `never` or `N-per-5-min` (PERMAFROST_EXPEDITED_CAPACITY). */
export function parseExpeditedCapacity(raw: string): ExpeditedCapacity {
  const v = raw.trim().toLowerCase();
  if (v === "always" || v === "never") return { kind: v };
  const m = /^(\d+)-per-5-min$/.exec(v);
  if (m) return { kind: "limited", perFiveMinutes: Number(m[1]) };
  throw new Error(`expedited capacity must be "always", "never" or "N-per-5-min", got ${raw}`);
}

export const FIVE_MINUTES_MS = 5 * 60 * 1000;

/** Start of the UTC day containing `ms`: FreeTier allowances reset at 00:00 UTC. */
export const utcDayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * BytesPerHour (SPEC §9.1, Permafrost's formula): a Standard retrieval's bytes are spread evenly
 * over `standardHours`; the jobs still in their window when a new one arrives, plus the new one,
 * must not exceed the allowed rate. All windows have the same length and started no later than
 * now, so the sum now is the peak over the new job's window.
 */
export function bytesPerHourAdmits(opts: {
  allowed: number;
  standardHours: number;
  bytesInWindow: number;
  newBytes: number;
}): boolean {
  return (opts.bytesInWindow + opts.newBytes) / opts.standardHours <= opts.allowed;
}

export const standardWindowStart = (now: number, standardHours: number): number =>
  now - Math.round(standardHours * HOUR_MS) + 1;
