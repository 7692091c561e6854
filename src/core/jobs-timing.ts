import type { JobAction, Tier } from "./jobs-model.js";

/** How long jobs take: at once, like AWS (per tier), or a fixed number of seconds. */
export type JobTiming = "instant" | "realistic" | number;

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Typical AWS completion windows (SPEC §7.2); a realistic job picks a point inside its window. */
export const REALISTIC_WINDOWS: Readonly<Record<Tier | "Inventory", readonly [number, number]>> = {
  Expedited: [1 * MIN, 5 * MIN],
  Standard: [3 * HOUR, 5 * HOUR],
  Bulk: [5 * HOUR, 12 * HOUR],
  Inventory: [3.5 * HOUR, 4.5 * HOUR],
};

/**
 * Milliseconds from creation to completion. The time warp divides every delay (a warp of 3600 turns
 * an hour into a second); it does not change output retention.
 */
export function completionDelayMs(
  timing: JobTiming,
  warp: number,
  job: { action: JobAction; tier: Tier | null },
  random: () => number = Math.random,
): number {
  if (timing === "instant") return 0;
  let base: number;
  if (timing === "realistic") {
    const [lo, hi] = REALISTIC_WINDOWS[job.action === "InventoryRetrieval" ? "Inventory" : (job.tier ?? "Standard")];
    base = lo + (hi - lo) * random();
  } else base = timing * 1000;
  return Math.round(base / (warp > 0 ? warp : 1));
}

/** Parses the configured timing: "instant", "realistic" or a non-negative number of seconds. */
export function parseJobTiming(raw: string | number): JobTiming {
  if (typeof raw === "number") {
    if (!Number.isFinite(raw) || raw < 0) throw new Error(`job timing must be >= 0 seconds, got ${raw}`);
    return raw;
  }
  if (raw === "instant" || raw === "realistic") return raw;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw);
  throw new Error(`job timing must be "instant", "realistic" or a number of seconds, got ${raw}`);
}

/** Back-off before the next delivery attempt of a notification: 1 s, 2 s, 4 s … capped at 1 h. */
export function retryDelayMs(attempts: number, baseMs = 1000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), HOUR);
}
