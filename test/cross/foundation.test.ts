import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { hashBuffer } from "../../src/core/treehash.js";
import { awsCli, boto3 } from "../helpers/cross.js";
import { ACCOUNT_A, CRED_A, startTestServer, type TestServer } from "../helpers/server.js";

describe("AWS CLI (Debian awscli) against Permafrost", () => {
  let s: TestServer;
  let dir: string;
  before(async () => {
    s = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), "pf-cli-"));
  });
  after(async () => {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("create, describe, list (auto-paginated), upload, delete archive, delete vault", async () => {
    const created = await awsCli(s.url, ["create-vault", "--account-id", "-", "--vault-name", "cli-vault"]);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(created.json, { location: `/${ACCOUNT_A}/vaults/cli-vault` });
    for (let i = 0; i < 11; i++) {
      const r = await awsCli(s.url, ["create-vault", "--account-id", "-", "--vault-name", `cli-many-${i}`]);
      assert.equal(r.code, 0, r.stderr);
    }
    const list = await awsCli(s.url, ["list-vaults", "--account-id", "-"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal((list.json as { VaultList: unknown[] }).VaultList.length, 12, "the CLI follows Marker across pages");

    const file = join(dir, "archive.bin");
    const data = Buffer.alloc(3 * 1024 * 1024 + 5, 9);
    await writeFile(file, data);
    const up = await awsCli(s.url, [
      "upload-archive",
      "--account-id",
      "-",
      "--vault-name",
      "cli-vault",
      "--archive-description",
      "from the CLI",
      "--body",
      file,
    ]);
    assert.equal(up.code, 0, up.stderr);
    const out = up.json as { archiveId: string; checksum: string; location: string };
    assert.equal(out.checksum, hashBuffer(data).treeHash);
    assert.equal(out.location, `/${ACCOUNT_A}/vaults/cli-vault/archives/${out.archiveId}`);

    const desc = await awsCli(s.url, ["describe-vault", "--account-id", ACCOUNT_A, "--vault-name", "cli-vault"]);
    assert.equal((desc.json as { NumberOfArchives: number }).NumberOfArchives, 1);
    assert.equal((desc.json as { SizeInBytes: number }).SizeInBytes, data.length + 32768);

    const notEmpty = await awsCli(s.url, ["delete-vault", "--account-id", "-", "--vault-name", "cli-vault"]);
    assert.notEqual(notEmpty.code, 0);
    assert.match(notEmpty.stderr, /InvalidParameterValueException.*Vault not empty or recently written to/);
    const del = await awsCli(s.url, [
      "delete-archive",
      "--account-id",
      "-",
      "--vault-name",
      "cli-vault",
      `--archive-id=${out.archiveId}`,
    ]);
    assert.equal(del.code, 0, del.stderr);
    const gone = await awsCli(s.url, ["delete-vault", "--account-id", "-", "--vault-name", "cli-vault"]);
    assert.equal(gone.code, 0, gone.stderr);
    const missing = await awsCli(s.url, ["describe-vault", "--account-id", "-", "--vault-name", "cli-vault"]);
    assert.match(missing.stderr, /ResourceNotFoundException.*Vault not found for ARN/);
  });

  test("a wrong secret is refused with InvalidSignatureException", async () => {
    const r = await awsCli(s.url, ["list-vaults", "--account-id", "-"], {
      cred: { ...CRED_A, secretAccessKey: "definitely-wrong" },
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidSignatureException/);
  });
});

describe("boto3 (Debian python3-boto3) against Permafrost", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  test("tree hashes agree with botocore's own calculate_tree_hash; errors parse as AWS's", async () => {
    const r = await boto3(
      s.url,
      `
import io
from botocore.utils import calculate_tree_hash
out = {}
client.create_vault(vaultName="py")
data = bytes(i % 256 for i in range(3 * 1024 * 1024 + 5))
resp = client.upload_archive(vaultName="py", archiveDescription="boto3", body=data)
out["server"] = resp["checksum"]
out["botocore"] = calculate_tree_hash(io.BytesIO(data))
out["status"] = resp["ResponseMetadata"]["HTTPStatusCode"]
out["requestId"] = resp["ResponseMetadata"]["RequestId"]
d = client.describe_vault(vaultName="py")
out["count"] = d["NumberOfArchives"]
try:
    client.delete_archive(vaultName="py", archiveId=resp["archiveId"])
    client.delete_vault(vaultName="py")
    client.describe_vault(vaultName="py")
except botocore.exceptions.ClientError as e:
    out["error"] = e.response["Error"]
    out["errorStatus"] = e.response["ResponseMetadata"]["HTTPStatusCode"]
print(json.dumps(out))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.json as Record<string, unknown>;
    assert.equal(out.server, out.botocore);
    assert.equal(out.server, "3a40c480b40f7bb85bf09feb4f90c63207c26a9aa101b0c611aa2ad9464e97c9");
    assert.equal(out.status, 201);
    assert.match(String(out.requestId), /^[A-Za-z0-9_-]{47}$/);
    assert.equal(out.count, 1);
    assert.deepEqual(out.error, {
      Code: "ResourceNotFoundException",
      Message: `Vault not found for ARN: arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/py`,
    });
    assert.equal(out.errorStatus, 404);
  });

  test("paginator and waiters work; regions are isolated", async () => {
    const r = await boto3(
      s.url,
      `
for i in range(13):
    client.create_vault(vaultName="pg-%02d" % i)
names = []
for page in client.get_paginator("list_vaults").paginate():
    names += [v["VaultName"] for v in page["VaultList"]]
client.get_waiter("vault_exists").wait(vaultName="pg-00")
client.delete_vault(vaultName="pg-00")
client.get_waiter("vault_not_exists").wait(vaultName="pg-00")
west = boto3.client("glacier", endpoint_url=client.meta.endpoint_url, region_name="eu-west-1")
print(json.dumps({"names": names, "west": west.list_vaults()["VaultList"]}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.json as { names: string[]; west: unknown[] };
    assert.equal(out.names.length, 13);
    assert.deepEqual(out.west, []);
  });

  test("a request that also signs a Date header (botocore with a caller-set Date) is accepted", async () => {
    const r = await boto3(
      s.url,
      `
from email.utils import formatdate
def add_date(request, **kw):
    request.headers["Date"] = formatdate(usegmt=True)
client.meta.events.register("before-sign.glacier", add_date)
seen = {}
def capture(request, **kw):
    seen["auth"] = request.headers["Authorization"].decode()
client.meta.events.register("before-send.glacier", capture)
r = client.create_vault(vaultName="dated")
print(json.dumps([r["ResponseMetadata"]["HTTPStatusCode"], seen["auth"]]))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const [status, auth] = r.json as [number, string];
    assert.match(auth, /SignedHeaders=date;/, "the signature covers the Date header");
    assert.equal(status, 201);
  });

  test("an explicit account id must be the caller's own", async () => {
    const r = await boto3(
      s.url,
      `
try:
    client.list_vaults(accountId="444455556666")
except botocore.exceptions.ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
`,
    );
    assert.deepEqual(r.json, ["AccessDeniedException", 403]);
  });
});
