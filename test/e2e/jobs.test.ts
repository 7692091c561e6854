import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CreateVaultCommand,
  DeleteArchiveCommand,
  type GlacierClient,
  InitiateJobCommand,
  InitiateMultipartUploadCommand,
  UploadMultipartPartCommand,
} from "@aws-sdk/client-glacier";
import { signedRequest } from "../helpers/raw.js";
import { ACCOUNT_A, startTestServer, type TestServer } from "../helpers/server.js";
import { D, describe_, initiate, MIB, output, rejectsWith, treeHash, upload } from "./jobs-helpers.js";

describe("jobs: archive retrieval (instant timing)", () => {
  let s: TestServer;
  let c: GlacierClient;
  const V = "retrieve";
  // 3 MiB + 5: four tree leaves; [2 MiB, end] is a tree node, [1 MiB, 3 MiB) is only megabyte aligned.
  const data = D(3 * MIB + 5);
  let archiveId: string;

  before(async () => {
    s = await startTestServer();
    c = s.client();
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: V }));
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "other" }));
    archiveId = await upload(c, V, data, "my archive, v1");
  });
  after(() => s.stop());

  test("InitiateJob answers 202 with Location and a 92-character job id", async () => {
    const out = await c.send(
      new InitiateJobCommand({
        accountId: "-",
        vaultName: V,
        jobParameters: { Type: "archive-retrieval", ArchiveId: archiveId },
      }),
    );
    assert.equal(out.$metadata.httpStatusCode, 202);
    assert.match(out.jobId ?? "", /^[A-Za-z0-9_-]{92}$/);
    assert.equal(out.location, `/${ACCOUNT_A}/vaults/${V}/jobs/${out.jobId}`);
  });

  test("DescribeJob of a whole-archive job carries every field, alphabetically, nulls explicit", async () => {
    const jobId = await initiate(c, V, {
      Type: "archive-retrieval",
      ArchiveId: archiveId,
      Description: "restore it",
      SNSTopic: "arn:aws:sns:us-east-1:111122223333:restores",
    });
    const raw = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${V}/jobs/${jobId}` });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers["content-type"], "application/json");
    const d = raw.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(d), [
      "Action",
      "ArchiveId",
      "ArchiveSHA256TreeHash",
      "ArchiveSizeInBytes",
      "Completed",
      "CompletionDate",
      "CreationDate",
      "InventorySizeInBytes",
      "JobDescription",
      "JobId",
      "RetrievalByteRange",
      "SHA256TreeHash",
      "SNSTopic",
      "StatusCode",
      "StatusMessage",
      "Tier",
      "VaultARN",
    ]);
    assert.equal(d.Action, "ArchiveRetrieval");
    assert.equal(d.ArchiveId, archiveId);
    assert.equal(d.ArchiveSHA256TreeHash, treeHash(data));
    assert.equal(d.ArchiveSizeInBytes, data.length);
    assert.equal(d.Completed, true);
    assert.match(d.CompletionDate as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(d.CreationDate as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok((d.CompletionDate as string) >= (d.CreationDate as string));
    assert.equal(d.InventorySizeInBytes, null);
    assert.equal(d.JobDescription, "restore it");
    assert.equal(d.JobId, jobId);
    assert.equal(d.RetrievalByteRange, `0-${data.length - 1}`);
    assert.equal(d.SHA256TreeHash, treeHash(data));
    assert.equal(d.SNSTopic, "arn:aws:sns:us-east-1:111122223333:restores");
    assert.equal(d.StatusCode, "Succeeded");
    assert.equal(d.StatusMessage, "Succeeded");
    assert.equal(d.Tier, "Standard");
    assert.equal(d.VaultARN, `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/${V}`);
  });

  test("GetJobOutput streams the whole archive: 200, bytes and tree hash equal, headers as AWS", async () => {
    const jobId = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, Tier: "Bulk" });
    const { out, bytes } = await output(c, V, jobId);
    assert.equal(out.status, 200);
    assert.ok(bytes.equals(data));
    assert.equal(treeHash(bytes), treeHash(data));
    assert.equal(out.checksum, treeHash(data));
    assert.equal(out.contentType, "application/octet-stream");
    assert.equal(out.acceptRanges, "bytes");
    assert.equal(out.archiveDescription, "my archive, v1");
    assert.equal(out.contentRange, undefined);
    assert.equal((await describe_(c, V, jobId)).Tier, "Bulk");
  });

  test("a tree-hash-aligned RetrievalByteRange: range hash in DescribeJob and on the output", async () => {
    const first = 2 * MIB;
    const last = data.length - 1;
    const jobId = await initiate(c, V, {
      Type: "archive-retrieval",
      ArchiveId: archiveId,
      RetrievalByteRange: `${first}-${last}`,
      Tier: "Expedited",
    });
    const d = await describe_(c, V, jobId);
    const expected = treeHash(data.subarray(first));
    assert.equal(d.RetrievalByteRange, `${first}-${last}`);
    assert.equal(d.ArchiveSizeInBytes, data.length, "the whole archive's size, even for a ranged job");
    assert.equal(d.ArchiveSHA256TreeHash, treeHash(data));
    assert.equal(d.SHA256TreeHash, expected);
    assert.equal(d.Tier, "Expedited");
    const { out, bytes } = await output(c, V, jobId);
    assert.equal(out.status, 200);
    assert.ok(bytes.equals(data.subarray(first)));
    assert.equal(out.checksum, expected);
    // Output offsets are relative to the retrieved range: its first MiB is archive bytes [2 MiB, 3 MiB).
    const part = await output(c, V, jobId, "bytes=0-1048575");
    assert.equal(part.out.status, 206);
    assert.equal(part.out.contentRange, `bytes 0-1048575/${last - first + 1}`);
    assert.ok(part.bytes.equals(data.subarray(first, first + MIB)));
    assert.equal(part.out.checksum, treeHash(data.subarray(first, first + MIB)));
    // The last 5 bytes are a leaf of the archive's tree too.
    const tail = await output(c, V, jobId, `bytes=${MIB}-${MIB + 4}`);
    assert.ok(tail.bytes.equals(data.subarray(3 * MIB)));
    assert.equal(tail.out.checksum, treeHash(data.subarray(3 * MIB)));
  });

  test("a megabyte-aligned but not tree-hash-aligned range: no hash anywhere", async () => {
    const jobId = await initiate(c, V, {
      Type: "archive-retrieval",
      ArchiveId: archiveId,
      RetrievalByteRange: `${MIB}-${3 * MIB - 1}`,
    });
    const d = await describe_(c, V, jobId);
    assert.equal(d.SHA256TreeHash, undefined, "null on the wire, dropped by the SDK");
    const raw = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${V}/jobs/${jobId}` });
    assert.equal((raw.json as Record<string, unknown>).SHA256TreeHash, null);
    const { out, bytes } = await output(c, V, jobId);
    assert.ok(bytes.equals(data.subarray(MIB, 3 * MIB)));
    assert.equal(out.checksum, undefined);
    // Even a chunk that would be a tree node of the archive gets no hash: the job's range is not aligned.
    const chunk = await output(c, V, jobId, "bytes=0-1048575");
    assert.ok(chunk.bytes.equals(data.subarray(MIB, 2 * MIB)));
    assert.equal(chunk.out.checksum, undefined);
  });

  test("ranged downloads of a whole-archive job: 206, Content-Range, hashes only for tree nodes", async () => {
    const jobId = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId });
    const size = data.length;
    const cases: { range: string; first: number; last: number; hashed: boolean }[] = [
      { range: "bytes=0-1048575", first: 0, last: MIB - 1, hashed: true },
      { range: "bytes=1048576-2097151", first: MIB, last: 2 * MIB - 1, hashed: true },
      { range: "bytes=0-2097151", first: 0, last: 2 * MIB - 1, hashed: true },
      { range: `bytes=${2 * MIB}-${size - 1}`, first: 2 * MIB, last: size - 1, hashed: true },
      { range: "bytes=1048576-3145727", first: MIB, last: 3 * MIB - 1, hashed: false },
      { range: "bytes=100-200", first: 100, last: 200, hashed: false },
      { range: `bytes=${size - 10}-`, first: size - 10, last: size - 1, hashed: false },
      { range: "bytes=-7", first: size - 7, last: size - 1, hashed: false },
      { range: `bytes=${3 * MIB}-${size + 1000}`, first: 3 * MIB, last: size - 1, hashed: true },
    ];
    for (const k of cases) {
      const { out, bytes } = await output(c, V, jobId, k.range);
      assert.equal(out.status, 206, k.range);
      assert.equal(out.contentRange, `bytes ${k.first}-${k.last}/${size}`, k.range);
      assert.ok(bytes.equals(data.subarray(k.first, k.last + 1)), k.range);
      assert.equal(out.checksum, k.hashed ? treeHash(bytes) : undefined, k.range);
    }
    // Chunk hashes combine into the archive's hash (SPEC §7.4): download in 1 MiB chunks.
    const chunks: Buffer[] = [];
    for (let at = 0; at < size; at += MIB) {
      const { out, bytes } = await output(c, V, jobId, `bytes=${at}-${Math.min(at + MIB, size) - 1}`);
      assert.equal(out.checksum, treeHash(bytes));
      chunks.push(bytes);
    }
    assert.equal(treeHash(Buffer.concat(chunks)), treeHash(data));
  });

  test("GetJobOutput Range edge cases: start beyond the output, unparseable values", async () => {
    const jobId = await initiate(c, V, {
      Type: "archive-retrieval",
      ArchiveId: archiveId,
      RetrievalByteRange: `0-${MIB - 1}`,
    });
    await rejectsWith(
      output(c, V, jobId, `bytes=${MIB}-${2 * MIB - 1}`),
      "InvalidParameterValueException",
      `The start of the range is larger than size of retrieved data: bytes=${MIB}-${2 * MIB - 1}`,
      400,
    );
    // boto3#2077: a malformed Range is ignored and the whole output comes back with 200.
    for (const bad of [`bytes 0-4194303/${data.length}`, "bytes=5-2", "items=0-1"]) {
      const { out, bytes } = await output(c, V, jobId, bad);
      assert.equal(out.status, 200, bad);
      assert.equal(bytes.length, MIB, bad);
      assert.equal(out.checksum, treeHash(data.subarray(0, MIB)), bad);
    }
  });

  test("a multipart (multi-segment) archive retrieves intact, whole and across part boundaries", async () => {
    const body = D(5 * MIB + 123, 7);
    const init = await c.send(
      new InitiateMultipartUploadCommand({ accountId: "-", vaultName: V, partSize: String(2 * MIB) }),
    );
    const uploadId = init.uploadId as string;
    for (let at = 0; at < body.length; at += 2 * MIB) {
      const end = Math.min(at + 2 * MIB, body.length) - 1;
      await c.send(
        new UploadMultipartPartCommand({
          accountId: "-",
          vaultName: V,
          uploadId,
          range: `bytes ${at}-${end}/*`,
          body: body.subarray(at, end + 1),
        }),
      );
    }
    const done = await c.send(
      new CompleteMultipartUploadCommand({
        accountId: "-",
        vaultName: V,
        uploadId,
        archiveSize: String(body.length),
        checksum: treeHash(body),
      }),
    );
    const mpArchive = done.archiveId as string;
    const stored = await s.svc.store.archives.get(mpArchive);
    assert.equal(stored?.segments.length, 3, "one blob per part");
    const whole = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: mpArchive });
    const got = await output(c, V, whole);
    assert.ok(got.bytes.equals(body));
    assert.equal(got.out.checksum, treeHash(body));
    // [1 MiB, 5 MiB) spans three parts; [4 MiB, end] is a tree node that starts inside the last part.
    const across = await initiate(c, V, {
      Type: "archive-retrieval",
      ArchiveId: mpArchive,
      RetrievalByteRange: `${MIB}-${5 * MIB - 1}`,
    });
    const a = await output(c, V, across);
    assert.ok(a.bytes.equals(body.subarray(MIB, 5 * MIB)));
    const node = await initiate(c, V, {
      Type: "archive-retrieval",
      ArchiveId: mpArchive,
      RetrievalByteRange: `${4 * MIB}-${body.length - 1}`,
    });
    const nd = await describe_(c, V, node);
    assert.equal(nd.SHA256TreeHash, treeHash(body.subarray(4 * MIB)));
    const n = await output(c, V, node, "bytes=0-1048575");
    assert.ok(n.bytes.equals(body.subarray(4 * MIB, 5 * MIB)));
    assert.equal(n.out.checksum, treeHash(n.bytes));
  });

  test("job output survives DeleteArchive and garbage collection until the job expires", async () => {
    const body = D(MIB + 17, 3);
    const id = await upload(c, V, body);
    const jobId = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: id });
    await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: V, archiveId: id }));
    await s.scheduler.runAll();
    const { bytes, out } = await output(c, V, jobId);
    assert.ok(bytes.equals(body));
    assert.equal(out.checksum, treeHash(body));
    // A new job on the deleted archive is refused.
    await rejectsWith(
      initiate(c, V, { Type: "archive-retrieval", ArchiveId: id }),
      "ResourceNotFoundException",
      `The archive ID was not found: ${id}`,
      404,
    );
  });

  test("InitiateJob errors: unknown archive, archive of another vault, bad ranges, bad parameters", async () => {
    const arn = `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/other`;
    const ghost = "A".repeat(138);
    await rejectsWith(
      initiate(c, V, { Type: "archive-retrieval", ArchiveId: ghost }),
      "ResourceNotFoundException",
      `The archive ID was not found: ${ghost}`,
      404,
    );
    await rejectsWith(
      initiate(c, "other", { Type: "archive-retrieval", ArchiveId: archiveId }),
      "InvalidParameterValueException",
      `Invalid vault name: ${arn}`,
      400,
    );
    await rejectsWith(
      initiate(c, "nope", { Type: "archive-retrieval", ArchiveId: archiveId }),
      "ResourceNotFoundException",
      `Vault not found for ARN: arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/nope`,
    );
    const badRanges = [
      `1-${MIB - 1}`, // start not aligned
      `0-${MIB}`, // end + 1 not aligned
      `0-${data.length}`, // past the end
      `${2 * MIB}-${MIB - 1}`, // inverted
      "0-", // malformed
      "abc",
    ];
    for (const r of badRanges) {
      await rejectsWith(
        initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, RetrievalByteRange: r }),
        "InvalidParameterValueException",
        /^Invalid RetrievalByteRange: /,
        400,
      );
    }
    await rejectsWith(
      initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, Tier: "Fast" }),
      "InvalidParameterValueException",
      /Tier: Fast/,
    );
    await rejectsWith(initiate(c, V, {}), "MissingParameterValueException", "Required parameter missing: Type", 400);
    await rejectsWith(initiate(c, V, { Type: "archive-retrieval" }), "MissingParameterValueException", /ArchiveId/);
    await rejectsWith(initiate(c, V, { Type: "restore" }), "InvalidParameterValueException", /Type: restore/);
    await rejectsWith(
      initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, Description: "caf\u00e9" }),
      "InvalidParameterValueException",
      /job description/,
    );
    await rejectsWith(
      initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, Description: "x".repeat(1025) }),
      "InvalidParameterValueException",
      /job description/,
    );
    await rejectsWith(
      initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, SNSTopic: "not-an-arn" }),
      "InvalidParameterValueException",
      /SNS topic/,
    );
    await rejectsWith(
      initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, Format: "CSV" }),
      "InvalidParameterValueException",
      /Format/,
    );
    await rejectsWith(
      initiate(c, V, {
        Type: "select",
        ArchiveId: archiveId,
        SelectParameters: { Expression: "SELECT * FROM archive", ExpressionType: "SQL" },
        OutputLocation: { S3: { BucketName: "b", Prefix: "p" } },
      }),
      "InvalidParameterValueException",
      /select is not supported by this server/,
      400,
    );
    // A description of exactly 1,024 printable characters is fine.
    const ok = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, Description: "~".repeat(1024) });
    assert.equal((await describe_(c, V, ok)).JobDescription, "~".repeat(1024));
  });

  test("DescribeJob/GetJobOutput of unknown jobs and of jobs of another vault: RNF", async () => {
    const ghost = "J".repeat(92);
    await rejectsWith(describe_(c, V, ghost), "ResourceNotFoundException", `The job ID was not found: ${ghost}`, 404);
    await rejectsWith(output(c, V, ghost), "ResourceNotFoundException", `The job ID was not found: ${ghost}`, 404);
    const jobId = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId });
    await rejectsWith(describe_(c, "other", jobId), "ResourceNotFoundException", `The job ID was not found: ${jobId}`);
    await rejectsWith(output(c, "other", jobId), "ResourceNotFoundException", `The job ID was not found: ${jobId}`);
  });

  test("JSON nulls in the request are treated as absent (guide examples send them)", async () => {
    const raw = await signedRequest(s.url, {
      method: "POST",
      path: `/-/vaults/${V}/jobs`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        Type: "archive-retrieval",
        ArchiveId: archiveId,
        Description: null,
        RetrievalByteRange: null,
        SNSTopic: null,
        Tier: null,
      }),
    });
    assert.equal(raw.status, 202);
    const jobId = raw.headers["x-amz-job-id"] as string;
    const d = await describe_(c, V, jobId);
    assert.equal(d.Tier, "Standard");
    assert.equal(d.RetrievalByteRange, `0-${data.length - 1}`);
  });
});
