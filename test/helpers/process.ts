import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { GlacierClient } from "@aws-sdk/client-glacier";
import { CRED_A } from "./server.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
}

/** Runs `permafrost serve` as a separate process (so it can really be killed) on an ephemeral port. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN, "serve", "--port", "0", "--data-dir", dataDir], {
    env: {
      ...process.env,
      PERMAFROST_ACCOUNT_ID: CRED_A.accountId,
      PERMAFROST_ACCESS_KEY_ID: CRED_A.accessKeyId,
      PERMAFROST_SECRET_ACCESS_KEY: CRED_A.secretAccessKey,
      PERMAFROST_LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(proc, "exit").then(([code, signal]) => (code ?? signal) as number | string);
  let buffer = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const m = /"url":"(http:\/\/[^"]+)"/.exec(buffer);
      if (m) {
        proc.stdout?.off("data", onData);
        proc.stdout?.resume();
        resolve(m[1] as string);
      }
    };
    proc.stdout?.on("data", onData);
    exited.then((c) => reject(new Error(`server exited (${c}) before listening:\n${buffer}`)));
  });
  return { url, proc, exited };
}

/** A JS SDK client for a spawned server (account A, us-east-1, no retries). */
export const clientFor = (url: string) =>
  new GlacierClient({ endpoint: url, region: "us-east-1", credentials: CRED_A, maxAttempts: 1 });

/** Names of the files below `dir` (recursively); none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}
