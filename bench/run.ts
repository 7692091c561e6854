/**
 * `npm run bench`: Permafrost against baselines measured in the same run, on the same disk.
 * See docs/performance.md for what each case measures and how to read the table.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "./args.js";
import { case4, case5, case6 } from "./cases-api.js";
import { bigPart, case1, case2, case3 } from "./cases-ingest.js";
import { GlacierRaw } from "./client.js";
import type { Ctx, Row } from "./context.js";
import { hashSource, writeRandomFile } from "./data.js";
import { BENCH_CRED, procKiB, resetPeak, startPermafrost } from "./procs.js";
import { fmt, fmtBytes, seconds } from "./stats.js";

const log = (msg: string) => console.error(msg);

function machine(): string {
  const cpu = (() => {
    try {
      return execFileSync("nproc", { encoding: "utf8" }).trim();
    } catch {
      return "?";
    }
  })();
  return `nproc ${cpu}, memory ${fmtBytes(totalmem())} (free ${fmtBytes(freemem())}), node ${process.version}`;
}

function table(rows: Row[]): string {
  const head = ["case", "permafrost", "baseline (same run)", "ratio", "target", "ok"];
  const body = rows.map((r) => [
    r.case,
    r.permafrost,
    r.baseline,
    r.ratio === undefined ? "—" : fmt(r.ratio, 2),
    r.target === undefined ? "—" : `≥ ${r.target}`,
    r.target === undefined || r.ratio === undefined ? "" : r.ratio >= r.target ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), tmpdir());
  const dir = await mkdtemp(join(args.tmp, "permafrost-bench-"));
  const dataDir = join(dir, "data");
  const rows: Row[] = [];
  const started = process.hrtime.bigint();
  log(`machine: ${machine()}`);
  log(`temporary folder ${dir}`);
  let pf: Awaited<ReturnType<typeof startPermafrost>> | undefined;
  let gl: GlacierRaw | undefined;
  try {
    const srcPath = join(dir, "source.bin");
    const bigData = [1, 2, 3, 7].some((c) => args.cases.has(c));
    const t0 = process.hrtime.bigint();
    if (bigData) await writeRandomFile(srcPath, args.size);
    const src = bigData
      ? await hashSource(srcPath, args.size, args.partSize)
      : { path: srcPath, size: 0, sha256: "", treeHash: "", parts: [] };
    if (bigData) log(`source: ${fmtBytes(args.size)} random bytes, hashed in ${fmt(seconds(t0), 1)} s (untimed)`);

    pf = await startPermafrost(dataDir);
    gl = new GlacierRaw(pf.url, BENCH_CRED);
    const vault = "bench";
    await gl.ok("PUT", `/-/vaults/${vault}`);
    const ctx: Ctx = { args, dir, dataDir, src, pf, gl, vault, rows, peaks: new Map(), log };
    const server = pf;

    const tracked = async (name: string, fn: () => Promise<void>) => {
      const canReset = await resetPeak(server.pid);
      try {
        await fn();
      } finally {
        if (canReset || ctx.peaks.size === 0) ctx.peaks.set(name, await procKiB(server.pid, "VmHWM"));
      }
    };
    const steps: [number, string, () => Promise<void>][] = [
      [1, "UploadArchive", () => tracked("case 1", () => case1(ctx))],
      [2, "Multipart", () => tracked("case 2", () => case2(ctx))],
      [3, "GetJobOutput", () => tracked("case 3", () => case3(ctx))],
      [
        7,
        "big part",
        () => (args.bigPart > 0 ? tracked(`${fmtBytes(args.bigPart)} part`, () => bigPart(ctx)) : Promise.resolve()),
      ],
      [4, "DescribeVault", () => case4(ctx)],
      [5, "small uploads", () => case5(ctx)],
      [6, "inventory", () => case6(ctx)],
    ];
    for (const [n, name, fn] of steps) {
      if (!args.cases.has(n)) continue;
      log(`case ${n}: ${name}`);
      try {
        await fn();
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        log(`  case ${n} failed: ${msg}`);
        rows.push({
          case: `${n} ${name}`,
          permafrost: "failed",
          baseline: "—",
          ratio: undefined,
          target: undefined,
          note: msg.slice(0, 300),
        });
      }
    }
    if (ctx.peaks.size > 0) {
      const peak = Math.max(...ctx.peaks.values());
      const detail = [...ctx.peaks].map(([k, v]) => `${k} ${fmt(v / 1024, 0)}`).join(", ");
      rows.push({
        case: "7 Server peak RSS over cases 1-3 + big part (MiB)",
        permafrost: fmt(peak / 1024, 0),
        baseline: "200 (budget)",
        ratio: 200 / (peak / 1024),
        target: 1,
        note: detail,
      });
    }
  } finally {
    gl?.close();
    await pf?.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\nPermafrost bench — ${machine()} — ${fmt(seconds(started), 0)} s\n`);
  console.log(table(rows));
  const notes = rows.filter((r) => r.note);
  if (notes.length > 0) {
    console.log("");
    for (const r of notes) console.log(`- ${r.case}: ${r.note}`);
  }
  if (args.json)
    await writeFile(
      args.json,
      JSON.stringify({ machine: machine(), args: { ...args, cases: [...args.cases] }, rows }, null, 2),
    );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
