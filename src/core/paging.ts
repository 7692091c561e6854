import { Errors } from "./errors.js";

/**
 * Parses the `limit` query parameter: a positive integer, silently capped at the operation's page
 * size (AWS never returns more than that; boto 2 asks for 1000 and must not be refused).
 */
export function parseLimit(raw: string | null, pageSize: number): number {
  if (raw === null) return pageSize;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw Errors.invalid(`Invalid limit: ${raw}. The limit must be a positive integer.`);
  }
  return Math.min(Number(raw), pageSize);
}

/** An empty marker means "from the start" (SPEC §3.4). */
export function parseMarker(raw: string | null): string | undefined {
  return raw === null || raw === "" ? undefined : raw;
}

/** Opaque markers for list operations whose cursor is an internal sort key. */
export const encodeMarker = (cursor: string): string => Buffer.from(cursor, "utf8").toString("base64url");

export function decodeMarker(marker: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw Errors.invalid(`Invalid marker: ${marker}`);
  return Buffer.from(marker, "base64url").toString("utf8");
}
