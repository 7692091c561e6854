import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  AbortVaultLockCommand,
  CompleteVaultLockCommand,
  CreateVaultCommand,
  DeleteArchiveCommand,
  DeleteVaultAccessPolicyCommand,
  DeleteVaultCommand,
  DescribeVaultCommand,
  GetVaultLockCommand,
  type GlacierClient,
  InitiateVaultLockCommand,
  SetVaultAccessPolicyCommand,
  UploadArchiveCommand,
} from "@aws-sdk/client-glacier";
import { ACCOUNT_A, ACCOUNT_B, CRED_A, CRED_B, startTestServer, type TestServer } from "../helpers/server.js";
import { clientAt, DAY, policyText, rejectsWith, TestClock } from "./vault-config-helpers.js";

const arn = (vault: string) => `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/${vault}`;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The guide's compliance control: archives younger than 365 days cannot be deleted, by anyone. */
const worm = (vault: string) =>
  policyText({
    Sid: "deny-based-on-archive-age",
    Principal: "*",
    Effect: "Deny",
    Action: "glacier:DeleteArchive",
    Resource: [arn(vault)],
    Condition: { NumericLessThan: { "glacier:ArchiveAgeinDays": "365" } },
  });

describe("Vault Lock", () => {
  let s: TestServer;
  let clock: TestClock;
  let dataDir: string;
  let a: GlacierClient;
  const at = () => {
    a = clientAt(s, CRED_A, clock);
    return a;
  };
  const vault = async (name: string) => {
    await a.send(new CreateVaultCommand({ accountId: "-", vaultName: name }));
    return { accountId: "-", vaultName: name };
  };
  before(async () => {
    clock = new TestClock();
    // Our own folder: the helper deletes only folders it created, and this one must survive a restart.
    dataDir = await mkdtemp(join(tmpdir(), "pf-lock-"));
    s = await startTestServer({}, { clock, dataDir });
    at();
  });
  after(async () => {
    await s.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("state machine: initiate, get, complete (idempotent), then locked for good", async () => {
    const id = await vault("lock-states");
    await rejectsWith(
      a.send(new GetVaultLockCommand(id)),
      "ResourceNotFoundException",
      404,
      `No vault lock policy is set for: ${arn("lock-states")}`,
    );
    const policy = worm("lock-states");
    const init = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: policy } }));
    assert.equal(init.$metadata.httpStatusCode, 201);
    assert.match(init.lockId ?? "", /^[A-Za-z0-9]{24}$/);
    const lockId = init.lockId as string;
    const inProgress = await a.send(new GetVaultLockCommand(id));
    assert.equal(inProgress.State, "InProgress");
    assert.equal(inProgress.Policy, policy);
    assert.match(inProgress.CreationDate ?? "", ISO_MS);
    assert.equal(Date.parse(inProgress.ExpirationDate ?? "") - Date.parse(inProgress.CreationDate ?? ""), DAY);
    assert.equal(inProgress.CreationDate, new Date(clock.now()).toISOString());

    await rejectsWith(
      a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: policy } })),
      "AccessDeniedException",
      403,
      /already in progress/,
    );
    await rejectsWith(
      a.send(new CompleteVaultLockCommand({ ...id, lockId: "AAAAAAAAAAAAAAAAAAAAAAAA" })),
      "InvalidParameterValueException",
      400,
      "The lock ID is not valid: AAAAAAAAAAAAAAAAAAAAAAAA",
    );
    const done = await a.send(new CompleteVaultLockCommand({ ...id, lockId }));
    assert.equal(done.$metadata.httpStatusCode, 204);
    const locked = await a.send(new GetVaultLockCommand(id));
    assert.equal(locked.State, "Locked");
    assert.equal(locked.ExpirationDate, undefined, "ExpirationDate is null once locked");
    assert.equal(locked.CreationDate, inProgress.CreationDate);
    assert.equal(locked.Policy, policy);

    assert.equal((await a.send(new CompleteVaultLockCommand({ ...id, lockId }))).$metadata.httpStatusCode, 204);
    await rejectsWith(
      a.send(new CompleteVaultLockCommand({ ...id, lockId: "BBBBBBBBBBBBBBBBBBBBBBBB" })),
      "AccessDeniedException",
      403,
    );
    await rejectsWith(a.send(new AbortVaultLockCommand(id)), "AccessDeniedException", 403, /can no longer be aborted/);
    await rejectsWith(
      a.send(
        new InitiateVaultLockCommand({
          ...id,
          policy: { Policy: policyText({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }) },
        }),
      ),
      "AccessDeniedException",
      403,
      /already locked/,
    );
    // A lapse of time changes nothing for a Locked vault.
    clock.advance(3 * DAY);
    at();
    const later = await a.send(new GetVaultLockCommand(id));
    assert.equal(later.State, "Locked");
    assert.equal(later.Policy, policy);
  });

  test("abort from InProgress removes the lock; abort and complete without a lock", async () => {
    const id = await vault("lock-abort");
    assert.equal((await a.send(new AbortVaultLockCommand(id))).$metadata.httpStatusCode, 204);
    await rejectsWith(
      a.send(new CompleteVaultLockCommand({ ...id, lockId: "AAAAAAAAAAAAAAAAAAAAAAAA" })),
      "InvalidParameterValueException",
      400,
      /No Vault Lock is in progress/,
    );
    const { lockId } = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: worm("lock-abort") } }));
    assert.equal((await a.send(new AbortVaultLockCommand(id))).$metadata.httpStatusCode, 204);
    await rejectsWith(a.send(new GetVaultLockCommand(id)), "ResourceNotFoundException", 404);
    await rejectsWith(a.send(new CompleteVaultLockCommand({ ...id, lockId })), "InvalidParameterValueException", 400);
    const again = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: worm("lock-abort") } }));
    assert.notEqual(again.lockId, lockId);
  });

  test("an InProgress lock lapses after 24 hours", async () => {
    const id = await vault("lock-expiry");
    const { lockId } = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: worm("lock-expiry") } }));
    clock.advance(DAY - 1);
    at();
    assert.equal((await a.send(new GetVaultLockCommand(id))).State, "InProgress");
    clock.advance(1);
    at();
    await rejectsWith(a.send(new GetVaultLockCommand(id)), "ResourceNotFoundException", 404);
    await rejectsWith(a.send(new CompleteVaultLockCommand({ ...id, lockId })), "InvalidParameterValueException", 400);
    const fresh = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: worm("lock-expiry") } }));
    assert.equal(fresh.$metadata.httpStatusCode, 201);
  });

  test("invalid lock policies are refused and no lock is created", async () => {
    const id = await vault("lock-bad");
    await rejectsWith(
      a.send(
        new InitiateVaultLockCommand({
          ...id,
          policy: { Policy: policyText({ Effect: "Deny", Principal: "*", Action: "glacier:Shred", Resource: "*" }) },
        }),
      ),
      "InvalidParameterValueException",
      400,
      /Invalid action/,
    );
    await rejectsWith(
      a.send(new InitiateVaultLockCommand({ ...id, policy: {} })),
      "MissingParameterValueException",
      400,
    );
    await rejectsWith(a.send(new GetVaultLockCommand(id)), "ResourceNotFoundException", 404);
  });

  test("WORM: young archives cannot be deleted by anyone once locked, also after a restart", async () => {
    const name = "lock-worm";
    const id = await vault(name);
    // Upload one archive 400 days ago and one 10 days ago.
    const start = clock.now();
    clock.t = start - 400 * DAY;
    at();
    const old = await a.send(new UploadArchiveCommand({ ...id, body: new TextEncoder().encode("old") }));
    clock.t = start - 10 * DAY;
    at();
    const young = await a.send(new UploadArchiveCommand({ ...id, body: new TextEncoder().encode("young") }));
    const young2 = await a.send(new UploadArchiveCommand({ ...id, body: new TextEncoder().encode("young 2") }));
    clock.t = start;
    at();

    const { lockId } = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: worm(name) } }));
    // Enforced while InProgress already.
    await rejectsWith(
      a.send(new DeleteArchiveCommand({ ...id, archiveId: young.archiveId })),
      "AccessDeniedException",
      403,
      /explicit deny/,
    );
    // Aborting lifts it; initiating again brings it back.
    await a.send(new AbortVaultLockCommand(id));
    await a.send(new DeleteArchiveCommand({ ...id, archiveId: young2.archiveId }));
    const second = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: worm(name) } }));
    assert.notEqual(second.lockId, lockId);
    await a.send(new CompleteVaultLockCommand({ ...id, lockId: second.lockId }));

    // An access policy that allows everything does not outweigh the lock's Deny.
    await a.send(
      new SetVaultAccessPolicyCommand({
        ...id,
        policy: { Policy: policyText({ Effect: "Allow", Principal: "*", Action: "glacier:*", Resource: "*" }) },
      }),
    );
    await rejectsWith(
      a.send(new DeleteArchiveCommand({ ...id, archiveId: young.archiveId })),
      "AccessDeniedException",
      403,
    );
    await a.send(new DeleteVaultAccessPolicyCommand(id));
    const deletedOld = await a.send(new DeleteArchiveCommand({ ...id, archiveId: old.archiveId }));
    assert.equal(deletedOld.$metadata.httpStatusCode, 204);

    // A restart on the same data folder keeps the lock and its enforcement.
    await s.stop();
    s = await startTestServer({}, { clock, dataDir });
    at();
    assert.equal((await a.send(new GetVaultLockCommand(id))).State, "Locked");
    await rejectsWith(
      a.send(new DeleteArchiveCommand({ ...id, archiveId: young.archiveId })),
      "AccessDeniedException",
      403,
    );
    await rejectsWith(a.send(new AbortVaultLockCommand(id)), "AccessDeniedException", 403);

    // 355 days later the archive is 365 days old and may go.
    clock.advance(355 * DAY);
    at();
    await a.send(new DeleteArchiveCommand({ ...id, archiveId: young.archiveId }));
  });

  test("lock policy Deny applies to other accounts too; a lock Allow grants cross-account access", async () => {
    const name = "lock-cross";
    const id = await vault(name);
    const b = clientAt(s, CRED_B, clock);
    const inA = { accountId: ACCOUNT_A, vaultName: name };
    await rejectsWith(b.send(new DescribeVaultCommand(inA)), "AccessDeniedException", 403);
    const policy = policyText(
      { Effect: "Allow", Principal: { AWS: ACCOUNT_B }, Action: "glacier:DescribeVault", Resource: arn(name) },
      { Effect: "Deny", Principal: "*", Action: "glacier:DeleteVault", Resource: arn(name) },
    );
    const { lockId } = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: policy } }));
    await a.send(new CompleteVaultLockCommand({ ...id, lockId }));
    assert.equal((await b.send(new DescribeVaultCommand(inA))).VaultName, name);
    // The lock denies DeleteVault: the (empty) vault cannot be deleted.
    await rejectsWith(a.send(new DeleteVaultCommand(id)), "AccessDeniedException", 403);
    // B cannot touch the lock itself.
    await rejectsWith(b.send(new GetVaultLockCommand(inA)), "AccessDeniedException", 403);
  });

  test("an empty Locked vault whose lock does not deny DeleteVault can be deleted, and its lock goes with it", async () => {
    const name = "lock-delete";
    const id = await vault(name);
    const { lockId } = await a.send(new InitiateVaultLockCommand({ ...id, policy: { Policy: worm(name) } }));
    await a.send(new CompleteVaultLockCommand({ ...id, lockId }));
    assert.equal((await a.send(new DeleteVaultCommand(id))).$metadata.httpStatusCode, 204);
    await vault(name);
    await rejectsWith(a.send(new GetVaultLockCommand(id)), "ResourceNotFoundException", 404);
  });
});
