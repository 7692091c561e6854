import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsBlobStore } from "../../src/store/fs-blob.js";
import { SqliteMetadataStore } from "../../src/store/sqlite/index.js";
import { blobContract, metadataContract } from "./contract.js";

metadataContract("SQLite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pf-meta-"));
  return {
    store: new SqliteMetadataStore(join(dir, "meta.sqlite")),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

blobContract("filesystem", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pf-blob-"));
  const blobs = new FsBlobStore(dir);
  await blobs.init();
  return { blobs, cleanup: () => rm(dir, { recursive: true, force: true }) };
});
