import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateVaultCommand,
  GetDataRetrievalPolicyCommand,
  type GlacierClient,
  InitiateJobCommand,
  ListProvisionedCapacityCommand,
  PurchaseProvisionedCapacityCommand,
  SetDataRetrievalPolicyCommand,
  UploadArchiveCommand,
} from "@aws-sdk/client-glacier";
import { admitRetrieval, type RetrievalRequest } from "../../src/api/retrieval-guard.js";
import type { OperationRequest } from "../../src/api/types.js";
import type { VaultRecord } from "../../src/store/types.js";
import { ACCOUNT_A, ACCOUNT_B, CRED_A, CRED_B, startTestServer, type TestServer } from "../helpers/server.js";
import { clientAt, DAY, rejectsWith, TestClock } from "./vault-config-helpers.js";

const HOUR = 3600 * 1000;
const POLICY_DENIED = "InitiateJob request denied by current data retrieval policy.";

describe("account settings", () => {
  let s: TestServer;
  let clock: TestClock;
  let a: GlacierClient;
  let b: GlacierClient;
  const at = () => {
    a = clientAt(s, CRED_A, clock);
    b = clientAt(s, CRED_B, clock);
  };
  before(async () => {
    // A fixed instant mid-day UTC keeps the FreeTier day boundary predictable.
    clock = new TestClock(Date.parse("2030-06-15T12:00:00.250Z"));
    s = await startTestServer({ standardRetrievalHours: 4, freeTierBytesPerDay: 5000 }, { clock });
    at();
  });
  after(() => s.stop());

  describe("data retrieval policy", () => {
    test("defaults to None; set and get each strategy; scoped per account and region", async () => {
      const def = await a.send(new GetDataRetrievalPolicyCommand({ accountId: "-" }));
      assert.equal(def.$metadata.httpStatusCode, 200);
      assert.deepEqual(def.Policy, { Rules: [{ Strategy: "None" }] });
      for (const rule of [
        { Strategy: "BytesPerHour", BytesPerHour: 10737418240 },
        { Strategy: "FreeTier" },
        { Strategy: "None" },
        { Strategy: "BytesPerHour", BytesPerHour: 1 },
      ]) {
        const set = await a.send(new SetDataRetrievalPolicyCommand({ accountId: "-", Policy: { Rules: [rule] } }));
        assert.equal(set.$metadata.httpStatusCode, 204);
        const got = await a.send(new GetDataRetrievalPolicyCommand({ accountId: ACCOUNT_A }));
        assert.deepEqual(got.Policy, { Rules: [rule] });
      }
      assert.deepEqual((await b.send(new GetDataRetrievalPolicyCommand({ accountId: "-" }))).Policy, {
        Rules: [{ Strategy: "None" }],
      });
      const west = clientAt(s, CRED_A, clock, "us-west-2");
      assert.deepEqual((await west.send(new GetDataRetrievalPolicyCommand({ accountId: "-" }))).Policy, {
        Rules: [{ Strategy: "None" }],
      });
      await a.send(new SetDataRetrievalPolicyCommand({ accountId: "-", Policy: { Rules: [{ Strategy: "None" }] } }));
    });

    test("bad bodies are refused and the policy in force stays", async () => {
      await a.send(
        new SetDataRetrievalPolicyCommand({ accountId: "-", Policy: { Rules: [{ Strategy: "FreeTier" }] } }),
      );
      const cases: [Record<string, unknown> | undefined, string][] = [
        [undefined, "MissingParameterValueException"],
        [{ Rules: [] }, "InvalidParameterValueException"],
        [{ Rules: [{ Strategy: "FreeTier" }, { Strategy: "None" }] }, "InvalidParameterValueException"],
        [{ Rules: [{ Strategy: "Sometimes" }] }, "InvalidParameterValueException"],
        [{ Rules: [{ Strategy: "BytesPerHour" }] }, "MissingParameterValueException"],
        [{ Rules: [{ Strategy: "BytesPerHour", BytesPerHour: 0 }] }, "InvalidParameterValueException"],
        [{ Rules: [{ Strategy: "None", BytesPerHour: 5 }] }, "InvalidParameterValueException"],
      ];
      for (const [Policy, code] of cases) {
        await rejectsWith(
          a.send(new SetDataRetrievalPolicyCommand({ accountId: "-", Policy: Policy as never })),
          code,
          400,
        );
      }
      assert.deepEqual((await a.send(new GetDataRetrievalPolicyCommand({ accountId: "-" }))).Policy, {
        Rules: [{ Strategy: "FreeTier" }],
      });
      await a.send(new SetDataRetrievalPolicyCommand({ accountId: "-", Policy: { Rules: [{ Strategy: "None" }] } }));
    });

    test("another account's policy is AccessDenied (no resource policy applies)", async () => {
      await rejectsWith(
        b.send(new GetDataRetrievalPolicyCommand({ accountId: ACCOUNT_A })),
        "AccessDeniedException",
        403,
        `User: arn:aws:iam::${ACCOUNT_B}:root is not authorized to perform: glacier:GetDataRetrievalPolicy on resource: arn:aws:glacier:us-east-1:${ACCOUNT_A}:policies/retrieval-limit-policy`,
      );
      await rejectsWith(
        b.send(new SetDataRetrievalPolicyCommand({ accountId: ACCOUNT_A, Policy: { Rules: [{ Strategy: "None" }] } })),
        "AccessDeniedException",
        403,
      );
    });
  });

  describe("provisioned capacity", () => {
    test("purchase (201, capacity id), list with calendar-month term, at most 2 active, expiry frees a slot", async () => {
      assert.deepEqual(
        (await b.send(new ListProvisionedCapacityCommand({ accountId: "-" }))).ProvisionedCapacityList,
        [],
      );
      const first = await b.send(new PurchaseProvisionedCapacityCommand({ accountId: "-" }));
      assert.equal(first.$metadata.httpStatusCode, 201);
      assert.match(first.capacityId ?? "", /^[A-Za-z0-9]{24}$/);
      const list = (await b.send(new ListProvisionedCapacityCommand({ accountId: ACCOUNT_B }))).ProvisionedCapacityList;
      assert.deepEqual(list, [
        {
          CapacityId: first.capacityId,
          StartDate: "2030-06-15T12:00:00.250Z",
          ExpirationDate: "2030-07-15T12:00:00.000Z",
        },
      ]);
      clock.advance(10 * DAY);
      at();
      const second = await b.send(new PurchaseProvisionedCapacityCommand({ accountId: "-" }));
      await rejectsWith(
        b.send(new PurchaseProvisionedCapacityCommand({ accountId: "-" })),
        "LimitExceededException",
        400,
        /\(2\)/,
      );
      // Another account and another region have their own allowance.
      await rejectsWith(
        a.send(new PurchaseProvisionedCapacityCommand({ accountId: ACCOUNT_B })),
        "AccessDeniedException",
        403,
      );
      clock.advance(21 * DAY); // the first unit expired on 2030-07-15
      at();
      const ids = (await b.send(new ListProvisionedCapacityCommand({ accountId: "-" }))).ProvisionedCapacityList?.map(
        (u) => u.CapacityId,
      );
      assert.deepEqual(ids, [second.capacityId]);
      const third = await b.send(new PurchaseProvisionedCapacityCommand({ accountId: "-" }));
      assert.equal(third.$metadata.httpStatusCode, 201);
    });
  });

  describe("admitRetrieval", () => {
    let vault: VaultRecord;
    const req = {} as OperationRequest; // admitRetrieval decides from the vault owner, not the request
    const admit = (r: Partial<RetrievalRequest>) =>
      admitRetrieval(req, s.svc, { vault, type: "archive-retrieval", tier: "Standard", bytes: 1, ...r });
    const refused = (p: Promise<unknown>, code: string) =>
      assert.rejects(p, (e: Error & { code?: string }) => e.code === code);
    const setRule = (rule: Record<string, unknown>) =>
      a.send(new SetDataRetrievalPolicyCommand({ accountId: "-", Policy: { Rules: [rule] } }));

    before(async () => {
      await a.send(new CreateVaultCommand({ accountId: "-", vaultName: "retrievals" }));
      vault = (await s.svc.store.vaults.get({ accountId: ACCOUNT_A, region: "us-east-1", name: "retrievals" }))!;
    });

    test("None admits anything", async () => {
      await setRule({ Strategy: "None" });
      await admit({ bytes: 10 ** 13 });
    });

    test("BytesPerHour: in-flight Standard bytes over the window, freed as jobs age out", async () => {
      clock.advance(DAY);
      at();
      await setRule({ Strategy: "BytesPerHour", BytesPerHour: 1000 });
      await admit({ bytes: 3000 });
      clock.advance(HOUR);
      await admit({ bytes: 1000 }); // 4000 bytes over 4 h = 1000 B/h: exactly the limit
      await refused(admit({ bytes: 1 }), "PolicyEnforcedException");
      await admit({ tier: "Bulk", bytes: 10 ** 12 }); // not governed
      await admit({ type: "inventory-retrieval", bytes: 0 });
      clock.advance(3 * HOUR); // the 3000-byte job's window has ended
      await admit({ bytes: 3000 });
      await refused(admit({ bytes: 1 }), "PolicyEnforcedException");
      // Refused jobs are not counted: after the window everything is free again.
      clock.advance(4 * HOUR);
      await admit({ bytes: 4000 });
    });

    test("FreeTier: a daily allowance that resets at 00:00 UTC", async () => {
      clock.t = Date.parse("2030-09-01T08:00:00Z");
      at();
      await setRule({ Strategy: "FreeTier" });
      await admit({ bytes: 4000 });
      await admit({ bytes: 1000 });
      const err = await admit({ bytes: 1 }).catch((e: Error) => e);
      assert.ok(err instanceof Error);
      assert.equal((err as Error & { code: string }).code, "PolicyEnforcedException");
      assert.equal(err.message, POLICY_DENIED);
      clock.t = Date.parse("2030-09-02T00:00:00Z");
      await admit({ bytes: 5000 });
      await refused(admit({ bytes: 1 }), "PolicyEnforcedException");
      at();
      await setRule({ Strategy: "None" });
    });

    test("Expedited: simulated on-demand capacity, always served with provisioned capacity", async () => {
      const cfg = s.svc.config;
      try {
        cfg.expeditedCapacity = "never";
        await refused(admit({ tier: "Expedited", bytes: 5 }), "InsufficientCapacityException");
        cfg.expeditedCapacity = "2-per-5-min";
        await admit({ tier: "Expedited" });
        await admit({ tier: "Expedited" });
        await refused(admit({ tier: "Expedited" }), "InsufficientCapacityException");
        clock.advance(5 * 60 * 1000);
        await admit({ tier: "Expedited" });
        cfg.expeditedCapacity = "always";
        for (let i = 0; i < 5; i++) await admit({ tier: "Expedited" });
        cfg.expeditedCapacity = "never";
        at();
        await a.send(new PurchaseProvisionedCapacityCommand({ accountId: "-" }));
        for (let i = 0; i < 5; i++) await admit({ tier: "Expedited", bytes: 10 ** 9 });
        // Standard retrievals are not affected by the Expedited setting.
        await admit({ bytes: 10 });
      } finally {
        cfg.expeditedCapacity = "always";
      }
    });

    test("through InitiateJob: PolicyEnforcedException 400 and InsufficientCapacityException 503 on the wire", async () => {
      at();
      await a.send(new CreateVaultCommand({ accountId: "-", vaultName: "initiate" }));
      const up = await a.send(
        new UploadArchiveCommand({ accountId: "-", vaultName: "initiate", body: new Uint8Array(2048).fill(7) }),
      );
      await setRule({ Strategy: "BytesPerHour", BytesPerHour: 100 });
      const job = (Tier: string) =>
        a.send(
          new InitiateJobCommand({
            accountId: "-",
            vaultName: "initiate",
            jobParameters: { Type: "archive-retrieval", ArchiveId: up.archiveId, Tier: Tier },
          }),
        );
      await rejectsWith(job("Standard"), "PolicyEnforcedException", 400, POLICY_DENIED);
      assert.equal((await job("Bulk")).$metadata.httpStatusCode, 202);
      await setRule({ Strategy: "None" });
      assert.equal((await job("Standard")).$metadata.httpStatusCode, 202);

      const capacityless = await startTestServer({ expeditedCapacity: "never" });
      try {
        const c = capacityless.client();
        await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "v" }));
        const arch = await c.send(
          new UploadArchiveCommand({ accountId: "-", vaultName: "v", body: new Uint8Array(10) }),
        );
        const expedited = new InitiateJobCommand({
          accountId: "-",
          vaultName: "v",
          jobParameters: { Type: "archive-retrieval", ArchiveId: arch.archiveId, Tier: "Expedited" },
        });
        await rejectsWith(c.send(expedited), "InsufficientCapacityException", 503, /not enough capacity/);
        await c.send(new PurchaseProvisionedCapacityCommand({ accountId: "-" }));
        assert.equal((await c.send(expedited)).$metadata.httpStatusCode, 202);
      } finally {
        await capacityless.stop();
      }
    });
  });
});
