import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { hashBuffer } from "../../src/core/treehash.js";
import { awsCli, boto3 } from "../helpers/cross.js";
import { ACCOUNT_A, CRED_A, startTestServer, type TestServer } from "../helpers/server.js";

const MIB = 1024 * 1024;
const treeHash = (b: Buffer) => hashBuffer(b).treeHash;
const pattern = (n: number, k: number) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * k) & 0xff;
  return b;
};

describe("jobs with the AWS CLI (Debian awscli 2.9)", () => {
  let s: TestServer;
  let dir: string;
  const data = pattern(2 * MIB + 11, 7);
  let archiveId: string;
  const cli = (args: string[]) => awsCli(s.url, args, { cwd: dir });

  before(async () => {
    s = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), "pf-cli-jobs-"));
    assert.equal((await cli(["create-vault", "--account-id", "-", "--vault-name", "cj"])).code, 0);
    await writeFile(join(dir, "in.bin"), data);
    const up = await cli([
      "upload-archive",
      "--account-id",
      "-",
      "--vault-name",
      "cj",
      "--archive-description",
      'cli, "quoted"',
      "--body",
      "in.bin",
    ]);
    assert.equal(up.code, 0, up.stderr);
    archiveId = (up.json as { archiveId: string }).archiveId;
  });
  after(async () => {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("initiate-job (archive), describe-job, list-jobs, get-job-output whole and ranged", async () => {
    const init = await cli([
      "initiate-job",
      "--account-id",
      "-",
      "--vault-name",
      "cj",
      "--job-parameters",
      JSON.stringify({ Type: "archive-retrieval", ArchiveId: archiveId, Description: "cli job", Tier: "Expedited" }),
    ]);
    assert.equal(init.code, 0, init.stderr);
    const { jobId, location } = init.json as { jobId: string; location: string };
    assert.equal(location, `/${ACCOUNT_A}/vaults/cj/jobs/${jobId}`);
    const desc = await cli(["describe-job", "--account-id", "-", "--vault-name", "cj", "--job-id", jobId]);
    assert.equal(desc.code, 0, desc.stderr);
    const d = desc.json as Record<string, unknown>;
    assert.equal(d.StatusCode, "Succeeded");
    assert.equal(d.Completed, true);
    assert.equal(d.Action, "ArchiveRetrieval");
    assert.equal(d.JobDescription, "cli job");
    assert.equal(d.Tier, "Expedited");
    assert.equal(d.SHA256TreeHash, treeHash(data));
    assert.equal(d.ArchiveSizeInBytes, data.length);
    assert.equal(d.RetrievalByteRange, `0-${data.length - 1}`);
    assert.equal("InventorySizeInBytes" in d, false, "botocore drops JSON nulls");

    const list = await cli(["list-jobs", "--account-id", "-", "--vault-name", "cj"]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      (list.json as { JobList: { JobId: string }[] }).JobList.map((j) => j.JobId),
      [jobId],
    );
    const filtered = await cli(["list-jobs", "--account-id", "-", "--vault-name", "cj", "--statuscode", "InProgress"]);
    assert.deepEqual((filtered.json as { JobList: unknown[] }).JobList, []);
    const bad = await cli(["list-jobs", "--account-id", "-", "--vault-name", "cj", "--statuscode", "Nope"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameterValueException.*The job status code is not valid: Nope/);

    const got = await cli(["get-job-output", "--account-id", "-", "--vault-name", "cj", "--job-id", jobId, "out.bin"]);
    assert.equal(got.code, 0, got.stderr);
    const meta = got.json as Record<string, unknown>;
    assert.equal(meta.status, 200);
    assert.equal(meta.checksum, treeHash(data));
    assert.equal(meta.contentType, "application/octet-stream");
    assert.equal(meta.acceptRanges, "bytes");
    assert.equal(meta.archiveDescription, 'cli, "quoted"');
    const bytes = await readFile(join(dir, "out.bin"));
    assert.ok(bytes.equals(data));
    assert.equal(treeHash(bytes), treeHash(data));

    const part = await cli([
      "get-job-output",
      "--account-id",
      "-",
      "--vault-name",
      "cj",
      "--job-id",
      jobId,
      "--range",
      `bytes=${MIB}-${2 * MIB - 1}`,
      "part.bin",
    ]);
    assert.equal(part.code, 0, part.stderr);
    const pm = part.json as Record<string, unknown>;
    assert.equal(pm.status, 206);
    assert.equal(pm.contentRange, `bytes ${MIB}-${2 * MIB - 1}/${data.length}`);
    const partBytes = await readFile(join(dir, "part.bin"));
    assert.ok(partBytes.equals(data.subarray(MIB, 2 * MIB)));
    assert.equal(pm.checksum, treeHash(partBytes));
  });

  test("inventory via the CLI: JSON and CSV, and AWS's errors on stderr", async () => {
    const init = await cli([
      "initiate-job",
      "--account-id",
      "-",
      "--vault-name",
      "cj",
      "--job-parameters",
      '{"Type":"inventory-retrieval","Format":"CSV"}',
    ]);
    assert.equal(init.code, 0, init.stderr);
    const jobId = (init.json as { jobId: string }).jobId;
    const got = await cli(["get-job-output", "--account-id", "-", "--vault-name", "cj", "--job-id", jobId, "inv.csv"]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal((got.json as { contentType: string }).contentType, "text/csv");
    const lines = (await readFile(join(dir, "inv.csv"), "utf8")).trimEnd().split("\n");
    assert.equal(lines[0], "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash");
    assert.ok(lines[1]?.startsWith(`${archiveId},"cli, \\"quoted\\"",`));
    assert.ok(lines[1]?.endsWith(`,${data.length},${treeHash(data)}`));

    const unknown = await cli([
      "initiate-job",
      "--account-id",
      "-",
      "--vault-name",
      "cj",
      "--job-parameters",
      JSON.stringify({ Type: "archive-retrieval", ArchiveId: "Z".repeat(138) }),
    ]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /ResourceNotFoundException.*The archive ID was not found: Z{138}/);
    const ghost = await cli(["describe-job", "--account-id", "-", "--vault-name", "cj", "--job-id", "G".repeat(92)]);
    assert.notEqual(ghost.code, 0);
    assert.match(ghost.stderr, /ResourceNotFoundException.*The job ID was not found: G{92}/);
  });
});

describe("jobs with boto3 (Debian python3-boto3)", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ jobTiming: 30 });
  });
  after(() => s.stop());

  test("archive retrieval end to end: state machine, ranged job, chunked download with hash checks", async () => {
    const r = await boto3(
      s.url,
      `
import hashlib
from botocore.utils import calculate_tree_hash
import io
MIB = 1024 * 1024
data = bytes((i * 13) & 0xff for i in range(3 * MIB + 5))
client.create_vault(vaultName="b3")
up = client.upload_archive(vaultName="b3", body=data, archiveDescription="boto3 archive")
aid = up["archiveId"]
whole = client.initiate_job(vaultName="b3", jobParameters={"Type": "archive-retrieval", "ArchiveId": aid})
ranged = client.initiate_job(vaultName="b3", jobParameters={"Type": "archive-retrieval", "ArchiveId": aid, "RetrievalByteRange": "%d-%d" % (2 * MIB, len(data) - 1), "Tier": "Bulk"})
pending = client.describe_job(vaultName="b3", jobId=whole["jobId"])
early = None
try:
    client.get_job_output(vaultName="b3", jobId=whole["jobId"])
except botocore.exceptions.ClientError as e:
    early = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
listed = client.list_jobs(vaultName="b3", completed="false")
print(json.dumps({
  "aid": aid, "whole": whole["jobId"], "ranged": ranged["jobId"],
  "status202": whole["ResponseMetadata"]["HTTPStatusCode"],
  "pending": {k: pending[k] for k in ("StatusCode", "Completed", "StatusMessage")},
  "pendingHasCompletionDate": "CompletionDate" in pending,
  "early": early,
  "listed": sorted(j["JobId"] for j in listed["JobList"]),
}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const first = r.json as {
      aid: string;
      whole: string;
      ranged: string;
      status202: number;
      pending: Record<string, unknown>;
      pendingHasCompletionDate: boolean;
      early: [string, string, number];
      listed: string[];
    };
    assert.equal(first.status202, 202);
    assert.deepEqual(first.pending, {
      StatusCode: "InProgress",
      Completed: false,
      StatusMessage: "Operation in progress.",
    });
    assert.equal(first.pendingHasCompletionDate, false);
    assert.deepEqual(first.early, [
      "InvalidParameterValueException",
      `The job is not currently available for download: ${first.whole}`,
      400,
    ]);
    assert.deepEqual(first.listed, [first.whole, first.ranged].sort());
    // Jobs complete when due; the admin interface makes that "now".
    const done = await fetch(`${s.url}/_permafrost/jobs/complete`, {
      method: "POST",
      headers: { authorization: `Bearer ${CRED_A.secretAccessKey}` },
      body: "{}",
    });
    assert.equal(done.status, 200);

    const r2 = await boto3(
      s.url,
      `
from botocore.utils import calculate_tree_hash
import io
MIB = 1024 * 1024
data = bytes((i * 13) & 0xff for i in range(3 * MIB + 5))
whole, ranged = ${JSON.stringify(first.whole)}, ${JSON.stringify(first.ranged)}
d = client.describe_job(vaultName="b3", jobId=whole)
out = client.get_job_output(vaultName="b3", jobId=whole)
body = out["body"].read()
chunks = []
chunk_ok = True
for at in range(0, len(data), MIB):
    end = min(at + MIB, len(data)) - 1
    part = client.get_job_output(vaultName="b3", jobId=whole, range="bytes=%d-%d" % (at, end))
    b = part["body"].read()
    chunk_ok = chunk_ok and part["status"] == 206 and part["checksum"] == calculate_tree_hash(io.BytesIO(b))
    chunks.append(b)
rd = client.describe_job(vaultName="b3", jobId=ranged)
rout = client.get_job_output(vaultName="b3", jobId=ranged)
rbody = rout["body"].read()
err = None
try:
    client.get_job_output(vaultName="b3", jobId=ranged, range="bytes=%d-%d" % (2 * MIB, 3 * MIB))
except botocore.exceptions.ClientError as e:
    err = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
pages = [p for p in client.get_paginator("list_jobs").paginate(vaultName="b3", completed="true", PaginationConfig={"PageSize": 1})]
print(json.dumps({
  "status": d["StatusCode"], "completed": d["Completed"], "treeHash": d["SHA256TreeHash"],
  "outStatus": out["status"], "equal": body == data, "checksum": out["checksum"], "local": calculate_tree_hash(io.BytesIO(data)),
  "desc": out["archiveDescription"], "ctype": out["contentType"],
  "chunkOk": chunk_ok, "chunksEqual": b"".join(chunks) == data,
  "rangedHash": rd["SHA256TreeHash"], "rangedLocal": calculate_tree_hash(io.BytesIO(data[2 * MIB:])),
  "rangedEqual": rbody == data[2 * MIB:], "rangedChecksum": rout["checksum"], "rangedSize": rd["ArchiveSizeInBytes"],
  "err": err, "pages": [len(p["JobList"]) for p in pages],
}))
`,
    );
    assert.equal(r2.code, 0, r2.stderr);
    const o = r2.json as Record<string, unknown>;
    assert.equal(o.status, "Succeeded");
    assert.equal(o.completed, true);
    assert.equal(o.treeHash, o.local);
    assert.equal(o.outStatus, 200);
    assert.equal(o.equal, true);
    assert.equal(o.checksum, o.local);
    assert.equal(o.desc, "boto3 archive");
    assert.equal(o.ctype, "application/octet-stream");
    assert.equal(o.chunkOk, true);
    assert.equal(o.chunksEqual, true);
    assert.equal(o.rangedHash, o.rangedLocal);
    assert.equal(o.rangedEqual, true);
    assert.equal(o.rangedChecksum, o.rangedLocal);
    assert.equal(o.rangedSize, 3 * MIB + 5);
    assert.deepEqual(o.err, [
      "InvalidParameterValueException",
      `The start of the range is larger than size of retrieved data: bytes=${2 * MIB}-${3 * MIB}`,
    ]);
    assert.deepEqual(o.pages, [1, 1], "the paginator follows Marker");
  });

  test("inventory with boto3: Limit/Marker paging across jobs; parameter errors", async () => {
    const r = await boto3(
      s.url,
      `
client.create_vault(vaultName="b3inv")
ids = [client.upload_archive(vaultName="b3inv", body=b"x" * (i + 1), archiveDescription="n%d" % i)["archiveId"] for i in range(5)]
print(json.dumps({"ids": ids}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const { ids } = r.json as { ids: string[] };
    const r2 = await boto3(
      s.url,
      `
seen = []
marker = None
rounds = 0
while True:
    params = {"Limit": "2"}
    if marker:
        params["Marker"] = marker
    j = client.initiate_job(vaultName="b3inv", jobParameters={"Type": "inventory-retrieval", "InventoryRetrievalParameters": params})
    # this server was started with 30 s jobs: ask the admin interface to finish it now
    import urllib.request
    req = urllib.request.Request(${JSON.stringify(`${s.url}/_permafrost/jobs/complete`)}, data=json.dumps({"JobId": j["jobId"]}).encode(), method="POST", headers={"Authorization": "Bearer " + ${JSON.stringify(CRED_A.secretAccessKey)}})
    urllib.request.urlopen(req).read()
    d = client.describe_job(vaultName="b3inv", jobId=j["jobId"])
    doc = json.loads(client.get_job_output(vaultName="b3inv", jobId=j["jobId"])["body"].read())
    seen += [a["ArchiveId"] for a in doc["ArchiveList"]]
    marker = d["InventoryRetrievalParameters"].get("Marker")
    rounds += 1
    if not marker or rounds > 5:
        break
errs = []
for params in [{"Limit": "0"}, {"StartDate": "not a date"}, {"Marker": "@@@"}]:
    try:
        client.initiate_job(vaultName="b3inv", jobParameters={"Type": "inventory-retrieval", "InventoryRetrievalParameters": params})
    except botocore.exceptions.ClientError as e:
        errs.append(e.response["Error"]["Code"])
try:
    client.initiate_job(vaultName="b3inv", jobParameters={})
except botocore.exceptions.ClientError as e:
    errs.append(e.response["Error"]["Code"])
print(json.dumps({"seen": seen, "rounds": rounds, "errs": errs}))
`,
    );
    assert.equal(r2.code, 0, r2.stderr);
    const o = r2.json as { seen: string[]; rounds: number; errs: string[] };
    assert.deepEqual(o.seen, ids);
    assert.equal(o.rounds, 3);
    assert.deepEqual(o.errs, [
      "InvalidParameterValueException",
      "InvalidParameterValueException",
      "InvalidParameterValueException",
      "MissingParameterValueException",
    ]);
  });
});
