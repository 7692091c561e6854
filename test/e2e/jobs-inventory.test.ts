import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateVaultCommand, type GlacierClient } from "@aws-sdk/client-glacier";
import { isoSeconds } from "../../src/core/clock.js";
import type { SqliteMetadataStore } from "../../src/store/sqlite/index.js";
import { signedRequest } from "../helpers/raw.js";
import { ACCOUNT_A, startTestServer, type TestServer } from "../helpers/server.js";
import { D, describe_, initiate, output, rejectsWith, TestClock, treeHash, upload } from "./jobs-helpers.js";

interface InventoryDoc {
  VaultARN: string;
  InventoryDate: string;
  ArchiveList: {
    ArchiveId: string;
    ArchiveDescription: string;
    CreationDate: string;
    Size: number;
    SHA256TreeHash: string;
  }[];
}

describe("jobs: inventory retrieval", () => {
  let s: TestServer;
  let c: GlacierClient;
  const clock = new TestClock();
  const V = "inv";
  const arn = `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/${V}`;
  /** Five archives uploaded 10 s apart (clock-controlled), so that date filters can separate them. */
  const archives: { id: string; body: Buffer; description: string | undefined; at: number }[] = [];
  const descriptions = [undefined, "plain", 'with, comma and "quotes"', 'back\\"slash', "last one"];

  before(async () => {
    s = await startTestServer({}, { clock });
    c = s.client();
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: V }));
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "empty" }));
    for (const [i, description] of descriptions.entries()) {
      const body = D(1000 + i, i);
      const id = await upload(c, V, body, description);
      // The server stamps the creation time when the upload is committed.
      const at = (await s.svc.store.archives.get(id))?.createdAt as number;
      archives.push({ id, body, description, at });
      clock.advance(10_000);
    }
  });
  after(() => s.stop());

  async function inventory(params: Record<string, unknown>) {
    const jobId = await initiate(c, V, { Type: "inventory-retrieval", ...params });
    const raw = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${V}/jobs/${jobId}/output` });
    assert.equal(raw.status, 200);
    return { jobId, raw, d: await describe_(c, V, jobId) };
  }

  test('JSON inventory: Glacier\'s document, key order, seconds dates, "" for no description', async () => {
    const { raw, d, jobId } = await inventory({ Description: "inventory please" });
    assert.equal(raw.headers["content-type"], "application/json");
    assert.equal(raw.headers["accept-ranges"], "bytes");
    assert.equal(raw.headers["x-amz-sha256-tree-hash"], undefined);
    assert.equal(raw.headers["content-length"], String(raw.body.length));
    const doc = raw.json as InventoryDoc;
    assert.deepEqual(Object.keys(doc), ["VaultARN", "InventoryDate", "ArchiveList"]);
    assert.equal(doc.VaultARN, arn);
    assert.match(doc.InventoryDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(
      doc.ArchiveList,
      archives.map((a) => ({
        ArchiveId: a.id,
        ArchiveDescription: a.description ?? "",
        CreationDate: isoSeconds(a.at),
        Size: a.body.length,
        SHA256TreeHash: treeHash(a.body),
      })),
    );
    assert.deepEqual(Object.keys(doc.ArchiveList[0] ?? {}), [
      "ArchiveId",
      "ArchiveDescription",
      "CreationDate",
      "Size",
      "SHA256TreeHash",
    ]);
    assert.equal(raw.text, JSON.stringify(doc), "compact JSON in exactly this key order");
    // DescribeJob of an inventory job.
    const rawD = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${V}/jobs/${jobId}` });
    const j = rawD.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(j), [
      "Action",
      "ArchiveId",
      "ArchiveSHA256TreeHash",
      "ArchiveSizeInBytes",
      "Completed",
      "CompletionDate",
      "CreationDate",
      "InventoryRetrievalParameters",
      "InventorySizeInBytes",
      "JobDescription",
      "JobId",
      "RetrievalByteRange",
      "SHA256TreeHash",
      "SNSTopic",
      "StatusCode",
      "StatusMessage",
      "VaultARN",
    ]);
    assert.equal(j.Action, "InventoryRetrieval");
    assert.equal(j.ArchiveId, null);
    assert.equal(j.ArchiveSizeInBytes, null);
    assert.equal(j.RetrievalByteRange, null);
    assert.equal(j.SHA256TreeHash, null);
    assert.equal(j.InventorySizeInBytes, raw.body.length);
    assert.equal(j.JobDescription, "inventory please");
    assert.deepEqual(j.InventoryRetrievalParameters, {
      EndDate: null,
      Format: "JSON",
      Limit: null,
      Marker: null,
      StartDate: null,
    });
    assert.equal(d.InventorySizeInBytes, raw.body.length);
  });

  test("CSV inventory: Glacier's header, quoting only where needed, \\\" inside quotes, backslashes as is", async () => {
    const { raw, d } = await inventory({ Format: "CSV" });
    assert.equal(raw.headers["content-type"], "text/csv");
    const q = (a: (typeof archives)[number]) =>
      `${a.id},${[undefined, "plain", '"with, comma and \\"quotes\\""', '"back\\\\"slash"', "last one"][archives.indexOf(a)] ?? ""},${isoSeconds(a.at)},${a.body.length},${treeHash(a.body)}`;
    assert.equal(
      raw.text,
      `ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n${archives.map((a) => `${q(a)}\n`).join("")}`,
    );
    assert.equal(d.InventoryRetrievalParameters?.Format, "CSV");
    assert.equal(d.InventorySizeInBytes, raw.body.length);
  });

  test("date filters: StartDate inclusive, EndDate exclusive, either alone, echoed as given", async () => {
    const ids = (r: { raw: { json: unknown } }) => (r.raw.json as InventoryDoc).ArchiveList.map((a) => a.ArchiveId);
    const at = (i: number) => archives[i]?.at as number;
    const between = await inventory({
      InventoryRetrievalParameters: { StartDate: isoSeconds(at(1) - 1000), EndDate: isoSeconds(at(3) - 1000) },
    });
    assert.deepEqual(ids(between), [archives[1]?.id, archives[2]?.id]);
    assert.deepEqual(between.d.InventoryRetrievalParameters, {
      StartDate: isoSeconds(at(1) - 1000),
      EndDate: isoSeconds(at(3) - 1000),
      Format: "JSON",
    });
    const since = await inventory({ InventoryRetrievalParameters: { StartDate: isoSeconds(at(3) - 1000) } });
    assert.deepEqual(ids(since), [archives[3]?.id, archives[4]?.id]);
    const until = await inventory({ InventoryRetrievalParameters: { EndDate: isoSeconds(at(1) - 1000) } });
    assert.deepEqual(ids(until), [archives[0]?.id]);
    const none = await inventory({
      InventoryRetrievalParameters: { StartDate: "2000-01-01T00:00:00Z", EndDate: "2000-01-02T00:00:00Z" },
    });
    assert.deepEqual(ids(none), []);
  });

  test("Limit and Marker: pages continue exactly where DescribeJob's Marker says; null at the end", async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    const markers: (string | undefined)[] = [];
    for (let page = 0; page < 5; page++) {
      const r = await inventory({
        InventoryRetrievalParameters: { Limit: "2", ...(marker ? { Marker: marker } : {}) },
      });
      const list = (r.raw.json as InventoryDoc).ArchiveList;
      seen.push(...list.map((a) => a.ArchiveId));
      assert.equal(r.d.InventoryRetrievalParameters?.Limit, "2");
      marker = r.d.InventoryRetrievalParameters?.Marker;
      markers.push(marker);
      if (!marker) break;
      assert.match(marker, /^[A-Za-z0-9_-]+$/);
    }
    assert.deepEqual(
      seen,
      archives.map((a) => a.id),
    );
    assert.equal(markers.length, 3, "2 + 2 + 1");
    assert.equal(markers[2], undefined);
    // Exactly at the end: a limit equal to what is left gives no marker.
    const exact = await inventory({ InventoryRetrievalParameters: { Limit: "5" } });
    assert.equal((exact.raw.json as InventoryDoc).ArchiveList.length, 5);
    assert.equal(exact.d.InventoryRetrievalParameters?.Marker, undefined);
    // Limit combined with dates, and a marker echoed while the request is described.
    const at1 = (archives[1]?.at as number) - 1000;
    const first = await inventory({ InventoryRetrievalParameters: { StartDate: isoSeconds(at1), Limit: "1" } });
    assert.deepEqual(
      (first.raw.json as InventoryDoc).ArchiveList.map((a) => a.ArchiveId),
      [archives[1]?.id],
    );
    const next = await inventory({
      InventoryRetrievalParameters: {
        StartDate: isoSeconds(at1),
        Limit: "3",
        Marker: first.d.InventoryRetrievalParameters?.Marker,
      },
    });
    assert.deepEqual(
      (next.raw.json as InventoryDoc).ArchiveList.map((a) => a.ArchiveId),
      [archives[2]?.id, archives[3]?.id, archives[4]?.id],
    );
  });

  test("an empty vault's inventory, and ranged downloads of an inventory (206, no tree hash)", async () => {
    const jobId = await initiate(c, "empty", { Type: "inventory-retrieval" });
    const { bytes } = await output(c, "empty", jobId);
    const doc = JSON.parse(bytes.toString("utf8")) as InventoryDoc;
    assert.deepEqual(doc.ArchiveList, []);
    assert.equal(doc.VaultARN, `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/empty`);
    const full = await inventory({});
    const part = await output(c, V, full.jobId, "bytes=10-99");
    assert.equal(part.out.status, 206);
    assert.equal(part.out.contentRange, `bytes 10-99/${full.raw.body.length}`);
    assert.equal(part.out.checksum, undefined);
    assert.equal(part.out.contentType, "application/json");
    assert.ok(part.bytes.equals(full.raw.body.subarray(10, 100)));
  });

  test("inventories page through the metadata store: 2,345 archives, Limit across pages", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "big" }));
    const vault = await s.svc.store.vaults.get({ accountId: ACCOUNT_A, region: "us-east-1", name: "big" });
    const db = (s.svc.store as SqliteMetadataStore).db;
    const insert = db.prepare(
      "INSERT INTO archives (archive_id, vault_id, size, tree_hash, description, created_at, segments) VALUES (?, ?, ?, ?, ?, ?, '[]')",
    );
    const base = clock.now() - 3_600_000;
    const n = 2345;
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        insert.run(
          `big${String(i).padStart(6, "0")}`,
          vault?.id,
          i + 1,
          "0".repeat(64),
          i % 2 ? `d${i}` : null,
          base + i,
        );
      }
    })();
    const jobId = await initiate(c, "big", { Type: "inventory-retrieval" });
    const doc = JSON.parse((await output(c, "big", jobId)).bytes.toString("utf8")) as InventoryDoc;
    assert.equal(doc.ArchiveList.length, n);
    assert.deepEqual(
      doc.ArchiveList.map((a) => a.Size),
      Array.from({ length: n }, (_, i) => i + 1),
    );
    const firstJob = await initiate(c, "big", {
      Type: "inventory-retrieval",
      InventoryRetrievalParameters: { Limit: "1500" },
    });
    const a = JSON.parse((await output(c, "big", firstJob)).bytes.toString("utf8")) as InventoryDoc;
    const marker = (await describe_(c, "big", firstJob)).InventoryRetrievalParameters?.Marker;
    assert.ok(marker);
    const secondJob = await initiate(c, "big", {
      Type: "inventory-retrieval",
      Format: "CSV",
      InventoryRetrievalParameters: { Limit: "1500", Marker: marker },
    });
    const csv = (await output(c, "big", secondJob)).bytes.toString("utf8").trimEnd().split("\n");
    assert.equal(a.ArchiveList.length, 1500);
    assert.equal(csv.length, 1 + n - 1500);
    assert.equal(csv[1]?.split(",")[0], "big001500");
    assert.equal((await describe_(c, "big", secondJob)).InventoryRetrievalParameters?.Marker, undefined);
  });

  test("inventory parameter errors", async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ Format: "XML" }, /Format: XML/],
      [{ InventoryRetrievalParameters: { Limit: "0" } }, /Limit: 0/],
      [{ InventoryRetrievalParameters: { Limit: "ten" } }, /Limit: ten/],
      [{ InventoryRetrievalParameters: { StartDate: "yesterday" } }, /StartDate: yesterday/],
      [{ InventoryRetrievalParameters: { EndDate: "2013-03-20" } }, /EndDate: 2013-03-20/],
      [
        { InventoryRetrievalParameters: { StartDate: "2013-03-21T00:00:00Z", EndDate: "2013-03-20T00:00:00Z" } },
        /EndDate .* must be later than StartDate/,
      ],
      [{ InventoryRetrievalParameters: { Marker: "!!not a marker!!" } }, /Marker/],
      [{ InventoryRetrievalParameters: { Marker: Buffer.from("nonsense").toString("base64url") } }, /Marker/],
      [{ ArchiveId: archives[0]?.id }, /ArchiveId is not valid for a job of type inventory-retrieval/],
      [{ RetrievalByteRange: "0-1048575" }, /RetrievalByteRange is not valid/],
    ];
    for (const [params, message] of bad) {
      await rejectsWith(
        initiate(c, V, { Type: "inventory-retrieval", ...params }),
        "InvalidParameterValueException",
        message,
        400,
      );
    }
  });
});
