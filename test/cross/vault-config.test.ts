import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { awsCli, boto3 } from "../helpers/cross.js";
import { ACCOUNT_A, ACCOUNT_B, CRED_B, startTestServer, type TestServer } from "../helpers/server.js";

const arn = (vault: string) => `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/${vault}`;
const policy = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT_A}:done`;

describe("vault configuration through the AWS CLI and boto3", () => {
  let s: TestServer;
  const cli = async (args: string[], opts: Parameters<typeof awsCli>[2] = {}) => {
    const r = await awsCli(s.url, args, opts);
    assert.equal(r.code, 0, `aws glacier ${args.join(" ")}: ${r.stderr}`);
    return r.json as Record<string, unknown> | undefined;
  };
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  test("AWS CLI: tags, notifications, access policy (with enforcement), Vault Lock", async () => {
    const v = ["--account-id", "-", "--vault-name", "cli-config"];
    await cli(["create-vault", ...v]);
    await cli(["add-tags-to-vault", ...v, "--tags", "env=prod,team=ops"]);
    assert.deepEqual(await cli(["list-tags-for-vault", ...v]), { Tags: { env: "prod", team: "ops" } });
    await cli(["remove-tags-from-vault", ...v, "--tag-keys", "team"]);
    assert.deepEqual(await cli(["list-tags-for-vault", ...v]), { Tags: { env: "prod" } });

    await cli([
      "set-vault-notifications",
      ...v,
      "--vault-notification-config",
      JSON.stringify({ SNSTopic: TOPIC, Events: ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"] }),
    ]);
    assert.deepEqual(await cli(["get-vault-notifications", ...v]), {
      vaultNotificationConfig: {
        SNSTopic: TOPIC,
        Events: ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"],
      },
    });
    await cli(["delete-vault-notifications", ...v]);

    const deny = policy({
      Effect: "Deny",
      Principal: "*",
      Action: "glacier:ListTagsForVault",
      Resource: arn("cli-config"),
    });
    await cli(["set-vault-access-policy", ...v, "--policy", JSON.stringify({ Policy: deny })]);
    assert.deepEqual(await cli(["get-vault-access-policy", ...v]), { policy: { Policy: deny } });
    const refused = await awsCli(s.url, ["list-tags-for-vault", ...v]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDeniedException/);
    assert.match(refused.stderr, /not authorized to perform: glacier:ListTagsForVault/);
    await cli(["delete-vault-access-policy", ...v]);
    await cli(["list-tags-for-vault", ...v]);

    const bad = await awsCli(s.url, ["set-vault-access-policy", ...v, "--policy", JSON.stringify({ Policy: "{oops" })]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameterValueException/);

    const worm = policy({
      Effect: "Deny",
      Principal: "*",
      Action: "glacier:DeleteArchive",
      Resource: arn("cli-config"),
      Condition: { NumericLessThan: { "glacier:ArchiveAgeInDays": "365" } },
    });
    const init = await cli(["initiate-vault-lock", ...v, "--policy", JSON.stringify({ Policy: worm })]);
    const lockId = init?.lockId as string;
    assert.match(lockId, /^[A-Za-z0-9]{24}$/);
    const inProgress = await cli(["get-vault-lock", ...v]);
    assert.equal(inProgress?.State, "InProgress");
    assert.equal(inProgress?.Policy, worm);
    assert.ok(inProgress?.ExpirationDate);
    await cli(["complete-vault-lock", ...v, "--lock-id", lockId]);
    const locked = await cli(["get-vault-lock", ...v]);
    assert.equal(locked?.State, "Locked");
    assert.equal(locked?.ExpirationDate, undefined);
    const abort = await awsCli(s.url, ["abort-vault-lock", ...v]);
    assert.notEqual(abort.code, 0);
    assert.match(abort.stderr, /AccessDeniedException/);
  });

  test("AWS CLI: data retrieval policy and provisioned capacity", async () => {
    const acct = ["--account-id", "-"];
    assert.deepEqual(await cli(["get-data-retrieval-policy", ...acct]), { Policy: { Rules: [{ Strategy: "None" }] } });
    const rules = { Rules: [{ Strategy: "BytesPerHour", BytesPerHour: 10737418240 }] };
    await cli(["set-data-retrieval-policy", ...acct, "--policy", JSON.stringify(rules)]);
    assert.deepEqual(await cli(["get-data-retrieval-policy", ...acct]), { Policy: rules });
    const bad = await awsCli(s.url, [
      "set-data-retrieval-policy",
      ...acct,
      "--policy",
      JSON.stringify({ Rules: [{ Strategy: "FreeTier", BytesPerHour: 1 }] }),
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameterValueException/);

    const bought = await cli(["purchase-provisioned-capacity", ...acct]);
    assert.match(bought?.capacityId as string, /^[A-Za-z0-9]{24}$/);
    const listed = (await cli(["list-provisioned-capacity", ...acct])) as {
      ProvisionedCapacityList: { CapacityId: string; StartDate: string; ExpirationDate: string }[];
    };
    assert.equal(listed.ProvisionedCapacityList.length, 1);
    assert.equal(listed.ProvisionedCapacityList[0]?.CapacityId, bought?.capacityId);
    assert.match(listed.ProvisionedCapacityList[0]?.ExpirationDate ?? "", /\.000Z$/);
    await cli(["purchase-provisioned-capacity", ...acct]);
    const third = await awsCli(s.url, ["purchase-provisioned-capacity", ...acct]);
    assert.notEqual(third.code, 0);
    assert.match(third.stderr, /LimitExceededException/);
  });

  test("boto3: cross-account grant, tag limit error, lock flow, retrieval policy", async () => {
    await cli(["create-vault", "--account-id", "-", "--vault-name", "boto-shared"]);
    const grant = policy({
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT_B}:root` },
      Action: ["glacier:DescribeVault", "glacier:AddTagsToVault", "glacier:ListTagsForVault"],
      Resource: arn("boto-shared"),
    });
    const owner = await boto3(
      s.url,
      `
client.set_vault_access_policy(vaultName="boto-shared", policy={"Policy": ${JSON.stringify(grant)}})
out = {"policy": client.get_vault_access_policy(vaultName="boto-shared")["policy"]["Policy"]}
lock = client.initiate_vault_lock(vaultName="boto-shared", policy={"Policy": ${JSON.stringify(policy({ Effect: "Deny", Principal: "*", Action: "glacier:DeleteVault", Resource: arn("boto-shared") }))}})
out["lockStatus"] = lock["ResponseMetadata"]["HTTPStatusCode"]
out["lockState"] = client.get_vault_lock(vaultName="boto-shared")["State"]
client.abort_vault_lock(vaultName="boto-shared")
try:
    client.get_vault_lock(vaultName="boto-shared")
except botocore.exceptions.ClientError as e:
    out["afterAbort"] = e.response["Error"]["Code"]
client.set_data_retrieval_policy(Policy={"Rules": [{"Strategy": "FreeTier"}]})
out["retrieval"] = client.get_data_retrieval_policy()["Policy"]
print(json.dumps(out))
`,
    );
    assert.equal(owner.code, 0, owner.stderr);
    assert.deepEqual(owner.json, {
      policy: grant,
      lockStatus: 201,
      lockState: "InProgress",
      afterAbort: "ResourceNotFoundException",
      retrieval: { Rules: [{ Strategy: "FreeTier" }] },
    });

    const other = await boto3(
      s.url,
      `
out = {}
out["arn"] = client.describe_vault(accountId="${ACCOUNT_A}", vaultName="boto-shared")["VaultARN"]
client.add_tags_to_vault(accountId="${ACCOUNT_A}", vaultName="boto-shared", Tags={"k%d" % i: "v" for i in range(50)})
try:
    client.add_tags_to_vault(accountId="${ACCOUNT_A}", vaultName="boto-shared", Tags={"one-too-many": "x"})
except botocore.exceptions.ClientError as e:
    out["limit"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
out["tags"] = len(client.list_tags_for_vault(accountId="${ACCOUNT_A}", vaultName="boto-shared")["Tags"])
try:
    client.delete_vault(accountId="${ACCOUNT_A}", vaultName="boto-shared")
except botocore.exceptions.ClientError as e:
    out["delete"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
`,
      { cred: CRED_B },
    );
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(other.json, {
      arn: arn("boto-shared"),
      limit: ["LimitExceededException", 400],
      tags: 50,
      delete: ["AccessDeniedException", 403],
    });
  });
});
