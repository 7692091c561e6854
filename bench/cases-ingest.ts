import { mkdir, readdir, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { curl } from "./client.js";
import type { Ctx } from "./context.js";
import { hashRepeated, repeated, writePartFiles } from "./data.js";
import { cpuSeconds, evictFromCache, startBareFileServer, startSendfileServer, timeCommand } from "./procs.js";
import { fmt, fmtBytes, median, mibps, pool, seconds } from "./stats.js";

/** The physical limit of ingesting the source: the slower of an fsync'd dd and openssl's SHA-256. */
async function ingestLimit(ctx: Ctx): Promise<{ dd: number; sha: number; limit: number }> {
  const out = join(ctx.dataDir, "dd.out");
  const dd = await timeCommand("dd", [`if=${ctx.src.path}`, `of=${out}`, "bs=1M", "conv=fsync"]);
  await unlink(out);
  const sha = await timeCommand("openssl", ["dgst", "-sha256", ctx.src.path]);
  return { dd, sha, limit: Math.max(dd, sha) };
}

/**
 * UploadArchive of the source with curl (`-T`), signed by the SDK's signer. With a Node client in the
 * bench process, case 1 lost about 0.1 of ratio to the client's own CPU on a two-core machine
 * (docs/performance.md).
 */
async function uploadArchive(ctx: Ctx): Promise<{ s: number; archiveId: string }> {
  const { src, gl, vault } = ctx;
  const path = `/-/vaults/${vault}/archives`;
  const headers = await gl.sign(
    "POST",
    path,
    { "content-length": String(src.size), "x-amz-sha256-tree-hash": src.treeHash },
    src.sha256,
  );
  const r = await curl("POST", ctx.pf.url + path, headers, "x-amz-archive-id", src.path);
  if (r.status !== 201 || !r.header) throw new Error(`UploadArchive with curl: ${r.status}`);
  return { s: r.seconds, archiveId: r.header };
}

/**
 * Multipart upload: initiate, the parts `inFlight` at a time with curl (`-T`, each part's own file,
 * signed by the SDK's signer), complete.
 */
async function multipartUpload(ctx: Ctx): Promise<{ s: number; archiveId: string }> {
  const { src, gl, vault, args } = ctx;
  const base = `/-/vaults/${vault}/multipart-uploads`;
  const t0 = process.hrtime.bigint();
  const init = await gl.ok("POST", base, { headers: { "x-amz-part-size": String(args.partSize) } });
  const id = init.headers["x-amz-multipart-upload-id"] as string;
  await pool(src.parts, args.inFlight, async (p) => {
    if (!p.file) throw new Error("part files not written");
    const path = `${base}/${id}`;
    const headers = await gl.sign(
      "PUT",
      path,
      {
        "content-range": `bytes ${p.start}-${p.end}/*`,
        "content-length": String(p.end - p.start + 1),
        "x-amz-sha256-tree-hash": p.treeHash,
      },
      p.sha256,
    );
    const r = await curl("PUT", ctx.pf.url + path, headers, "x-amz-sha256-tree-hash", p.file);
    if (r.status !== 204 || r.header !== p.treeHash)
      throw new Error(`UploadMultipartPart with curl: ${JSON.stringify(r)}`);
  });
  const done = await gl.ok("POST", `${base}/${id}`, {
    headers: { "x-amz-archive-size": String(src.size), "x-amz-sha256-tree-hash": src.treeHash },
  });
  return { s: seconds(t0), archiveId: done.headers["x-amz-archive-id"] as string };
}

async function deleteArchive(ctx: Ctx, archiveId: string): Promise<void> {
  await ctx.gl.ok("DELETE", `/-/vaults/${ctx.vault}/archives/${archiveId}`);
}

/** Cases 1 and 2: alternating rounds of (limit, upload); the median per-round ratio is reported. */
async function ingestCase(ctx: Ctx, n: 1 | 2): Promise<void> {
  const { args, src } = ctx;
  const upload = n === 1 ? uploadArchive : multipartUpload;
  const label =
    n === 1
      ? `1 UploadArchive ${fmtBytes(src.size)} (MiB/s)`
      : `2 Multipart ${fmtBytes(src.size)}, ${fmtBytes(args.partSize)} parts ×${args.inFlight} (MiB/s)`;
  const ratios: number[] = [];
  const pfRates: number[] = [];
  const limitRates: number[] = [];
  const details: string[] = [];
  const cpu: number[] = [];
  const timedUpload = async (c: Ctx) => {
    const before = await cpuSeconds(c.pf.pid);
    const out = await upload(c);
    cpu.push(((await cpuSeconds(c.pf.pid)) - before) / (src.size / 2 ** 30));
    return out;
  };
  for (let r = 0; r < args.rounds; r++) {
    // Alternate which goes first so that neither always gets the fresher page cache or quieter disk.
    let lim: Awaited<ReturnType<typeof ingestLimit>>;
    let up: Awaited<ReturnType<typeof uploadArchive>>;
    if (r % 2 === 0) {
      lim = await ingestLimit(ctx);
      up = await timedUpload(ctx);
    } else {
      up = await timedUpload(ctx);
      lim = await ingestLimit(ctx);
    }
    // Case 1's last archive (one blob file) is kept for case 3, which compares it with `cat` of that file.
    if (n === 1 && r === args.rounds - 1) ctx.archiveId = up.archiveId;
    else await deleteArchive(ctx, up.archiveId);
    ratios.push(lim.limit / up.s);
    pfRates.push(mibps(src.size, up.s));
    limitRates.push(mibps(src.size, lim.limit));
    details.push(`dd ${fmt(mibps(src.size, lim.dd), 0)}, sha256 ${fmt(mibps(src.size, lim.sha), 0)}`);
    ctx.log(
      `  case ${n} round ${r + 1}: permafrost ${fmt(mibps(src.size, up.s), 0)} MiB/s, limit ${fmt(mibps(src.size, lim.limit), 0)} MiB/s (${details.at(-1)})`,
    );
  }
  ctx.rows.push({
    case: label,
    permafrost: fmt(median(pfRates), 0),
    baseline: `${fmt(median(limitRates), 0)} (min of dd fsync, openssl)`,
    ratio: median(ratios),
    target: 0.85,
    note: `server CPU ${fmt(median(cpu), 2)} s per GiB; rounds (MiB/s): ${details.join("; ")}`,
  });
}

export const case1 = (ctx: Ctx) => ingestCase(ctx, 1);
export async function case2(ctx: Ctx): Promise<void> {
  const dir = join(ctx.dir, "parts");
  await mkdir(dir, { recursive: true });
  try {
    await writePartFiles(ctx.src, dir);
    await ingestCase(ctx, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
    for (const p of ctx.src.parts) delete p.file;
  }
}

/** The blob file holding the kept archive: the committed blob of exactly its size, newest first. */
async function blobFileOf(ctx: Ctx): Promise<string> {
  const root = join(ctx.dataDir, "blobs");
  let best: { path: string; mtime: number } | undefined;
  for (const shard of await readdir(root)) {
    for (const name of await readdir(join(root, shard))) {
      const p = join(root, shard, name);
      const st = await stat(p);
      if (st.size === ctx.src.size && (!best || st.mtimeMs > best.mtime)) best = { path: p, mtime: st.mtimeMs };
    }
  }
  if (!best) throw new Error("blob file of the archive not found");
  return best.path;
}

/** Case 3: GetJobOutput of the whole archive vs `cat` of its blob file to /dev/null. */
export async function case3(ctx: Ctx): Promise<void> {
  const { gl, vault, src, args } = ctx;
  if (!ctx.archiveId) ctx.archiveId = (await uploadArchive(ctx)).archiveId;
  const init = await gl.ok("POST", `/-/vaults/${vault}/jobs`, {
    body: Buffer.from(JSON.stringify({ Type: "archive-retrieval", ArchiveId: ctx.archiveId })),
  });
  const jobId = init.headers["x-amz-job-id"] as string;
  for (let i = 0; ; i++) {
    const d = JSON.parse((await gl.ok("GET", `/-/vaults/${vault}/jobs/${jobId}`)).body.toString("utf8")) as {
      Completed?: boolean;
    };
    if (d.Completed) break;
    if (i > 600) throw new Error("archive-retrieval job did not complete within a minute");
    await new Promise((r) => setTimeout(r, 100));
  }
  const blobFile = await blobFileOf(ctx);
  const path = `/-/vaults/${vault}/jobs/${jobId}/output`;
  const bare = await startBareFileServer(blobFile);
  const zeroCopy = await startSendfileServer(blobFile).catch(async (err: unknown) => {
    await bare.stop();
    throw err;
  });
  // Cold rounds evict the blob file (only it) from the page cache before each read; where that
  // cannot be done (or checked not to have worked), only the warm rows are measured.
  const coldPossible = await evictFromCache(blobFile);
  if (!coldPossible) ctx.log("  case 3: the blob file could not be evicted from the page cache; cold rows skipped");
  const evict = async () => {
    if (!(await evictFromCache(blobFile))) throw new Error("case 3: the blob file stayed in the page cache");
  };
  type Side = "pf" | "cat" | "bare" | "sendfile";
  const m = {
    warm: { pf: [], cat: [], bare: [], sendfile: [] },
    cold: { pf: [], cat: [], bare: [], sendfile: [] },
  } as Record<"warm" | "cold", Record<Side, number[]>>;
  try {
    const download = async (cold: boolean) => {
      if (cold) await evict();
      const r = await curl("GET", ctx.pf.url + path, await gl.sign("GET", path), "x-amz-sha256-tree-hash");
      if (r.status !== 200 || r.bytes !== src.size) throw new Error(`GetJobOutput: ${r.status}, ${r.bytes} bytes`);
      if (r.header !== "" && r.header !== src.treeHash) throw new Error("GetJobOutput returned another tree hash");
      return r.seconds;
    };
    const referenceDownload = async (server: typeof bare, cold: boolean) => {
      if (cold) await evict();
      const r = await curl("GET", server.url, {}, "content-length");
      if (r.bytes !== src.size) throw new Error(`reference file server sent ${r.bytes} bytes`);
      return r.seconds;
    };
    const catTime = async (cold: boolean) => {
      if (cold) await evict();
      return timeCommand("sh", ["-c", 'cat "$0" > /dev/null', blobFile]);
    };
    for (let r = 0; r < args.rounds; r++) {
      for (const mode of coldPossible ? (["warm", "cold"] as const) : (["warm"] as const)) {
        const cold = mode === "cold";
        if (!cold) await catTime(false); // the file into the page cache
        const steps: [Side, () => Promise<number>][] = [
          ["cat", () => catTime(cold)],
          ["pf", () => download(cold)],
          ["bare", () => referenceDownload(bare, cold)],
          ["sendfile", () => referenceDownload(zeroCopy, cold)],
        ];
        // Alternate the order per round.
        for (const [k, fn] of r % 2 === 0 ? steps : [...steps].reverse()) m[mode][k].push(await fn());
        const last = (k: Side) => fmt(mibps(src.size, m[mode][k].at(-1) as number), 0);
        ctx.log(
          `  case 3 round ${r + 1} (${mode} cache): GetJobOutput ${last("pf")} MiB/s, cat ${last("cat")} MiB/s, bare node:http ${last("bare")} MiB/s, sendfile ${last("sendfile")} MiB/s`,
        );
      }
    }
  } finally {
    await bare.stop();
    await zeroCopy.stop();
  }
  for (const mode of coldPossible ? (["warm", "cold"] as const) : (["warm"] as const)) {
    const x = m[mode];
    const ratios = x.pf.map((d, i) => (x.cat[i] as number) / d);
    const bareRatios = x.pf.map((d, i) => (x.bare[i] as number) / d);
    const zeroCopyRatios = x.pf.map((d, i) => (x.sendfile[i] as number) / d);
    // The zero-copy server's own ratio to cat: the most any HTTP server could score here.
    const ceilingRatios = x.sendfile.map((d, i) => (x.cat[i] as number) / d);
    ctx.rows.push({
      case: `3 GetJobOutput ${fmtBytes(src.size)}, ${mode} cache (MiB/s)`,
      permafrost: fmt(mibps(src.size, median(x.pf)), 0),
      baseline: `${fmt(mibps(src.size, median(x.cat)), 0)} (cat > /dev/null)`,
      ratio: median(ratios),
      target: 0.8,
      note: `bare node:http streaming the same file to the same client (curl): ${fmt(mibps(src.size, median(x.bare)), 0)} MiB/s; Permafrost ÷ bare ${fmt(median(bareRatios), 2)}; a zero-copy sendfile(2) server (Python) to the same client: ${fmt(mibps(src.size, median(x.sendfile)), 0)} MiB/s, Permafrost ÷ sendfile ${fmt(median(zeroCopyRatios), 2)}; sendfile ÷ cat ${fmt(median(ceilingRatios), 2)} (the ceiling of this row's ratio)`,
    });
  }
}

/** Case 7's extra load: one part of `bigPart` bytes (the source repeated), then abort. */
export async function bigPart(ctx: Ctx): Promise<void> {
  const { gl, vault, src, args } = ctx;
  const times = Math.max(1, Math.round(args.bigPart / src.size));
  const size = src.size * times;
  const { sha256, treeHash } = await hashRepeated(src.path, times); // untimed
  const base = `/-/vaults/${vault}/multipart-uploads`;
  const init = await gl.ok("POST", base, { headers: { "x-amz-part-size": String(size) } });
  const id = init.headers["x-amz-multipart-upload-id"] as string;
  const t0 = process.hrtime.bigint();
  await gl.ok("PUT", `${base}/${id}`, {
    headers: {
      "content-range": `bytes 0-${size - 1}/*`,
      "content-length": String(size),
      "x-amz-sha256-tree-hash": treeHash,
    },
    payloadHash: sha256,
    body: repeated(src.path, times),
  });
  const s = seconds(t0);
  ctx.log(`  case 7 part of ${fmtBytes(size)}: ${fmt(mibps(size, s), 0)} MiB/s`);
  await gl.ok("DELETE", `${base}/${id}`);
}
