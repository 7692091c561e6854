import assert from "node:assert/strict";
import { GlacierClient } from "@aws-sdk/client-glacier";
import type { Credential } from "../../src/core/config.js";
import type { TestServer } from "../helpers/server.js";

/** A settable clock shared by the server under test and the clients that sign against it. */
export class TestClock {
  constructor(public t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const DAY = 24 * 3600 * 1000;

/** A client whose signing clock follows `clock`, so SigV4's ±5 min skew check passes after time travel. */
export function clientAt(s: TestServer, cred: Credential, clock: TestClock, region = "us-east-1"): GlacierClient {
  return new GlacierClient({
    endpoint: s.url,
    region,
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey },
    maxAttempts: 1,
    systemClockOffset: clock.now() - Date.now(),
  });
}

interface SdkError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}

/** Asserts that a call fails with this error code and HTTP status (and, optionally, a message). */
export async function rejectsWith(
  p: Promise<unknown>,
  code: string,
  status: number,
  message?: RegExp | string,
): Promise<SdkError> {
  let caught: SdkError | undefined;
  try {
    await p;
  } catch (err) {
    caught = err as SdkError;
  }
  assert.ok(caught, `expected ${code} but the call succeeded`);
  assert.equal(caught.name, code, caught.message);
  assert.equal(caught.$metadata?.httpStatusCode, status);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

/** A policy document with the given statements (Version 2012-10-17) as the JSON string AWS expects. */
export const policyText = (...statements: Record<string, unknown>[]): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
