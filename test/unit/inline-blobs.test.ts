import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { FsBlobStore } from "../../src/store/fs-blob.js";
import { WithInlineBlobs } from "../../src/store/inline-blobs.js";

describe("WithInlineBlobs", () => {
  let dir: string;
  let files: FsBlobStore;
  const inline = new Map<string, Buffer>([["aa".repeat(16), Buffer.from("inline bytes")]]);
  const ledger = { inline: async (key: string) => inline.get(key) };
  let blobs: WithInlineBlobs;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pf-inline-"));
    files = new FsBlobStore(dir);
    await files.init();
    blobs = new WithInlineBlobs(files, ledger);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const text = async (r: Readable) => Buffer.concat(await r.toArray()).toString();

  test("inline blobs are read from the ledger, whole or by range", async () => {
    const key = "aa".repeat(16);
    assert.equal(await text(blobs.read(key)), "inline bytes");
    assert.equal(await text(blobs.read(key, { start: 7, end: 11 })), "bytes");
    assert.equal(await text(blobs.read(key, { start: 0, end: 0 })), "i");
  });

  test("other blobs are read from the file store; a missing one fails", async () => {
    const staged = await blobs.stage(Readable.from([Buffer.from("file bytes")]));
    await staged.commit();
    assert.equal(await text(blobs.read(staged.key)), "file bytes");
    assert.equal(await text(blobs.read(staged.key, { start: 5, end: 9 })), "bytes");
    await blobs.delete(staged.key);
    await assert.rejects(text(blobs.read(staged.key)), { code: "ENOENT" });
    await assert.rejects(text(blobs.read("../../etc/passwd")), /invalid blob key/);
  });
});
