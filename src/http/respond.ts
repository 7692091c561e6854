import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { OperationResult } from "../api/types.js";
import type { GlacierError } from "../core/errors.js";

const BASE_HEADERS = Symbol("permafrost.baseHeaders");
type Tagged = ServerResponse & { [BASE_HEADERS]?: string[] };

/**
 * Headers every response carries (request id, Date), sent with whatever status and headers the
 * response gets. Kept beside the response and written in one writeHead with a flat list: Node's
 * setHeader validates and stores each header and writeHead then merges objects into them, a
 * measurable share of a DescribeVault.
 */
export function setBaseHeaders(res: ServerResponse, headers: string[]): void {
  (res as Tagged)[BASE_HEADERS] = headers;
}

/** writeHead with the base headers first; `headers` must not repeat their names. */
export function writeHead(res: ServerResponse, status: number, headers: Record<string, string>): void {
  const flat = (res as Tagged)[BASE_HEADERS]?.slice() ?? [];
  for (const name in headers) flat.push(name, headers[name] as string);
  res.writeHead(status, flat);
}

/** Exactly `application/json`: boto 2 parses nothing else (no charset suffix). */
export const JSON_TYPE = "application/json";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  // A string body lets Node put headers and body into one write.
  const payload = JSON.stringify(body);
  writeHead(res, status, {
    ...headers,
    "Content-Type": JSON_TYPE,
    "Content-Length": String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: GlacierError, headers: Record<string, string> = {}): void {
  // AWS's auth layer writes message first; service errors write code first. Clients ignore order.
  const body = err.fromAuthLayer
    ? { message: err.message, code: err.code, type: err.type }
    : { code: err.code, message: err.message, type: err.type };
  sendJson(res, err.status, body, headers);
}

export async function sendResult(res: ServerResponse, result: OperationResult): Promise<void> {
  const headers = result.headers ?? {};
  if (result.stream) {
    const { stream, length, contentType } = result.stream;
    writeHead(res, result.status, { ...headers, "Content-Type": contentType, "Content-Length": String(length) });
    await pipeline(stream, res);
    return;
  }
  if (result.json !== undefined) {
    sendJson(res, result.status, result.json, headers);
    return;
  }
  writeHead(res, result.status, { ...headers, "Content-Length": "0" });
  res.end();
}
