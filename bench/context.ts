import type { BenchArgs } from "./args.js";
import type { GlacierRaw } from "./client.js";
import type { SourceFile } from "./data.js";
import type { Proc } from "./procs.js";

/** One line of the result table. Ratios are "higher is better" (Permafrost ÷ baseline, or inverted for times). */
export interface Row {
  case: string;
  permafrost: string;
  baseline: string;
  ratio: number | undefined;
  target: number | undefined;
  note?: string;
}

export interface Ctx {
  args: BenchArgs;
  /** Temporary folder (sources, dd output); removed at the end. */
  dir: string;
  dataDir: string;
  src: SourceFile;
  pf: Proc;
  gl: GlacierRaw;
  vault: string;
  rows: Row[];
  /** Peak RSS (KiB) of the server per big-data case, for case 7. */
  peaks: Map<string, number>;
  /** An archive of `src` stored as one blob (UploadArchive), kept for case 3. */
  archiveId?: string;
  log(msg: string): void;
}
