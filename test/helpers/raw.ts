import { request } from "node:http";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Credential } from "../../src/core/config.js";
import { CRED_A } from "./server.js";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: unknown;
}

/** Sends one HTTP request exactly as given (no client-side normalisation). */
export function rawRequest(
  baseUrl: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: opts.method, path: opts.path, headers: opts.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const text = body.toString("utf8");
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/**
 * Headers of a request signed with the AWS SDK's own signer (adds `host` and `x-amz-glacier-version`
 * unless given): for tests that send the request themselves, streamed or altered after signing.
 */
export async function signHeaders(
  baseUrl: string,
  opts: { method: string; path: string; headers?: Record<string, string>; cred?: Credential; region?: string },
): Promise<Record<string, string>> {
  const url = new URL(baseUrl);
  const cred = opts.cred ?? CRED_A;
  const signer = new SignatureV4({
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey },
    region: opts.region ?? "us-east-1",
    service: "glacier",
    sha256: Hash.bind(null, "sha256"),
  });
  const signed = await signer.sign({
    method: opts.method,
    protocol: "http:",
    hostname: url.hostname,
    path: opts.path,
    headers: { host: url.host, "x-amz-glacier-version": "2012-06-01", ...(opts.headers ?? {}) },
  });
  return signed.headers as Record<string, string>;
}

/**
 * Signs with the AWS SDK's own SigV4 signer (@smithy/signature-v4), then sends the request raw, so
 * tests can vary one thing (a header, the date, the secret) while the rest is what the SDK would send.
 */
export async function signedRequest(
  baseUrl: string,
  opts: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: Buffer | string;
    cred?: Credential;
    secret?: string;
    region?: string;
    date?: Date;
    glacierVersion?: string | null;
  },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const cred = opts.cred ?? CRED_A;
  const headers: Record<string, string> = { host: url.host, ...(opts.headers ?? {}) };
  if (opts.glacierVersion !== null) headers["x-amz-glacier-version"] = opts.glacierVersion ?? "2012-06-01";
  if (opts.body !== undefined) headers["content-length"] = String(Buffer.byteLength(opts.body));
  const signer = new SignatureV4({
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: opts.secret ?? cred.secretAccessKey },
    region: opts.region ?? "us-east-1",
    service: "glacier",
    sha256: Hash.bind(null, "sha256"),
  });
  const signed = await signer.sign(
    {
      method: opts.method,
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: opts.path,
      query: opts.query ?? {},
      headers,
      body: opts.body,
    },
    { signingDate: opts.date ?? new Date() },
  );
  const qs = new URLSearchParams(opts.query ?? {}).toString();
  return rawRequest(baseUrl, {
    method: opts.method,
    path: qs ? `${opts.path}?${qs}` : opts.path,
    headers: signed.headers as Record<string, string>,
    body: opts.body,
  });
}
