import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PartRecord, UploadRecord } from "../../src/store/multipart.js";
import { type OpenStore, useStore } from "./contract.js";

/**
 * The UploadStore contract (multipart uploads and their parts), through the MetadataStore interface
 * only: every implementation must pass it unchanged.
 */
export function uploadContract(name: string, open: OpenStore) {
  describe(`upload contract: ${name}`, () => {
    const { fixture, alone } = useStore(open);

    const vault = async (name: string) =>
      (await fixture.store.vaults.create({ accountId: "111122223333", region: "us-west-2", name }, 0, 1000)).id;
    const upload = (uploadId: string, vaultId: number, now: number, description: string | null = null) =>
      fixture.store.uploads.create({ uploadId, vaultId, partSize: 4, description }, now);
    const part = (index: number, blobKey: string, size = 4): PartRecord => ({
      index,
      size,
      treeHash: `hash-${blobKey}`,
      blobKey,
    });
    /** Garbage among the given blob keys (other tests' garbage left out), sorted. */
    const garbageAmong = async (keys: string[]) =>
      (await fixture.store.blobs.garbage(100_000)).filter((k) => keys.includes(k)).sort();
    const sumOfParts = (_u: UploadRecord, parts: readonly PartRecord[]) => ({
      size: parts.reduce((n, p) => n + p.size, 0),
      treeHash: parts.map((p) => p.treeHash).join("+"),
    });
    const neverAssemble = (): { size: number; treeHash: string } => {
      throw new Error("assemble must not be called");
    };

    test("create records an open upload; get reads it back", async () => {
      const v = await vault("create");
      const created = await upload("up-create-1", v, 1000, "my description");
      const expected: UploadRecord = {
        uploadId: "up-create-1",
        vaultId: v,
        partSize: 4,
        description: "my description",
        createdAt: 1000,
        lastActivityAt: 1000,
        state: "open",
        closedAt: null,
        archiveId: null,
        archiveSize: null,
        archiveTreeHash: null,
      };
      assert.deepEqual(created, expected);
      assert.deepEqual(await fixture.store.uploads.get("up-create-1"), expected);
      await upload("up-create-2", v, 1001);
      assert.equal((await fixture.store.uploads.get("up-create-2"))?.description, null);
      assert.equal(await fixture.store.uploads.get("up-create-unknown"), undefined);
    });

    test("parts are listed in index order from an inclusive index; a part refreshes activity", async () => {
      const v = await vault("parts");
      await upload("up-parts", v, 1000);
      for (const [i, now] of [
        [2, 1100],
        [0, 1200],
        [3, 1300],
        [1, 1400],
      ] as const) {
        assert.deepEqual(
          await fixture.store.uploads.putPart("up-parts", v, part(i, `parts-${i}`, i === 3 ? 1 : 4), now),
          {
            ok: true,
            replacedBlobKey: null,
          },
        );
      }
      const all = await fixture.store.uploads.listParts("up-parts", 0, 100);
      assert.deepEqual(all, [part(0, "parts-0"), part(1, "parts-1"), part(2, "parts-2"), part(3, "parts-3", 1)]);
      assert.deepEqual(
        (await fixture.store.uploads.listParts("up-parts", 1, 2)).map((p) => p.index),
        [1, 2],
      );
      assert.deepEqual(
        (await fixture.store.uploads.listParts("up-parts", 3, 2)).map((p) => p.index),
        [3],
      );
      assert.deepEqual(await fixture.store.uploads.listParts("up-parts", 4, 100), []);
      assert.deepEqual(await fixture.store.uploads.listParts("up-parts-unknown", 0, 100), []);
      const u = await fixture.store.uploads.get("up-parts");
      assert.equal(u?.lastActivityAt, 1400);
      assert.equal(u?.createdAt, 1000);
      for (let i = 0; i < 4; i++) assert.equal(await fixture.store.blobs.known(`parts-${i}`), true);
      assert.deepEqual(await garbageAmong(["parts-0", "parts-1", "parts-2", "parts-3"]), []);
    });

    test("a part at a taken index replaces it and its old blob becomes garbage", async () => {
      const v = await vault("replace");
      await upload("up-replace", v, 1000);
      await fixture.store.uploads.putPart("up-replace", v, part(0, "replace-old"), 1001);
      await fixture.store.uploads.putPart("up-replace", v, part(1, "replace-other"), 1002);
      const again = await fixture.store.uploads.putPart("up-replace", v, part(0, "replace-new", 3), 1003);
      assert.deepEqual(again, { ok: true, replacedBlobKey: "replace-old" });
      assert.deepEqual(await fixture.store.uploads.listParts("up-replace", 0, 10), [
        part(0, "replace-new", 3),
        part(1, "replace-other"),
      ]);
      assert.deepEqual(await garbageAmong(["replace-old", "replace-new", "replace-other"]), ["replace-old"]);
      assert.equal(await fixture.store.blobs.known("replace-new"), true);
    });

    test("a part is refused unless the upload is open and of the vault", async () => {
      const v = await vault("refuse");
      const other = await vault("refuse-other");
      await upload("up-refuse", v, 1000);
      assert.deepEqual(await fixture.store.uploads.putPart("up-refuse", other, part(0, "refuse-wrong-vault"), 1001), {
        ok: false,
      });
      assert.deepEqual(await fixture.store.uploads.putPart("up-refuse-unknown", v, part(0, "refuse-unknown"), 1001), {
        ok: false,
      });
      assert.deepEqual(await fixture.store.uploads.listParts("up-refuse", 0, 10), []);
      assert.equal(await fixture.store.blobs.known("refuse-wrong-vault"), false, "a refused part references nothing");
      assert.equal(await fixture.store.blobs.known("refuse-unknown"), false);
      assert.equal((await fixture.store.uploads.get("up-refuse"))?.lastActivityAt, 1000);

      await upload("up-refuse-aborted", v, 1000);
      await fixture.store.uploads.abort("up-refuse-aborted", v, 1002, 60_000);
      assert.deepEqual(await fixture.store.uploads.putPart("up-refuse-aborted", v, part(0, "refuse-aborted"), 1003), {
        ok: false,
      });
      await upload("up-refuse-completed", v, 1000);
      await fixture.store.uploads.complete("up-refuse-completed", v, "arch-refuse", 1002, sumOfParts);
      assert.deepEqual(
        await fixture.store.uploads.putPart("up-refuse-completed", v, part(0, "refuse-completed"), 1003),
        {
          ok: false,
        },
      );
      assert.equal(await fixture.store.blobs.known("refuse-aborted"), false);
      assert.equal(await fixture.store.blobs.known("refuse-completed"), false);
      assert.deepEqual(await fixture.store.uploads.listParts("up-refuse-completed", 0, 10), []);
    });

    test("open uploads of a vault are paged in creation order; closed and foreign ones are left out", async () => {
      const v = await vault("listing");
      const other = await vault("listing-other");
      const plan: [string, number][] = [
        ["up-list-e", 500],
        ["up-list-c", 500],
        ["up-list-d", 500],
        ["up-list-g", 300],
        ["up-list-b", 900],
        ["up-list-a", 900],
        ["up-list-f", 100],
        ["up-list-x-aborted", 200],
        ["up-list-x-completed", 400],
      ];
      for (const [id, at] of plan) await upload(id, v, at);
      await upload("up-list-foreign", other, 50);
      await fixture.store.uploads.abort("up-list-x-aborted", v, 1000, 0);
      await fixture.store.uploads.complete("up-list-x-completed", v, "arch-list", 1000, sumOfParts);
      const expected = ["up-list-f", "up-list-g", "up-list-c", "up-list-d", "up-list-e", "up-list-a", "up-list-b"];
      const all = await fixture.store.uploads.listOpen(v, undefined, 100);
      assert.deepEqual(
        all.map((u) => u.uploadId),
        expected,
      );
      assert.ok(all.every((u) => u.state === "open" && u.vaultId === v));
      const seen: string[] = [];
      let cursor: { createdAt: number; uploadId: string } | undefined;
      let pages = 0;
      for (;;) {
        const page = await fixture.store.uploads.listOpen(v, cursor, 2);
        assert.ok(page.length <= 2);
        if (page.length === 0) break;
        assert.ok(++pages <= 4, "the walk must end");
        seen.push(...page.map((u) => u.uploadId));
        const last = page.at(-1)!;
        cursor = { createdAt: last.createdAt, uploadId: last.uploadId };
      }
      assert.deepEqual(seen, expected);
      // A cursor naming an upload that is gone still continues after its position.
      const resumed = await fixture.store.uploads.listOpen(v, { createdAt: 500, uploadId: "up-list-cz" }, 10);
      assert.deepEqual(
        resumed.map((u) => u.uploadId),
        ["up-list-d", "up-list-e", "up-list-a", "up-list-b"],
      );
      assert.deepEqual(
        (await fixture.store.uploads.listOpen(other, undefined, 10)).map((u) => u.uploadId),
        ["up-list-foreign"],
      );
    });

    test("complete creates the archive from the parts in index order and closes the upload", async () => {
      const v = await vault("complete");
      await upload("up-complete", v, 1000, "the archive");
      await fixture.store.uploads.putPart("up-complete", v, part(1, "complete-1", 2), 1100);
      await fixture.store.uploads.putPart("up-complete", v, part(0, "complete-0", 4), 1200);
      const calls: { upload: UploadRecord; parts: readonly PartRecord[] }[] = [];
      const result = await fixture.store.uploads.complete("up-complete", v, "arch-complete", 2000, (u, parts) => {
        calls.push({ upload: u, parts: [...parts] });
        return { size: 6, treeHash: "tree-complete" };
      });
      assert.equal(calls.length, 1);
      assert.equal(calls[0]?.upload.uploadId, "up-complete");
      assert.equal(calls[0]?.upload.state, "open");
      assert.equal(calls[0]?.upload.partSize, 4);
      assert.deepEqual(calls[0]?.parts, [part(0, "complete-0", 4), part(1, "complete-1", 2)]);
      const archive = {
        archiveId: "arch-complete",
        vaultId: v,
        size: 6,
        treeHash: "tree-complete",
        description: "the archive",
        createdAt: 2000,
        segments: [
          { key: "complete-0", size: 4 },
          { key: "complete-1", size: 2 },
        ],
      };
      assert.deepEqual(result, { kind: "completed", archive });
      assert.deepEqual(await fixture.store.archives.get("arch-complete"), archive);

      const stats = await fixture.store.vaults.getById(v);
      assert.deepEqual([stats?.liveCount, stats?.liveSize, stats?.dirtySince], [1, 6, 2000]);

      const closed = await fixture.store.uploads.get("up-complete");
      assert.deepEqual(closed, {
        uploadId: "up-complete",
        vaultId: v,
        partSize: 4,
        description: "the archive",
        createdAt: 1000,
        lastActivityAt: 1200,
        state: "completed",
        closedAt: 2000,
        archiveId: "arch-complete",
        archiveSize: 6,
        archiveTreeHash: "tree-complete",
      });
      assert.deepEqual(await fixture.store.uploads.listParts("up-complete", 0, 10), []);
      assert.deepEqual(await fixture.store.uploads.listOpen(v, undefined, 10), []);

      // The archive now holds the part blobs alone: deleting it makes them garbage.
      assert.deepEqual(await garbageAmong(["complete-0", "complete-1"]), []);
      await fixture.store.archives.delete("arch-complete", 3000);
      assert.deepEqual(await garbageAmong(["complete-0", "complete-1"]), ["complete-0", "complete-1"]);
    });

    test("a repeated complete answers with the first archive and creates nothing", async () => {
      const v = await vault("repeat");
      await upload("up-repeat", v, 1000);
      await fixture.store.uploads.putPart("up-repeat", v, part(0, "repeat-0", 3), 1001);
      const first = await fixture.store.uploads.complete("up-repeat", v, "arch-repeat-1", 2000, sumOfParts);
      assert.equal(first.kind, "completed");
      const again = await fixture.store.uploads.complete("up-repeat", v, "arch-repeat-2", 2500, neverAssemble);
      assert.ok(again.kind === "completedBefore", `answered ${again.kind}`);
      assert.equal(again.upload.uploadId, "up-repeat");
      assert.equal(again.upload.state, "completed");
      assert.equal(again.upload.archiveId, "arch-repeat-1");
      assert.equal(again.upload.archiveSize, 3);
      assert.equal(again.upload.archiveTreeHash, "hash-repeat-0");
      assert.equal(again.upload.closedAt, 2000);
      assert.equal(await fixture.store.archives.get("arch-repeat-2"), undefined);
      assert.equal((await fixture.store.vaults.getById(v))?.liveCount, 1);
      assert.equal(
        (
          await fixture.store.uploads.complete(
            "up-repeat",
            await vault("repeat-other"),
            "arch-repeat-3",
            2600,
            neverAssemble,
          )
        ).kind,
        "notFound",
        "the memory is per vault",
      );
    });

    test("a refused assemble leaves the upload, its parts and the vault unchanged", async () => {
      const v = await vault("refused");
      await upload("up-refused", v, 1000);
      await fixture.store.uploads.putPart("up-refused", v, part(0, "refused-0"), 1001);
      const refusal = new Error("tree hash mismatch");
      await assert.rejects(
        fixture.store.uploads.complete("up-refused", v, "arch-refused", 2000, () => {
          throw refusal;
        }),
        (err) => err === refusal,
      );
      const u = await fixture.store.uploads.get("up-refused");
      assert.equal(u?.state, "open");
      assert.equal(u?.closedAt, null);
      assert.equal(u?.archiveId, null);
      assert.deepEqual(await fixture.store.uploads.listParts("up-refused", 0, 10), [part(0, "refused-0")]);
      assert.equal(await fixture.store.archives.get("arch-refused"), undefined);
      const stats = await fixture.store.vaults.getById(v);
      assert.deepEqual([stats?.liveCount, stats?.liveSize, stats?.dirtySince], [0, 0, null]);
      assert.deepEqual(await garbageAmong(["refused-0"]), []);
      const retried = await fixture.store.uploads.complete("up-refused", v, "arch-refused", 2001, sumOfParts);
      assert.equal(retried.kind, "completed");
    });

    test("complete answers notFound for unknown, foreign and aborted uploads", async () => {
      const v = await vault("nf");
      const other = await vault("nf-other");
      await upload("up-nf-open", v, 1000);
      await fixture.store.uploads.putPart("up-nf-open", v, part(0, "nf-0"), 1001);
      await upload("up-nf-aborted", v, 1000);
      await fixture.store.uploads.abort("up-nf-aborted", v, 1002, 60_000);
      for (const [id, vaultId] of [
        ["up-nf-unknown", v],
        ["up-nf-open", other],
        ["up-nf-aborted", v],
      ] as const) {
        assert.deepEqual(await fixture.store.uploads.complete(id, vaultId, `arch-${id}`, 2000, neverAssemble), {
          kind: "notFound",
        });
        assert.equal(await fixture.store.archives.get(`arch-${id}`), undefined);
      }
      assert.equal((await fixture.store.uploads.get("up-nf-open"))?.state, "open");
      assert.equal((await fixture.store.uploads.get("up-nf-aborted"))?.state, "aborted");
      assert.deepEqual(await fixture.store.uploads.listParts("up-nf-open", 0, 10), [part(0, "nf-0")]);
    });

    test("abort releases the parts; a repeat within the grace window is alreadyAborted, then notFound", async () => {
      const v = await vault("abort");
      await upload("up-abort", v, 1000, "d");
      await fixture.store.uploads.putPart("up-abort", v, part(0, "abort-0"), 1001);
      await fixture.store.uploads.putPart("up-abort", v, part(1, "abort-1"), 1002);
      assert.equal(await fixture.store.uploads.abort("up-abort", v, 5000, 100), "aborted");
      const u = await fixture.store.uploads.get("up-abort");
      assert.deepEqual(
        [u?.state, u?.closedAt, u?.archiveId, u?.archiveSize, u?.archiveTreeHash],
        ["aborted", 5000, null, null, null],
      );
      assert.deepEqual(await fixture.store.uploads.listParts("up-abort", 0, 10), []);
      assert.deepEqual(await fixture.store.uploads.listOpen(v, undefined, 10), []);
      assert.deepEqual(await garbageAmong(["abort-0", "abort-1"]), ["abort-0", "abort-1"]);
      assert.equal(await fixture.store.uploads.abort("up-abort", v, 5050, 100), "alreadyAborted");
      assert.equal(
        await fixture.store.uploads.abort("up-abort", v, 5100, 100),
        "alreadyAborted",
        "the window is inclusive",
      );
      assert.equal(await fixture.store.uploads.abort("up-abort", v, 5101, 100), "notFound");
      assert.equal((await fixture.store.uploads.get("up-abort"))?.closedAt, 5000, "a repeat does not move the window");
    });

    test("abort follows the state rules: completed stays completed, foreign and unknown are notFound", async () => {
      const v = await vault("rules");
      const other = await vault("rules-other");
      await upload("up-rules-done", v, 1000);
      await fixture.store.uploads.putPart("up-rules-done", v, part(0, "rules-0", 2), 1001);
      await fixture.store.uploads.complete("up-rules-done", v, "arch-rules", 2000, sumOfParts);
      assert.equal(await fixture.store.uploads.abort("up-rules-done", v, 2001, 60_000), "completed");
      assert.equal((await fixture.store.uploads.get("up-rules-done"))?.state, "completed");
      assert.equal((await fixture.store.archives.get("arch-rules"))?.size, 2);
      assert.deepEqual(await garbageAmong(["rules-0"]), [], "the archive keeps its blobs");
      assert.equal(await fixture.store.uploads.abort("up-rules-done", other, 2001, 60_000), "notFound");

      await upload("up-rules-open", v, 1000);
      await fixture.store.uploads.putPart("up-rules-open", v, part(0, "rules-open-0"), 1001);
      assert.equal(await fixture.store.uploads.abort("up-rules-open", other, 2001, 60_000), "notFound");
      assert.equal((await fixture.store.uploads.get("up-rules-open"))?.state, "open");
      assert.deepEqual(await garbageAmong(["rules-open-0"]), []);
      assert.equal(await fixture.store.uploads.abort("up-rules-unknown", v, 2001, 60_000), "notFound");
    });

    test("racing parts at one index: the later replaces the earlier, whose blob alone becomes garbage", async () => {
      const v = await vault("race-parts");
      await upload("up-race-parts", v, 1000);
      const results = await Promise.all(
        ["race-x", "race-y", "race-z"].map((key) =>
          fixture.store.uploads.putPart("up-race-parts", v, part(0, key), 1001),
        ),
      );
      const replaced = results.map((r) => (r.ok ? r.replacedBlobKey : "refused"));
      assert.equal(replaced.filter((k) => k === null).length, 1, "exactly one found the index free");
      const kept = (await fixture.store.uploads.listParts("up-race-parts", 0, 10)).map((p) => p.blobKey);
      assert.equal(kept.length, 1);
      const losers = ["race-x", "race-y", "race-z"].filter((k) => k !== kept[0]);
      assert.deepEqual(replaced.filter((k) => k !== null).sort(), losers);
      assert.deepEqual(await garbageAmong(["race-x", "race-y", "race-z"]), losers);
    });

    test("racing completes and an abort: exactly one closes the upload, the others agree", async () => {
      const v = await vault("race-close");
      await upload("up-race-close", v, 1000);
      await fixture.store.uploads.putPart("up-race-close", v, part(0, "race-close-0"), 1001);
      const [c1, ab, c2] = await Promise.all([
        fixture.store.uploads.complete("up-race-close", v, "arch-race-1", 2000, sumOfParts),
        fixture.store.uploads.abort("up-race-close", v, 2000, 60_000),
        fixture.store.uploads.complete("up-race-close", v, "arch-race-2", 2000, sumOfParts),
      ]);
      const archives = [
        await fixture.store.archives.get("arch-race-1"),
        await fixture.store.archives.get("arch-race-2"),
      ].filter((a) => a !== undefined);
      const state = (await fixture.store.uploads.get("up-race-close"))?.state;
      if (ab === "aborted") {
        assert.deepEqual([c1.kind, c2.kind, state, archives.length], ["notFound", "notFound", "aborted", 0]);
        assert.deepEqual(await garbageAmong(["race-close-0"]), ["race-close-0"]);
      } else {
        assert.equal(ab, "completed");
        assert.deepEqual([c1.kind, c2.kind].sort(), ["completed", "completedBefore"]);
        assert.deepEqual([state, archives.length], ["completed", 1]);
        assert.deepEqual(await garbageAmong(["race-close-0"]), []);
      }
      assert.equal((await fixture.store.vaults.getById(v))?.liveCount, archives.length);
    });

    alone("expire reclaims idle uploads and forgets tombstones past their own limits", async () => {
      const v = await vault("expire");
      await upload("up-exp-idle", v, 100);
      await fixture.store.uploads.putPart("up-exp-idle", v, part(0, "exp-idle-0"), 200);
      await upload("up-exp-edge", v, 500);
      await upload("up-exp-active", v, 100);
      await fixture.store.uploads.putPart("up-exp-active", v, part(0, "exp-active-0"), 900);
      await upload("up-exp-aborted", v, 100);
      await fixture.store.uploads.abort("up-exp-aborted", v, 300, 1_000_000);
      await upload("up-exp-completed", v, 100);
      await fixture.store.uploads.complete("up-exp-completed", v, "arch-exp", 300, sumOfParts);

      const expired = await fixture.store.uploads.expire(1000, {
        idleBefore: 500,
        abortedBefore: 301,
        completedBefore: 300,
      });
      assert.equal(expired, 1);
      assert.equal(await fixture.store.uploads.get("up-exp-idle"), undefined);
      assert.deepEqual(await garbageAmong(["exp-idle-0", "exp-active-0"]), ["exp-idle-0"]);
      assert.equal((await fixture.store.uploads.get("up-exp-edge"))?.state, "open", "not older than the limit");
      assert.equal((await fixture.store.uploads.get("up-exp-active"))?.state, "open", "activity counts, not creation");
      assert.equal(await fixture.store.uploads.get("up-exp-aborted"), undefined);
      assert.equal(await fixture.store.uploads.abort("up-exp-aborted", v, 1000, 1_000_000), "notFound");
      const remembered = await fixture.store.uploads.complete("up-exp-completed", v, "arch-exp-2", 1000, neverAssemble);
      assert.equal(remembered.kind, "completedBefore", "not older than the completed limit");

      assert.equal(
        await fixture.store.uploads.expire(2000, { idleBefore: 0, abortedBefore: 0, completedBefore: 301 }),
        0,
      );
      assert.equal(await fixture.store.uploads.get("up-exp-completed"), undefined);
      const forgotten = await fixture.store.uploads.complete("up-exp-completed", v, "arch-exp-3", 2000, neverAssemble);
      assert.equal(forgotten.kind, "notFound");
      assert.equal(
        (await fixture.store.archives.get("arch-exp"))?.archiveId,
        "arch-exp",
        "the archive outlives its upload",
      );
      assert.deepEqual(
        (await fixture.store.uploads.listOpen(v, undefined, 10)).map((u) => u.uploadId),
        ["up-exp-active", "up-exp-edge"],
      );
    });

    alone("expire reclaims every idle upload however many there are", async () => {
      const v = await vault("expire-many");
      const n = 130;
      for (let i = 0; i < n; i++) await upload(`up-many-${String(i).padStart(3, "0")}`, v, 10);
      await upload("up-many-fresh", v, 5000);
      assert.equal(
        await fixture.store.uploads.expire(6000, { idleBefore: 1000, abortedBefore: 0, completedBefore: 0 }),
        n,
      );
      assert.deepEqual(
        (await fixture.store.uploads.listOpen(v, undefined, 1000)).map((u) => u.uploadId),
        ["up-many-fresh"],
      );
    });

    test("deleting a vault takes its uploads and their parts with it", async () => {
      const v = await vault("doomed");
      const other = await vault("doomed-other");
      await upload("up-doomed-open", v, 1000);
      await fixture.store.uploads.putPart("up-doomed-open", v, part(0, "doomed-0"), 1001);
      await fixture.store.uploads.putPart("up-doomed-open", v, part(1, "doomed-1"), 1002);
      await upload("up-doomed-aborted", v, 1000);
      await fixture.store.uploads.abort("up-doomed-aborted", v, 1003, 1_000_000);
      await upload("up-doomed-bystander", other, 1000);
      await fixture.store.uploads.putPart("up-doomed-bystander", other, part(0, "doomed-bystander"), 1001);

      assert.equal(await fixture.store.vaults.deleteIfEmpty(v, 2000), true, "uploads do not keep a vault alive");
      assert.equal(await fixture.store.uploads.get("up-doomed-open"), undefined);
      assert.equal(await fixture.store.uploads.get("up-doomed-aborted"), undefined);
      assert.deepEqual(await fixture.store.uploads.listParts("up-doomed-open", 0, 10), []);
      assert.deepEqual(await fixture.store.uploads.listOpen(v, undefined, 10), []);
      assert.deepEqual(await garbageAmong(["doomed-0", "doomed-1", "doomed-bystander"]), ["doomed-0", "doomed-1"]);
      assert.equal((await fixture.store.uploads.get("up-doomed-bystander"))?.state, "open");
      assert.deepEqual(await fixture.store.uploads.listParts("up-doomed-bystander", 0, 10), [
        part(0, "doomed-bystander"),
      ]);
    });
  });
}
