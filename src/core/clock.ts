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

/**
 * Inventory dates: ISO 8601 UTC in whole seconds, e.g. 2015-04-07T00:26:18Z. An inventory formats
 * one date per archive, in creation order, so runs of archives share a second: the last one is kept.
 */
export function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return lastSecondText;
}
let lastSecond = Number.NaN;
let lastSecondText = "";

/** HTTP Date header (RFC 1123). */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** SigV4 basic format, e.g. 20131120T104538Z. */
export const amzDate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
