import { createHmac, hash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * The canonical request of SigV4 as a *verifier* must build it: from the bytes that arrived, for
 * exactly the headers the client listed. (Signing libraries build it from the request they are about
 * to send, re-deriving headers and dates; on the request path that costs more than the rest of a
 * DescribeVault, so the verifier builds it directly — SPEC §10.2, checked by the §10.5 vectors and by
 * every end-to-end test with the three real clients.)
 */

const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;
/** A path segment that is empty, "." or "..", including a trailing "/" (an empty last segment). */
const DOT_OR_EMPTY_SEGMENT = /\/\.{0,2}(?:\/|$)/;

/** RFC 3986 encoding of everything but unreserved characters (and '/' when `keepSlash`). */
function uriEncode(value: string, keepSlash: boolean): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Non-S3 services encode the path twice: the raw (already encoded) path is encoded again after
 * dot segments are removed, as botocore and the JS SDK do before signing.
 */
export function canonicalUri(rawPath: string): string {
  // The usual case: nothing to encode, and no empty, "." or ".." segment to remove.
  if (UNRESERVED_PATH.test(rawPath) && !DOT_OR_EMPTY_SEGMENT.test(rawPath)) return rawPath;
  const segments: string[] = [];
  for (const s of rawPath.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") segments.pop();
    else segments.push(s);
  }
  const path = `/${segments.join("/")}${segments.length > 0 && rawPath.endsWith("/") ? "/" : ""}`;
  return UNRESERVED_PATH.test(path) ? path : uriEncode(path, true);
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Query parameters decoded, re-encoded with RFC 3986, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    pairs.push([uriEncode(decodeComponent(name), false), uriEncode(decodeComponent(value), false)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

export interface CanonicalInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  signedHeaders: readonly string[];
  payloadHash: string;
}

/** Whitespace that canonicalisation squeezes to one space (runs, or anything but a plain space). */
const INNER_SPACE = /\s\s|[^\S ]/;

export function canonicalRequest(r: CanonicalInput): string {
  let out = `${r.method}\n${canonicalUri(r.rawPath)}\n${canonicalQuery(r.rawQuery)}\n`;
  for (const name of r.signedHeaders) {
    const raw = r.headers[name];
    const value = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
    const trimmed = value.trim();
    out += `${name}:${INNER_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, " ") : trimmed}\n`;
  }
  return `${out}\n${r.signedHeaders.join(";")}\n${r.payloadHash}`;
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** Derived signing keys change once a day per secret and region: cache them (bounded). */
const signingKeys = new Map<string, Buffer>();
/** The last key asked for: nearly every request of a day uses the same one. */
let lastKey: { secret: string; date: string; region: string; service: string; key: Buffer } | undefined;

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const last = lastKey;
  if (last && last.secret === secret && last.date === date && last.region === region && last.service === service) {
    return last.key;
  }
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
    if (signingKeys.size >= 1024) signingKeys.clear();
    signingKeys.set(id, key);
  }
  lastKey = { secret, date, region, service, key };
  return key;
}

/** Signature of a canonical request for the given scope (SPEC §10.4), as 32 raw bytes. */
export function signatureBytes(
  canonical: string,
  amzDate: string,
  scope: { secret: string; date: string; region: string; service: string },
): Buffer {
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope.date}/${scope.region}/${scope.service}/aws4_request\n${
    // One-shot hash (no Hash object per request).
    hash("sha256", canonical, "hex")
  }`;
  return createHmac("sha256", signingKey(scope.secret, scope.date, scope.region, scope.service))
    .update(stringToSign)
    .digest();
}
