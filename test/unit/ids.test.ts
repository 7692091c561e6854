import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isUrlSafeId,
  newArchiveId,
  newBlobKey,
  newCapacityId,
  newInlineBlobKey,
  newJobId,
  newLockId,
  newRequestId,
  newUploadId,
} from "../../src/core/ids.js";

test("ids: each kind has its length and alphabet, and ids drawn across many pool refills never repeat", () => {
  const kinds: [string, () => string, RegExp][] = [
    ["archive", newArchiveId, /^[A-Za-z0-9_][A-Za-z0-9_-]{137}$/],
    ["upload", newUploadId, /^[A-Za-z0-9_][A-Za-z0-9_-]{91}$/],
    ["job", newJobId, /^[A-Za-z0-9_][A-Za-z0-9_-]{91}$/],
    ["request", newRequestId, /^[A-Za-z0-9_-]{47}$/],
    ["lock", newLockId, /^[A-Za-z0-9]{24}$/],
    ["capacity", newCapacityId, /^[A-Za-z0-9]{24}$/],
    ["blob key", newBlobKey, /^[0-9a-f]{32}$/],
    ["inline blob key", newInlineBlobKey, /^[0-9a-f]{32}$/],
  ];
  const seen = new Set<string>();
  // Interleaved, so consecutive draws of different sizes share the pooled buffer.
  for (let i = 0; i < 3000; i++) {
    for (const [kind, make, shape] of kinds) {
      const id = make();
      assert.match(id, shape, `${kind} id ${id}`);
      assert.ok(!seen.has(id), `${kind} id repeated: ${id}`);
      seen.add(id);
    }
  }
  assert.ok(isUrlSafeId(newArchiveId()));
});

test("ids: the bytes behind them are uniformly spread (no zero-filled or reused pool regions)", () => {
  // 20,000 blob keys = 320,000 random bytes; each hex digit should appear about 1/16 of the time.
  const counts = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < 20_000; i++) {
    for (const ch of newBlobKey()) {
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
      total += 1;
    }
  }
  assert.equal(counts.size, 16);
  for (const [ch, n] of counts) {
    const share = n / total;
    assert.ok(share > 0.058 && share < 0.067, `hex digit ${ch}: ${share}`);
  }
});

test("ids: inline blob keys start with the time, so later keys sort after earlier ones", () => {
  const t = Date.UTC(2026, 10, 26, 6, 0, 0);
  const earlier = Array.from({ length: 50 }, () => newInlineBlobKey(t));
  const later = Array.from({ length: 50 }, () => newInlineBlobKey(t + 1));
  assert.ok(earlier.every((k) => k.startsWith(t.toString(16).padStart(12, "0"))));
  for (const a of earlier) for (const b of later) assert.ok(a < b, `${a} should sort before ${b}`);
  // Within one millisecond the rest is random: keys still differ.
  assert.equal(new Set(earlier).size, earlier.length);
  // Blob keys of files stay random from their first character (it picks the shard folder).
  const shards = new Set(Array.from({ length: 400 }, () => newBlobKey().slice(0, 1)));
  assert.equal(shards.size, 16);
});
