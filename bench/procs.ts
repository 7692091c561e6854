import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { BenchCredential } from "./client.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export const BENCH_CRED: BenchCredential & { accountId: string } = {
  accessKeyId: "AKIABENCHMARKAAAAAAA",
  secretAccessKey: "bench-secret-key-0000000000000000000000",
  accountId: "123456789012",
};

export interface Proc {
  pid: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Reads a /proc/PID/status field in KiB (VmRSS, VmHWM). */
export async function procKiB(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!m) throw new Error(`no ${field} for ${pid}`);
  return Number(m[1]);
}

/** Resets the peak-RSS counter (VmHWM) of a process, so a case's peak is its own. */
export async function resetPeak(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    let err = "";
    const onData = (d: Buffer) => {
      buf += d.toString("utf8");
      const m = pattern.exec(buf);
      if (m) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(m[1] as string);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString("utf8");
    });
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code} before starting:\n${buf}${err}`)));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
}

/** The built CLI (`node dist/cli/main.js serve`) on an ephemeral port, as its own process. */
export async function startPermafrost(dataDir: string, extraEnv: Record<string, string> = {}): Promise<Proc> {
  // BENCH_SERVER_NODE_ARGS passes node flags to the server only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, "dist/cli/main.js", "serve", "--port", "0", "--data-dir", dataDir, "--log-level", "info"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PERMAFROST_ACCESS_KEY_ID: BENCH_CRED.accessKeyId,
        PERMAFROST_SECRET_ACCESS_KEY: BENCH_CRED.secretAccessKey,
        PERMAFROST_ACCOUNT_ID: BENCH_CRED.accountId,
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = await waitForLine(child, /"url":"(http:[^"]+)"/, "permafrost");
  child.stderr?.pipe(process.stderr);
  return { pid: child.pid as number, url, child, stop: stopper(child) };
}

/** The reference: a bare node:http server answering `body` (same bytes as DescribeVault) to everything. */
export async function startBareNode(body: string, status = 200): Promise<Proc> {
  const src = `
const http = require("node:http");
const crypto = require("node:crypto");
const body = Buffer.from(process.env.BARE_BODY, "utf8");
const status = Number(process.env.BARE_STATUS);
const server = http.createServer({ keepAliveTimeout: 65000 }, (req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(status, {
      "x-amzn-RequestId": crypto.randomUUID(),
      Date: new Date().toUTCString(),
      "Content-Type": "application/json",
      "Content-Length": String(body.length),
    });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log("listening http://127.0.0.1:" + server.address().port));
process.on("SIGTERM", () => process.exit(0));
`;
  const child = spawn(process.execPath, ["-e", src], {
    env: { ...process.env, BARE_BODY: body, BARE_STATUS: String(status) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await waitForLine(child, /listening (http:\S+)/, "bare node server");
  return { pid: child.pid as number, url, child, stop: stopper(child) };
}

/** A bare node:http server streaming one file (1 MiB reads, piped) to every GET: Node's own ceiling. */
export async function startBareFileServer(file: string): Promise<Proc> {
  const src = `
const http = require("node:http");
const fs = require("node:fs");
const { pipeline } = require("node:stream");
const file = process.env.BARE_FILE;
const size = fs.statSync(file).size;
const server = http.createServer({ keepAliveTimeout: 65000, highWaterMark: 1048576 }, (req, res) => {
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(size) });
  pipeline(fs.createReadStream(file, { highWaterMark: 1048576 }), res, () => {});
});
server.listen(0, "127.0.0.1", () => console.log("listening http://127.0.0.1:" + server.address().port));
process.on("SIGTERM", () => process.exit(0));
`;
  const child = spawn(process.execPath, ["-e", src], {
    env: { ...process.env, BARE_FILE: file },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await waitForLine(child, /listening (http:\S+)/, "bare file server");
  return { pid: child.pid as number, url, child, stop: stopper(child) };
}

/**
 * The zero-copy reference: a minimal HTTP server in Python that sends the file with sendfile(2)
 * (`socket.sendfile`), so the kernel moves page-cache pages to the socket without a user-space copy.
 * What curl receives from it is the ceiling of "HTTP over loopback into curl" on this machine.
 */
export async function startSendfileServer(file: string): Promise<Proc> {
  const src = `
import os, socket, sys, threading, signal
path = os.environ["BARE_FILE"]
size = os.path.getsize(path)
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(16)
print("listening http://127.0.0.1:%d" % srv.getsockname()[1], flush=True)
signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
def serve(c):
    with c:
        buf = b""
        while b"\\r\\n\\r\\n" not in buf:
            d = c.recv(65536)
            if not d:
                return
            buf += d
        c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/octet-stream\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n" % size)
        with open(path, "rb") as f:
            c.sendfile(f)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
`;
  const child = spawn("python3", ["-c", src], {
    env: { ...process.env, BARE_FILE: file },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await waitForLine(child, /listening (http:\S+)/, "sendfile server");
  return { pid: child.pid as number, url, child, stop: stopper(child) };
}

/** Runs a command to completion; returns its wall time in seconds (process start to exit). */
export function timeCommand(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code === 0) resolve(s);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err}`));
    });
  });
}

/**
 * Evicts one file from the page cache (`dd iflag=nocache count=0`: posix_fadvise DONTNEED over the
 * whole file), so the next read of it comes from the disk. Unlike `drop_caches` it needs no root and
 * leaves every other page cached: the programs being compared (server, curl, cat) keep their code
 * in memory and only the file under test is cold. Where util-linux's `fincore` exists, the eviction
 * is checked (at most 1 % of the file still cached). False when it could not be done, so that no
 * warm read is ever reported as a cold one.
 */
export async function evictFromCache(file: string): Promise<boolean> {
  try {
    await timeCommand("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"]);
  } catch {
    return false;
  }
  const cached = await cachedBytes(file);
  if (cached === undefined) return true;
  const { size } = await stat(file);
  return cached <= size / 100;
}

/** Bytes of `file` in the page cache (`fincore`), or undefined where fincore is not installed. */
function cachedBytes(file: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile("fincore", ["--bytes", "--noheadings", "--output", "RES", file], (err, stdout) => {
      const n = Number(stdout.trim());
      resolve(err || !Number.isFinite(n) ? undefined : n);
    });
  });
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc/PID/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(rest[11]) + Number(rest[12]);
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux that Node supports. */
const CLOCK_TICKS = 100;
