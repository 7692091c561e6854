import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RetrievalUsage, Tier } from "../../src/store/settings.js";
import { type OpenStore, useStore } from "./contract.js";

/**
 * The SettingsStore contract (vault configuration and account settings), through the MetadataStore
 * interface only: every implementation must pass it unchanged.
 */
export function settingsContract(name: string, open: OpenStore) {
  describe(`settings contract: ${name}`, () => {
    const { fixture } = useStore(open);

    const vault = async (name: string) =>
      (await fixture.store.vaults.create({ accountId: "111122223333", region: "ap-south-1", name }, 0, 1000)).id;
    const policy = (n: number) => ({
      document: `{"Version":"2012-10-17","Statement":[{"Sid":"s${n}"}]}`,
      parsed: `{"statements":[{"sid":"s${n}"}]}`,
    });
    const lock = (n: number, lockId: string, now: number, expiresAt: number) => ({
      ...policy(n),
      lockId,
      now,
      expiresAt,
    });

    test("tags: add overwrites, remove ignores absent keys, keys are case-sensitive, per vault", async () => {
      const v = await vault("tags");
      const other = await vault("tags-other");
      assert.deepEqual(await fixture.store.settings.listTags(v), {});
      await fixture.store.settings.addTags(v, { env: "prod", team: "a" }, 50);
      await fixture.store.settings.addTags(v, { team: "b", Env: "Prod", empty: "" }, 50);
      assert.deepEqual(await fixture.store.settings.listTags(v), { env: "prod", Env: "Prod", team: "b", empty: "" });
      await fixture.store.settings.removeTags(v, ["Env", "absent"]);
      assert.deepEqual(await fixture.store.settings.listTags(v), { env: "prod", team: "b", empty: "" });
      await fixture.store.settings.removeTags(v, []);
      assert.deepEqual(await fixture.store.settings.listTags(other), {});
      await fixture.store.settings.addTags(other, { env: "test" }, 50);
      assert.deepEqual(await fixture.store.settings.listTags(v), { env: "prod", team: "b", empty: "" });
      assert.deepEqual(await fixture.store.settings.listTags(other), { env: "test" });
    });

    test("tags: the limit counts the tags a vault would hold; a refused call changes nothing", async () => {
      const v = await vault("tag-limit");
      await fixture.store.settings.addTags(v, { a: "1", b: "2" }, 3);
      await fixture.store.settings.addTags(v, { c: "3" }, 3);
      await fixture.store.settings.addTags(v, { a: "one", b: "two", c: "three" }, 3);
      assert.deepEqual(
        await fixture.store.settings.listTags(v),
        { a: "one", b: "two", c: "three" },
        "overwrites are free",
      );
      await assert.rejects(fixture.store.settings.addTags(v, { a: "uno", d: "4" }, 3), {
        code: "LimitExceededException",
      });
      assert.deepEqual(await fixture.store.settings.listTags(v), { a: "one", b: "two", c: "three" });
      await assert.rejects(fixture.store.settings.addTags(await vault("tag-limit-2"), { a: "1", b: "2" }, 1), {
        code: "LimitExceededException",
      });
      await fixture.store.settings.removeTags(v, ["b"]);
      await fixture.store.settings.addTags(v, { d: "4" }, 3);
      assert.deepEqual(await fixture.store.settings.listTags(v), { a: "one", c: "three", d: "4" });
    });

    test("notifications: set, replace and delete", async () => {
      const v = await vault("notify");
      const other = await vault("notify-other");
      assert.equal(await fixture.store.settings.getNotifications(v), undefined);
      const first = {
        snsTopic: "arn:aws:sns:ap-south-1:111122223333:first",
        events: ["InventoryRetrievalCompleted", "ArchiveRetrievalCompleted"],
      };
      await fixture.store.settings.setNotifications(v, first);
      assert.deepEqual(await fixture.store.settings.getNotifications(v), first);
      const second = { snsTopic: "arn:aws:sns:ap-south-1:111122223333:second", events: ["ArchiveRetrievalCompleted"] };
      await fixture.store.settings.setNotifications(v, second);
      assert.deepEqual(await fixture.store.settings.getNotifications(v), second);
      assert.equal(await fixture.store.settings.getNotifications(other), undefined);
      await fixture.store.settings.deleteNotifications(v);
      assert.equal(await fixture.store.settings.getNotifications(v), undefined);
      await fixture.store.settings.deleteNotifications(v);
    });

    test("access policy: set, replace and delete, both forms kept verbatim, in force at once", async () => {
      const v = await vault("access");
      assert.equal(await fixture.store.settings.getAccessPolicy(v), undefined);
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 1000), {});
      const spaced = { document: ' { "Version" : "2012-10-17" , "Statement" : [ ] } ', parsed: '{"statements":[]}' };
      await fixture.store.settings.setAccessPolicy(v, spaced, 1000);
      assert.deepEqual(await fixture.store.settings.getAccessPolicy(v), spaced);
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 1000), { access: spaced.parsed });
      await fixture.store.settings.setAccessPolicy(v, policy(2), 1100);
      assert.deepEqual(await fixture.store.settings.getAccessPolicy(v), policy(2));
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 1100), { access: policy(2).parsed });
      assert.equal(await fixture.store.settings.getAccessPolicy(await vault("access-other")), undefined);
      await fixture.store.settings.deleteAccessPolicy(v);
      assert.equal(await fixture.store.settings.getAccessPolicy(v), undefined);
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 1200), {});
      await fixture.store.settings.deleteAccessPolicy(v);
    });

    test("Vault Lock: nothing to complete or abort; initiate, wrong id, abort", async () => {
      const v = await vault("lock-abort");
      assert.equal(await fixture.store.settings.getLock(v, 1000), undefined);
      assert.equal(await fixture.store.settings.completeLock(v, "lock-x", 1000), "none");
      assert.equal(await fixture.store.settings.abortLock(v, 1000), "none");

      assert.equal(await fixture.store.settings.initiateLock(v, lock(1, "lock-1", 1000, 5000)), "initiated");
      assert.deepEqual(await fixture.store.settings.getLock(v, 1000), {
        vaultId: v,
        lockId: "lock-1",
        state: "InProgress",
        createdAt: 1000,
        expiresAt: 5000,
        ...policy(1),
      });
      assert.equal(await fixture.store.settings.initiateLock(v, lock(2, "lock-2", 1100, 6000)), "InProgress");
      assert.equal((await fixture.store.settings.getLock(v, 1100))?.lockId, "lock-1", "the attempt in progress stays");
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 1100), { lock: policy(1).parsed });

      assert.equal(await fixture.store.settings.completeLock(v, "lock-2", 1200), "wrong-id-in-progress");
      assert.equal((await fixture.store.settings.getLock(v, 1200))?.state, "InProgress");

      assert.equal(await fixture.store.settings.abortLock(v, 1300), "aborted");
      assert.equal(await fixture.store.settings.getLock(v, 1300), undefined);
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 1300), {});
      assert.equal(await fixture.store.settings.abortLock(v, 1400), "none");
      assert.equal(await fixture.store.settings.completeLock(v, "lock-1", 1400), "none");
      assert.equal(await fixture.store.settings.initiateLock(v, lock(3, "lock-3", 1500, 6000)), "initiated");
      assert.equal((await fixture.store.settings.getLock(v, 1500))?.lockId, "lock-3");
    });

    test("Vault Lock: an InProgress lock lapses at its expiry", async () => {
      const v = await vault("lock-lapse");
      await fixture.store.settings.setAccessPolicy(v, policy(9), 900);
      assert.equal(await fixture.store.settings.initiateLock(v, lock(1, "lock-1", 1000, 2000)), "initiated");
      assert.equal((await fixture.store.settings.getLock(v, 1999))?.lockId, "lock-1");
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 1999), {
        access: policy(9).parsed,
        lock: policy(1).parsed,
      });
      assert.equal(await fixture.store.settings.getLock(v, 2000), undefined);
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 2000), { access: policy(9).parsed });
      assert.equal(await fixture.store.settings.completeLock(v, "lock-1", 2000), "none");
      assert.equal(await fixture.store.settings.getLock(v, 2000), undefined, "a lapsed lock cannot be completed");
      assert.equal(await fixture.store.settings.abortLock(v, 2001), "none");

      assert.equal(await fixture.store.settings.initiateLock(v, lock(2, "lock-2", 3000, 4000)), "initiated");
      assert.equal(
        await fixture.store.settings.initiateLock(v, lock(3, "lock-3", 4000, 5000)),
        "initiated",
        "over a lapse",
      );
      const current = await fixture.store.settings.getLock(v, 4000);
      assert.deepEqual([current?.lockId, current?.createdAt, current?.expiresAt], ["lock-3", 4000, 5000]);
      assert.equal(current?.document, policy(3).document);
    });

    test("Vault Lock: a Locked lock cannot be changed, aborted, replaced or outlived", async () => {
      const v = await vault("lock-locked");
      await fixture.store.settings.initiateLock(v, lock(1, "lock-1", 1000, 5000));
      assert.equal(await fixture.store.settings.completeLock(v, "lock-1", 1500), "locked");
      const locked = {
        vaultId: v,
        lockId: "lock-1",
        state: "Locked",
        createdAt: 1000,
        expiresAt: null,
        ...policy(1),
      };
      assert.deepEqual(await fixture.store.settings.getLock(v, 1500), locked);
      assert.deepEqual(await fixture.store.settings.getLock(v, 10_000_000), locked, "no longer lapses");
      assert.equal(await fixture.store.settings.completeLock(v, "lock-1", 2000), "already-locked");
      assert.equal(await fixture.store.settings.completeLock(v, "lock-other", 2000), "wrong-id-locked");
      assert.equal(await fixture.store.settings.initiateLock(v, lock(2, "lock-2", 2000, 9000)), "Locked");
      assert.equal(await fixture.store.settings.abortLock(v, 2000), "locked");
      assert.equal(await fixture.store.settings.abortLock(v, 10_000_000), "locked");
      assert.deepEqual(await fixture.store.settings.getLock(v, 10_000_000), locked);
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 10_000_000), { lock: policy(1).parsed });
    });

    test("data-retrieval policy: per account and region, replaced whole", async () => {
      const acct = "222233334444";
      assert.equal(await fixture.store.settings.getRetrievalPolicy(acct, "us-east-1"), undefined);
      await fixture.store.settings.setRetrievalPolicy(
        acct,
        "us-east-1",
        { strategy: "BytesPerHour", bytesPerHour: 1024 },
        1,
      );
      assert.deepEqual(await fixture.store.settings.getRetrievalPolicy(acct, "us-east-1"), {
        strategy: "BytesPerHour",
        bytesPerHour: 1024,
      });
      assert.equal(await fixture.store.settings.getRetrievalPolicy(acct, "eu-west-1"), undefined);
      assert.equal(await fixture.store.settings.getRetrievalPolicy("555566667777", "us-east-1"), undefined);
      await fixture.store.settings.setRetrievalPolicy(acct, "us-east-1", { strategy: "FreeTier" }, 2);
      assert.deepEqual(await fixture.store.settings.getRetrievalPolicy(acct, "us-east-1"), { strategy: "FreeTier" });
      await fixture.store.settings.setRetrievalPolicy(acct, "us-east-1", { strategy: "None" }, 3);
      assert.deepEqual(await fixture.store.settings.getRetrievalPolicy(acct, "us-east-1"), { strategy: "None" });
      // The largest value SetDataRetrievalPolicy accepts (2^63 − 1, as a JavaScript number).
      const most = 2 ** 63 - 1;
      await fixture.store.settings.setRetrievalPolicy(
        acct,
        "eu-west-1",
        { strategy: "BytesPerHour", bytesPerHour: most },
        4,
      );
      assert.deepEqual(await fixture.store.settings.getRetrievalPolicy(acct, "eu-west-1"), {
        strategy: "BytesPerHour",
        bytesPerHour: most,
      });
    });

    test("provisioned capacity: bounded by unexpired units, listed oldest first, per account and region", async () => {
      const acct = "333344445555";
      const unit = (capacityId: string, startAt: number, expiresAt: number, region = "us-east-2") => ({
        capacityId,
        accountId: acct,
        region,
        startAt,
        expiresAt,
      });
      assert.deepEqual(await fixture.store.settings.listCapacity(acct, "us-east-2", 0), []);
      await fixture.store.settings.purchaseCapacity(unit("cap-b", 200, 1200), 2, 200);
      await fixture.store.settings.purchaseCapacity(unit("cap-y", 100, 1000), 2, 200);
      await assert.rejects(fixture.store.settings.purchaseCapacity(unit("cap-c", 300, 1300), 2, 300), {
        code: "LimitExceededException",
      });
      await fixture.store.settings.purchaseCapacity(unit("cap-west", 300, 1300, "us-west-1"), 2, 300);
      assert.deepEqual(await fixture.store.settings.listCapacity(acct, "us-east-2", 300), [
        unit("cap-y", 100, 1000),
        unit("cap-b", 200, 1200),
      ]);
      assert.deepEqual(await fixture.store.settings.listCapacity(acct, "us-east-2", 1000), [unit("cap-b", 200, 1200)]);
      await fixture.store.settings.purchaseCapacity(unit("cap-d", 1000, 2000), 2, 1000);
      await assert.rejects(fixture.store.settings.purchaseCapacity(unit("cap-e", 1100, 2100), 2, 1100), {
        code: "LimitExceededException",
      });
      assert.deepEqual(await fixture.store.settings.listCapacity(acct, "us-east-2", 1100), [
        unit("cap-b", 200, 1200),
        unit("cap-d", 1000, 2000),
      ]);
      assert.deepEqual(await fixture.store.settings.listCapacity(acct, "us-west-1", 1100), [
        unit("cap-west", 300, 1300, "us-west-1"),
      ]);
      assert.deepEqual(await fixture.store.settings.listCapacity("999999999999", "us-east-2", 1100), []);
    });

    test("retrieval admission: decide sees the rule, capacity and prior usage; refusals record nothing", async () => {
      const acct = "444455556666";
      const region = "ca-central-1";
      const seen: { rule: unknown; hasCapacity: boolean; std: number; exp: number; expCount: number }[] = [];
      const admit = (tier: Tier, bytes: number, now: number, refuse?: Error) =>
        fixture.store.settings.admitRetrieval({ accountId: acct, region, tier, bytes, now }, (u: RetrievalUsage) => {
          seen.push({
            rule: u.rule,
            hasCapacity: u.hasCapacity,
            std: u.bytesSince("Standard", 0),
            exp: u.bytesSince("Expedited", 0),
            expCount: u.onDemandCountSince("Expedited", 0),
          });
          if (refuse) throw refuse;
        });
      const usage = async (now: number, probe: (u: RetrievalUsage) => unknown) => {
        let out: unknown;
        await fixture.store.settings.admitRetrieval({ accountId: acct, region, tier: "Bulk", bytes: 0, now }, (u) => {
          out = probe(u);
        });
        return out;
      };

      await admit("Standard", 100, 1000);
      assert.deepEqual(seen.at(-1), { rule: { strategy: "None" }, hasCapacity: false, std: 0, exp: 0, expCount: 0 });
      await admit("Standard", 50, 2000);
      assert.equal(seen.at(-1)?.std, 100, "decide sees usage before this retrieval");
      const refusal = new Error("PolicyEnforced");
      await assert.rejects(admit("Standard", 1_000_000, 3000, refusal), (e) => e === refusal);
      await admit("Bulk", 7777, 3000);
      await admit("Expedited", 10, 3000);
      await assert.rejects(admit("Expedited", 20, 3100, refusal), (e) => e === refusal);

      assert.equal(await usage(4000, (u) => u.bytesSince("Standard", 0)), 150, "refused and Bulk are not counted");
      assert.equal(await usage(4000, (u) => u.bytesSince("Standard", 2000)), 50, "inclusive lower bound");
      assert.equal(await usage(4000, (u) => u.bytesSince("Standard", 2001)), 0);
      assert.equal(await usage(4000, (u) => u.bytesSince("Bulk", 0)), 0);
      assert.equal(await usage(4000, (u) => u.bytesSince("Expedited", 0)), 10);
      assert.equal(await usage(4000, (u) => u.onDemandCountSince("Expedited", 0)), 1);
      assert.equal(await usage(4000, (u) => u.onDemandCountSince("Standard", 1000)), 2);

      await fixture.store.settings.setRetrievalPolicy(
        acct,
        region,
        { strategy: "BytesPerHour", bytesPerHour: 500 },
        4000,
      );
      await fixture.store.settings.purchaseCapacity(
        { capacityId: "cap-admit", accountId: acct, region, startAt: 4000, expiresAt: 9000 },
        10,
        4000,
      );
      await admit("Expedited", 30, 5000);
      assert.deepEqual(seen.at(-1), {
        rule: { strategy: "BytesPerHour", bytesPerHour: 500 },
        hasCapacity: true,
        std: 150,
        exp: 10,
        expCount: 1,
      });
      assert.equal(await usage(5000, (u) => u.bytesSince("Expedited", 0)), 40);
      assert.equal(await usage(5000, (u) => u.onDemandCountSince("Expedited", 0)), 1, "ran on provisioned capacity");
      await admit("Standard", 5, 5000);
      assert.equal(await usage(5000, (u) => u.onDemandCountSince("Standard", 0)), 3, "capacity serves Expedited only");
      assert.equal(await usage(9000, (u) => u.hasCapacity), false, "the unit has expired");
      await admit("Expedited", 1, 9000);
      assert.equal(await usage(9000, (u) => u.onDemandCountSince("Expedited", 0)), 2);
      let elsewhere: unknown[] = [];
      await fixture.store.settings.admitRetrieval(
        { accountId: "777788889999", region, tier: "Standard", bytes: 1, now: 9000 },
        (u) => {
          elsewhere = [u.bytesSince("Standard", 0), u.onDemandCountSince("Expedited", 0), u.hasCapacity];
        },
      );
      assert.deepEqual(elsewhere, [0, 0, false], "usage is per account");
    });

    test("deleting a vault takes its configuration with it, even a Locked lock", async () => {
      const v = await vault("doomed");
      const other = await vault("doomed-other");
      for (const id of [v, other]) {
        await fixture.store.settings.addTags(id, { k: "v" }, 50);
        await fixture.store.settings.setNotifications(id, {
          snsTopic: "arn:aws:sns:ap-south-1:111122223333:t",
          events: ["x"],
        });
        await fixture.store.settings.setAccessPolicy(id, policy(1), 1000);
        await fixture.store.settings.initiateLock(id, lock(2, `lock-${id}`, 1000, 5000));
        assert.equal(await fixture.store.settings.completeLock(id, `lock-${id}`, 1000), "locked");
      }
      await fixture.store.settings.setRetrievalPolicy("111122223333", "ap-south-1", { strategy: "FreeTier" }, 1000);

      assert.equal(await fixture.store.vaults.deleteIfEmpty(v, 2000), true);
      assert.deepEqual(await fixture.store.settings.listTags(v), {});
      assert.equal(await fixture.store.settings.getNotifications(v), undefined);
      assert.equal(await fixture.store.settings.getAccessPolicy(v), undefined);
      assert.equal(await fixture.store.settings.getLock(v, 2000), undefined);
      assert.deepEqual(await fixture.store.settings.policiesInForce(v, 2000), {});

      assert.deepEqual(await fixture.store.settings.listTags(other), { k: "v" });
      assert.equal(
        (await fixture.store.settings.getNotifications(other))?.snsTopic,
        "arn:aws:sns:ap-south-1:111122223333:t",
      );
      assert.deepEqual(await fixture.store.settings.getAccessPolicy(other), policy(1));
      assert.equal((await fixture.store.settings.getLock(other, 2000))?.state, "Locked");
      assert.deepEqual(
        await fixture.store.settings.getRetrievalPolicy("111122223333", "ap-south-1"),
        { strategy: "FreeTier" },
        "account settings are not the vault's",
      );
    });
  });
}
