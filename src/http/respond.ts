import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { OperationResult } from "../api/types.js";
import type { GlacierError } from "../core/errors.js";

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
  res.writeHead(status, {
    ...headers,
    "Content-Type": JSON_TYPE,
    "Content-Length": String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: GlacierError): void {
  // AWS's auth layer writes message first; service errors write code first. Clients ignore order.
  const body = err.fromAuthLayer
    ? { message: err.message, code: err.code, type: err.type }
    : { code: err.code, message: err.message, type: err.type };
  sendJson(res, err.status, body);
}

export async function sendResult(res: ServerResponse, result: OperationResult): Promise<void> {
  const headers = result.headers ?? {};
  if (result.stream) {
    const { stream, length, contentType } = result.stream;
    res.writeHead(result.status, { ...headers, "Content-Type": contentType, "Content-Length": String(length) });
    await pipeline(stream, res);
    return;
  }
  if (result.json !== undefined) {
    sendJson(res, result.status, result.json, headers);
    return;
  }
  res.writeHead(result.status, { ...headers, "Content-Length": "0" });
  res.end();
}
