import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateVaultCommand, DescribeVaultCommand, UploadArchiveCommand } from "@aws-sdk/client-glacier";
import { INLINE_ARCHIVE_MAX } from "../../src/core/limits.js";
import { hashBuffer } from "../../src/core/treehash.js";
import { clientFor, filesUnder, spawnServer } from "../helpers/process.js";
import { signHeaders } from "../helpers/raw.js";
import { describe_, initiate, output } from "./jobs-helpers.js";

/** Starts a signed UploadArchive whose body is sent in slices; returns once `sendFirst` bytes are out. */
async function startSlowUpload(url: string, body: Buffer, sendFirst: number) {
  const u = new URL(url);
  const hashes = hashBuffer(body);
  const signed = {
    headers: await signHeaders(url, {
      method: "POST",
      path: "/-/vaults/crash/archives",
      headers: {
        "x-amz-content-sha256": hashes.sha256,
        "x-amz-sha256-tree-hash": hashes.treeHash,
        "content-length": String(body.length),
      },
    }),
  };
  const req = request({
    host: u.hostname,
    port: u.port,
    method: "POST",
    path: "/-/vaults/crash/archives",
    headers: signed.headers,
  });
  const response = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
  });
  response.catch(() => {});
  req.write(body.subarray(0, sendFirst));
  return { req, response, rest: () => req.end(body.subarray(sendFirst)) };
}

describe("durability across crashes", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test("kill -9 in the middle of an upload leaves neither archive nor file behind", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "pf-crash-"));
    dirs.push(dataDir);
    let srv = await spawnServer(dataDir);
    let c = clientFor(srv.url);
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "crash" }));
    const kept = await c.send(
      new UploadArchiveCommand({ accountId: "-", vaultName: "crash", body: Buffer.from("kept") }),
    );
    assert.ok(kept.archiveId);
    const body = Buffer.alloc(8 * 1024 * 1024, 7);
    const slow = await startSlowUpload(srv.url, body, 3 * 1024 * 1024);
    for (let i = 0; i < 100 && (await filesUnder(join(dataDir, "tmp"))).length === 0; i++) await sleep(20);
    assert.equal((await filesUnder(join(dataDir, "tmp"))).length, 1, "the upload is being staged");
    srv.proc.kill("SIGKILL");
    assert.equal(await srv.exited, "SIGKILL");
    slow.req.destroy();
    c.destroy();

    srv = await spawnServer(dataDir);
    c = clientFor(srv.url);
    try {
      assert.deepEqual(await filesUnder(join(dataDir, "tmp")), [], "staged leftovers are removed at start-up");
      assert.deepEqual(
        await filesUnder(join(dataDir, "blobs")),
        [],
        "no blob file: the interrupted upload left none, and the small acknowledged one lives in the database",
      );
      const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "crash" }));
      assert.equal(d.NumberOfArchives, 1);
      assert.equal(d.SizeInBytes, 4 + 32768);
      const job = await initiate(c, "crash", { Type: "archive-retrieval", ArchiveId: kept.archiveId });
      for (let i = 0; i < 100 && !(await describe_(c, "crash", job)).Completed; i++) await sleep(50);
      assert.equal((await output(c, "crash", job)).bytes.toString(), "kept", "the acknowledged bytes survived kill -9");
      const again = await c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "crash", body }));
      assert.equal(again.checksum, hashBuffer(body).treeHash, "the client can simply retry");
    } finally {
      srv.proc.kill("SIGKILL");
      await srv.exited;
      c.destroy();
    }
  });

  test("a blob committed without its metadata (crash between the two) is swept at start-up", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "pf-orphan-"));
    dirs.push(dataDir);
    let srv = await spawnServer(dataDir);
    let c = clientFor(srv.url);
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "crash" }));
    // Larger than INLINE_ARCHIVE_MAX, so that it is a blob file beside the orphan.
    const real = Buffer.alloc(INLINE_ARCHIVE_MAX + 1, 1);
    await c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "crash", body: real }));
    srv.proc.kill("SIGKILL");
    await srv.exited;
    c.destroy();
    const orphanKey = createHash("md5").update("orphan").digest("hex");
    await mkdir(join(dataDir, "blobs", orphanKey.slice(0, 2)), { recursive: true });
    const orphan = join(dataDir, "blobs", orphanKey.slice(0, 2), orphanKey);
    await writeFile(orphan, "never acknowledged");
    const past = new Date(Date.now() - 60_000);
    await utimes(orphan, past, past);

    srv = await spawnServer(dataDir);
    c = clientFor(srv.url);
    try {
      const left = await filesUnder(join(dataDir, "blobs"));
      assert.equal(left.length, 1);
      assert.notEqual(left[0], orphanKey);
      const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "crash" }));
      assert.equal(d.NumberOfArchives, 1);
    } finally {
      srv.proc.kill("SIGKILL");
      await srv.exited;
      c.destroy();
    }
  });

  test("SIGTERM lets an in-flight upload finish, then exits cleanly", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "pf-term-"));
    dirs.push(dataDir);
    const srv = await spawnServer(dataDir);
    const c = clientFor(srv.url);
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "crash" }));
    c.destroy();
    const body = Buffer.alloc(2 * 1024 * 1024, 3);
    const slow = await startSlowUpload(srv.url, body, 1024 * 1024);
    await sleep(100);
    srv.proc.kill("SIGTERM");
    await sleep(100);
    slow.rest();
    assert.equal(await slow.response, 201, "the in-flight request completes");
    assert.equal(await srv.exited, 0);
    const srv2 = await spawnServer(dataDir);
    const c2 = clientFor(srv2.url);
    try {
      const d = await c2.send(new DescribeVaultCommand({ accountId: "-", vaultName: "crash" }));
      assert.equal(d.NumberOfArchives, 1);
    } finally {
      srv2.proc.kill("SIGKILL");
      await srv2.exited;
      c2.destroy();
    }
  });
});
