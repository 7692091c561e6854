import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { after, before, describe, test } from "node:test";
import type { BlobStore } from "../../src/store/blob.js";
import type { MetadataStore } from "../../src/store/types.js";

export type OpenStore = () => Promise<{ store: MetadataStore; cleanup(): Promise<void> }>;

/**
 * Opens one store for the enclosing describe block. `alone` declares a case that runs on a store
 * of its own, for store-wide operations (expiry, due jobs, outbox) that must not see other cases' rows.
 */
export function useStore(open: OpenStore) {
  const fixture = { store: undefined as unknown as MetadataStore };
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ store: fixture.store, cleanup } = await open());
  });
  after(async () => {
    await fixture.store.close();
    await cleanup();
  });
  const alone = (title: string, body: () => Promise<void>) =>
    test(title, async () => {
      const shared = fixture.store;
      const own = await open();
      fixture.store = own.store;
      try {
        await body();
      } finally {
        fixture.store = shared;
        await own.store.close();
        await own.cleanup();
      }
    });
  return { fixture, alone };
}

/**
 * The metadata contract: every implementation (SQLite today; PostgreSQL next) must pass it unchanged.
 * This suite covers vaults, archives, the blob ledger and inventory pages; the family contracts are
 * beside it (contract-uploads.ts, contract-jobs.ts, contract-settings.ts), and stores.test.ts runs all
 * of them against each implementation.
 */
export function metadataContract(name: string, open: OpenStore) {
  describe(`metadata contract: ${name}`, () => {
    const { fixture } = useStore(open);
    const key = (n: string, region = "us-east-1", accountId = "111122223333") => ({ accountId, region, name: n });

    test("vault creation is idempotent and bounded per account and region", async () => {
      const a = await fixture.store.vaults.create(key("a"), 1000, 3);
      const again = await fixture.store.vaults.create(key("a"), 2000, 3);
      assert.equal(again.id, a.id);
      assert.equal(again.createdAt, 1000);
      await fixture.store.vaults.create(key("b"), 1000, 3);
      await fixture.store.vaults.create(key("c"), 1000, 3);
      await assert.rejects(fixture.store.vaults.create(key("d"), 1000, 3), { code: "LimitExceededException" });
      await fixture.store.vaults.create(key("d", "eu-west-1"), 1000, 3);
      await fixture.store.vaults.create(key("d", "us-east-1", "444455556666"), 1000, 3);
    });

    test("listing is by name in byte order from an inclusive start", async () => {
      for (const n of ["Zed", "alpha", "beta", "_u"]) await fixture.store.vaults.create(key(n, "ap-east-1"), 1, 1000);
      const all = await fixture.store.vaults.list("111122223333", "ap-east-1", undefined, 10);
      assert.deepEqual(
        all.map((v) => v.name),
        ["Zed", "_u", "alpha", "beta"],
      );
      const from = await fixture.store.vaults.list("111122223333", "ap-east-1", "_u", 2);
      assert.deepEqual(
        from.map((v) => v.name),
        ["_u", "alpha"],
      );
    });

    test("archives move live statistics; inventory snapshots catch up after the interval", async () => {
      const v = await fixture.store.vaults.create(key("stats", "sa-east-1"), 0, 1000);
      await fixture.store.archives.insert(
        {
          archiveId: "arch-1",
          vaultId: v.id,
          size: 10,
          treeHash: "t",
          description: null,
          createdAt: 100,
          segments: [{ key: "k1", size: 10 }],
        },
        100,
      );
      let got = await fixture.store.vaults.refreshInventory(v.id, 150, 100);
      assert.deepEqual([got.liveCount, got.liveSize, got.inventoryCount, got.lastInventoryAt], [1, 10, 0, null]);
      got = await fixture.store.vaults.refreshInventory(v.id, 200, 100);
      assert.deepEqual(
        [got.inventoryCount, got.inventorySize, got.lastInventoryAt, got.dirtySince],
        [1, 10, 200, null],
      );
      assert.equal(await fixture.store.vaults.deleteIfEmpty(v.id, 300), false);
      const removed = await fixture.store.archives.delete("arch-1", 300);
      assert.equal(removed?.archiveId, "arch-1");
      assert.equal(await fixture.store.archives.delete("arch-1", 301), undefined);
      assert.equal(await fixture.store.vaults.deleteIfEmpty(v.id, 302), false, "written since the last inventory");
      await fixture.store.vaults.refreshInventory(v.id, 400, 0);
      assert.equal(await fixture.store.vaults.deleteIfEmpty(v.id, 401), true);
      assert.equal(await fixture.store.vaults.getById(v.id), undefined);
    });

    test("get() reflects every change to the vault, however it was made (no stale read)", async () => {
      const k = key("fresh", "eu-north-1");
      const v = await fixture.store.vaults.create(k, 0, 1000);
      const g = async () => {
        const r = await fixture.store.vaults.get(k);
        return r && [r.liveCount, r.liveSize, r.inventoryCount, r.lastInventoryAt];
      };
      assert.deepEqual(await g(), [0, 0, 0, null]);
      await fixture.store.archives.insert(
        {
          archiveId: "fresh-1",
          vaultId: v.id,
          size: 7,
          treeHash: "t",
          description: null,
          createdAt: 10,
          segments: [{ key: "kf", size: 7 }],
        },
        10,
      );
      assert.deepEqual(await g(), [1, 7, 0, null], "an archive insert is seen");
      await fixture.store.vaults.refreshInventory(v.id, 50, 0);
      assert.deepEqual(await g(), [1, 7, 1, 50], "an inventory snapshot is seen");
      await fixture.store.archives.delete("fresh-1", 60);
      assert.deepEqual(await g(), [0, 0, 1, 50], "a delete is seen");
      await fixture.store.vaults.refreshInventory(v.id, 100, 0);
      assert.equal(await fixture.store.vaults.deleteIfEmpty(v.id, 101), true);
      assert.equal(await g(), undefined, "a deleted vault is gone");
      const again = await fixture.store.vaults.create(k, 200, 1000);
      assert.notEqual(again.id, v.id);
      assert.equal((await fixture.store.vaults.get(k))?.id, again.id, "a re-created vault is the new one");
    });

    test("blob references: a deleted archive's blobs become garbage exactly once", async () => {
      await fixture.store.blobs.forget(await fixture.store.blobs.garbage(1000));
      const v = await fixture.store.vaults.create(key("blobs", "sa-east-1"), 0, 1000);
      await fixture.store.archives.insert(
        {
          archiveId: "arch-2",
          vaultId: v.id,
          size: 3,
          treeHash: "t",
          description: "d",
          createdAt: 1,
          segments: [
            { key: "seg-a", size: 1 },
            { key: "seg-b", size: 2 },
          ],
        },
        1,
      );
      assert.equal(await fixture.store.blobs.known("seg-a"), true);
      assert.equal(await fixture.store.blobs.known("nope"), false);
      assert.deepEqual(await fixture.store.blobs.garbage(10), []);
      await fixture.store.archives.delete("arch-2", 5);
      assert.deepEqual((await fixture.store.blobs.garbage(10)).sort(), ["seg-a", "seg-b"]);
      await fixture.store.blobs.forget(["seg-a", "seg-b"]);
      assert.deepEqual(await fixture.store.blobs.garbage(10), []);
      assert.equal(await fixture.store.blobs.known("seg-a"), false);
    });

    test("inline blobs commit with their archive, live while referenced, and go when forgotten", async () => {
      await fixture.store.blobs.forget(await fixture.store.blobs.garbage(1000));
      const v = await fixture.store.vaults.create(key("inline", "sa-east-1"), 0, 1000);
      const archive = (archiveId: string, segKey: string, size: number) => ({
        archiveId,
        vaultId: v.id,
        size,
        treeHash: "t",
        description: null,
        createdAt: 1,
        segments: [{ key: segKey, size }],
      });
      const data = Buffer.from("small archive bytes");
      await fixture.store.archives.insert(archive("arch-in", "in-1", data.length), 1, { key: "in-1", data });
      assert.ok((await fixture.store.blobs.inline("in-1"))?.equals(data));
      assert.equal(await fixture.store.blobs.inline("seg-x"), undefined, "a blob without inline bytes");
      // Bytes that do not match a segment of the archive refuse the whole insert: nothing is recorded.
      for (const bad of [
        { key: "in-2", data: Buffer.from("short") },
        { key: "elsewhere", data: Buffer.alloc(data.length) },
      ]) {
        await assert.rejects(fixture.store.archives.insert(archive("arch-bad", "in-2", data.length), 1, bad));
        assert.equal(await fixture.store.archives.get("arch-bad"), undefined);
        assert.equal(await fixture.store.blobs.known("in-2"), false);
        assert.equal(await fixture.store.blobs.inline("elsewhere"), undefined);
      }
      await fixture.store.archives.delete("arch-in", 5);
      assert.deepEqual(await fixture.store.blobs.garbage(10), ["in-1"]);
      assert.ok(await fixture.store.blobs.inline("in-1"), "garbage keeps its bytes until forgotten");
      await fixture.store.blobs.forget(["in-1"]);
      assert.equal(await fixture.store.blobs.inline("in-1"), undefined);
      assert.equal(await fixture.store.blobs.known("in-1"), false);
    });

    test("inventory pages walk creation order with date filters", async () => {
      const v = await fixture.store.vaults.create(key("inv", "sa-east-1"), 0, 1000);
      for (let i = 0; i < 7; i++) {
        await fixture.store.archives.insert(
          {
            archiveId: `inv-${i}`,
            vaultId: v.id,
            size: i,
            treeHash: "t",
            description: null,
            createdAt: 1000 + (i % 3 === 0 ? i : i - 1),
            segments: [],
          },
          1,
        );
      }
      const seen: string[] = [];
      let after: { createdAt: number; archiveId: string } | undefined;
      for (;;) {
        const page = await fixture.store.archives.listForInventory(v.id, after, 3, {});
        if (page.length === 0) break;
        seen.push(...page.map((a) => a.archiveId));
        const last = page.at(-1)!;
        after = { createdAt: last.createdAt, archiveId: last.archiveId };
      }
      assert.equal(seen.length, 7);
      assert.equal(new Set(seen).size, 7);
      const filtered = await fixture.store.archives.listForInventory(v.id, undefined, 100, {
        startMs: 1002,
        endMs: 1005,
      });
      assert.ok(filtered.every((a) => a.createdAt >= 1002 && a.createdAt < 1005));
      assert.ok(filtered.length > 0 && filtered.length < 7);
    });
  });
}

/** The blob contract: staged blobs are invisible until committed; discard leaves nothing. */
export function blobContract(name: string, open: () => Promise<{ blobs: BlobStore; cleanup(): Promise<void> }>) {
  describe(`blob contract: ${name}`, () => {
    let blobs: BlobStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ blobs, cleanup } = await open());
    });
    after(async () => {
      await blobs.close();
      await cleanup();
    });
    const keys = async () => {
      const out: string[] = [];
      for await (const b of blobs.list()) out.push(b.key);
      return out.sort();
    };

    test("stage → commit makes a blob readable, whole and by range; chunks are seen in order", async () => {
      const seen: Buffer[] = [];
      const staged = await blobs.stage(Readable.from([Buffer.from("hello "), Buffer.from("world")]), {
        onChunk: (c) => seen.push(c),
      });
      assert.equal(staged.size, 11);
      assert.equal(Buffer.concat(seen).toString(), "hello world");
      assert.deepEqual(await keys(), [], "invisible before commit");
      await staged.commit();
      assert.deepEqual(await keys(), [staged.key]);
      assert.equal(await text(blobs.read(staged.key)), "hello world");
      assert.equal(await text(blobs.read(staged.key, { start: 6, end: 10 })), "world");
      await blobs.delete(staged.key);
      await blobs.delete(staged.key);
      assert.deepEqual(await keys(), []);
    });

    test("discard and size limits leave nothing behind", async () => {
      const staged = await blobs.stage(Readable.from([Buffer.from("abc")]));
      await staged.discard();
      await assert.rejects(staged.commit());
      await assert.rejects(blobs.stage(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), { maxBytes: 15 }));
      const failing = async function* () {
        yield Buffer.from("partial");
        throw new Error("client went away");
      };
      await assert.rejects(blobs.stage(failing()), /client went away/);
      await blobs.recover();
      assert.deepEqual(await keys(), []);
    });

    test("a writer appends in call order, several writes in flight; finish → commit makes it readable", async () => {
      const w = await blobs.create();
      const parts = [Buffer.from("alpha "), [Buffer.from("beta "), Buffer.from("gamma ")], Buffer.from("delta")];
      await Promise.all(parts.map((p) => w.write(p)));
      assert.equal(w.size, 22);
      const staged = await w.finish();
      assert.equal(staged.key, w.key);
      assert.equal(staged.size, 22);
      assert.deepEqual(await keys(), [], "invisible before commit");
      await staged.commit();
      assert.equal(await text(blobs.read(staged.key)), "alpha beta gamma delta");
      await assert.rejects(w.write(Buffer.from("late")), /closed/);
      await blobs.delete(staged.key);
    });

    test("an aborted writer leaves nothing, even with writes in flight", async () => {
      const w = await blobs.create();
      const pending = w.write(Buffer.alloc(64 * 1024, 1));
      await w.abort();
      await pending;
      await w.abort();
      await assert.rejects(w.finish(), /closed/);
      await blobs.recover();
      assert.deepEqual(await keys(), []);
    });

    test("reads of several MiB, whole or by range, return exactly the stored bytes in order", async () => {
      const size = 5 * 1024 * 1024 + 12_345;
      const data = Buffer.alloc(size);
      for (let i = 0; i + 4 <= size; i += 4) data.writeUInt32LE(i, i);
      const w = await blobs.create();
      await w.write(data);
      const staged = await w.finish();
      await staged.commit();
      const bytes = async (r: Readable) => Buffer.concat(await r.toArray());
      assert.ok((await bytes(blobs.read(staged.key))).equals(data));
      for (const [start, end] of [
        [0, 0],
        [1024 * 1024 - 1, 3 * 1024 * 1024 + 1],
        [size - 7, size - 1],
      ] as const) {
        assert.ok((await bytes(blobs.read(staged.key, { start, end }))).equals(data.subarray(start, end + 1)));
      }
      await blobs.delete(staged.key);
      await assert.rejects(bytes(blobs.read(staged.key)));
    });

    test("keys are generated, never taken from callers", async () => {
      const a = await blobs.stage(Readable.from([Buffer.from("1")]));
      const b = await blobs.stage(Readable.from([Buffer.from("1")]));
      assert.notEqual(a.key, b.key);
      await a.discard();
      await b.discard();
      assert.throws(() => blobs.read("../../etc/passwd"));
    });
  });
}
