import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  copyIntoSlab,
  LocalSlabHasher,
  releaseSlab,
  SLAB_SIZE,
  type SlabHasher,
  takeSlab,
  WorkerSlabHasher,
} from "../../src/core/hash-pool.js";
import {
  combineTreeHashes,
  hashBuffer,
  isTreeHashAligned,
  MIB,
  StreamHasher,
  TreeHasher,
} from "../../src/core/treehash.js";

/** D(n): n bytes where byte i is i mod 256 (SPEC §4.2). */
const D = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
};

// SPEC §4.2, every row: [name, data, tree hash, linear SHA-256].
const VECTORS: [string, Buffer, string, string][] = (
  [
    ["empty", Buffer.alloc(0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "same"],
    ["D(1)", D(1), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "same"],
    [
      "hello world",
      Buffer.from("hello world", "ascii"),
      "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
      "same",
    ],
    ["D(1048575)", D(MIB - 1), "d8222d77ac43a9391cb348ce3a3bb3c0221a4a666e907b5bc77de56a41f37848", "same"],
    ["D(1048576)", D(MIB), "fbbab289f7f94b25736c58be46a994c441fd02552cc6022352e3d86d2fab7c83", "same"],
    ["1 MiB of a", Buffer.alloc(MIB, 0x61), "9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360", "same"],
    [
      "D(1048577)",
      D(MIB + 1),
      "d5a80a74925851bc5683564d57cb1608dfb63786a9462b54f541fcf5c15dc619",
      "607deb6eccbc844880b9d7b523751a4cdba0452727b885c74264bfe1fb7843e2",
    ],
    [
      "D(2097152)",
      D(2 * MIB),
      "159967700b653cc4d21e8ceadd5e20c9be037fc839730b65b4343c967241fe95",
      "91d3beb88a9b2f778a6c44a1c53b63d3c79931845a9aef84b3fb414610bd1938",
    ],
    [
      "D(3145728)",
      D(3 * MIB),
      "9bf95f5a1c4384e4c04b626bb12b022acba96a0fc1bb4ec3efd260a116f9e91b",
      "f6dd7fec8584ad00219a447071c1fa368a1caee4d9c146083d233713ddccd2c0",
    ],
    [
      "D(3145733)",
      D(3 * MIB + 5),
      "3a40c480b40f7bb85bf09feb4f90c63207c26a9aa101b0c611aa2ad9464e97c9",
      "d09d5825e312c54b0560e26291d95cfef6d1d21520b4703296a4bba94f01a7b4",
    ],
    [
      "D(3670016)",
      D(3.5 * MIB),
      "f81f610ee154c46e593bf91d46638b4db02ca676b48996448687ed84d6c481f3",
      "489889e9841b1e99f92289b43ae0bf79a959782693c52f04976963567b487631",
    ],
    [
      "D(8388608)",
      D(8 * MIB),
      "fae9ec4d8b344877f0dd1972a171fb37fb2b14562c3276a6ac766643390503ea",
      "7d212b9c884f5c77896de960ae17cc341cda43b14d6a971f34ca29ebd4badf7f",
    ],
  ] as [string, Buffer, string, string][]
).map(([name, data, tree, linear]) => [name, data, tree, linear === "same" ? tree : linear]);

/** Splits `data` into pieces of irregular sizes (1 byte up to a little over a leaf). */
function* pieces(data: Buffer, seed: number): Generator<Buffer> {
  const sizes = [1, 7, 65_536, MIB - 3, 4096, MIB + 9, 333_333];
  for (let off = 0, i = seed; off < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length] as number, data.length - off);
    yield data.subarray(off, off + n);
    off += n;
  }
}

const HASHERS: [string, () => SlabHasher][] = [
  ["WorkerSlabHasher (worker thread, shared slabs)", () => new WorkerSlabHasher()],
  ["LocalSlabHasher", () => new LocalSlabHasher()],
];

/** Feeds `data` through slabs as the ingest pump does: up to `inFlight` slabs hashed at once. */
async function bySlabs(h: SlabHasher, data: Buffer, inFlight: number) {
  const busy = new Set<Promise<void>>();
  for (let off = 0; off < data.length; off += SLAB_SIZE) {
    if (busy.size === inFlight) await Promise.race(busy);
    const slab = takeSlab();
    const n = Math.min(SLAB_SIZE, data.length - off);
    copyIntoSlab(slab, 0, data.subarray(off, off + n));
    const p: Promise<void> = Promise.resolve(h.update(slab, n)).then(() => {
      releaseSlab(slab);
      busy.delete(p);
    });
    busy.add(p);
  }
  await Promise.all(busy);
  return h.digest();
}

describe("tree hash, SPEC §4.2 vectors", () => {
  for (const [name, data, tree, linear] of VECTORS) {
    test(`hashBuffer ${name}`, () => {
      assert.deepEqual(hashBuffer(data), { sha256: linear, treeHash: tree });
    });

    test(`StreamHasher in irregular pieces ${name}`, () => {
      for (const seed of [0, 3]) {
        const h = new StreamHasher();
        for (const p of pieces(data, seed)) h.update(p);
        assert.equal(h.size, data.length);
        assert.deepEqual(h.digest(), { sha256: linear, treeHash: tree });
      }
    });

    test(`TreeHasher alone ${name}`, () => {
      const h = new TreeHasher();
      for (const p of pieces(data, 1)) h.update(p);
      assert.equal(h.digest(), tree);
    });

    for (const [kind, make] of HASHERS) {
      test(`${kind} ${name}`, async () => {
        assert.deepEqual(await bySlabs(make(), data, 3), { sha256: linear, treeHash: tree });
      });
    }
  }
});

describe("WorkerSlabHasher", () => {
  test("many streams at once give each its own hashes (slabs recycled between streams)", async () => {
    const inputs = [
      ...VECTORS.map(([, data, tree, linear]) => ({ data, tree, linear })),
      ...VECTORS.map(([, data, tree, linear]) => ({ data, tree, linear })),
    ];
    const results = await Promise.all(inputs.map(({ data }, i) => bySlabs(new WorkerSlabHasher(), data, 1 + (i % 4))));
    results.forEach((r, i) => {
      assert.deepEqual(r, { sha256: inputs[i]?.linear, treeHash: inputs[i]?.tree });
    });
  });

  test("a 24 MiB stream matches StreamHasher", async () => {
    const data = D(24 * MIB + 12_345);
    const ref = new StreamHasher();
    ref.update(data);
    assert.deepEqual(await bySlabs(new WorkerSlabHasher(), data, 4), ref.digest());
  });

  test("digest twice fails; abort is harmless", async () => {
    const h = new WorkerSlabHasher();
    const slab = takeSlab();
    slab.bytes.set(Buffer.from("hello world"));
    await h.update(slab, 11);
    assert.deepEqual(await h.digest(), hashBuffer(Buffer.from("hello world")));
    await assert.rejects(h.digest(), /already finished/);
    await assert.rejects(h.update(slab, 11), /already finished/);
    const g = new WorkerSlabHasher();
    await g.update(slab, 11);
    g.abort();
    g.abort();
    releaseSlab(slab);
  });
});

describe("slabs", () => {
  test("a body smaller than a slab gets a slab of its own size, which never enters the pool", async () => {
    const small = takeSlab(4096);
    assert.equal(small.bytes.length, 4096);
    const data = D(4096);
    copyIntoSlab(small, 0, data);
    const h = new LocalSlabHasher();
    h.update(small, 4096);
    assert.deepEqual(await h.digest(), hashBuffer(data));
    releaseSlab(small);
    // The pool only hands out full slabs, whatever was released into it.
    for (let i = 0; i < 20; i++) assert.equal(takeSlab().bytes.length, SLAB_SIZE);
    assert.equal(takeSlab(SLAB_SIZE * 8).bytes.length, SLAB_SIZE);
  });

  test("full slabs are recycled", () => {
    const a = takeSlab();
    releaseSlab(a);
    assert.equal(takeSlab(), a);
  });
});

describe("tree of parts and aligned ranges (SPEC §4.3, §4.4)", () => {
  test("combining part tree hashes gives the archive's tree hash", () => {
    const data = D(9.5 * MIB + 123);
    const whole = hashBuffer(data).treeHash;
    for (const partMiB of [1, 2, 4, 8]) {
      const parts: Buffer[] = [];
      for (let off = 0; off < data.length; off += partMiB * MIB) {
        parts.push(Buffer.from(hashBuffer(data.subarray(off, off + partMiB * MIB)).treeHash, "hex"));
      }
      assert.equal(combineTreeHashes(parts).toString("hex"), whole, `parts of ${partMiB} MiB`);
    }
  });

  test("tree-hash-aligned ranges of a 6.5 MiB archive", () => {
    const size = 6.5 * MIB;
    assert.equal(isTreeHashAligned(2 * MIB, 4 * MIB - 1, size), true);
    assert.equal(isTreeHashAligned(1 * MIB, 3 * MIB - 1, size), false);
    assert.equal(isTreeHashAligned(0, size - 1, size), true);
    assert.equal(isTreeHashAligned(6 * MIB, size - 1, size), true);
  });
});
