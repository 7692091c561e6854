import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GlacierError } from "../../src/core/errors.js";
import {
  CSV_HEADER,
  csvField,
  decodeInventoryMarker,
  encodeInventoryMarker,
  InventoryWriter,
  jsonItem,
} from "../../src/core/jobs-inventory.js";
import { describeJob, type JobRecord } from "../../src/core/jobs-model.js";
import { parseJobParameters, parseOutputRange } from "../../src/core/jobs-params.js";
import { completionDelayMs, parseJobTiming, REALISTIC_WINDOWS, retryDelayMs } from "../../src/core/jobs-timing.js";

const T0 = Date.UTC(2015, 3, 7, 0, 26, 18, 123);

function job(over: Partial<JobRecord> = {}): JobRecord {
  return {
    jobId: "J".repeat(92),
    seq: 1,
    vaultId: 1,
    vaultArn: "arn:aws:glacier:us-west-2:012345678901:vaults/examplevault",
    action: "ArchiveRetrieval",
    description: null,
    snsTopic: null,
    tier: "Standard",
    createdAt: T0,
    dueAt: T0,
    status: "InProgress",
    statusMessage: "Operation in progress.",
    completedAt: null,
    expiresAt: null,
    archiveId: "A".repeat(138),
    archiveSize: 16777216,
    archiveTreeHash: "b".repeat(64),
    archiveDescription: null,
    rangeFirst: 0,
    rangeLast: 16777215,
    rangeTreeHash: "b".repeat(64),
    segments: [],
    inventory: null,
    inventorySize: null,
    nextMarker: null,
    ...over,
  };
}

const code = (name: string, message?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof GlacierError);
  assert.equal(err.code, name);
  if (message) assert.match(err.message, message);
  return true;
};

describe("describeJob", () => {
  test("archive job in progress: the guide's example shape, keys alphabetical", () => {
    const d = describeJob(job({ description: "My ArchiveRetrieval Job", tier: "Bulk" }));
    assert.equal(
      JSON.stringify(d),
      `{"Action":"ArchiveRetrieval","ArchiveId":"${"A".repeat(138)}","ArchiveSHA256TreeHash":"${"b".repeat(64)}","ArchiveSizeInBytes":16777216,"Completed":false,"CompletionDate":null,"CreationDate":"2015-04-07T00:26:18.123Z","InventorySizeInBytes":null,"JobDescription":"My ArchiveRetrieval Job","JobId":"${"J".repeat(92)}","RetrievalByteRange":"0-16777215","SHA256TreeHash":"${"b".repeat(64)}","SNSTopic":null,"StatusCode":"InProgress","StatusMessage":"Operation in progress.","Tier":"Bulk","VaultARN":"arn:aws:glacier:us-west-2:012345678901:vaults/examplevault"}`,
    );
  });

  test("inventory job: no Tier, archive fields null, Marker echoes the request until it succeeds", () => {
    const inv = job({
      action: "InventoryRetrieval",
      tier: null,
      archiveId: null,
      archiveSize: null,
      archiveTreeHash: null,
      rangeFirst: null,
      rangeLast: null,
      rangeTreeHash: null,
      inventory: { format: "CSV", startDate: "2013-03-20T17:03:43Z", endDate: null, limit: "10", marker: "m1" },
    });
    const running = describeJob(inv);
    assert.equal("Tier" in running, false);
    assert.deepEqual(running.InventoryRetrievalParameters, {
      EndDate: null,
      Format: "CSV",
      Limit: "10",
      Marker: "m1",
      StartDate: "2013-03-20T17:03:43Z",
    });
    assert.equal(running.InventorySizeInBytes, null);
    assert.equal(running.RetrievalByteRange, null);
    const done = describeJob({
      ...inv,
      status: "Succeeded",
      completedAt: T0 + 1,
      inventorySize: 11693,
      nextMarker: "m2",
    });
    assert.equal((done.InventoryRetrievalParameters as { Marker: string }).Marker, "m2");
    assert.equal(done.InventorySizeInBytes, 11693);
    assert.equal(done.Completed, true);
    assert.equal(done.CompletionDate, "2015-04-07T00:26:18.124Z");
    const last = describeJob({ ...inv, status: "Succeeded", completedAt: T0, inventorySize: 5, nextMarker: null });
    assert.equal((last.InventoryRetrievalParameters as { Marker: null }).Marker, null);
  });
});

describe("inventory formatting", () => {
  test('CSV quoting follows the guide: quote on , or ", \\" inside, backslash untouched', () => {
    assert.equal(csvField("plain text"), "plain text");
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say \\"hi\\""');
    assert.equal(csvField('a\\"b'), '"a\\\\"b"');
    assert.equal(csvField("back\\slash"), "back\\slash");
    assert.equal(csvField(""), "");
  });

  test("JSON writer: head, pages joined by commas, tail; CSV writer: header then lines", () => {
    const item = (i: number) => ({
      archiveId: `id${i}`,
      description: i === 0 ? null : `d${i}`,
      createdAt: T0 + i * 1000,
      size: i + 1,
      treeHash: "c".repeat(64),
    });
    const w = new InventoryWriter("JSON", "arn:x", T0);
    const text = w.head() + w.page([item(0)]) + w.page([]) + w.page([item(1), item(2)]) + w.tail();
    const doc = JSON.parse(text) as {
      InventoryDate: string;
      ArchiveList: { ArchiveDescription: string; CreationDate: string }[];
    };
    assert.equal(doc.InventoryDate, "2015-04-07T00:26:18Z");
    assert.equal(doc.ArchiveList.length, 3);
    assert.equal(doc.ArchiveList[0]?.ArchiveDescription, "");
    assert.equal(doc.ArchiveList[2]?.CreationDate, "2015-04-07T00:26:20Z");
    const empty = new InventoryWriter("JSON", "arn:x", T0);
    assert.equal(
      empty.head() + empty.tail(),
      '{"VaultARN":"arn:x","InventoryDate":"2015-04-07T00:26:18Z","ArchiveList":[]}',
    );
    const csv = new InventoryWriter("CSV", "arn:x", T0);
    assert.equal(
      csv.head() + csv.page([item(0)]) + csv.tail(),
      `${CSV_HEADER}id0,,2015-04-07T00:26:18Z,1,${"c".repeat(64)}\n`,
    );
  });

  test("JSON inventory items: exactly JSON.stringify of Glacier's fields, in its key order, for any description", () => {
    const descriptions = [
      null,
      "",
      "plain",
      'quote " and \\ backslash',
      "line\nbreak\ttab",
      "\u0001\u001f control",
      "é ü 日本",
      "</script>",
    ];
    descriptions.forEach((description, i) => {
      const a = {
        archiveId: `abc_-XYZ${i}`,
        description,
        createdAt: T0 + i * 777,
        size: i * 1000,
        treeHash: "d".repeat(64),
      };
      const expected = JSON.stringify({
        ArchiveId: a.archiveId,
        ArchiveDescription: description ?? "",
        CreationDate: `${new Date(Math.floor(a.createdAt / 1000) * 1000).toISOString().slice(0, 19)}Z`,
        Size: a.size,
        SHA256TreeHash: a.treeHash,
      });
      assert.equal(jsonItem(a), expected);
    });
  });

  test("inventory markers round-trip and reject anything else", () => {
    const c = { createdAt: T0, archiveId: "abc_-XYZ" };
    const m = encodeInventoryMarker(c);
    assert.match(m, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeInventoryMarker(m), c);
    for (const bad of [
      "",
      "!!",
      Buffer.from("123").toString("base64url"),
      Buffer.from("x:abc").toString("base64url"),
    ]) {
      assert.throws(() => decodeInventoryMarker(bad), code("InvalidParameterValueException", /Marker/));
    }
  });
});

describe("job timing", () => {
  test("instant is zero; fixed seconds; realistic inside the tier's window; the warp divides", () => {
    const archive = (tier: "Expedited" | "Standard" | "Bulk") => ({ action: "ArchiveRetrieval" as const, tier });
    assert.equal(completionDelayMs("instant", 1, archive("Bulk")), 0);
    assert.equal(completionDelayMs(30, 1, archive("Bulk")), 30_000);
    assert.equal(completionDelayMs(30, 10, archive("Bulk")), 3_000);
    for (const tier of ["Expedited", "Standard", "Bulk"] as const) {
      const [lo, hi] = REALISTIC_WINDOWS[tier];
      assert.equal(
        completionDelayMs("realistic", 1, archive(tier), () => 0),
        lo,
      );
      assert.equal(
        completionDelayMs("realistic", 1, archive(tier), () => 1),
        hi,
      );
      assert.equal(
        completionDelayMs("realistic", 60, archive(tier), () => 0),
        Math.round(lo / 60),
      );
    }
    const [ilo] = REALISTIC_WINDOWS.Inventory;
    assert.equal(
      completionDelayMs("realistic", 1, { action: "InventoryRetrieval", tier: null }, () => 0),
      ilo,
    );
    assert.deepEqual(REALISTIC_WINDOWS.Standard, [3 * 3600_000, 5 * 3600_000]);
  });

  test("parseJobTiming and the retry back-off", () => {
    assert.equal(parseJobTiming("instant"), "instant");
    assert.equal(parseJobTiming("realistic"), "realistic");
    assert.equal(parseJobTiming("2.5"), 2.5);
    assert.equal(parseJobTiming(7), 7);
    assert.throws(() => parseJobTiming("soon"));
    assert.throws(() => parseJobTiming(-1));
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelayMs(n)),
      [1000, 2000, 4000, 8000],
    );
    assert.equal(retryDelayMs(30), 3600_000);
  });
});

describe("InitiateJob parameters", () => {
  test("defaults and accepted shapes", () => {
    const a = parseJobParameters({ Type: "archive-retrieval", ArchiveId: "x" });
    assert.deepEqual(a, {
      type: "archive-retrieval",
      description: null,
      snsTopic: null,
      archiveId: "x",
      tier: "Standard",
      range: null,
    });
    const r = parseJobParameters({
      Type: "archive-retrieval",
      ArchiveId: "x",
      RetrievalByteRange: "1048576-2097151",
      Tier: "Bulk",
    });
    assert.deepEqual(r.type === "archive-retrieval" && r.range, { first: 1048576, last: 2097151 });
    const i = parseJobParameters({
      Type: "inventory-retrieval",
      InventoryRetrievalParameters: { Limit: 3, StartDate: "2013-03-20T17:03:43Z" },
    });
    assert.ok(i.type === "inventory-retrieval");
    assert.equal(i.params.format, "JSON");
    assert.equal(i.params.limit, "3", "a numeric Limit is kept as the model's string");
    assert.equal(i.startMs, Date.UTC(2013, 2, 20, 17, 3, 43));
    assert.equal(parseJobParameters({ Type: "select" }).type, "select");
  });

  test("errors: missing Type is MPV, everything malformed is IPV", () => {
    assert.throws(
      () => parseJobParameters({}),
      code("MissingParameterValueException", /^Required parameter missing: Type$/),
    );
    assert.throws(() => parseJobParameters({ Type: 5 }), code("InvalidParameterValueException"));
    assert.throws(
      () => parseJobParameters({ Type: "archive-retrieval" }),
      code("MissingParameterValueException", /ArchiveId/),
    );
    assert.throws(
      () => parseJobParameters({ Type: "inventory-retrieval", InventoryRetrievalParameters: "x" }),
      code("InvalidParameterValueException"),
    );
    assert.throws(
      () => parseJobParameters({ Type: "archive-retrieval", ArchiveId: "x", RetrievalByteRange: "5-1" }),
      code("InvalidParameterValueException", /RetrievalByteRange/),
    );
  });
});

describe("GetJobOutput Range header", () => {
  test("HTTP semantics with AWS's quirks", () => {
    assert.equal(parseOutputRange(undefined, 100), undefined);
    assert.deepEqual(parseOutputRange("bytes=0-9", 100), { first: 0, last: 9 });
    assert.deepEqual(parseOutputRange("bytes=90-", 100), { first: 90, last: 99 });
    assert.deepEqual(parseOutputRange("bytes=-10", 100), { first: 90, last: 99 });
    assert.deepEqual(parseOutputRange("bytes=-1000", 100), { first: 0, last: 99 });
    assert.deepEqual(parseOutputRange("bytes=50-500", 100), { first: 50, last: 99 });
    for (const ignored of ["bytes 0-9/100", "bytes=9-0", "bytes=-0", "bytes=-", "bytes=0-1,5-6", "lines=0-1"]) {
      assert.equal(parseOutputRange(ignored, 100), undefined, ignored);
    }
    assert.throws(
      () => parseOutputRange("bytes=100-200", 100),
      code(
        "InvalidParameterValueException",
        /^The start of the range is larger than size of retrieved data: bytes=100-200$/,
      ),
    );
  });
});

describe("job settings from the environment", () => {
  test("PERMAFROST_JOB_TIMING, _TIME_WARP, _JOB_RETENTION_SECONDS, _NOTIFICATION_TARGETS", async () => {
    const { loadConfig } = await import("../../src/cli/config.js");
    const cfg = loadConfig(
      {},
      {
        PERMAFROST_JOB_TIMING: "realistic",
        PERMAFROST_TIME_WARP: "60",
        PERMAFROST_JOB_RETENTION_SECONDS: "100",
        PERMAFROST_NOTIFICATION_TARGETS: "arn:aws:sns:us-east-1:111122223333:a=http://h/a, *=https://h/any",
      },
    );
    assert.equal(cfg.jobTiming, "realistic");
    assert.equal(cfg.timeWarp, 60);
    assert.equal(cfg.jobRetentionSeconds, 100);
    assert.deepEqual(cfg.notificationTargets, {
      "arn:aws:sns:us-east-1:111122223333:a": "http://h/a",
      "*": "https://h/any",
    });
    assert.equal(loadConfig({ jobTiming: "45" }, {}).jobTiming, 45);
    assert.deepEqual(
      loadConfig({}, { PERMAFROST_NOTIFICATION_TARGETS: '{"arn:aws:sns:us-east-1:111122223333:b":"http://h/b"}' })
        .notificationTargets,
      { "arn:aws:sns:us-east-1:111122223333:b": "http://h/b" },
    );
    assert.equal(loadConfig({}, {}).jobTiming, "instant");
    assert.throws(() => loadConfig({}, { PERMAFROST_JOB_TIMING: "later" }));
    assert.throws(() => loadConfig({}, { PERMAFROST_TIME_WARP: "0" }));
    assert.throws(() => loadConfig({}, { PERMAFROST_NOTIFICATION_TARGETS: "arn=ftp://x" }));
  });
});
