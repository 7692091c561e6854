import { MIB } from "./treehash.js";

export const GIB = 1024 * MIB;
export const MAX_SINGLE_UPLOAD = 4 * GIB;
/**
 * Archives up to this size are kept inside the metadata database, written in the archive's own
 * transaction: one durable commit instead of a blob file, its fsync, a rename and a directory
 * fsync (docs/performance.md, case 5).
 */
export const INLINE_ARCHIVE_MAX = 64 * 1024;
export const MIN_PART_SIZE = MIB;
export const MAX_PART_SIZE = 4 * GIB;
export const MAX_PARTS = 10_000;
/** How long a completed upload id still answers a repeated identical Complete (SPEC §3.22, §12). */
export const COMPLETED_UPLOAD_MEMORY_MS = 24 * 3600 * 1000;
export const MAX_VAULTS_PER_REGION = 1_000;
/** Fixed per-archive overhead included in a vault's SizeInBytes (SPEC §3.3). */
export const ARCHIVE_OVERHEAD_BYTES = 32_768;
export const PAGE = { vaults: 10, jobs: 50, parts: 50, uploads: 50 } as const;
export const MAX_POLICY_BYTES = 20 * 1024;
export const MAX_TAGS = 50;
export const MAX_PROVISIONED_UNITS = 2;
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Largest JSON request body read into memory (policies are at most 20 KB). */
export const MAX_JSON_BODY = 1024 * 1024;
