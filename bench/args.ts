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
  /** Drop the page cache before each download and `cat` (case 3), so both read from disk. */
  json: string | undefined;
}

const UNITS: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Parses 1073741824, 1G, 1GiB, 256M, 64k (binary units). */
export function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(v.trim());
  if (!m) throw new Error(`not a size: ${v}`);
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? "").toUpperCase()] ?? 1));
}

const HELP = `npm run bench -- [flags]
  --cases 1,2,3,4,5,6,7   which cases to run (default all)
  --size 1G               archive size for cases 1-3
  --part-size 64M         multipart part size (case 2)
  --in-flight 4           parts uploaded concurrently (case 2)
  --big-part 4G           single part for the RSS case 7 (0 = skip)
  --rounds 3              alternating rounds per throughput case (median ratio)
  --duration 10           seconds per autocannon run (case 4)
  --connections 64        connections for case 4
  --small-count 10000     archives for case 5
  --small-size 4K         size of each case-5 archive
  --small-connections 32  connections for case 5
  --inventory-count 1000000  archives seeded for case 6
  --tmp DIR               parent of the temporary data folder (default os.tmpdir())
  --json FILE             also write the results as JSON`;

export function parseArgs(argv: string[], defaultTmp: string): BenchArgs {
  const a: BenchArgs = {
    size: 2 ** 30,
    partSize: 64 * 2 ** 20,
    inFlight: 4,
    bigPart: 4 * 2 ** 30,
    rounds: 3,
    duration: 10,
    connections: 64,
    smallCount: 10_000,
    smallSize: 4096,
    smallConnections: 32,
    inventoryCount: 1_000_000,
    cases: new Set([1, 2, 3, 4, 5, 6, 7]),
    tmp: defaultTmp,
    json: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const eq = flag.indexOf("=");
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    const value = (): string => {
      if (eq > 0) return flag.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    const int = (): number => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`${name} needs an integer, got ${v}`);
      return Number(v);
    };
    switch (name) {
      case "--cases":
        a.cases = new Set(
          value()
            .split(",")
            .map((s) => Number(s.trim())),
        );
        break;
      case "--size":
        a.size = parseSize(value());
        break;
      case "--part-size":
        a.partSize = parseSize(value());
        break;
      case "--in-flight":
        a.inFlight = int();
        break;
      case "--big-part":
        a.bigPart = parseSize(value());
        break;
      case "--rounds":
        a.rounds = int();
        break;
      case "--duration":
        a.duration = int();
        break;
      case "--connections":
        a.connections = int();
        break;
      case "--small-count":
        a.smallCount = int();
        break;
      case "--small-size":
        a.smallSize = parseSize(value());
        break;
      case "--small-connections":
        a.smallConnections = int();
        break;
      case "--inventory-count":
        a.inventoryCount = int();
        break;
      case "--tmp":
        a.tmp = value();
        break;
      case "--json":
        a.json = value();
        break;
      case "-h":
      case "--help":
        console.log(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown flag ${flag}\n${HELP}`);
    }
  }
  if (a.rounds < 1) throw new Error("--rounds must be at least 1");
  return a;
}
