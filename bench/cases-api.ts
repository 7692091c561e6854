import { randomBytes } from "node:crypto";
import { mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import autocannon from "autocannon";
import { newArchiveId, newBlobKey } from "../src/core/ids.js";
import { hashBuffer } from "../src/core/treehash.js";
import { SqliteMetadataStore } from "../src/store/sqlite/index.js";
import { GlacierRaw } from "./client.js";
import type { Ctx } from "./context.js";
import { BENCH_CRED, cpuSeconds, procKiB, resetPeak, startBareNode, startPermafrost, timeCommand } from "./procs.js";
import { fmt, median, seconds } from "./stats.js";

interface Cannon {
  rps: number;
  p99: number;
  total: number;
  seconds: number;
  non2xx: number;
  errors: number;
}

async function cannon(opts: autocannon.Options): Promise<Cannon> {
  const r = await autocannon(opts);
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    total: r.requests.total,
    seconds: r.duration,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** Case 4: DescribeVault (SigV4-signed, keep-alive) vs a bare node:http server sending the same bytes. */
export async function case4(ctx: Ctx): Promise<void> {
  const { gl, vault, args } = ctx;
  const path = `/-/vaults/${vault}`;
  const body = (await gl.ok("GET", path)).body.toString("utf8");
  const bare = await startBareNode(body);
  try {
    const run = async (url: string, headers: Record<string, string>, duration: number) =>
      cannon({ url: url + path, headers, connections: args.connections, duration });
    // One signed request, replayed: valid for the server's ±5 min skew, and signed afresh each round.
    const signed = async () => gl.sign("GET", path);
    await run(bare.url, await signed(), 2); // warm-up, both sides
    await run(ctx.pf.url, await signed(), 2);
    const rps: number[] = [];
    const p99: number[] = [];
    const cpuPerReq: number[] = [];
    const bareCpuPerReq: number[] = [];
    /** One autocannon run, with the server's CPU time (all threads) per request. */
    const measured = async (proc: typeof bare, h: Record<string, string>, into: number[]) => {
      const before = await cpuSeconds(proc.pid);
      const out = await run(proc.url, h, args.duration);
      into.push((((await cpuSeconds(proc.pid)) - before) / out.total) * 1e6);
      return out;
    };
    const pfRun = (h: Record<string, string>) => measured(ctx.pf, h, cpuPerReq);
    const bareRun = (h: Record<string, string>) => measured(bare, h, bareCpuPerReq);
    const pfR: Cannon[] = [];
    const bareR: Cannon[] = [];
    for (let r = 0; r < args.rounds; r++) {
      const h = await signed();
      let a: Cannon;
      let b: Cannon;
      if (r % 2 === 0) {
        b = await bareRun(h);
        a = await pfRun(h);
      } else {
        a = await pfRun(h);
        b = await bareRun(h);
      }
      if (a.non2xx > 0 || a.errors > 0) throw new Error(`DescribeVault: ${a.non2xx} non-2xx, ${a.errors} errors`);
      pfR.push(a);
      bareR.push(b);
      rps.push(a.rps / b.rps);
      p99.push(b.p99 / a.p99);
      ctx.log(
        `  case 4 round ${r + 1}: permafrost ${fmt(a.rps, 0)} req/s p99 ${a.p99} ms (server CPU ${fmt(cpuPerReq.at(-1) as number, 0)} µs/request); bare ${fmt(b.rps, 0)} req/s p99 ${b.p99} ms (${fmt(bareCpuPerReq.at(-1) as number, 0)} µs/request)`,
      );
    }
    ctx.rows.push({
      case: `4 DescribeVault, ${args.connections} conns (req/s)`,
      permafrost: fmt(median(pfR.map((x) => x.rps)), 0),
      baseline: `${fmt(median(bareR.map((x) => x.rps)), 0)} (bare node:http)`,
      ratio: median(rps),
      target: 0.5,
      note: `server CPU per request (all threads): permafrost ${fmt(median(cpuPerReq), 0)} µs, bare node:http ${fmt(median(bareCpuPerReq), 0)} µs`,
    });
    ctx.rows.push({
      case: "4 DescribeVault p99 latency (ms; ratio = bare/permafrost)",
      permafrost: fmt(median(pfR.map((x) => x.p99)), 0),
      baseline: `${fmt(median(bareR.map((x) => x.p99)), 0)} (bare node:http)`,
      ratio: median(p99),
      target: 0.5,
    });
  } finally {
    await bare.stop();
  }
}

async function archiveCount(gl: GlacierRaw, vault: string): Promise<number> {
  const d = JSON.parse((await gl.ok("GET", `/-/vaults/${vault}`)).body.toString("utf8")) as {
    NumberOfArchives: number;
  };
  return d.NumberOfArchives;
}

/**
 * Case 5: many small UploadArchive calls (the metadata commit path). Baseline: how many 4 KiB
 * writes per second the same disk completes with O_DSYNC one after another (`dd oflag=dsync`).
 */
export async function case5(ctx: Ctx): Promise<void> {
  const { gl, args } = ctx;
  const vault = "bench-small";
  await gl.ok("PUT", `/-/vaults/${vault}`);
  const body = randomBytes(args.smallSize);
  const h = hashBuffer(body);
  const path = `/-/vaults/${vault}/archives`;
  const headers = await gl.sign(
    "POST",
    path,
    { "content-length": String(body.length), "x-amz-sha256-tree-hash": h.treeHash },
    h.sha256,
  );
  delete headers["content-length"]; // autocannon adds its own Content-Length (same value)
  const before = await archiveCount(gl, vault);
  const cpuBefore = await cpuSeconds(ctx.pf.pid);
  const r = await cannon({
    url: ctx.pf.url + path,
    method: "POST",
    headers,
    body,
    connections: args.smallConnections,
    amount: args.smallCount,
    timeout: 60,
    // A run of `amount` requests ends at the next sample tick: with the default 1 s ticks the
    // duration (and so the rate) was rounded up to whole seconds.
    sampleInt: 50,
  });
  const cpuPerArchive = (((await cpuSeconds(ctx.pf.pid)) - cpuBefore) / args.smallCount) * 1e6;
  const stored = (await archiveCount(gl, vault)) - before;
  if (r.non2xx > 0 || r.errors > 0 || stored !== args.smallCount) {
    throw new Error(`small uploads: ${r.non2xx} non-2xx, ${r.errors} errors, ${stored} of ${args.smallCount} stored`);
  }
  const dsyncCount = 1000;
  const out = join(ctx.dataDir, "dsync.out");
  const dd = await timeCommand("dd", ["if=/dev/zero", `of=${out}`, "bs=4k", `count=${dsyncCount}`, "oflag=dsync"]);
  await unlink(out);
  const pfRate = args.smallCount / r.seconds;
  const ddRate = dsyncCount / dd;
  ctx.log(
    `  case 5: ${fmt(pfRate, 0)} archives/s, p99 ${r.p99} ms, server CPU ${fmt(cpuPerArchive, 0)} µs/archive; dd dsync ${fmt(ddRate, 0)} writes/s`,
  );
  ctx.rows.push({
    case: `5 UploadArchive ${args.smallCount} × ${args.smallSize} B, ${args.smallConnections} conns (archives/s)`,
    permafrost: fmt(pfRate, 0),
    baseline: `${fmt(ddRate, 0)} (serial O_DSYNC 4 KiB writes/s)`,
    ratio: pfRate / ddRate,
    target: undefined,
    note: `p99 ${r.p99} ms; server CPU ${fmt(cpuPerArchive, 0)} µs per archive (all threads)`,
  });
}

/**
 * Case 6: inventory of many archives. Metadata is seeded through the store API
 * (`store.archives.insert`, 20,000 at a time, which group commit puts in one transaction) into a fresh data folder, then a
 * separate server produces the inventory job and the output is downloaded.
 */
export async function case6(ctx: Ctx): Promise<void> {
  const { args } = ctx;
  const dataDir = join(ctx.dir, "inventory-data");
  await mkdir(dataDir, { recursive: true });
  const vaultName = "bench-inventory";
  const t0 = process.hrtime.bigint();
  const store = new SqliteMetadataStore(join(dataDir, "meta.sqlite"));
  try {
    const now = Date.now();
    const v = await store.vaults.create(
      { accountId: BENCH_CRED.accountId, region: "us-east-1", name: vaultName },
      now - 86_400_000,
      1000,
    );
    const treeHash = "0".repeat(64);
    // Archive ids and blob keys in ascending order (a zero-padded hex counter, then random characters):
    // their primary-key indexes are then appended to rather than split at random places, which
    // halves the untimed seeding. The inventory walks the (vault, creation date) index and the rows
    // in insertion order, as for random ids, so the timed part is unchanged.
    const counter = (i: number, width: number) => i.toString(16).padStart(width, "0");
    // Inserts queued in one turn of the event loop are group-committed: one transaction per batch.
    const batch = (from: number, to: number) => {
      const inserts: Promise<void>[] = [];
      for (let i = from; i < to; i++) {
        inserts.push(
          store.archives.insert(
            {
              archiveId: `A${counter(i, 8)}${newArchiveId().slice(9)}`,
              vaultId: v.id,
              size: 1 + (i % 4096),
              treeHash,
              description: `archive ${i}`,
              createdAt: now - 86_400_000 + i,
              segments: [{ key: counter(i, 8) + newBlobKey().slice(8), size: 1 + (i % 4096) }],
            },
            now,
          ),
        );
      }
      return Promise.all(inserts);
    };
    for (let i = 0; i < args.inventoryCount; i += 20_000) await batch(i, Math.min(i + 20_000, args.inventoryCount));
  } finally {
    await store.close();
  }
  ctx.log(`  case 6: seeded ${args.inventoryCount} archives in ${fmt(seconds(t0), 1)} s`);
  const pf = await startPermafrost(dataDir);
  const gl = new GlacierRaw(pf.url, BENCH_CRED);
  try {
    await resetPeak(pf.pid);
    const t1 = process.hrtime.bigint();
    const init = await gl.ok("POST", `/-/vaults/${vaultName}/jobs`, {
      body: Buffer.from(JSON.stringify({ Type: "inventory-retrieval", Format: "JSON" })),
    });
    const jobId = init.headers["x-amz-job-id"] as string;
    for (;;) {
      const d = JSON.parse((await gl.ok("GET", `/-/vaults/${vaultName}/jobs/${jobId}`)).body.toString("utf8")) as {
        Completed?: boolean;
        StatusCode?: string;
      };
      if (d.Completed) {
        if (d.StatusCode !== "Succeeded") throw new Error(`inventory job ended ${d.StatusCode}`);
        break;
      }
      if (seconds(t1) > 600) throw new Error("inventory job did not complete in 10 minutes");
      await new Promise((r) => setTimeout(r, 100));
    }
    const produced = seconds(t1);
    const out = await gl.ok("GET", `/-/vaults/${vaultName}/jobs/${jobId}/output`);
    const total = seconds(t1);
    const list = (JSON.parse(out.body.toString("utf8")) as { ArchiveList: unknown[] }).ArchiveList;
    if (list.length !== args.inventoryCount)
      throw new Error(`inventory lists ${list.length} of ${args.inventoryCount}`);
    const peak = await procKiB(pf.pid, "VmHWM");
    ctx.log(
      `  case 6: produced in ${fmt(produced, 2)} s, downloaded ${fmt(out.bytes / 2 ** 20, 0)} MiB, total ${fmt(total, 2)} s, peak RSS ${fmt(peak / 1024, 0)} MiB`,
    );
    ctx.rows.push({
      case: `6 Inventory of ${args.inventoryCount} archives (s, produce + download)`,
      permafrost: fmt(total, 2),
      baseline: "—",
      ratio: undefined,
      target: undefined,
      note: `produced ${fmt(produced, 2)} s; ${fmt(out.bytes / 2 ** 20, 0)} MiB JSON`,
    });
    ctx.rows.push({
      case: "6 Inventory: server peak RSS (MiB)",
      permafrost: fmt(peak / 1024, 0),
      baseline: "—",
      ratio: undefined,
      target: undefined,
    });
  } finally {
    gl.close();
    await pf.stop();
  }
}
