import { randomBytes } from "node:crypto";

const URL_SAFE = /^[A-Za-z0-9_-]+$/;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Fresh CSPRNG bytes, handed out from a pooled buffer: one `randomBytes` call per 4 KiB instead of
 * one per id (a call costs microseconds, and an upload draws an archive id, a blob key and a request
 * id). Every byte is handed out once; an exhausted pool is replaced, never refilled in place, so a
 * returned view stays valid.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomView(n: number): Buffer {
  if (n > POOL_SIZE) return randomBytes(n);
  if (poolOffset + n > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const view = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return view;
}

/**
 * Random URL-safe id of exactly `length` characters (base64url of CSPRNG bytes). Ids never start
 * with '-': a deliberate deviation from AWS so that `aws glacier … --archive-id X` never needs `=`.
 */
function urlSafeId(length: number): string {
  for (;;) {
    const id = randomView(Math.ceil((length * 3) / 4) + 1)
      .toString("base64url")
      .slice(0, length);
    if (id[0] !== "-") return id;
  }
}

function alnumId(length: number): string {
  // Rejection sampling keeps the distribution uniform over 62 symbols.
  let out = "";
  while (out.length < length) {
    for (const byte of randomView(length * 2)) {
      if (byte < 248 && out.length < length) out += ALNUM[byte % 62];
    }
  }
  return out;
}

export const newArchiveId = (): string => urlSafeId(138);
export const newUploadId = (): string => urlSafeId(92);
export const newJobId = (): string => urlSafeId(92);
/** Request ids are on every response. */
export const newRequestId = (): string => randomView(36).toString("base64url").slice(0, 47);
export const newLockId = (): string => alnumId(24);
export const newCapacityId = (): string => alnumId(24);
/** Internal blob keys: never derived from user input. */
export const newBlobKey = (): string => randomView(16).toString("hex");
/**
 * Key of a blob kept in the database (a small archive): the same shape as a blob key, but the
 * first 12 hex digits are the time in milliseconds, so consecutive keys land at the end of the
 * database's key indexes instead of on random pages. A small upload then dirties about 4.4 pages
 * instead of 6.6 (WAL frames per archive, measured in groups of 12). File blobs keep fully random
 * keys: their first two characters pick the shard folder.
 */
export const newInlineBlobKey = (now = Date.now()): string =>
  now.toString(16).padStart(12, "0").slice(-12) + randomView(10).toString("hex");

export function isUrlSafeId(value: string): boolean {
  return URL_SAFE.test(value);
}
