import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
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
