import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateVaultCommand,
  DeleteArchiveCommand,
  DeleteVaultCommand,
  DescribeVaultCommand,
  type GlacierClient,
  UploadArchiveCommand,
} from "@aws-sdk/client-glacier";
import type { Clock } from "../../src/core/clock.js";
import { INLINE_ARCHIVE_MAX } from "../../src/core/limits.js";
import { signedRequest, signHeaders } from "../helpers/raw.js";
import { ACCOUNT_A, startTestServer, type TestServer } from "../helpers/server.js";

/** D(n) of SPEC §4.2: byte i has value i mod 256. */
const D = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 256));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}

describe("archives", () => {
  let s: TestServer;
  let c: GlacierClient;
  before(async () => {
    s = await startTestServer();
    c = s.client();
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "arch" }));
  });
  after(() => s.stop());

  const blobCount = () => countFiles(join(s.dataDir, "blobs"));
  const tmpCount = () => countFiles(join(s.dataDir, "tmp"));
  const stats = async () => {
    const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "arch" }));
    return [d.NumberOfArchives, d.SizeInBytes];
  };

  test("UploadArchive stores the bytes and answers with the server's tree hash (SPEC §4.2 vectors)", async () => {
    const cases: [number, string][] = [
      [1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"],
      [1048577, "d5a80a74925851bc5683564d57cb1608dfb63786a9462b54f541fcf5c15dc619"],
      [3145733, "3a40c480b40f7bb85bf09feb4f90c63207c26a9aa101b0c611aa2ad9464e97c9"],
    ];
    for (const [n, tree] of cases) {
      const out = await c.send(
        new UploadArchiveCommand({ accountId: "-", vaultName: "arch", body: D(n), archiveDescription: `D(${n})` }),
      );
      assert.equal(out.$metadata.httpStatusCode, 201);
      assert.equal(out.checksum, tree);
      assert.match(out.archiveId ?? "", /^[A-Za-z0-9_][A-Za-z0-9_-]{137}$/);
      assert.equal(out.location, `/${ACCOUNT_A}/vaults/arch/archives/${out.archiveId}`);
    }
  });

  test("the worked example of the AWS docs: 'Welcome to Amazon Glacier.'", async () => {
    const out = await c.send(
      new UploadArchiveCommand({ accountId: "-", vaultName: "arch", body: Buffer.from("Welcome to Amazon Glacier.") }),
    );
    assert.equal(out.checksum, "726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628");
  });

  test("vault statistics count archives plus 32 KiB overhead each", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "stats" }));
    for (const n of [100, 2000]) {
      await c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "stats", body: D(n) }));
    }
    const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "stats" }));
    assert.equal(d.NumberOfArchives, 2);
    assert.equal(d.SizeInBytes, 2100 + 2 * 32768);
    assert.ok(d.LastInventoryDate, "an inventory exists once the vault has been written to");
  });

  const upload = (body: Buffer, headers: Record<string, string>) =>
    signedRequest(s.url, { method: "POST", path: "/-/vaults/arch/archives", body, headers });

  test("a tree-hash mismatch is rejected with AWS's message and stores nothing", async () => {
    const before = [await stats(), await blobCount()];
    const body = D(5000);
    const wrong = "0".repeat(64);
    const res = await upload(body, { "x-amz-sha256-tree-hash": wrong, "x-amz-content-sha256": sha(body) });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, {
      code: "InvalidParameterValueException",
      message: `Checksum mismatch: expected ${wrong}, computed ${sha(body)}`,
      type: "Client",
    });
    assert.deepEqual([await stats(), await blobCount()], before);
    assert.equal(await tmpCount(), 0);
  });

  test("a body that does not match x-amz-content-sha256 is a 403 and stores nothing", async () => {
    const before = [await stats(), await blobCount()];
    const body = D(5000);
    const claimed = sha(Buffer.from("something else"));
    const res = await upload(body, { "x-amz-sha256-tree-hash": sha(body), "x-amz-content-sha256": claimed });
    assert.equal(res.status, 403);
    assert.equal((res.json as { code: string }).code, "InvalidSignatureException");
    assert.equal(
      (res.json as { message: string }).message,
      `The value passed in as x-amz-content-sha256 does not match the computed payload hash. Computed digest: ${sha(body)} expected hash: ${claimed}`,
    );
    assert.deepEqual([await stats(), await blobCount()], before);
  });

  test("missing tree hash, empty body, oversize length and bad descriptions are rejected", async () => {
    const body = D(10);
    const missing = await upload(body, { "x-amz-content-sha256": sha(body) });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, {
      code: "MissingParameterValueException",
      message: "Required parameter missing: x-amz-sha256-tree-hash",
      type: "Client",
    });
    const empty = await upload(Buffer.alloc(0), {
      "x-amz-content-sha256": sha(Buffer.alloc(0)),
      "x-amz-sha256-tree-hash": sha(Buffer.alloc(0)),
    });
    assert.equal(empty.status, 400);
    assert.equal((empty.json as { code: string }).code, "InvalidParameterValueException");
    for (const description of ["x".repeat(1025), "tab\there", "naïve"]) {
      const res = await upload(body, {
        "x-amz-content-sha256": sha(body),
        "x-amz-sha256-tree-hash": sha(body),
        "x-amz-archive-description": description,
      });
      assert.equal(res.status, 400, description);
      assert.equal((res.json as { code: string }).code, "InvalidParameterValueException");
    }
    const okDesc = await upload(body, {
      "x-amz-content-sha256": sha(body),
      "x-amz-sha256-tree-hash": sha(body),
      "x-amz-archive-description": "x".repeat(1024),
    });
    assert.equal(okDesc.status, 201);
  });

  test("the JS SDK's empty-string body (no tree hash header) gets a clean 400", async () => {
    await assert.rejects(
      c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "arch", body: "" })),
      (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        return err.$metadata?.httpStatusCode === 400;
      },
    );
  });

  test("a body cut short by the client stores nothing; a body longer than Content-Length is refused", async () => {
    const before = [await stats(), await blobCount()];
    const { request } = await import("node:http");
    const u = new URL(s.url);
    const body = D(300_000);
    const signed = {
      headers: await signHeaders(s.url, {
        method: "POST",
        path: "/-/vaults/arch/archives",
        headers: {
          "x-amz-content-sha256": sha(body),
          "x-amz-sha256-tree-hash": sha(body),
          "content-length": String(body.length),
        },
      }),
    };
    const req = request({
      host: u.hostname,
      port: u.port,
      method: "POST",
      path: "/-/vaults/arch/archives",
      headers: signed.headers,
    });
    req.on("error", () => {});
    req.write(body.subarray(0, 100_000));
    await new Promise((r) => setTimeout(r, 100));
    req.destroy();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([await stats(), await blobCount()], before);
    assert.equal(await tmpCount(), 0, "the staged file of the broken upload is removed");

    // Content-Length says 10 bytes, the client's hashes cover 20: the server reads 10 and finds a mismatch.
    const twenty = D(20);
    const res = await signedRequest(s.url, {
      method: "POST",
      path: "/-/vaults/arch/archives",
      headers: { "x-amz-content-sha256": sha(twenty), "x-amz-sha256-tree-hash": sha(twenty) },
      body: twenty.subarray(0, 10),
    });
    assert.equal(res.status, 403);
    assert.deepEqual([await stats(), await blobCount()], before);
  });

  test("upload to a missing vault is ResourceNotFound", async () => {
    await assert.rejects(
      c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "ghost", body: Buffer.from("x") })),
      { name: "ResourceNotFoundException" },
    );
  });

  /** The key of an archive's only blob, and whether its bytes are kept inline in the database. */
  const storedAs = async (archiveId: string) => {
    const rec = await s.svc.store.archives.get(archiveId);
    const key = rec?.segments[0]?.key ?? "";
    return { key, inline: (await s.svc.store.blobs.inline(key)) !== undefined };
  };

  test(`archives up to ${INLINE_ARCHIVE_MAX} bytes are kept in the database, larger ones as blob files`, async () => {
    const files = await blobCount();
    const small = await c.send(
      new UploadArchiveCommand({ accountId: "-", vaultName: "arch", body: D(INLINE_ARCHIVE_MAX) }),
    );
    assert.equal(await blobCount(), files, "no blob file for a small archive");
    const smallAt = await storedAs(small.archiveId ?? "");
    assert.ok(smallAt.inline);
    assert.ok((await s.svc.store.blobs.inline(smallAt.key))?.equals(D(INLINE_ARCHIVE_MAX)));
    const big = await c.send(
      new UploadArchiveCommand({ accountId: "-", vaultName: "arch", body: D(INLINE_ARCHIVE_MAX + 1) }),
    );
    assert.equal(await blobCount(), files + 1, "one blob file for a larger archive");
    assert.equal((await storedAs(big.archiveId ?? "")).inline, false);
  });

  test("DeleteArchive: 204, idempotent, reclaims the blob, and refuses an archive of another vault", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "other" }));
    const a = await c.send(
      new UploadArchiveCommand({ accountId: "-", vaultName: "arch", body: D(INLINE_ARCHIVE_MAX + 777) }),
    );
    const small = await c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "arch", body: D(777) }));
    const smallAt = await storedAs(small.archiveId ?? "");
    assert.ok(smallAt.inline);
    const blobsBefore = await blobCount();
    await assert.rejects(
      c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: "other", archiveId: a.archiveId })),
      {
        name: "InvalidParameterValueException",
        message: `Invalid vault name: arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/other`,
      },
    );
    const del = await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: "arch", archiveId: a.archiveId }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    const again = await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: "arch", archiveId: a.archiveId }));
    assert.equal(again.$metadata.httpStatusCode, 204);
    await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: "arch", archiveId: small.archiveId }));
    await s.scheduler.runAll();
    assert.equal(await blobCount(), blobsBefore - 1, "the deleted archive's blob file is gone");
    assert.equal(await s.svc.store.blobs.inline(smallAt.key), undefined, "the small archive's bytes are gone");
    assert.equal(await s.svc.store.blobs.known(smallAt.key), false);
  });

  test("an emptied vault can be deleted (live inventory mode)", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "cycle" }));
    const a = await c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "cycle", body: D(10) }));
    await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: "cycle", archiveId: a.archiveId }));
    const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "cycle" }));
    assert.equal(d.NumberOfArchives, 0);
    await c.send(new DeleteVaultCommand({ accountId: "-", vaultName: "cycle" }));
  });
});

describe("inventory refresh interval", () => {
  test("statistics and DeleteVault follow the last inventory, which lags writes by the interval", async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock: Clock = { now: () => now };
    // Signatures are checked against the server clock, so keep auth off for this fake-clock test.
    const s = await startTestServer({ inventoryRefreshSeconds: 3600, auth: false }, { clock });
    try {
      const c = s.client();
      await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "lag" }));
      const a = await c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "lag", body: D(100) }));
      let d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "lag" }));
      assert.deepEqual([d.NumberOfArchives, d.SizeInBytes, d.LastInventoryDate], [0, 0, undefined]);
      now += 3600_000;
      d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "lag" }));
      assert.deepEqual([d.NumberOfArchives, d.SizeInBytes], [1, 100 + 32768]);
      assert.equal(d.LastInventoryDate, new Date(now).toISOString());
      await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: "lag", archiveId: a.archiveId }));
      await assert.rejects(c.send(new DeleteVaultCommand({ accountId: "-", vaultName: "lag" })), {
        name: "InvalidParameterValueException",
        message: /recently written to/,
      });
      now += 1800_000;
      d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "lag" }));
      assert.equal(d.NumberOfArchives, 1, "still the previous inventory");
      now += 1800_000;
      await c.send(new DeleteVaultCommand({ accountId: "-", vaultName: "lag" }));
    } finally {
      await s.stop();
    }
  });
});
