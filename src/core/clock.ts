/** One injectable time source for every date Permafrost writes (SPEC §12). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** API JSON dates: ISO 8601 UTC with milliseconds, e.g. 2012-03-20T17:03:43.221Z. */
export function isoMillis(ms: number): string {
  // The same few dates (a vault's creation, its last inventory) are formatted on every DescribeVault.
  let text = isoCache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoCache.size >= 1024) isoCache.clear();
    isoCache.set(ms, text);
  }
  return text;
}
const isoCache = new Map<number, string>();

/** Inventory dates: ISO 8601 UTC in whole seconds, e.g. 2015-04-07T00:26:18Z. */
export const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** HTTP Date header (RFC 1123). */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** SigV4 basic format, e.g. 20131120T104538Z. */
export const amzDate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
