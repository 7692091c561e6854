import assert from "node:assert/strict";
import { test } from "node:test";
import { isoSeconds } from "../../src/core/clock.js";

test("isoSeconds: whole-second UTC dates, also when consecutive calls share or leave a second", () => {
  const reference = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const base = Date.UTC(2015, 3, 7, 0, 26, 18);
  // Runs within one second, jumps forward and back, the second's edges, and dates before 1970.
  const times = [
    base,
    base + 1,
    base + 999,
    base + 1000,
    base + 999,
    base - 1,
    base + 86_400_000,
    0,
    -1,
    -1000,
    -1001,
    base,
  ];
  for (const ms of times) assert.equal(isoSeconds(ms), reference(ms), `at ${ms}`);
  assert.equal(isoSeconds(base + 999), "2015-04-07T00:26:18Z");
  assert.equal(isoSeconds(-1), "1969-12-31T23:59:59Z");
});
