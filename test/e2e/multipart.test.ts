import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AbortMultipartUploadCommand,
  CreateVaultCommand,
  DeleteVaultCommand,
  DescribeVaultCommand,
  type GlacierClient,
  InitiateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadMultipartPartCommand,
} from "@aws-sdk/client-glacier";
import { hashBuffer } from "../../src/core/treehash.js";
import { signedRequest } from "../helpers/raw.js";
import { ACCOUNT_A, CRED_B, startTestServer, type TestServer } from "../helpers/server.js";
import {
  complete,
  countBlobFiles,
  countTmpFiles,
  D,
  initiate,
  MIB,
  range,
  rejectsWith,
  sha256,
  storedArchiveSha256,
  uploadAll,
  VECTOR,
} from "./multipart-helpers.js";

const PART_SIZE_MESSAGE = (v: string) =>
  `Invalid part size: ${v}. Part size must not be null, must be a power of two and be between 1048576 and 4294967296 bytes.`;

let s: TestServer;
let c: GlacierClient;
let vaultSeq = 0;

async function newVault(client = c): Promise<string> {
  const name = `mp-${++vaultSeq}`;
  await client.send(new CreateVaultCommand({ accountId: "-", vaultName: name }));
  return name;
}

const part = (vaultName: string, uploadId: string, first: number, body: Buffer, checksum?: string) =>
  c.send(
    new UploadMultipartPartCommand({
      accountId: "-",
      vaultName,
      uploadId,
      range: range(first, first + body.length - 1),
      body,
      checksum,
    }),
  );

const listParts = (vaultName: string, uploadId: string, limit?: number, marker?: string) =>
  c.send(new ListPartsCommand({ accountId: "-", vaultName, uploadId, limit, marker }));

const listUploads = (vaultName: string, limit?: number, marker?: string) =>
  c.send(new ListMultipartUploadsCommand({ accountId: "-", vaultName, limit, marker }));

/** Raw UploadMultipartPart, for the header combinations no SDK produces. */
function rawPart(vaultName: string, uploadId: string, headers: Record<string, string>, body: Buffer) {
  const h = hashBuffer(body);
  return signedRequest(s.url, {
    method: "PUT",
    path: `/-/vaults/${vaultName}/multipart-uploads/${uploadId}`,
    headers: { "x-amz-content-sha256": h.sha256, "x-amz-sha256-tree-hash": h.treeHash, ...headers },
    body,
  });
}

before(async () => {
  s = await startTestServer();
  c = s.client();
});
after(async () => {
  await s.stop();
});

describe("InitiateMultipartUpload", () => {
  test("201 with Location (numeric account) and a 92-character upload id; description's leading spaces removed", async () => {
    const vault = await newVault();
    const out = await c.send(
      new InitiateMultipartUploadCommand({
        accountId: "-",
        vaultName: vault,
        partSize: String(4 * MIB),
        archiveDescription: "   my  backup  ",
      }),
    );
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.match(out.uploadId ?? "", /^[A-Za-z0-9_-]{92}$/);
    assert.equal(out.location, `/${ACCOUNT_A}/vaults/${vault}/multipart-uploads/${out.uploadId}`);
    const parts = await listParts(vault, out.uploadId as string);
    // Leading (and, by HTTP header parsing, trailing) spaces go; inner ones stay.
    assert.equal(parts.ArchiveDescription, "my  backup");
    assert.equal(parts.PartSizeInBytes, 4 * MIB);
    assert.deepEqual(parts.Parts, []);
  });

  test("every legal part size from 1 MiB to 4 GiB is accepted", async () => {
    const vault = await newVault();
    for (let size = MIB; size <= 4 * 1024 * MIB; size *= 2) {
      const id = await initiate(c, vault, size);
      assert.equal((await listParts(vault, id)).PartSizeInBytes, size);
    }
    assert.equal((await listUploads(vault)).UploadsList?.length, 13);
  });

  test("bad or missing part size: AWS's exact message, nothing created", async () => {
    const vault = await newVault();
    for (const bad of ["3145728", "524288", "8589934592", "0", "abc", "1048577", "-1048576"]) {
      await rejectsWith(
        c.send(new InitiateMultipartUploadCommand({ accountId: "-", vaultName: vault, partSize: bad })),
        "InvalidParameterValueException",
        PART_SIZE_MESSAGE(bad),
      );
    }
    await rejectsWith(
      c.send(new InitiateMultipartUploadCommand({ accountId: "-", vaultName: vault })),
      "InvalidParameterValueException",
      PART_SIZE_MESSAGE("0"),
    );
    assert.deepEqual((await listUploads(vault)).UploadsList, []);
  });

  test("description rules: more than 1024 characters or non-printable characters are refused", async () => {
    const vault = await newVault();
    await rejectsWith(
      c.send(
        new InitiateMultipartUploadCommand({
          accountId: "-",
          vaultName: vault,
          partSize: String(MIB),
          archiveDescription: "x".repeat(1025),
        }),
      ),
      "InvalidParameterValueException",
    );
    const r = await signedRequest(s.url, {
      method: "POST",
      path: `/-/vaults/${vault}/multipart-uploads`,
      headers: { "x-amz-part-size": String(MIB), "x-amz-archive-description": "tab\there" },
    });
    assert.equal(r.status, 400);
    assert.equal((r.json as { code: string }).code, "InvalidParameterValueException");
    const ok = await initiate(c, vault, MIB, "y".repeat(1024));
    assert.equal((await listParts(vault, ok)).ArchiveDescription, "y".repeat(1024));
    assert.equal((await listUploads(vault)).UploadsList?.length, 1);
  });

  test("missing vault → ResourceNotFoundException", async () => {
    await rejectsWith(
      initiate(c, "no-such-vault", MIB),
      "ResourceNotFoundException",
      `Vault not found for ARN: arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/no-such-vault`,
    );
  });
});

describe("upload and complete", () => {
  test("3.5 MiB in 1 MiB parts, all in flight, reverse order: part and archive tree hashes match SPEC vectors", async () => {
    const vault = await newVault();
    const data = D(3670016);
    const id = await initiate(c, vault, MIB, "three and a half");
    const checksums = await uploadAll(c, vault, id, data, MIB);
    assert.equal(checksums[0], VECTOR.mib1);
    assert.deepEqual(
      checksums,
      [0, 1, 2, 3].map((i) => hashBuffer(data.subarray(i * MIB, (i + 1) * MIB)).treeHash),
    );
    const parts = await listParts(vault, id);
    assert.deepEqual(
      parts.Parts?.map((p) => p.RangeInBytes),
      ["0-1048575", "1048576-2097151", "2097152-3145727", "3145728-3670015"],
    );
    assert.deepEqual(
      parts.Parts?.map((p) => p.SHA256TreeHash),
      checksums,
    );

    const done = await complete(c, vault, id, data.length, VECTOR.mib3half);
    assert.equal(done.$metadata.httpStatusCode, 201);
    assert.match(done.archiveId ?? "", /^[A-Za-z0-9_-]{138}$/);
    assert.equal(done.location, `/${ACCOUNT_A}/vaults/${vault}/archives/${done.archiveId}`);
    assert.equal(done.checksum, VECTOR.mib3half);
    // The archive is the part blobs in order: no copy, same bytes.
    const archive = await s.svc.store.archives.get(done.archiveId as string);
    assert.equal(archive?.segments.length, 4);
    assert.equal(archive?.size, data.length);
    assert.equal(archive?.description, "three and a half");
    assert.equal(await storedArchiveSha256(s.svc, done.archiveId as string), sha256(data));
    // The upload is gone from every listing and operation.
    assert.deepEqual((await listUploads(vault)).UploadsList, []);
    await rejectsWith(listParts(vault, id), "ResourceNotFoundException", `The upload ID was not found: ${id}`);
    await rejectsWith(part(vault, id, 0, D(10)), "ResourceNotFoundException");
    const described = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: vault }));
    assert.equal(described.NumberOfArchives, 1);
  });

  test("2 MiB parts, 3 MiB + 5 B archive (short last part): tree hash from part hashes", async () => {
    const vault = await newVault();
    const data = D(3145733);
    const id = await initiate(c, vault, 2 * MIB);
    const checksums = await uploadAll(c, vault, id, data, 2 * MIB);
    assert.equal(checksums[0], VECTOR.mib2);
    const done = await complete(c, vault, id, data.length, VECTOR.mib3plus5.toUpperCase());
    assert.equal(done.checksum, VECTOR.mib3plus5);
    assert.equal(await storedArchiveSha256(s.svc, done.archiveId as string), sha256(data));
  });

  test("8 MiB archive in a single 8 MiB part; 16 parts of 1 MiB concurrently", async () => {
    const vault = await newVault();
    const id8 = await initiate(c, vault, 8 * MIB);
    await uploadAll(c, vault, id8, D(8 * MIB), 8 * MIB);
    assert.equal((await complete(c, vault, id8, 8 * MIB, VECTOR.mib8)).checksum, VECTOR.mib8);

    const data = Buffer.alloc(16 * MIB);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const id = await initiate(c, vault, MIB);
    await uploadAll(c, vault, id, data, MIB);
    assert.equal((await listParts(vault, id)).Parts?.length, 16);
    const done = await complete(c, vault, id, data.length, hashBuffer(data).treeHash);
    assert.equal(await storedArchiveSha256(s.svc, done.archiveId as string), sha256(data));
  });

  test("re-uploading a range replaces it (last write wins) and the replaced blob is reclaimed", async () => {
    const vault = await newVault();
    const data = D(2 * MIB);
    const id = await initiate(c, vault, MIB);
    await s.scheduler.runAll();
    const blobsBefore = await countBlobFiles(s.dataDir);
    const wrong = Buffer.alloc(MIB, 0x61);
    assert.equal(
      (await part(vault, id, 0, wrong)).checksum,
      "9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360",
    );
    await part(vault, id, MIB, data.subarray(MIB));
    assert.equal(await countBlobFiles(s.dataDir), blobsBefore + 2);
    await part(vault, id, 0, data.subarray(0, MIB));
    await part(vault, id, 0, data.subarray(0, MIB));
    const parts = await listParts(vault, id);
    assert.equal(parts.Parts?.length, 2);
    assert.equal(parts.Parts?.[0]?.SHA256TreeHash, VECTOR.mib1);
    await s.scheduler.runAll();
    assert.equal(await countBlobFiles(s.dataDir), blobsBefore + 2);
    const done = await complete(c, vault, id, data.length, VECTOR.mib2);
    assert.equal(await storedArchiveSha256(s.svc, done.archiveId as string), sha256(data));
    await s.scheduler.runAll();
    assert.equal(await countBlobFiles(s.dataDir), blobsBefore + 2, "completion neither copies nor loses blobs");
  });

  test("repeating an identical Complete returns the same archive id and creates no second archive", async () => {
    const vault = await newVault();
    const data = D(3 * MIB);
    const id = await initiate(c, vault, MIB);
    await uploadAll(c, vault, id, data, MIB);
    const first = await complete(c, vault, id, data.length, VECTOR.mib3);
    const again = await complete(c, vault, id, data.length, VECTOR.mib3);
    assert.equal(again.archiveId, first.archiveId);
    assert.equal(again.location, first.location);
    assert.equal(again.checksum, VECTOR.mib3);
    const described = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: vault }));
    assert.equal(described.NumberOfArchives, 1);
    assert.equal(described.SizeInBytes, data.length + 32768);
    // A different request on the completed upload is not a repeat.
    await rejectsWith(complete(c, vault, id, data.length, VECTOR.mib1), "ResourceNotFoundException");
    await rejectsWith(complete(c, vault, id, data.length - 1, VECTOR.mib3), "ResourceNotFoundException");
  });
});

describe("CompleteMultipartUpload refusals leave the upload usable", () => {
  test("gap, short middle part, wrong size, wrong hash, missing headers; then the fixed request succeeds", async () => {
    const vault = await newVault();
    const data = D(3145733);
    const id = await initiate(c, vault, MIB);
    await part(vault, id, 0, data.subarray(0, MIB));
    await part(vault, id, 2 * MIB, data.subarray(2 * MIB, 3 * MIB));
    await part(vault, id, 3 * MIB, data.subarray(3 * MIB));
    // Part 2 (bytes 1 MiB … 2 MiB-1) is missing.
    await rejectsWith(
      complete(c, vault, id, data.length, VECTOR.mib3plus5),
      "InvalidParameterValueException",
      /^Invalid x-amz-archive-size: 3145733\. No part has been uploaded for bytes 1048576-2097151\.$/,
    );
    // A short part in the middle (accepted at upload, refused at completion).
    const short = await part(vault, id, MIB, data.subarray(MIB, MIB + 1000));
    assert.equal(short.$metadata.httpStatusCode, 204);
    await rejectsWith(
      complete(c, vault, id, data.length, VECTOR.mib3plus5),
      "InvalidParameterValueException",
      /The part for bytes 1048576-1049575 has 1000 bytes; 1048576 bytes are needed there/,
    );
    await part(vault, id, MIB, data.subarray(MIB, 2 * MIB));
    // Sizes that disagree with the parts.
    await rejectsWith(
      complete(c, vault, id, data.length + 1, VECTOR.mib3plus5),
      "InvalidParameterValueException",
      /^Invalid x-amz-archive-size: 3145734\./,
    );
    await rejectsWith(
      complete(c, vault, id, 3 * MIB, VECTOR.mib3),
      "InvalidParameterValueException",
      /^Invalid x-amz-archive-size: 3145728\. A part was uploaded for bytes 3145728-3145732/,
    );
    await rejectsWith(
      complete(c, vault, id, data.length, VECTOR.mib3),
      "InvalidParameterValueException",
      `Invalid x-amz-sha256-tree-hash: ${VECTOR.mib3}`,
    );
    const path = `/-/vaults/${vault}/multipart-uploads/${id}`;
    const noHash = await signedRequest(s.url, {
      method: "POST",
      path,
      headers: { "x-amz-archive-size": String(data.length) },
    });
    assert.equal(noHash.status, 400);
    assert.deepEqual(noHash.json, {
      code: "MissingParameterValueException",
      message: "Required parameter missing: x-amz-sha256-tree-hash",
      type: "Client",
    });
    const noSize = await signedRequest(s.url, {
      method: "POST",
      path,
      headers: { "x-amz-sha256-tree-hash": VECTOR.mib3plus5 },
    });
    assert.equal(noSize.status, 400);
    assert.equal((noSize.json as { code: string }).code, "MissingParameterValueException");
    // Still open and listed, with all four parts; the corrected request succeeds.
    assert.equal((await listUploads(vault)).UploadsList?.[0]?.MultipartUploadId, id);
    assert.equal((await listParts(vault, id)).Parts?.length, 4);
    assert.equal((await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: vault }))).NumberOfArchives, 0);
    const done = await complete(c, vault, id, data.length, VECTOR.mib3plus5);
    assert.equal(await storedArchiveSha256(s.svc, done.archiveId as string), sha256(data));
  });

  test("an upload without parts cannot be completed", async () => {
    const vault = await newVault();
    const id = await initiate(c, vault, MIB);
    await rejectsWith(complete(c, vault, id, 1, VECTOR.mib1), "InvalidParameterValueException");
    await rejectsWith(complete(c, vault, id, 0, VECTOR.mib1), "InvalidParameterValueException");
    assert.equal((await listUploads(vault)).UploadsList?.length, 1);
  });
});

describe("UploadMultipartPart refusals change nothing", () => {
  test("bad ranges, lengths, part numbers, ids and checksums get AWS's errors; parts and blobs unchanged", async () => {
    const vault = await newVault();
    const other = await newVault();
    const id = await initiate(c, vault, MIB);
    await part(vault, id, 0, D(MIB));
    await s.scheduler.runAll();
    const blobs = await countBlobFiles(s.dataDir);
    const body = D(1000);
    const expectError = async (
      r: Promise<{ status: number; json: unknown }>,
      status: number,
      code: string,
      message?: string | RegExp,
    ) => {
      const res = await r;
      assert.equal(res.status, status, JSON.stringify(res.json));
      const j = res.json as { code: string; message: string; type: string };
      assert.equal(j.code, code);
      assert.equal(j.type, "Client");
      if (typeof message === "string") assert.equal(j.message, message);
      else if (message) assert.match(j.message, message);
    };
    const IPV = "InvalidParameterValueException";
    await expectError(
      rawPart(vault, id, { "content-range": range(0, MIB - 1) }, body),
      400,
      IPV,
      "Content-Range: bytes 0-1048575/* is incompatible with Content-Length: 1000",
    );
    await expectError(
      rawPart(vault, id, { "content-range": "bytes 1000-999/*" }, body),
      400,
      IPV,
      "Invalid Content-Range: bytes 1000-999/*",
    );
    for (const bad of ["bytes=0-999", "bytes 0-999/1000", "0-999", "bytes 0-999", "bytes a-b/*"]) {
      await expectError(rawPart(vault, id, { "content-range": bad }, body), 400, IPV, `Invalid Content-Range: ${bad}`);
    }
    await expectError(rawPart(vault, id, {}, body), 400, "MissingParameterValueException");
    await expectError(
      rawPart(vault, id, { "content-range": range(1000, 1999) }, body),
      400,
      IPV,
      /^Invalid Content-Range: bytes 1000-1999\/\*\. The range must start at a multiple of the part size/,
    );
    await expectError(
      rawPart(vault, id, { "content-range": range(MIB, 2 * MIB + 999) }, D(MIB + 1000)),
      400,
      IPV,
      /larger than the part size/,
    );
    const first = 10_000 * MIB;
    await expectError(
      rawPart(vault, id, { "content-range": range(first, first + 999) }, body),
      400,
      IPV,
      "This is part number 10001 for the current multipart upload. It exceeds the limit of 10000 parts.",
    );
    const lastAllowed = 9_999 * MIB;
    const ok = await rawPart(vault, id, { "content-range": range(lastAllowed, lastAllowed + 999) }, body);
    assert.equal(ok.status, 204, "part number 10000 is legal");
    assert.equal(ok.headers["x-amz-sha256-tree-hash"], hashBuffer(body).treeHash);
    await expectError(
      rawPart(vault, id, { "content-range": range(MIB, MIB + 999), "x-amz-sha256-tree-hash": VECTOR.mib1 }, body),
      400,
      IPV,
      `Checksum mismatch: expected ${VECTOR.mib1}, computed ${hashBuffer(body).treeHash}`,
    );
    await expectError(
      rawPart(vault, id, { "content-range": range(MIB, MIB + 999), "x-amz-content-sha256": VECTOR.mib1 }, body),
      403,
      "InvalidSignatureException",
      /^The value passed in as x-amz-content-sha256 does not match the computed payload hash/,
    );
    const unknown = "A".repeat(92);
    await expectError(
      rawPart(vault, unknown, { "content-range": range(0, 999) }, body),
      404,
      "ResourceNotFoundException",
      `The upload ID was not found: ${unknown}`,
    );
    await expectError(
      rawPart(other, id, { "content-range": range(0, 999) }, body),
      404,
      "ResourceNotFoundException",
      `The upload ID was not found: ${id}`,
    );
    // The SDK path for a wrong tree hash.
    await rejectsWith(part(vault, id, MIB, body, VECTOR.mib2), IPV, /^Checksum mismatch: expected /);
    const parts = await listParts(vault, id);
    assert.deepEqual(
      parts.Parts?.map((p) => [p.RangeInBytes, p.SHA256TreeHash]),
      [
        ["0-1048575", VECTOR.mib1],
        [`${lastAllowed}-${lastAllowed + 999}`, hashBuffer(body).treeHash],
      ],
    );
    await s.scheduler.runAll();
    assert.equal(await countBlobFiles(s.dataDir), blobs + 1, "only the accepted part 10000 added a blob");
    assert.equal(await countTmpFiles(s.dataDir), 0);
  });

  test("an upload id is bound to its vault and account", async () => {
    const vault = await newVault();
    const other = await newVault();
    const id = await initiate(c, vault, MIB);
    await rejectsWith(listParts(other, id), "ResourceNotFoundException");
    await rejectsWith(complete(c, other, id, 1, VECTOR.mib1), "ResourceNotFoundException");
    await rejectsWith(
      c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: other, uploadId: id })),
      "ResourceNotFoundException",
    );
    const b = s.client(CRED_B);
    await b.send(new CreateVaultCommand({ accountId: "-", vaultName: vault }));
    await rejectsWith(
      b.send(new ListPartsCommand({ accountId: "-", vaultName: vault, uploadId: id })),
      "ResourceNotFoundException",
    );
    await rejectsWith(
      b.send(new ListPartsCommand({ accountId: ACCOUNT_A, vaultName: vault, uploadId: id })),
      "AccessDeniedException",
    );
    assert.equal((await listParts(vault, id)).MultipartUploadId, id);
  });
});

describe("AbortMultipartUpload", () => {
  test("the reference example: DELETE /-/vaults/examplevault/multipart-uploads/{id} → 204, no body", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "examplevault" }));
    const id = await initiate(c, "examplevault", MIB);
    const r = await signedRequest(s.url, { method: "DELETE", path: `/-/vaults/examplevault/multipart-uploads/${id}` });
    assert.equal(r.status, 204);
    assert.equal(r.body.length, 0);
    assert.match(String(r.headers["x-amzn-requestid"]), /^[A-Za-z0-9_-]{47}$/);
    assert.ok(!Number.isNaN(Date.parse(String(r.headers.date))));
    assert.match(String(r.headers.date), /GMT$/);
  });

  test("after abort the id takes nothing; a repeat succeeds; parts are reclaimed; a completed upload cannot be aborted", async () => {
    const vault = await newVault();
    await s.scheduler.runAll();
    const blobs = await countBlobFiles(s.dataDir);
    const id = await initiate(c, vault, MIB);
    await uploadAll(c, vault, id, D(3 * MIB), MIB);
    assert.equal(await countBlobFiles(s.dataDir), blobs + 3);
    const abort = () => c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: vault, uploadId: id }));
    assert.equal((await abort()).$metadata.httpStatusCode, 204);
    assert.equal((await abort()).$metadata.httpStatusCode, 204, "aborting again within the grace window succeeds");
    await rejectsWith(part(vault, id, 0, D(MIB)), "ResourceNotFoundException");
    await rejectsWith(listParts(vault, id), "ResourceNotFoundException");
    await rejectsWith(complete(c, vault, id, 3 * MIB, VECTOR.mib3), "ResourceNotFoundException");
    assert.deepEqual((await listUploads(vault)).UploadsList, []);
    await s.scheduler.runAll();
    assert.equal(await countBlobFiles(s.dataDir), blobs, "aborted parts' blobs deleted");

    const done = await initiate(c, vault, MIB);
    await uploadAll(c, vault, done, D(MIB), MIB);
    await complete(c, vault, done, MIB, VECTOR.mib1);
    await rejectsWith(
      c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: vault, uploadId: done })),
      "ResourceNotFoundException",
    );
    await rejectsWith(
      c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: vault, uploadId: "B".repeat(92) })),
      "ResourceNotFoundException",
      `The upload ID was not found: ${"B".repeat(92)}`,
    );
  });

  test("Complete racing Abort: exactly one wins, consistently", async () => {
    const vault = await newVault();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = await initiate(c, vault, MIB);
      await uploadAll(c, vault, id, D(MIB + 7), MIB);
      ids.push(id);
    }
    const h = hashBuffer(D(MIB + 7)).treeHash;
    let completions = 0;
    for (const [i, id] of ids.entries()) {
      const abort = c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: vault, uploadId: id }));
      const done = complete(c, vault, id, MIB + 7, h);
      const [a, d] = (
        i % 2 ? await Promise.allSettled([abort, done]) : (await Promise.allSettled([done, abort])).reverse()
      ) as [PromiseSettledResult<unknown>, PromiseSettledResult<{ archiveId?: string }>];
      assert.ok((a.status === "fulfilled") !== (d.status === "fulfilled"), `upload ${i}: exactly one succeeds`);
      const loser = (a.status === "rejected" ? a.reason : (d as PromiseRejectedResult).reason) as Error;
      assert.equal(loser.name, "ResourceNotFoundException");
      if (d.status === "fulfilled") {
        completions += 1;
        assert.ok(await s.svc.store.archives.get(d.value.archiveId as string));
      }
    }
    const described = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: vault }));
    assert.equal(described.NumberOfArchives, completions);
  });
});

describe("ListParts and ListMultipartUploads", () => {
  test("ListParts pages of 50 with markers, limit capped at 50, bad limit/marker refused", async () => {
    const vault = await newVault();
    const id = await initiate(c, vault, MIB);
    // 120 one-byte parts (short parts are accepted at upload time).
    for (let batch = 0; batch < 120; batch += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, k) => part(vault, id, (batch + k) * MIB, Buffer.from([batch + k]))),
      );
    }
    const seen: string[] = [];
    let marker: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await listParts(vault, id, undefined, marker);
      sizes.push(page.Parts?.length ?? 0);
      for (const p of page.Parts ?? []) seen.push(p.RangeInBytes as string);
      marker = page.Marker;
    } while (marker);
    assert.deepEqual(sizes, [50, 50, 20]);
    assert.deepEqual(
      seen,
      Array.from({ length: 120 }, (_, i) => `${i * MIB}-${i * MIB}`),
    );
    const seven = await listParts(vault, id, 7);
    assert.equal(seven.Parts?.length, 7);
    const next = await listParts(vault, id, 7, seven.Marker);
    assert.equal(next.Parts?.[0]?.RangeInBytes, `${7 * MIB}-${7 * MIB}`);
    assert.equal((await listParts(vault, id, 1000)).Parts?.length, 50);
    const badLimit = await signedRequest(s.url, {
      method: "GET",
      path: `/-/vaults/${vault}/multipart-uploads/${id}`,
      query: { limit: "0" },
    });
    assert.equal((badLimit.json as { code: string }).code, "InvalidParameterValueException");
    await rejectsWith(listParts(vault, id, undefined, "not!a!marker"), "InvalidParameterValueException");
  });

  test("exact JSON: alphabetical keys, explicit nulls", async () => {
    const vault = await newVault();
    const id = await initiate(c, vault, MIB);
    await part(vault, id, 0, D(5));
    const r = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${vault}/multipart-uploads/${id}` });
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    const created = (r.json as { CreationDate: string }).CreationDate;
    assert.match(created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const arn = `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/${vault}`;
    assert.equal(
      r.text,
      JSON.stringify({
        ArchiveDescription: null,
        CreationDate: created,
        Marker: null,
        MultipartUploadId: id,
        PartSizeInBytes: MIB,
        Parts: [{ RangeInBytes: "0-4", SHA256TreeHash: hashBuffer(D(5)).treeHash }],
        VaultARN: arn,
      }),
    );
    const l = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${vault}/multipart-uploads` });
    assert.equal(
      l.text,
      JSON.stringify({
        Marker: null,
        UploadsList: [
          {
            ArchiveDescription: null,
            CreationDate: created,
            MultipartUploadId: id,
            PartSizeInBytes: MIB,
            VaultARN: arn,
          },
        ],
      }),
    );
    const empty = await newVault();
    const e = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${empty}/multipart-uploads` });
    assert.equal(e.text, '{"Marker":null,"UploadsList":[]}');
  });

  test("ListMultipartUploads pages of 50; only open uploads; survives uploads closing mid-walk", async () => {
    const vault = await newVault();
    const ids = new Set<string>();
    for (let i = 0; i < 55; i++) ids.add(await initiate(c, vault, MIB, `upload ${i}`));
    const first = await listUploads(vault);
    assert.equal(first.UploadsList?.length, 50);
    assert.ok(first.Marker);
    // Close one from each page: the walk continues from the marker regardless.
    const closedOnPage1 = first.UploadsList?.[49]?.MultipartUploadId as string;
    await c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: vault, uploadId: closedOnPage1 }));
    const second = await listUploads(vault, undefined, first.Marker);
    assert.equal(second.UploadsList?.length, 5);
    assert.equal(second.Marker, undefined);
    const all = [...(first.UploadsList ?? []), ...(second.UploadsList ?? [])].map((u) => u.MultipartUploadId);
    assert.deepEqual(new Set(all), ids);
    const small = await listUploads(vault, 20);
    assert.equal(small.UploadsList?.length, 20);
    assert.equal((await listUploads(vault)).UploadsList?.length, 50);
    assert.equal((await listUploads(vault, 100, first.Marker)).UploadsList?.length, 5);
    assert.ok(!(await listUploads(vault, 100)).UploadsList?.some((u) => u.MultipartUploadId === closedOnPage1));
    await rejectsWith(listUploads(vault, undefined, "bm90LWEtY3Vyc29y"), "InvalidParameterValueException");
  });
});

describe("vault deletion and expiry", () => {
  test("DeleteVault succeeds with uploads in progress and takes them (and their blobs) with it", async () => {
    const vault = await newVault();
    await s.scheduler.runAll();
    const blobs = await countBlobFiles(s.dataDir);
    const id = await initiate(c, vault, MIB);
    await uploadAll(c, vault, id, D(2 * MIB), MIB);
    const aborted = await initiate(c, vault, MIB);
    await c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: vault, uploadId: aborted }));
    await c.send(new DeleteVaultCommand({ accountId: "-", vaultName: vault }));
    await s.scheduler.runAll();
    assert.equal(await countBlobFiles(s.dataDir), blobs);
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: vault }));
    assert.deepEqual((await listUploads(vault)).UploadsList, []);
    await rejectsWith(listParts(vault, id), "ResourceNotFoundException");
    await rejectsWith(
      c.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: vault, uploadId: aborted })),
      "ResourceNotFoundException",
    );
  });
});

describe("expiry and the abort grace window", () => {
  let t: TestServer;
  let tc: GlacierClient;
  before(async () => {
    t = await startTestServer({ uploadExpirySeconds: 2, abortedUploadGraceSeconds: 1 });
    tc = t.client();
    await tc.send(new CreateVaultCommand({ accountId: "-", vaultName: "v" }));
  });
  after(async () => {
    await t.stop();
  });

  test("an aborted id answers 204 to a repeated abort only within the grace window", async () => {
    const id = await initiate(tc, "v", MIB);
    const abort = () => tc.send(new AbortMultipartUploadCommand({ accountId: "-", vaultName: "v", uploadId: id }));
    await abort();
    await abort();
    await new Promise((r) => setTimeout(r, 1300));
    await rejectsWith(abort(), "ResourceNotFoundException");
  });

  test("idle uploads expire and their parts are reclaimed; active ones stay", async () => {
    await t.scheduler.runAll();
    const blobs = await countBlobFiles(t.dataDir);
    const idle = await initiate(tc, "v", MIB);
    const active = await initiate(tc, "v", MIB);
    await uploadAll(tc, "v", idle, D(2 * MIB), MIB);
    await new Promise((r) => setTimeout(r, 1500));
    await uploadAll(tc, "v", active, D(MIB), MIB);
    await new Promise((r) => setTimeout(r, 800));
    await t.scheduler.runAll();
    await rejectsWith(
      tc.send(new ListPartsCommand({ accountId: "-", vaultName: "v", uploadId: idle })),
      "ResourceNotFoundException",
    );
    const remaining = await tc.send(new ListMultipartUploadsCommand({ accountId: "-", vaultName: "v" }));
    assert.deepEqual(
      remaining.UploadsList?.map((u) => u.MultipartUploadId),
      [active],
    );
    assert.equal(await countBlobFiles(t.dataDir), blobs + 1);
    const done = await complete(tc, "v", active, MIB, VECTOR.mib1);
    assert.ok(done.archiveId);
  });
});
