import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateVaultCommand } from "@aws-sdk/client-glacier";
import { hashBuffer } from "../../src/core/treehash.js";
import { awsCli, boto3 } from "../helpers/cross.js";
import { ACCOUNT_A, startTestServer, type TestServer } from "../helpers/server.js";

const MIB = 1024 * 1024;
const D = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i & 0xff));

let s: TestServer;
let dir: string;
before(async () => {
  s = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "pf-mp-cross-"));
  const c = s.client();
  for (const v of ["boto-mp", "cli-mp"]) await c.send(new CreateVaultCommand({ accountId: "-", vaultName: v }));
});
after(async () => {
  await s.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("boto3 (Debian python3-boto3) multipart", () => {
  test("initiate, parallel-order parts, paginated listings, complete — hashes checked with botocore.utils.calculate_tree_hash", async () => {
    const r = await boto3(
      s.url,
      `
import io
from botocore.utils import calculate_tree_hash
from botocore.exceptions import ClientError
MIB = 1024 * 1024
data = bytes(i % 256 for i in range(2 * MIB + MIB // 2))
out = {}
init = client.initiate_multipart_upload(vaultName="boto-mp", partSize=str(MIB), archiveDescription="from boto3")
uid = init["uploadId"]
out["initStatus"] = init["ResponseMetadata"]["HTTPStatusCode"]
out["location"] = init["location"]
out["uploadId"] = uid
parts = []
for first in (2 * MIB, 0, MIB):
    chunk = data[first:first + MIB]
    res = client.upload_multipart_part(vaultName="boto-mp", uploadId=uid, range="bytes %d-%d/*" % (first, first + len(chunk) - 1), body=chunk)
    parts.append({"status": res["ResponseMetadata"]["HTTPStatusCode"], "checksum": res["checksum"], "botocore": calculate_tree_hash(io.BytesIO(chunk))})
out["parts"] = parts
# One page of 2 then the rest: botocore's paginator follows Marker.
pages = list(client.get_paginator("list_parts").paginate(vaultName="boto-mp", uploadId=uid, PaginationConfig={"PageSize": 2}))
out["listPartsPages"] = [[p["RangeInBytes"] for p in page["Parts"]] for page in pages]
out["listPartsDescription"] = pages[0]["ArchiveDescription"]
out["listPartsPartSize"] = pages[0]["PartSizeInBytes"]
uploads = client.list_multipart_uploads(vaultName="boto-mp")
out["uploads"] = [u["MultipartUploadId"] for u in uploads["UploadsList"]]
expected = calculate_tree_hash(io.BytesIO(data))
try:
    client.complete_multipart_upload(vaultName="boto-mp", uploadId=uid, archiveSize=str(len(data)), checksum="0" * 64)
except ClientError as e:
    out["badComplete"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
done = client.complete_multipart_upload(vaultName="boto-mp", uploadId=uid, archiveSize=str(len(data)), checksum=expected)
out["complete"] = {"status": done["ResponseMetadata"]["HTTPStatusCode"], "checksum": done["checksum"], "archiveId": done["archiveId"], "location": done["location"], "botocore": expected}
again = client.complete_multipart_upload(vaultName="boto-mp", uploadId=uid, archiveSize=str(len(data)), checksum=expected)
out["repeatArchiveId"] = again["archiveId"]
try:
    client.list_parts(vaultName="boto-mp", uploadId=uid)
except ClientError as e:
    out["afterComplete"] = e.response["Error"]["Code"]
try:
    client.initiate_multipart_upload(vaultName="boto-mp", partSize="3145728")
except ClientError as e:
    out["badPartSize"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
other = client.initiate_multipart_upload(vaultName="boto-mp", partSize=str(MIB))["uploadId"]
client.upload_multipart_part(vaultName="boto-mp", uploadId=other, range="bytes 0-9/*", body=data[:10])
ab = client.abort_multipart_upload(vaultName="boto-mp", uploadId=other)
out["abortStatus"] = ab["ResponseMetadata"]["HTTPStatusCode"]
out["abortAgain"] = client.abort_multipart_upload(vaultName="boto-mp", uploadId=other)["ResponseMetadata"]["HTTPStatusCode"]
try:
    client.upload_multipart_part(vaultName="boto-mp", uploadId=other, range="bytes 0-9/*", body=data[:10])
except ClientError as e:
    out["afterAbort"] = e.response["Error"]["Code"]
out["uploadsAfter"] = client.list_multipart_uploads(vaultName="boto-mp")["UploadsList"]
print(json.dumps(out))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.json as Record<string, unknown> & {
      parts: { status: number; checksum: string; botocore: string }[];
      complete: { status: number; checksum: string; archiveId: string; location: string; botocore: string };
    };
    const data = D(2 * MIB + MIB / 2);
    assert.equal(out.initStatus, 201);
    assert.equal(out.location, `/${ACCOUNT_A}/vaults/boto-mp/multipart-uploads/${out.uploadId}`);
    for (const p of out.parts) {
      assert.equal(p.status, 204);
      assert.equal(p.checksum, p.botocore, "server's part tree hash = botocore's");
    }
    assert.deepEqual(out.listPartsPages, [["0-1048575", "1048576-2097151"], ["2097152-2621439"]]);
    assert.equal(out.listPartsDescription, "from boto3");
    assert.equal(out.listPartsPartSize, MIB);
    assert.deepEqual(out.uploads, [out.uploadId]);
    assert.deepEqual(out.badComplete, [
      "InvalidParameterValueException",
      `Invalid x-amz-sha256-tree-hash: ${"0".repeat(64)}`,
    ]);
    assert.equal(out.complete.status, 201);
    assert.equal(out.complete.checksum, out.complete.botocore, "archive tree hash = botocore's");
    assert.equal(out.complete.botocore, hashBuffer(data).treeHash);
    assert.equal(out.complete.location, `/${ACCOUNT_A}/vaults/boto-mp/archives/${out.complete.archiveId}`);
    assert.equal(out.repeatArchiveId, out.complete.archiveId);
    assert.equal(out.afterComplete, "ResourceNotFoundException");
    assert.deepEqual(out.badPartSize, [
      "InvalidParameterValueException",
      "Invalid part size: 3145728. Part size must not be null, must be a power of two and be between 1048576 and 4294967296 bytes.",
      400,
    ]);
    assert.equal(out.abortStatus, 204);
    assert.equal(out.abortAgain, 204);
    assert.equal(out.afterAbort, "ResourceNotFoundException");
    assert.deepEqual(out.uploadsAfter, []);
  });
});

describe("AWS CLI (Debian awscli) multipart", () => {
  test("initiate-multipart-upload, upload-multipart-part --body FILE --range, list-parts, list-multipart-uploads, complete, abort", async () => {
    const data = D(2 * MIB + 5000);
    const files = [0, 1, 2].map((i) => join(dir, `part${i}`));
    await writeFile(files[0] as string, data.subarray(0, MIB));
    await writeFile(files[1] as string, data.subarray(MIB, 2 * MIB));
    await writeFile(files[2] as string, data.subarray(2 * MIB));
    const base = ["--account-id", "-", "--vault-name", "cli-mp"];

    const init = await awsCli(s.url, [
      "initiate-multipart-upload",
      ...base,
      "--part-size",
      String(MIB),
      "--archive-description",
      "cli multipart",
    ]);
    assert.equal(init.code, 0, init.stderr);
    const { uploadId, location } = init.json as { uploadId: string; location: string };
    assert.equal(location, `/${ACCOUNT_A}/vaults/cli-mp/multipart-uploads/${uploadId}`);
    const up = ["upload-multipart-part", ...base, "--upload-id", uploadId];

    // The classic mistake (aws-cli#2252, #5027): a full-size range for the short last part.
    const wrong = await awsCli(s.url, [
      ...up,
      "--range",
      `bytes ${2 * MIB}-${3 * MIB - 1}/*`,
      "--body",
      files[2] as string,
    ]);
    assert.notEqual(wrong.code, 0);
    assert.match(
      wrong.stderr,
      /\(InvalidParameterValueException\) when calling the UploadMultipartPart operation.*?: Content-Range: bytes 2097152-3145727\/\* is incompatible with Content-Length: 5000/,
    );

    const checksums: string[] = [];
    for (const [i, f] of files.entries()) {
      const first = i * MIB;
      const last = Math.min(first + MIB, data.length) - 1;
      const r = await awsCli(s.url, [...up, "--range", `bytes ${first}-${last}/*`, "--body", f]);
      assert.equal(r.code, 0, r.stderr);
      checksums.push((r.json as { checksum: string }).checksum);
    }
    assert.deepEqual(
      checksums,
      [0, 1, 2].map((i) => hashBuffer(data.subarray(i * MIB, (i + 1) * MIB)).treeHash),
    );

    const lp = await awsCli(s.url, ["list-parts", ...base, "--upload-id", uploadId]);
    assert.equal(lp.code, 0, lp.stderr);
    const parts = lp.json as { Parts: { RangeInBytes: string; SHA256TreeHash: string }[] };
    assert.deepEqual(
      parts.Parts.map((p) => p.RangeInBytes),
      ["0-1048575", "1048576-2097151", "2097152-2102151"],
    );
    assert.deepEqual(
      parts.Parts.map((p) => p.SHA256TreeHash),
      checksums,
    );
    // The CLI's auto-pagination keeps only the result key; one raw page shows every field.
    const page = await awsCli(s.url, ["list-parts", ...base, "--upload-id", uploadId, "--no-paginate"]);
    const raw = page.json as { ArchiveDescription: string; PartSizeInBytes: number; MultipartUploadId: string };
    assert.equal(raw.ArchiveDescription, "cli multipart");
    assert.equal(raw.PartSizeInBytes, MIB);
    assert.equal(raw.MultipartUploadId, uploadId);

    const lu = await awsCli(s.url, ["list-multipart-uploads", "--account-id", "-", "--vault-name", "cli-mp"]);
    assert.equal(lu.code, 0, lu.stderr);
    assert.deepEqual(
      (lu.json as { UploadsList: { MultipartUploadId: string }[] }).UploadsList.map((u) => u.MultipartUploadId),
      [uploadId],
    );

    const treeHash = hashBuffer(data).treeHash;
    const badSize = await awsCli(s.url, [
      "complete-multipart-upload",
      ...base,
      "--upload-id",
      uploadId,
      "--checksum",
      treeHash,
      "--archive-size",
      String(data.length + 1),
    ]);
    assert.notEqual(badSize.code, 0);
    assert.match(badSize.stderr, /InvalidParameterValueException/);
    const done = await awsCli(s.url, [
      "complete-multipart-upload",
      ...base,
      "--upload-id",
      uploadId,
      "--checksum",
      treeHash,
      "--archive-size",
      String(data.length),
    ]);
    assert.equal(done.code, 0, done.stderr);
    const archive = done.json as { archiveId: string; checksum: string; location: string };
    assert.equal(archive.checksum, treeHash);
    assert.equal(archive.location, `/${ACCOUNT_A}/vaults/cli-mp/archives/${archive.archiveId}`);

    const second = await awsCli(s.url, ["initiate-multipart-upload", ...base, "--part-size", String(2 * MIB)]);
    const secondId = (second.json as { uploadId: string }).uploadId;
    const aborted = await awsCli(s.url, ["abort-multipart-upload", ...base, "--upload-id", secondId]);
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal(aborted.stdout.trim(), "");
    const gone = await awsCli(s.url, ["list-parts", ...base, "--upload-id", secondId]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /ResourceNotFoundException.*The upload ID was not found/);
    const none = await awsCli(s.url, ["list-multipart-uploads", "--account-id", "-", "--vault-name", "cli-mp"]);
    assert.deepEqual((none.json as { UploadsList: unknown[] }).UploadsList, []);
  });
});
