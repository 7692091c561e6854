import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JobRecord } from "../../src/core/jobs-model.js";
import type { Delivery, JobFilter } from "../../src/store/jobs.js";
import type { ArchiveRecord } from "../../src/store/types.js";
import { type OpenStore, useStore } from "./contract.js";

/**
 * The JobStore contract (retrieval jobs, their blob references and the notification outbox), through
 * the MetadataStore interface only: every implementation must pass it unchanged.
 */
export function jobContract(name: string, open: OpenStore) {
  describe(`job contract: ${name}`, () => {
    const { fixture, alone } = useStore(open);

    const vault = async (name: string) =>
      (await fixture.store.vaults.create({ accountId: "111122223333", region: "eu-central-1", name }, 0, 1000)).id;
    const inventoryJob = (jobId: string, vaultId: number, createdAt: number, over: Partial<JobRecord> = {}) =>
      ({
        jobId,
        seq: 0,
        vaultId,
        vaultArn: `arn:aws:glacier:eu-central-1:111122223333:vaults/v${vaultId}`,
        action: "InventoryRetrieval",
        description: null,
        snsTopic: null,
        tier: null,
        createdAt,
        dueAt: createdAt + 1000,
        status: "InProgress",
        statusMessage: "Operation in progress.",
        completedAt: null,
        expiresAt: null,
        archiveId: null,
        archiveSize: null,
        archiveTreeHash: null,
        archiveDescription: null,
        rangeFirst: null,
        rangeLast: null,
        rangeTreeHash: null,
        segments: [],
        inventory: { format: "JSON", startDate: null, endDate: null, limit: null, marker: null },
        inventorySize: null,
        nextMarker: null,
        ...over,
      }) satisfies JobRecord;
    const archiveJob = (jobId: string, a: ArchiveRecord, createdAt: number, over: Partial<JobRecord> = {}) =>
      inventoryJob(jobId, a.vaultId, createdAt, {
        action: "ArchiveRetrieval",
        tier: "Standard",
        archiveId: a.archiveId,
        archiveSize: a.size,
        archiveTreeHash: a.treeHash,
        archiveDescription: a.description,
        rangeFirst: 0,
        rangeLast: a.size - 1,
        rangeTreeHash: a.treeHash,
        segments: a.segments,
        inventory: null,
        ...over,
      });
    const archive = async (archiveId: string, vaultId: number, keys: string[]) => {
      const a: ArchiveRecord = {
        archiveId,
        vaultId,
        size: keys.length * 10,
        treeHash: `tree-${archiveId}`,
        description: `about ${archiveId}`,
        createdAt: 10,
        segments: keys.map((key) => ({ key, size: 10 })),
      };
      await fixture.store.archives.insert(a, 10);
      return a;
    };
    const create = async (job: JobRecord) => {
      assert.equal(await fixture.store.jobs.create(job), true, `create ${job.jobId}`);
      const stored = await fixture.store.jobs.get(job.jobId);
      assert.ok(stored);
      return stored;
    };
    const succeed = (jobId: string, now: number, expiresAt: number, topics: string[] = []) =>
      fixture.store.jobs.complete(
        jobId,
        { status: "Succeeded", statusMessage: "Succeeded" },
        now,
        expiresAt,
        topics.map((topic) => ({ topic, body: `{"JobId":"${jobId}"}` })),
      );
    const ids = (jobs: readonly { jobId: string }[]) => jobs.map((j) => j.jobId);
    const garbageAmong = async (keys: string[]) =>
      (await fixture.store.blobs.garbage(100_000)).filter((k) => keys.includes(k)).sort();
    const outboxOf = async (jobId: string) =>
      (await fixture.store.jobs.deliveries(undefined, 100_000)).filter((d) => d.jobId === jobId);

    test("create stores every field; get reads it back with a growing insertion sequence", async () => {
      const v = await vault("create");
      const job = inventoryJob("job-create-1", v, 1000, {
        description: "monthly inventory",
        snsTopic: "arn:aws:sns:eu-central-1:111122223333:topic",
        dueAt: 5000,
        inventory: {
          format: "CSV",
          startDate: "2024-01-01T00:00:00Z",
          endDate: "2024-02-01T00:00:00Z",
          limit: "100",
          marker: "opaque-marker",
        },
      });
      const first = await create(job);
      assert.deepEqual(first, { ...job, seq: first.seq });
      assert.ok(Number.isSafeInteger(first.seq));
      const second = await create(inventoryJob("job-create-2", v, 1000));
      const third = await create(inventoryJob("job-create-3", v, 999));
      assert.ok(second.seq > first.seq && third.seq > second.seq, "seq follows insertion, not creation time");
      assert.equal(await fixture.store.jobs.get("job-create-unknown"), undefined);
    });

    test("an archive retrieval references the archive's blobs; a vanished archive refuses it", async () => {
      const v = await vault("retrieval");
      const other = await vault("retrieval-other");
      const a = await archive("arch-ret", v, ["ret-1", "ret-2"]);
      const job = archiveJob("job-ret", a, 1000, {
        tier: "Expedited",
        rangeFirst: 0,
        rangeLast: 9,
        rangeTreeHash: null,
      });
      const stored = await create(job);
      assert.deepEqual(stored, { ...job, seq: stored.seq });
      await fixture.store.archives.delete("arch-ret", 1100);
      assert.deepEqual(await garbageAmong(["ret-1", "ret-2"]), [], "the job keeps the blobs alive");
      assert.equal(await fixture.store.jobs.create(archiveJob("job-ret-late", a, 1200)), false);
      assert.equal(await fixture.store.jobs.get("job-ret-late"), undefined);

      const b = await archive("arch-ret-b", v, ["ret-b"]);
      assert.equal(
        await fixture.store.jobs.create(archiveJob("job-ret-foreign", { ...b, vaultId: other }, 1200)),
        false,
        "the archive must be in the job's vault",
      );
      assert.equal(await fixture.store.jobs.get("job-ret-foreign"), undefined);
    });

    test("list: a vault's unexpired jobs, newest first, after the cursor, filtered", async () => {
      const v = await vault("list");
      const other = await vault("list-other");
      await create(inventoryJob("job-l1", v, 100));
      await create(inventoryJob("job-l2", v, 200));
      await create(inventoryJob("job-l3", v, 200));
      await create(inventoryJob("job-l4", v, 300));
      await create(inventoryJob("job-l5-short", v, 150));
      await create(inventoryJob("job-l-foreign", other, 250));
      assert.equal(await succeed("job-l2", 400, 10_000), true);
      assert.equal(
        await fixture.store.jobs.complete("job-l4", { status: "Failed", statusMessage: "broken" }, 400, 10_000, []),
        true,
      );
      assert.equal(await succeed("job-l5-short", 400, 500), true);
      const list = async (filter: JobFilter, now = 1000) =>
        ids(await fixture.store.jobs.list(v, filter, now, undefined, 100));

      assert.deepEqual(await list({}), ["job-l4", "job-l3", "job-l2", "job-l1"]);
      assert.deepEqual(await list({}, 499), ["job-l4", "job-l3", "job-l2", "job-l5-short", "job-l1"]);
      assert.deepEqual(await list({}, 500), ["job-l4", "job-l3", "job-l2", "job-l1"], "gone at its expiry instant");
      assert.deepEqual(await list({ status: "Succeeded" }), ["job-l2"]);
      assert.deepEqual(await list({ status: "Failed" }), ["job-l4"]);
      assert.deepEqual(await list({ status: "InProgress" }), ["job-l3", "job-l1"]);
      assert.deepEqual(await list({ completed: true }), ["job-l4", "job-l2"]);
      assert.deepEqual(await list({ completed: false }), ["job-l3", "job-l1"]);
      assert.deepEqual(await list({ completed: true, status: "Succeeded" }), ["job-l2"]);
      assert.deepEqual(await list({ completed: true, status: "InProgress" }), []);

      const page1 = await fixture.store.jobs.list(v, {}, 1000, undefined, 2);
      assert.deepEqual(ids(page1), ["job-l4", "job-l3"]);
      const last = page1.at(-1)!;
      const page2 = await fixture.store.jobs.list(v, {}, 1000, { createdAt: last.createdAt, seq: last.seq }, 2);
      assert.deepEqual(ids(page2), ["job-l2", "job-l1"]);
      const end = page2.at(-1)!;
      assert.deepEqual(await fixture.store.jobs.list(v, {}, 1000, { createdAt: end.createdAt, seq: end.seq }, 2), []);
      const filteredPage = await fixture.store.jobs.list(v, { completed: false }, 1000, { createdAt: 250, seq: 0 }, 1);
      assert.deepEqual(ids(filteredPage), ["job-l3"]);
      assert.deepEqual(ids(await fixture.store.jobs.list(other, {}, 1000, undefined, 10)), ["job-l-foreign"]);
    });

    alone("due and pending: in-progress jobs by due time and by creation, per vault or all", async () => {
      const a = await vault("due-a");
      const b = await vault("due-b");
      await create(inventoryJob("job-d1", a, 10, { dueAt: 500 }));
      await create(inventoryJob("job-d2", a, 20, { dueAt: 300 }));
      await create(inventoryJob("job-d3", b, 30, { dueAt: 300 }));
      await create(inventoryJob("job-d4", a, 5, { dueAt: 2000 }));
      await create(inventoryJob("job-d5", a, 1, { dueAt: 100 }));
      await succeed("job-d5", 150, 100_000);

      assert.deepEqual(ids(await fixture.store.jobs.due(299, 10)), []);
      assert.deepEqual(
        ids(await fixture.store.jobs.due(300, 10)),
        ["job-d2", "job-d3"],
        "inclusive, ties by insertion",
      );
      assert.deepEqual(ids(await fixture.store.jobs.due(1000, 10)), ["job-d2", "job-d3", "job-d1"]);
      assert.deepEqual(ids(await fixture.store.jobs.due(1000, 2)), ["job-d2", "job-d3"]);
      assert.deepEqual(ids(await fixture.store.jobs.due(1000, 10, a)), ["job-d2", "job-d1"]);
      assert.deepEqual(ids(await fixture.store.jobs.due(1000, 1, a)), ["job-d2"]);
      assert.deepEqual(ids(await fixture.store.jobs.due(1000, 10, b)), ["job-d3"]);
      assert.deepEqual(ids(await fixture.store.jobs.pending(10)), ["job-d4", "job-d1", "job-d2", "job-d3"]);
      assert.deepEqual(ids(await fixture.store.jobs.pending(2)), ["job-d4", "job-d1"]);
      await succeed("job-d2", 1000, 100_000);
      assert.deepEqual(ids(await fixture.store.jobs.due(1000, 10)), ["job-d3", "job-d1"]);
      assert.deepEqual(ids(await fixture.store.jobs.pending(10)), ["job-d4", "job-d1", "job-d3"]);
    });

    alone("makeDue brings one or every in-progress job forward, never back", async () => {
      const v = await vault("make-due");
      await create(inventoryJob("job-m1", v, 10, { dueAt: 5000 }));
      await create(inventoryJob("job-m2", v, 20, { dueAt: 50 }));
      await create(inventoryJob("job-m3", v, 30, { dueAt: 7000 }));
      await create(inventoryJob("job-m4", v, 40, { dueAt: 9000 }));
      await create(inventoryJob("job-m-done", v, 1, { dueAt: 8000 }));
      await succeed("job-m-done", 60, 100_000);

      assert.equal(await fixture.store.jobs.makeDue("job-m1", 100), 1);
      assert.equal((await fixture.store.jobs.get("job-m1"))?.dueAt, 100);
      await fixture.store.jobs.makeDue("job-m2", 100);
      assert.equal((await fixture.store.jobs.get("job-m2"))?.dueAt, 50, "an earlier due time stays");
      assert.equal(await fixture.store.jobs.makeDue("job-m-done", 100), 0);
      assert.equal((await fixture.store.jobs.get("job-m-done"))?.dueAt, 8000);
      assert.equal(await fixture.store.jobs.makeDue("job-unknown", 100), 0);
      assert.deepEqual(ids(await fixture.store.jobs.due(100, 10)), ["job-m2", "job-m1"]);

      await succeed("job-m2", 100, 100_000);
      assert.equal(await fixture.store.jobs.makeDue(undefined, 200), 3);
      assert.deepEqual(
        await Promise.all(
          ["job-m1", "job-m3", "job-m4", "job-m-done"].map(async (id) => (await fixture.store.jobs.get(id))?.dueAt),
        ),
        [100, 200, 200, 8000],
      );
      assert.deepEqual(ids(await fixture.store.jobs.due(200, 10)), ["job-m1", "job-m3", "job-m4"]);
    });

    test("complete wins once: the outcome, the output reference and the outbox rows land together", async () => {
      const v = await vault("complete");
      const before = await create(inventoryJob("job-c", v, 1000));
      const output = { key: "c-output-1", size: 42 };
      const won = await fixture.store.jobs.complete(
        "job-c",
        { status: "Succeeded", statusMessage: "Succeeded", output, inventorySize: 42, nextMarker: "next-page" },
        2000,
        9000,
        [
          { topic: "topic-1", body: "body-1" },
          { topic: "topic-2", body: "body-2" },
        ],
      );
      assert.equal(won, true);
      const done = await fixture.store.jobs.get("job-c");
      assert.deepEqual(done, {
        ...before,
        status: "Succeeded",
        statusMessage: "Succeeded",
        completedAt: 2000,
        expiresAt: 9000,
        inventorySize: 42,
        nextMarker: "next-page",
        segments: [output],
      });
      assert.equal(await fixture.store.blobs.known("c-output-1"), true);
      assert.deepEqual(await garbageAmong(["c-output-1"]), []);
      const queued = await outboxOf("job-c");
      assert.deepEqual(
        queued.map((d) => [d.topic, d.body, d.state, d.attempts, d.nextAttemptAt, d.createdAt, d.lastError]),
        [
          ["topic-1", "body-1", "pending", 0, 2000, 2000, null],
          ["topic-2", "body-2", "pending", 0, 2000, 2000, null],
        ],
      );

      const lost = await fixture.store.jobs.complete(
        "job-c",
        { status: "Failed", statusMessage: "late", output: { key: "c-output-2", size: 7 }, inventorySize: 7 },
        3000,
        12_000,
        [{ topic: "topic-3", body: "body-3" }],
      );
      assert.equal(lost, false);
      assert.deepEqual(await fixture.store.jobs.get("job-c"), done, "a losing completion changes nothing");
      assert.equal(await fixture.store.blobs.known("c-output-2"), false, "nor references its output");
      assert.equal((await outboxOf("job-c")).length, 2, "nor queues notifications");
      assert.equal(await succeed("job-c-unknown", 3000, 12_000, ["topic-x"]), false);
      assert.deepEqual(await outboxOf("job-c-unknown"), []);
    });

    test("concurrent completions: exactly one wins", async () => {
      const v = await vault("race");
      await create(inventoryJob("job-race", v, 1000));
      const outcomes = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          fixture.store.jobs.complete(
            "job-race",
            { status: "Succeeded", statusMessage: `winner ${i}` },
            2000 + i,
            9000,
            [{ topic: `race-${i}`, body: "b" }],
          ),
        ),
      );
      assert.equal(outcomes.filter(Boolean).length, 1);
      const winner = outcomes.indexOf(true) + 1;
      assert.equal((await fixture.store.jobs.get("job-race"))?.statusMessage, `winner ${winner}`);
      assert.deepEqual(
        (await outboxOf("job-race")).map((d) => d.topic),
        [`race-${winner}`],
      );
    });

    test("an archive job keeps its range tree hash unless the outcome brings one", async () => {
      const v = await vault("range");
      const a = await archive("arch-range", v, ["range-1", "range-2"]);
      const whole = await create(archiveJob("job-range-whole", a, 1000));
      const part = await create(
        archiveJob("job-range-part", a, 1000, { rangeFirst: 0, rangeLast: 9, rangeTreeHash: null }),
      );
      await succeed("job-range-whole", 2000, 9000);
      await fixture.store.jobs.complete(
        "job-range-part",
        { status: "Succeeded", statusMessage: "Succeeded", rangeTreeHash: "tree-of-range" },
        2000,
        9000,
        [],
      );
      const w = await fixture.store.jobs.get("job-range-whole");
      assert.equal(w?.rangeTreeHash, whole.rangeTreeHash);
      assert.deepEqual(w?.segments, a.segments);
      const p = await fixture.store.jobs.get("job-range-part");
      assert.equal(p?.rangeTreeHash, "tree-of-range");
      assert.deepEqual([p?.rangeFirst, p?.rangeLast, p?.segments], [part.rangeFirst, part.rangeLast, a.segments]);
    });

    alone("expire deletes jobs at the end of their retention and releases their blobs", async () => {
      const v = await vault("expire");
      const a = await archive("arch-exp", v, ["exp-a1", "exp-a2"]);
      await create(archiveJob("job-exp-archive", a, 1000));
      await create(archiveJob("job-exp-archive-2", a, 1000));
      await fixture.store.archives.delete("arch-exp", 1100);
      await create(inventoryJob("job-exp-inventory", v, 1000));
      await create(inventoryJob("job-exp-later", v, 1000));
      await create(inventoryJob("job-exp-running", v, 1000));
      await succeed("job-exp-archive", 2000, 5000, ["t"]);
      await succeed("job-exp-archive-2", 2000, 6000);
      await fixture.store.jobs.complete(
        "job-exp-inventory",
        { status: "Succeeded", statusMessage: "Succeeded", output: { key: "exp-out", size: 5 }, inventorySize: 5 },
        2000,
        5000,
        [],
      );
      await fixture.store.jobs.complete(
        "job-exp-later",
        {
          status: "Succeeded",
          statusMessage: "Succeeded",
          output: { key: "exp-out-later", size: 5 },
          inventorySize: 5,
        },
        2000,
        6000,
        [],
      );
      const blobs = ["exp-a1", "exp-a2", "exp-out", "exp-out-later"];

      assert.equal(await fixture.store.jobs.expire(4999, 100), 0);
      assert.equal(await fixture.store.jobs.expire(5000, 1), 1, "bounded by the limit");
      assert.equal(await fixture.store.jobs.expire(5000, 100), 1);
      assert.equal(await fixture.store.jobs.expire(5000, 100), 0);
      assert.equal(await fixture.store.jobs.get("job-exp-archive"), undefined);
      assert.equal(await fixture.store.jobs.get("job-exp-inventory"), undefined);
      assert.deepEqual(await garbageAmong(blobs), ["exp-out"], "the other archive job still holds the archive");

      assert.equal(await fixture.store.jobs.expire(10_000_000, 100), 2);
      assert.deepEqual(await garbageAmong(blobs), blobs);
      assert.equal(
        (await fixture.store.jobs.get("job-exp-running"))?.status,
        "InProgress",
        "running jobs never expire",
      );
      assert.deepEqual(ids(await fixture.store.jobs.list(v, {}, 10_000_000, undefined, 10)), ["job-exp-running"]);
      assert.equal((await outboxOf("job-exp-archive")).length, 1, "the outbox outlives the job");
    });

    alone("outbox: due deliveries, attempts, retries, give-ups and purging", async () => {
      const v = await vault("outbox");
      for (const id of ["job-oa", "job-ob", "job-oc"]) await create(inventoryJob(id, v, 100));
      await succeed("job-oa", 1000, 100_000, ["topic-a1", "topic-a2"]);
      await succeed("job-ob", 1100, 100_000, ["topic-b"]);
      await succeed("job-oc", 1200, 100_000, ["topic-c"]);
      const all = await fixture.store.jobs.deliveries(undefined, 100);
      assert.deepEqual(
        all.map((d) => [d.jobId, d.topic]),
        [
          ["job-oa", "topic-a1"],
          ["job-oa", "topic-a2"],
          ["job-ob", "topic-b"],
          ["job-oc", "topic-c"],
        ],
      );
      assert.equal(new Set(all.map((d) => d.id)).size, 4);
      const [a1, a2, b, c] = all as [Delivery, Delivery, Delivery, Delivery];
      const byId = async (id: number) => (await fixture.store.jobs.deliveries(undefined, 100)).find((d) => d.id === id);
      const dueIds = async (now: number, limit = 100) =>
        (await fixture.store.jobs.dueDeliveries(now, limit)).map((d) => d.id);

      assert.deepEqual(await dueIds(999), []);
      assert.deepEqual(await dueIds(1000), [a1.id, a2.id]);
      assert.deepEqual(await dueIds(5000), [a1.id, a2.id, b.id, c.id]);
      assert.deepEqual(await dueIds(5000, 1), [a1.id]);

      await fixture.store.jobs.delivered(a1.id, 2000);
      assert.deepEqual(await byId(a1.id), { ...a1, state: "delivered", attempts: 1 });

      await fixture.store.jobs.deliveryFailed(a2.id, "HTTP 500", 4000, 2000);
      assert.deepEqual(await byId(a2.id), {
        ...a2,
        attempts: 1,
        lastError: "HTTP 500",
        nextAttemptAt: 4000,
      });
      assert.deepEqual(await dueIds(3999), [b.id, c.id]);
      assert.deepEqual(await dueIds(4000), [b.id, c.id, a2.id], "oldest attempt time first");

      await fixture.store.jobs.deliveryFailed(b.id, "no target", undefined, 2100);
      assert.deepEqual(await byId(b.id), { ...b, state: "failed", attempts: 1, lastError: "no target" });
      assert.deepEqual(await dueIds(100_000), [c.id, a2.id], "given up: never due again");

      assert.deepEqual(
        (await fixture.store.jobs.deliveries("pending", 100)).map((d) => d.id),
        [a2.id, c.id],
      );
      assert.deepEqual(
        (await fixture.store.jobs.deliveries("delivered", 100)).map((d) => d.id),
        [a1.id],
      );
      assert.deepEqual(
        (await fixture.store.jobs.deliveries("failed", 100)).map((d) => d.id),
        [b.id],
      );
      assert.deepEqual(
        (await fixture.store.jobs.deliveries(undefined, 2)).map((d) => d.id),
        [a1.id, a2.id],
      );

      assert.equal(await fixture.store.jobs.retryDeliveriesNow(3000), 2);
      assert.equal((await byId(a2.id))?.nextAttemptAt, 3000);
      assert.equal((await byId(c.id))?.nextAttemptAt, 1200, "never postponed");
      assert.equal((await byId(b.id))?.nextAttemptAt, 1100, "given-up rows stay given up");
      assert.deepEqual(await dueIds(3000), [c.id, a2.id]);

      await fixture.store.jobs.deliveryFailed(a2.id, "timeout", 9000, 3000);
      await fixture.store.jobs.delivered(a2.id, 3500);
      const settled = await byId(a2.id);
      assert.deepEqual([settled?.state, settled?.attempts, settled?.lastError], ["delivered", 3, null]);

      assert.equal(await fixture.store.jobs.purgeDeliveries(2000), 0, "settled at 2000 is not older than 2000");
      assert.equal(await fixture.store.jobs.purgeDeliveries(2001), 1);
      assert.equal(await byId(a1.id), undefined);
      assert.equal(await fixture.store.jobs.purgeDeliveries(1_000_000), 2);
      assert.deepEqual(
        (await fixture.store.jobs.deliveries(undefined, 100)).map((d) => d.id),
        [c.id],
        "pending rows are never purged",
      );
    });

    test("deleting a vault takes its jobs and their blob references; queued notifications stay", async () => {
      const v = await vault("doomed");
      const other = await vault("doomed-other");
      const a = await archive("arch-doomed", v, ["doomed-1", "doomed-2"]);
      await create(archiveJob("job-doomed-archive", a, 1000));
      await create(inventoryJob("job-doomed-inventory", v, 1000));
      await create(inventoryJob("job-doomed-running", v, 1000));
      await fixture.store.jobs.complete(
        "job-doomed-inventory",
        { status: "Succeeded", statusMessage: "Succeeded", output: { key: "doomed-out", size: 3 }, inventorySize: 3 },
        2000,
        1_000_000,
        [{ topic: "doomed-topic", body: "b" }],
      );
      await create(inventoryJob("job-doomed-bystander", other, 1000));
      await fixture.store.archives.delete("arch-doomed", 2100);
      await fixture.store.vaults.refreshInventory(v, 2200, 0);
      const blobs = ["doomed-1", "doomed-2", "doomed-out"];
      assert.deepEqual(await garbageAmong(blobs), []);

      assert.equal(await fixture.store.vaults.deleteIfEmpty(v, 3000), true, "jobs do not keep a vault alive");
      for (const id of ["job-doomed-archive", "job-doomed-inventory", "job-doomed-running"]) {
        assert.equal(await fixture.store.jobs.get(id), undefined, id);
      }
      assert.deepEqual(await fixture.store.jobs.list(v, {}, 3000, undefined, 10), []);
      assert.deepEqual(ids(await fixture.store.jobs.due(1_000_000, 100, v)), []);
      assert.deepEqual(await garbageAmong(blobs), blobs);
      assert.deepEqual(
        (await outboxOf("job-doomed-inventory")).map((d) => [d.topic, d.state]),
        [["doomed-topic", "pending"]],
      );
      assert.equal((await fixture.store.jobs.get("job-doomed-bystander"))?.status, "InProgress");
    });
  });
}
