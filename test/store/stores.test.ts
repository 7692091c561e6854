import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsBlobStore } from "../../src/store/fs-blob.js";
import { SqliteMetadataStore } from "../../src/store/sqlite/index.js";
import { blobContract, metadataContract } from "./contract.js";
import { jobContract } from "./contract-jobs.js";
import { settingsContract } from "./contract-settings.js";
import { uploadContract } from "./contract-uploads.js";

/** A fresh SQLite database in its own temporary directory, for one suite. */
const sqlite = async () => {
  const dir = await mkdtemp(join(tmpdir(), "pf-meta-"));
  return {
    store: new SqliteMetadataStore(join(dir, "meta.sqlite")),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
};

metadataContract("SQLite", sqlite);
uploadContract("SQLite", sqlite);
jobContract("SQLite", sqlite);
settingsContract("SQLite", sqlite);

blobContract("filesystem", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pf-blob-"));
  const blobs = new FsBlobStore(dir);
  await blobs.init();
  return { blobs, cleanup: () => rm(dir, { recursive: true, force: true }) };
});
