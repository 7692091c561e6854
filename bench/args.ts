import { Command, InvalidArgumentError } from "commander";

/** Command-line flags of `npm run bench -- …`; every size is configurable so runs can be small. */
export interface BenchArgs {
  /** Archive size for cases 1–3 (bytes). */
  size: number;
  /** Multipart part size for case 2 (bytes). */
  partSize: number;
  /** Parts in flight for case 2. */
  inFlight: number;
  /** Size of the single part uploaded for case 7 (bytes); 0 skips it. */
  bigPart: number;
  /** Alternating rounds (Permafrost, baseline) per throughput case; the median ratio is reported. */
  rounds: number;
  /** Seconds per autocannon run in case 4. */
  duration: number;
  connections: number;
  /** Archives and connections of case 5. */
  smallCount: number;
  smallSize: number;
  smallConnections: number;
  /** Archives seeded for case 6. */
  inventoryCount: number;
  cases: Set<number>;
  /** Where the temporary data folder goes (must be on the disk being measured). */
  tmp: string;
  /** Also write the rows as JSON to this file. */
  json: string | undefined;
}

const UNITS: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Parses 1073741824, 1G, 1GiB, 256M, 64k (binary units). */
export function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(v.trim());
  if (!m) throw new Error(`not a size: ${v}`);
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? "").toUpperCase()] ?? 1));
}

const int =
  (name: string) =>
  (v: string): number => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} needs an integer, got ${v}`);
    return Number(v);
  };
const size = (v: string): number => {
  try {
    return parseSize(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

/** Parses the flags with commander, as the server's CLI does: --help, unknown flags and bad values print and exit. */
export function parseArgs(argv: string[], defaultTmp: string): BenchArgs {
  const program = new Command("npm run bench --")
    .description("Permafrost against baselines measured in the same run (docs/performance.md)")
    .option("--cases <list>", "which cases to run", "1,2,3,4,5,6,7")
    .option("--size <size>", "archive size for cases 1-3", size, 2 ** 30)
    .option("--part-size <size>", "multipart part size (case 2)", size, 64 * 2 ** 20)
    .option("--in-flight <n>", "parts uploaded concurrently (case 2)", int("--in-flight"), 4)
    .option("--big-part <size>", "single part for the RSS case 7 (0 = skip)", size, 4 * 2 ** 30)
    .option("--rounds <n>", "alternating rounds per throughput case (median ratio)", int("--rounds"), 3)
    .option("--duration <s>", "seconds per autocannon run (case 4)", int("--duration"), 10)
    .option("--connections <n>", "connections for case 4", int("--connections"), 64)
    .option("--small-count <n>", "archives for case 5", int("--small-count"), 10_000)
    .option("--small-size <size>", "size of each case-5 archive", size, 4096)
    .option("--small-connections <n>", "connections for case 5", int("--small-connections"), 32)
    .option("--inventory-count <n>", "archives seeded for case 6", int("--inventory-count"), 1_000_000)
    .option("--tmp <dir>", "parent of the temporary data folder", defaultTmp)
    .option("--json <file>", "also write the results as JSON")
    .parse(argv, { from: "user" });
  const o = program.opts<Omit<BenchArgs, "cases"> & { cases: string }>();
  const cases = new Set(o.cases.split(",").map((c) => Number(c.trim())));
  for (const c of cases) {
    if (!Number.isInteger(c) || c < 1 || c > 7) throw new Error(`--cases: no case ${c} (1-7)`);
  }
  if (o.rounds < 1) throw new Error("--rounds must be at least 1");
  return { ...o, cases };
}
