import { randomBytes } from "node:crypto";

const URL_SAFE = /^[A-Za-z0-9_-]+$/;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Random URL-safe id of exactly `length` characters (base64url of CSPRNG bytes). Ids never start
 * with '-': a deliberate deviation from AWS so that `aws glacier … --archive-id X` never needs `=`.
 */
function urlSafeId(length: number): string {
  for (;;) {
    const id = randomBytes(Math.ceil((length * 3) / 4) + 1)
      .toString("base64url")
      .slice(0, length);
    if (id[0] !== "-") return id;
  }
}

function alnumId(length: number): string {
  // Rejection sampling keeps the distribution uniform over 62 symbols.
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALNUM[byte % 62];
    }
  }
  return out;
}

export const newArchiveId = (): string => urlSafeId(138);
export const newUploadId = (): string => urlSafeId(92);
export const newJobId = (): string => urlSafeId(92);
/** Request ids are on every response: draw their randomness from a pooled buffer. */
const REQUEST_ID_BYTES = 36;
let pool = Buffer.alloc(0);
let poolOffset = 0;
export function newRequestId(): string {
  if (poolOffset + REQUEST_ID_BYTES > pool.length) {
    pool = randomBytes(REQUEST_ID_BYTES * 256);
    poolOffset = 0;
  }
  const id = pool.toString("base64url", poolOffset, poolOffset + REQUEST_ID_BYTES).slice(0, 47);
  poolOffset += REQUEST_ID_BYTES;
  return id;
}
export const newLockId = (): string => alnumId(24);
export const newCapacityId = (): string => alnumId(24);
/** Internal blob keys: never derived from user input. */
export const newBlobKey = (): string => randomBytes(16).toString("hex");

export function isUrlSafeId(value: string): boolean {
  return URL_SAFE.test(value);
}
