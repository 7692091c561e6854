import { coreSchema } from "./schema/001_core.js";
import { multipartSchema } from "./schema/002_multipart.js";
import { jobsSchema } from "./schema/003_jobs.js";
import { settingsSchema } from "./schema/004_settings.js";
import { inlineBlobsSchema } from "./schema/005_inline_blobs.js";

/** Forward-only, versioned migrations; a version is never edited once released. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: "core", sql: coreSchema },
  { version: 2, name: "multipart", sql: multipartSchema },
  { version: 3, name: "jobs", sql: jobsSchema },
  { version: 4, name: "settings", sql: settingsSchema },
  { version: 5, name: "inline blobs", sql: inlineBlobsSchema },
];
