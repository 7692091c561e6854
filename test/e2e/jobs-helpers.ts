import assert from "node:assert/strict";
import {
  DescribeJobCommand,
  GetJobOutputCommand,
  type GlacierClient,
  InitiateJobCommand,
  type JobParameters,
  UploadArchiveCommand,
} from "@aws-sdk/client-glacier";
import type { Clock } from "../../src/core/clock.js";
import { hashBuffer } from "../../src/core/treehash.js";
import { rawRequest } from "../helpers/raw.js";
import { CRED_A, type TestServer } from "../helpers/server.js";

export const MIB = 1024 * 1024;

/** SPEC §4.2 data: n bytes, byte i = i mod 256 (offset shifts the pattern so archives differ). */
export function D(n: number, offset = 0): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i + offset) & 0xff;
  return b;
}

export const treeHash = (b: Buffer) => hashBuffer(b).treeHash;

/** A clock the test moves forward (kept under SigV4's 5-minute skew so the SDK's signatures stay valid). */
export class TestClock implements Clock {
  offset = 0;
  now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** Calls an admin endpoint (/_permafrost/…) with the admin token (the first credential's secret). */
export async function admin(
  s: TestServer,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = CRED_A.secretAccessKey,
) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers["content-type"] = "application/json";
  return rawRequest(s.url, { method, path: `/_permafrost/${path}`, headers, body: payload });
}

export async function upload(c: GlacierClient, vaultName: string, body: Buffer, description?: string) {
  const out = await c.send(
    new UploadArchiveCommand({ accountId: "-", vaultName, body, archiveDescription: description }),
  );
  return out.archiveId as string;
}

export async function initiate(c: GlacierClient, vaultName: string, jobParameters: JobParameters) {
  const out = await c.send(new InitiateJobCommand({ accountId: "-", vaultName, jobParameters }));
  assert.equal(out.$metadata.httpStatusCode, 202);
  return out.jobId as string;
}

export const describe_ = (c: GlacierClient, vaultName: string, jobId: string) =>
  c.send(new DescribeJobCommand({ accountId: "-", vaultName, jobId }));

export async function output(c: GlacierClient, vaultName: string, jobId: string, range?: string) {
  const out = await c.send(new GetJobOutputCommand({ accountId: "-", vaultName, jobId, range }));
  const bytes = Buffer.from((await out.body?.transformToByteArray()) ?? []);
  return { out, bytes };
}

/** Asserts that a promise rejects with the given AWS error code and HTTP status (and exact message when given). */
export async function rejectsWith(
  p: Promise<unknown>,
  code: string,
  message?: string | RegExp,
  status?: number,
): Promise<void> {
  await assert.rejects(p, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, code, `expected ${code}, got ${err.name}: ${err.message}`);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status);
    return true;
  });
}
