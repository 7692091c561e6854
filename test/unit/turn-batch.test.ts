import assert from "node:assert/strict";
import { test } from "node:test";
import { TurnBatch } from "../../src/core/turn-batch.js";

test("TurnBatch: calls of one turn are flushed together, later calls in a new batch; a throwing flush rejects its batch", async () => {
  const batches: number[][] = [];
  const b = new TurnBatch<number, number>((batch) => {
    batches.push(batch.map((q) => q.input));
    for (const q of batch) {
      if (q.input < 0) throw new Error("negative");
      q.resolve(q.input * 10);
    }
  });
  assert.deepEqual(await Promise.all([b.run(1), b.run(2), b.run(3)]), [10, 20, 30]);
  assert.deepEqual(await b.run(4), 40);
  assert.deepEqual(batches, [[1, 2, 3], [4]]);
  const failing = await Promise.allSettled([b.run(-1), b.run(5)]);
  assert.deepEqual(
    failing.map((r) => r.status),
    ["rejected", "rejected"],
  );
});
