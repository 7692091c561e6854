import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CompleteMultipartUploadCommand,
  CreateVaultCommand,
  type GlacierClient,
  InitiateMultipartUploadCommand,
  ListPartsCommand,
  UploadMultipartPartCommand,
} from "@aws-sdk/client-glacier";
import Database from "better-sqlite3";
import { hashBuffer } from "../../src/core/treehash.js";
import { clientFor, filesUnder, spawnServer } from "../helpers/process.js";
import { signHeaders } from "../helpers/raw.js";

const MIB = 1024 * 1024;
/** A signed UploadMultipartPart whose body stops after `sendFirst` bytes (the rest never comes). */
async function startStalledPart(url: string, path: string, first: number, body: Buffer, sendFirst: number) {
  const u = new URL(url);
  const hashes = hashBuffer(body);
  const signed = {
    headers: await signHeaders(url, {
      method: "PUT",
      path: path,
      headers: {
        "x-amz-content-sha256": hashes.sha256,
        "x-amz-sha256-tree-hash": hashes.treeHash,
        "content-range": `bytes ${first}-${first + body.length - 1}/*`,
        "content-length": String(body.length),
      },
    }),
  };
  const req = request({ host: u.hostname, port: u.port, method: "PUT", path, headers: signed.headers });
  req.on("error", () => {});
  req.write(body.subarray(0, sendFirst));
  return req;
}

describe("multipart upload across kill -9", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test("a part interrupted by kill -9 is absent after restart, acknowledged parts are intact, the client resumes", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "pf-mp-crash-"));
    dirs.push(dataDir);
    const data = Buffer.alloc(3 * MIB + 100);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2246822519) >>> 0, i);
    const slice = (i: number) => data.subarray(i * MIB, Math.min((i + 1) * MIB, data.length));
    const put = (c: GlacierClient, uploadId: string, i: number) =>
      c.send(
        new UploadMultipartPartCommand({
          accountId: "-",
          vaultName: "crash",
          uploadId,
          range: `bytes ${i * MIB}-${i * MIB + slice(i).length - 1}/*`,
          body: slice(i),
        }),
      );

    let srv = await spawnServer(dataDir);
    let c = clientFor(srv.url);
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "crash" }));
    const { uploadId } = await c.send(
      new InitiateMultipartUploadCommand({ accountId: "-", vaultName: "crash", partSize: String(MIB) }),
    );
    assert.ok(uploadId);
    await put(c, uploadId, 0);
    await put(c, uploadId, 2);
    // Part 1 is half sent when the server dies.
    const stalled = await startStalledPart(
      srv.url,
      `/-/vaults/crash/multipart-uploads/${uploadId}`,
      MIB,
      slice(1),
      MIB / 2,
    );
    for (let i = 0; i < 100 && (await filesUnder(join(dataDir, "tmp"))).length === 0; i++) await sleep(20);
    assert.equal((await filesUnder(join(dataDir, "tmp"))).length, 1, "part 1 is being staged");
    srv.proc.kill("SIGKILL");
    assert.equal(await srv.exited, "SIGKILL");
    stalled.destroy();
    c.destroy();

    srv = await spawnServer(dataDir);
    c = clientFor(srv.url);
    try {
      assert.deepEqual(await filesUnder(join(dataDir, "tmp")), [], "the interrupted part's staging file is gone");
      assert.equal((await filesUnder(join(dataDir, "blobs"))).length, 2, "exactly the two acknowledged parts remain");
      const listed = await c.send(new ListPartsCommand({ accountId: "-", vaultName: "crash", uploadId }));
      assert.deepEqual(
        listed.Parts?.map((p) => [p.RangeInBytes, p.SHA256TreeHash]),
        [
          [`0-${MIB - 1}`, hashBuffer(slice(0)).treeHash],
          [`${2 * MIB}-${3 * MIB - 1}`, hashBuffer(slice(2)).treeHash],
        ],
      );
      // Resume: send what ListParts says is missing, then complete.
      await put(c, uploadId, 3);
      await put(c, uploadId, 1);
      const done = await c.send(
        new CompleteMultipartUploadCommand({
          accountId: "-",
          vaultName: "crash",
          uploadId,
          archiveSize: String(data.length),
          checksum: hashBuffer(data).treeHash,
        }),
      );
      assert.equal(done.checksum, hashBuffer(data).treeHash);
      // Kill once more right after the acknowledgement: the completed archive must survive.
      srv.proc.kill("SIGKILL");
      await srv.exited;
      const db = new Database(join(dataDir, "meta.sqlite"), { readonly: true });
      const row = db.prepare("SELECT size, segments FROM archives WHERE archive_id = ?").get(done.archiveId) as
        | { size: number; segments: string }
        | undefined;
      db.close();
      assert.ok(row, "the archive is recorded");
      assert.equal(row.size, data.length);
      const h = createHash("sha256");
      for (const seg of JSON.parse(row.segments) as { key: string }[]) {
        h.update(await readFile(join(dataDir, "blobs", seg.key.slice(0, 2), seg.key)));
      }
      assert.equal(h.digest("hex"), createHash("sha256").update(data).digest("hex"), "the parts' bytes, in order");
    } finally {
      srv.proc.kill("SIGKILL");
      await srv.exited;
      c.destroy();
    }
  });
});
