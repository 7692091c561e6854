import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AbortVaultLockCommand,
  AddTagsToVaultCommand,
  CompleteVaultLockCommand,
  CreateVaultCommand,
  DeleteArchiveCommand,
  DeleteVaultAccessPolicyCommand,
  DeleteVaultCommand,
  DeleteVaultNotificationsCommand,
  DescribeVaultCommand,
  GetVaultAccessPolicyCommand,
  GetVaultLockCommand,
  GetVaultNotificationsCommand,
  type GlacierClient,
  InitiateVaultLockCommand,
  ListJobsCommand,
  ListMultipartUploadsCommand,
  ListTagsForVaultCommand,
  RemoveTagsFromVaultCommand,
  SetVaultAccessPolicyCommand,
  SetVaultNotificationsCommand,
  UploadArchiveCommand,
} from "@aws-sdk/client-glacier";
import { vaultNotificationTopic } from "../../src/api/notify-config.js";
import { ACCOUNT_A, ACCOUNT_B, CRED_B, startTestServer, type TestServer } from "../helpers/server.js";
import { policyText, rejectsWith } from "./vault-config-helpers.js";

const arn = (vault: string, account = ACCOUNT_A) => `arn:aws:glacier:us-east-1:${account}:vaults/${vault}`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT_A}:archive-done`;

describe("vault configuration", () => {
  let s: TestServer;
  let a: GlacierClient;
  let b: GlacierClient;
  const vault = async (name: string) => {
    await a.send(new CreateVaultCommand({ accountId: "-", vaultName: name }));
    return name;
  };
  before(async () => {
    s = await startTestServer();
    a = s.client();
    b = s.client(CRED_B);
  });
  after(() => s.stop());

  describe("tags", () => {
    test("add, overwrite, list, remove (unknown keys ignored)", async () => {
      const v = await vault("tags-happy");
      assert.deepEqual((await a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: v }))).Tags, {});
      const added = await a.send(
        new AddTagsToVaultCommand({
          accountId: "-",
          vaultName: v,
          Tags: { env: "prod", owner: "ops team", empty: "" },
        }),
      );
      assert.equal(added.$metadata.httpStatusCode, 204);
      await a.send(
        new AddTagsToVaultCommand({ accountId: "-", vaultName: v, Tags: { env: "dev", "ünïcode:é/+=-@.": "ok" } }),
      );
      const listed = await a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: v }));
      assert.equal(listed.$metadata.httpStatusCode, 200);
      assert.deepEqual(listed.Tags, { empty: "", env: "dev", owner: "ops team", "ünïcode:é/+=-@.": "ok" });
      const removed = await a.send(
        new RemoveTagsFromVaultCommand({ accountId: "-", vaultName: v, TagKeys: ["env", "never-set"] }),
      );
      assert.equal(removed.$metadata.httpStatusCode, 204);
      assert.deepEqual((await a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: v }))).Tags, {
        empty: "",
        owner: "ops team",
        "ünïcode:é/+=-@.": "ok",
      });
    });

    test("at most 50 tags: the 51st is LimitExceeded and changes nothing; overwriting at 50 is fine", async () => {
      const v = await vault("tags-limit");
      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]));
      await a.send(new AddTagsToVaultCommand({ accountId: "-", vaultName: v, Tags: fifty }));
      await rejectsWith(
        a.send(new AddTagsToVaultCommand({ accountId: "-", vaultName: v, Tags: { k0: "new", extra: "x" } })),
        "LimitExceededException",
        400,
        /at most 50 tags/,
      );
      const after51 = (await a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: v }))).Tags ?? {};
      assert.equal(Object.keys(after51).length, 50);
      assert.equal(after51.k0, "v0", "the refused request was not partially applied");
      await a.send(new AddTagsToVaultCommand({ accountId: "-", vaultName: v, Tags: { k0: "new" } }));
      assert.equal((await a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: v }))).Tags?.k0, "new");
    });

    test("bad keys and values are InvalidParameterValue; missing members MissingParameterValue", async () => {
      const v = await vault("tags-bad");
      const bad: Record<string, string>[] = [
        { "aws:reserved": "x" },
        { "AWS:Reserved": "x" },
        { ["k".repeat(129)]: "x" },
        { ok: "v".repeat(256) },
        { "semi;colon": "x" },
        { ok: "bad*value" },
      ];
      for (const Tags of bad) {
        await rejectsWith(
          a.send(new AddTagsToVaultCommand({ accountId: "-", vaultName: v, Tags })),
          "InvalidParameterValueException",
          400,
        );
      }
      await a.send(
        new AddTagsToVaultCommand({ accountId: "-", vaultName: v, Tags: { ["k".repeat(128)]: "v".repeat(255) } }),
      );
      // The SDK sends {} when Tags / TagKeys are omitted.
      await rejectsWith(
        a.send(new AddTagsToVaultCommand({ accountId: "-", vaultName: v })),
        "MissingParameterValueException",
        400,
        "Required parameter missing: Tags",
      );
      await rejectsWith(
        a.send(new RemoveTagsFromVaultCommand({ accountId: "-", vaultName: v })),
        "MissingParameterValueException",
        400,
        "Required parameter missing: TagKeys",
      );
      await rejectsWith(
        a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: "no-such-vault" })),
        "ResourceNotFoundException",
        404,
        `Vault not found for ARN: ${arn("no-such-vault")}`,
      );
    });
  });

  describe("notifications", () => {
    test("set, get, replace, delete (idempotent); vaultNotificationTopic follows the configuration", async () => {
      const v = await vault("notify");
      await rejectsWith(
        a.send(new GetVaultNotificationsCommand({ accountId: "-", vaultName: v })),
        "ResourceNotFoundException",
        404,
        `No notification configuration is set for vault: ${v}`,
      );
      const set = await a.send(
        new SetVaultNotificationsCommand({
          accountId: "-",
          vaultName: v,
          vaultNotificationConfig: { SNSTopic: TOPIC, Events: ["ArchiveRetrievalCompleted"] },
        }),
      );
      assert.equal(set.$metadata.httpStatusCode, 204);
      const got = await a.send(new GetVaultNotificationsCommand({ accountId: "-", vaultName: v }));
      assert.deepEqual(got.vaultNotificationConfig, { SNSTopic: TOPIC, Events: ["ArchiveRetrievalCompleted"] });
      const { id } = await s.svc.store.vaults
        .get({ accountId: ACCOUNT_A, region: "us-east-1", name: v })
        .then((r) => r!);
      assert.equal(await vaultNotificationTopic(s.svc, id, "ArchiveRetrievalCompleted"), TOPIC);
      assert.equal(await vaultNotificationTopic(s.svc, id, "InventoryRetrievalCompleted"), undefined);

      await a.send(
        new SetVaultNotificationsCommand({
          accountId: "-",
          vaultName: v,
          vaultNotificationConfig: {
            SNSTopic: `${TOPIC}-2`,
            Events: ["InventoryRetrievalCompleted", "ArchiveRetrievalCompleted"],
          },
        }),
      );
      assert.equal(await vaultNotificationTopic(s.svc, id, "InventoryRetrievalCompleted"), `${TOPIC}-2`);

      for (let i = 0; i < 2; i++) {
        const del = await a.send(new DeleteVaultNotificationsCommand({ accountId: "-", vaultName: v }));
        assert.equal(del.$metadata.httpStatusCode, 204);
      }
      assert.equal(await vaultNotificationTopic(s.svc, id, "ArchiveRetrievalCompleted"), undefined);
      await rejectsWith(
        a.send(new GetVaultNotificationsCommand({ accountId: "-", vaultName: v })),
        "ResourceNotFoundException",
        404,
      );
    });

    test("bad configurations are refused and leave the old one in place", async () => {
      const v = await vault("notify-bad");
      const good = { SNSTopic: TOPIC, Events: ["ArchiveRetrievalCompleted"] };
      await a.send(new SetVaultNotificationsCommand({ accountId: "-", vaultName: v, vaultNotificationConfig: good }));
      const bad: [Record<string, unknown>, string][] = [
        [{ SNSTopic: TOPIC, Events: ["JobDone"] }, "InvalidParameterValueException"],
        [{ SNSTopic: TOPIC, Events: [] }, "InvalidParameterValueException"],
        [{ SNSTopic: "not-an-arn", Events: ["ArchiveRetrievalCompleted"] }, "InvalidParameterValueException"],
        [
          { SNSTopic: `arn:aws:sqs:us-east-1:${ACCOUNT_A}:q`, Events: ["ArchiveRetrievalCompleted"] },
          "InvalidParameterValueException",
        ],
        [{ Events: ["ArchiveRetrievalCompleted"] }, "MissingParameterValueException"],
        [{ SNSTopic: TOPIC }, "MissingParameterValueException"],
      ];
      for (const [config, code] of bad) {
        await rejectsWith(
          a.send(new SetVaultNotificationsCommand({ accountId: "-", vaultName: v, vaultNotificationConfig: config })),
          code,
          400,
        );
      }
      const got = await a.send(new GetVaultNotificationsCommand({ accountId: "-", vaultName: v }));
      assert.deepEqual(got.vaultNotificationConfig, good);
    });
  });

  describe("access policy", () => {
    const denyDescribe = policyText({
      Sid: "no-describe",
      Effect: "Deny",
      Principal: "*",
      Action: "glacier:DescribeVault",
      Resource: arn("*"),
    });

    test("set, get verbatim, replace, delete (idempotent), RNF when none", async () => {
      const v = await vault("policy-crud");
      await rejectsWith(
        a.send(new GetVaultAccessPolicyCommand({ accountId: "-", vaultName: v })),
        "ResourceNotFoundException",
        404,
        `No vault access policy is set for: ${arn(v)}`,
      );
      // Whitespace and member order are the caller's and come back untouched.
      const doc = `{ "Statement": [ {"Resource": "${arn(v)}", "Action": ["glacier:ListJobs"], "Principal": {"AWS": "${ACCOUNT_B}"}, "Effect": "Allow"} ],\n "Version": "2012-10-17" }`;
      const set = await a.send(
        new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: { Policy: doc } }),
      );
      assert.equal(set.$metadata.httpStatusCode, 204);
      const got = await a.send(new GetVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
      assert.equal(got.$metadata.httpStatusCode, 200);
      assert.equal(got.policy?.Policy, doc);
      await a.send(new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: { Policy: denyDescribe } }));
      assert.equal(
        (await a.send(new GetVaultAccessPolicyCommand({ accountId: "-", vaultName: v }))).policy?.Policy,
        denyDescribe,
      );
      for (let i = 0; i < 2; i++) {
        const del = await a.send(new DeleteVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
        assert.equal(del.$metadata.httpStatusCode, 204);
      }
      await rejectsWith(
        a.send(new GetVaultAccessPolicyCommand({ accountId: "-", vaultName: v })),
        "ResourceNotFoundException",
        404,
      );
    });

    test("invalid policies are InvalidParameterValue and the old policy stays in force", async () => {
      const v = await vault("policy-bad");
      await a.send(new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: { Policy: denyDescribe } }));
      const stmt = { Effect: "Allow", Principal: "*", Action: "glacier:ListJobs", Resource: arn(v) };
      const bad: [string, RegExp][] = [
        ["{not json", /not valid JSON/],
        [policyText({ ...stmt, Action: "glacier:NukeVault" }), /Invalid action/],
        [policyText({ ...stmt, Action: "s3:*" }), /Invalid action/],
        [policyText({ ...stmt, Resource: "arn:aws:glacier:us-east-1:12:vaults/x" }), /Invalid resource/],
        [policyText({ ...stmt, Principal: { AWS: "someone" } }), /Invalid principal/],
        [policyText({ ...stmt, Condition: { NumericLessThan: { "glacier:ArchiveAgeInDays": "a year" } } }), /number/],
        [policyText({ ...stmt, Condition: { StringAlmost: { "aws:SourceIp": "x" } } }), /operator/],
        [policyText({ ...stmt, Effect: "Maybe" }), /Effect/],
        [JSON.stringify({ Version: "2012-10-17", Statement: [stmt], Id: "x".repeat(20 * 1024) }), /20480 bytes/],
      ];
      for (const [Policy, message] of bad) {
        await rejectsWith(
          a.send(new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: { Policy } })),
          "InvalidParameterValueException",
          400,
          message,
        );
      }
      await rejectsWith(
        a.send(new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: {} })),
        "MissingParameterValueException",
        400,
        "Required parameter missing: Policy",
      );
      assert.equal(
        (await a.send(new GetVaultAccessPolicyCommand({ accountId: "-", vaultName: v }))).policy?.Policy,
        denyDescribe,
      );
      await rejectsWith(
        a.send(new DescribeVaultCommand({ accountId: "-", vaultName: v })),
        "AccessDeniedException",
        403,
      );
    });

    test("enforced against the owner: allowed, denied by a policy, allowed again after removal", async () => {
      const v = await vault("policy-owner");
      await a.send(new DescribeVaultCommand({ accountId: "-", vaultName: v }));
      await a.send(new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: { Policy: denyDescribe } }));
      await rejectsWith(
        a.send(new DescribeVaultCommand({ accountId: "-", vaultName: v })),
        "AccessDeniedException",
        403,
        `User: arn:aws:iam::${ACCOUNT_A}:root is not authorized to perform: glacier:DescribeVault on resource: ${arn(v)} with an explicit deny in a resource-based policy`,
      );
      // Other operations are untouched.
      await a.send(new ListJobsCommand({ accountId: "-", vaultName: v }));
      await a.send(new DeleteVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
      await a.send(new DescribeVaultCommand({ accountId: "-", vaultName: v }));
    });

    test("the owner can always remove a policy that denies everything", async () => {
      const v = await vault("policy-all");
      const all = policyText({ Effect: "Deny", Principal: "*", Action: "glacier:*", Resource: "*" });
      await a.send(new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: { Policy: all } }));
      await rejectsWith(
        a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: v })),
        "AccessDeniedException",
        403,
      );
      await rejectsWith(a.send(new DeleteVaultCommand({ accountId: "-", vaultName: v })), "AccessDeniedException", 403);
      assert.equal(
        (await a.send(new GetVaultAccessPolicyCommand({ accountId: "-", vaultName: v }))).policy?.Policy,
        all,
      );
      await a.send(new DeleteVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
      await a.send(new ListTagsForVaultCommand({ accountId: "-", vaultName: v }));
    });

    test("wildcard and case-insensitive actions", async () => {
      const v = await vault("policy-wild");
      const body = new TextEncoder().encode("archive bytes");
      await a.send(
        new SetVaultAccessPolicyCommand({
          accountId: "-",
          vaultName: v,
          policy: {
            Policy: policyText({
              Effect: "Deny",
              Principal: "*",
              Action: "GLACIER:upload*",
              Resource: arn("policy-w*"),
            }),
          },
        }),
      );
      await rejectsWith(
        a.send(new UploadArchiveCommand({ accountId: "-", vaultName: v, body })),
        "AccessDeniedException",
        403,
      );
      await a.send(new DescribeVaultCommand({ accountId: "-", vaultName: v }));
      await a.send(new DeleteVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
      const up = await a.send(new UploadArchiveCommand({ accountId: "-", vaultName: v, body }));
      assert.equal(up.$metadata.httpStatusCode, 201);
    });

    test("cross-account: denied without a grant, allowed by one (owner's id in the path), explicit Deny wins", async () => {
      const v = await vault("shared");
      const inA = { accountId: ACCOUNT_A, vaultName: v };
      const notGranted = `User: arn:aws:iam::${ACCOUNT_B}:root is not authorized to perform: glacier:DescribeVault on resource: ${arn(v)}`;
      await rejectsWith(b.send(new DescribeVaultCommand(inA)), "AccessDeniedException", 403, notGranted);
      const grant = {
        Sid: "b-reads",
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${ACCOUNT_B}:root`] },
        Action: ["glacier:DescribeVault", "glacier:List*"],
        Resource: arn(v),
      };
      await a.send(new SetVaultAccessPolicyCommand({ ...inA, policy: { Policy: policyText(grant) } }));
      const d = await b.send(new DescribeVaultCommand(inA));
      assert.equal(d.VaultARN, arn(v));
      await b.send(new ListTagsForVaultCommand(inA));
      await b.send(new ListJobsCommand(inA));
      // Granted actions only; the caller's own account ("-") is B's, where no such vault exists.
      await rejectsWith(b.send(new AddTagsToVaultCommand({ ...inA, Tags: { a: "b" } })), "AccessDeniedException", 403);
      await rejectsWith(b.send(new GetVaultAccessPolicyCommand(inA)), "AccessDeniedException", 403);
      await rejectsWith(
        b.send(new DescribeVaultCommand({ accountId: "-", vaultName: v })),
        "ResourceNotFoundException",
        404,
        `Vault not found for ARN: ${arn(v, ACCOUNT_B)}`,
      );
      const withDeny = policyText(grant, {
        Effect: "Deny",
        Principal: { AWS: ACCOUNT_B },
        Action: "glacier:ListJobs",
        Resource: "*",
      });
      await a.send(new SetVaultAccessPolicyCommand({ ...inA, policy: { Policy: withDeny } }));
      await rejectsWith(b.send(new ListJobsCommand(inA)), "AccessDeniedException", 403, /explicit deny/);
      await b.send(new DescribeVaultCommand(inA));
      await a.send(new ListJobsCommand({ accountId: "-", vaultName: v }));
      await a.send(new DeleteVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
      await rejectsWith(b.send(new DescribeVaultCommand(inA)), "AccessDeniedException", 403, notGranted);
      // A vault that does not exist in another account is AccessDenied, never a hint that it is missing.
      await rejectsWith(
        b.send(new DescribeVaultCommand({ accountId: ACCOUNT_A, vaultName: "nope" })),
        "AccessDeniedException",
        403,
      );
    });

    test("conditions on tags, source address, transport and principal account", async () => {
      const v = await vault("policy-cond");
      const id = { accountId: "-", vaultName: v };
      const setPolicy = (Policy: string) => a.send(new SetVaultAccessPolicyCommand({ ...id, policy: { Policy } }));
      const deny = (Condition: Record<string, unknown>, Action = "glacier:DescribeVault") =>
        policyText({ Effect: "Deny", Principal: "*", Action, Resource: arn(v), Condition });

      await setPolicy(deny({ StringEquals: { "glacier:ResourceTag/LegalHold": "true" } }));
      await a.send(new DescribeVaultCommand(id));
      await a.send(new AddTagsToVaultCommand({ ...id, Tags: { LegalHold: "true" } }));
      await rejectsWith(a.send(new DescribeVaultCommand(id)), "AccessDeniedException", 403);
      await a.send(new AddTagsToVaultCommand({ ...id, Tags: { LegalHold: "false" } }));
      await a.send(new DescribeVaultCommand(id));

      await setPolicy(deny({ NotIpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } }));
      await a.send(new DescribeVaultCommand(id));
      await setPolicy(deny({ IpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } }));
      await rejectsWith(a.send(new DescribeVaultCommand(id)), "AccessDeniedException", 403);

      // Permafrost speaks plain HTTP here, so aws:SecureTransport is false.
      await setPolicy(deny({ Bool: { "aws:SecureTransport": "false" } }));
      await rejectsWith(a.send(new DescribeVaultCommand(id)), "AccessDeniedException", 403);
      // Long-term keys carry no MFA key: Bool on it never matches, BoolIfExists does.
      await setPolicy(deny({ Bool: { "aws:MultiFactorAuthPresent": "false" } }));
      await a.send(new DescribeVaultCommand(id));
      await setPolicy(deny({ BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } }));
      await rejectsWith(a.send(new DescribeVaultCommand(id)), "AccessDeniedException", 403);

      await setPolicy(deny({ StringNotEquals: { "aws:PrincipalAccount": ACCOUNT_A } }));
      await a.send(new DescribeVaultCommand(id));
      await setPolicy(deny({ DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }));
      await rejectsWith(a.send(new DescribeVaultCommand(id)), "AccessDeniedException", 403);
      await setPolicy(deny({ DateLessThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }));
      await a.send(new DescribeVaultCommand(id));
    });

    test("every vault-scoped operation: allowed, denied by a policy naming it, allowed again (owner and another account)", async () => {
      const v = await vault("enforce-all");
      const lockDoc = policyText({ Effect: "Deny", Principal: "*", Action: "glacier:DeleteVault", Resource: arn(v) });
      type Call = (c: GlacierClient, accountId: string) => Promise<unknown>;
      const ops: [string, Call][] = [
        ["DescribeVault", (c, accountId) => c.send(new DescribeVaultCommand({ accountId, vaultName: v }))],
        ["ListJobs", (c, accountId) => c.send(new ListJobsCommand({ accountId, vaultName: v }))],
        [
          "ListMultipartUploads",
          (c, accountId) => c.send(new ListMultipartUploadsCommand({ accountId, vaultName: v })),
        ],
        [
          "UploadArchive",
          (c, accountId) =>
            c.send(new UploadArchiveCommand({ accountId, vaultName: v, body: new Uint8Array([1, 2, 3]) })),
        ],
        [
          "DeleteArchive",
          (c, accountId) => c.send(new DeleteArchiveCommand({ accountId, vaultName: v, archiveId: "x".repeat(138) })),
        ],
        [
          "AddTagsToVault",
          (c, accountId) => c.send(new AddTagsToVaultCommand({ accountId, vaultName: v, Tags: { t: "1" } })),
        ],
        [
          "RemoveTagsFromVault",
          (c, accountId) => c.send(new RemoveTagsFromVaultCommand({ accountId, vaultName: v, TagKeys: ["t"] })),
        ],
        ["ListTagsForVault", (c, accountId) => c.send(new ListTagsForVaultCommand({ accountId, vaultName: v }))],
        [
          "SetVaultNotifications",
          (c, accountId) =>
            c.send(
              new SetVaultNotificationsCommand({
                accountId,
                vaultName: v,
                vaultNotificationConfig: { SNSTopic: TOPIC, Events: ["ArchiveRetrievalCompleted"] },
              }),
            ),
        ],
        [
          "GetVaultNotifications",
          (c, accountId) => c.send(new GetVaultNotificationsCommand({ accountId, vaultName: v })),
        ],
        [
          "DeleteVaultNotifications",
          (c, accountId) => c.send(new DeleteVaultNotificationsCommand({ accountId, vaultName: v })),
        ],
        [
          "InitiateVaultLock",
          // Aborting first keeps the state machine (one lock in progress at a time) out of the way.
          (c, accountId) =>
            c
              .send(new AbortVaultLockCommand({ accountId, vaultName: v }))
              .then(() =>
                c.send(new InitiateVaultLockCommand({ accountId, vaultName: v, policy: { Policy: lockDoc } })),
              ),
        ],
        ["GetVaultLock", (c, accountId) => c.send(new GetVaultLockCommand({ accountId, vaultName: v }))],
        [
          "CompleteVaultLock",
          (c, accountId) => c.send(new CompleteVaultLockCommand({ accountId, vaultName: v, lockId: "A".repeat(24) })),
        ],
        ["AbortVaultLock", (c, accountId) => c.send(new AbortVaultLockCommand({ accountId, vaultName: v }))],
      ];
      /** Allowed = not refused by access control (a domain error such as a wrong lock id is fine). */
      const allowed = async (call: Promise<unknown>, label: string) => {
        try {
          await call;
        } catch (err) {
          assert.notEqual((err as Error).name, "AccessDeniedException", label);
        }
      };
      const setPolicy = (Policy: string) =>
        a.send(new SetVaultAccessPolicyCommand({ accountId: "-", vaultName: v, policy: { Policy } }));
      const grantB = { Effect: "Allow", Principal: { AWS: ACCOUNT_B }, Action: "glacier:*", Resource: arn(v) };
      for (const [op, call] of ops) {
        const denyOp = { Effect: "Deny", Principal: "*", Action: `glacier:${op}`, Resource: arn(v) };
        await allowed(call(a, "-"), `owner ${op} before`);
        await setPolicy(policyText(denyOp));
        await rejectsWith(call(a, "-"), "AccessDeniedException", 403, new RegExp(`glacier:${op} on resource`));
        await a.send(new DeleteVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
        await allowed(call(a, "-"), `owner ${op} after`);

        await rejectsWith(call(b, ACCOUNT_A), "AccessDeniedException", 403);
        await setPolicy(policyText(grantB));
        await allowed(call(b, ACCOUNT_A), `B ${op} granted`);
        await setPolicy(policyText(grantB, denyOp));
        await rejectsWith(call(b, ACCOUNT_A), "AccessDeniedException", 403, /explicit deny/);
        await setPolicy(policyText(grantB));
        await allowed(call(b, ACCOUNT_A), `B ${op} granted again`);
        await a.send(new DeleteVaultAccessPolicyCommand({ accountId: "-", vaultName: v }));
      }
      // The access-policy operations themselves, for another account.
      const getPolicy: Call = (c, accountId) => c.send(new GetVaultAccessPolicyCommand({ accountId, vaultName: v }));
      await setPolicy(policyText(grantB));
      await allowed(getPolicy(b, ACCOUNT_A), "B GetVaultAccessPolicy granted");
      await setPolicy(
        policyText(grantB, {
          Effect: "Deny",
          Principal: "*",
          Action: "glacier:GetVaultAccessPolicy",
          Resource: arn(v),
        }),
      );
      await rejectsWith(getPolicy(b, ACCOUNT_A), "AccessDeniedException", 403);
      await allowed(getPolicy(a, "-"), "the owner always reads its access policy");
    });

    test("DeleteVault removes tags, notifications and the access policy with the vault", async () => {
      const v = await vault("config-gone");
      const id = { accountId: "-", vaultName: v };
      await a.send(new AddTagsToVaultCommand({ ...id, Tags: { a: "1" } }));
      await a.send(
        new SetVaultNotificationsCommand({
          ...id,
          vaultNotificationConfig: { SNSTopic: TOPIC, Events: ["ArchiveRetrievalCompleted"] },
        }),
      );
      await a.send(new SetVaultAccessPolicyCommand({ ...id, policy: { Policy: denyDescribe } }));
      await a.send(new DeleteVaultCommand(id));
      await vault(v);
      assert.deepEqual((await a.send(new ListTagsForVaultCommand(id))).Tags, {});
      await rejectsWith(a.send(new GetVaultNotificationsCommand(id)), "ResourceNotFoundException", 404);
      await rejectsWith(a.send(new GetVaultAccessPolicyCommand(id)), "ResourceNotFoundException", 404);
      await a.send(new DescribeVaultCommand(id));
    });
  });
});
