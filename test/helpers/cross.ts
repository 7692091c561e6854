import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Credential } from "../../src/core/config.js";
import { CRED_A } from "./server.js";

const run = promisify(execFile);

/** Debian's packages (python3-boto3 → botocore 1.29, awscli 2.9), installed by scripts/test.sh. */
export const DEBIAN_AWS = "/usr/bin/aws";
export const DEBIAN_PYTHON = "/usr/bin/python3";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON. */
  json: unknown;
}

function awsEnv(cred: Credential, region: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: cred.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cred.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_PAGER: "",
    AWS_MAX_ATTEMPTS: "1",
    AWS_RETRY_MODE: "standard",
  };
}

/** Runs `aws glacier <args…> --endpoint-url URL` (Debian's AWS CLI); never throws on exit codes. */
export async function awsCli(
  endpoint: string,
  args: string[],
  opts: { cred?: Credential; region?: string; cwd?: string } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(
      DEBIAN_AWS,
      ["glacier", ...args, "--endpoint-url", endpoint, "--output", "json"],
      { env: awsEnv(opts.cred ?? CRED_A, opts.region ?? "us-east-1"), cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr, json: parse(stdout) };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "", json: parse(e.stdout ?? "") };
  }
}

function parse(s: string): unknown {
  try {
    return s.trim() === "" ? undefined : JSON.parse(s);
  } catch {
    return undefined;
  }
}

/**
 * Runs a Python snippet with Debian's boto3. The snippet gets `client` (a glacier client bound to
 * the endpoint), `botocore` and `json`; whatever it prints to stdout comes back (JSON-parsed if it is JSON).
 */
export async function boto3(
  endpoint: string,
  code: string,
  opts: { cred?: Credential; region?: string } = {},
): Promise<CliResult> {
  const dir = await mkdtemp(join(tmpdir(), "pf-boto3-"));
  const file = join(dir, "script.py");
  const prelude = [
    "import json, sys, boto3, botocore",
    "from botocore.config import Config",
    `client = boto3.client("glacier", endpoint_url=${JSON.stringify(endpoint)}, config=Config(retries={"max_attempts": 1}))`,
    "",
  ].join("\n");
  await writeFile(file, prelude + code);
  try {
    const { stdout, stderr } = await run(DEBIAN_PYTHON, [file], {
      env: awsEnv(opts.cred ?? CRED_A, opts.region ?? "us-east-1"),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, json: parse(stdout) };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "", json: parse(e.stdout ?? "") };
  }
}
