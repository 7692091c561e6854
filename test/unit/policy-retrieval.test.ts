import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRetrievalPolicy } from "../../src/api/account.js";
import { GlacierError } from "../../src/core/errors.js";
import {
  bytesPerHourAdmits,
  capacityExpiry,
  parseExpeditedCapacity,
  standardWindowStart,
  utcDayStart,
} from "../../src/core/retrieval.js";

describe("provisioned capacity term (one calendar month, ms zeroed)", () => {
  const cases: [string, string][] = [
    ["2020-02-18T19:59:24.912Z", "2020-03-18T19:59:24.000Z"], // the real AWS pair (SPEC §9.2)
    ["2024-01-31T10:00:00.500Z", "2024-02-29T10:00:00.000Z"],
    ["2023-01-31T10:00:00.000Z", "2023-02-28T10:00:00.000Z"],
    ["2023-08-31T23:59:59.999Z", "2023-09-30T23:59:59.000Z"],
    ["2023-12-15T00:00:00.001Z", "2024-01-15T00:00:00.000Z"],
    ["2023-03-31T12:00:00.000Z", "2023-04-30T12:00:00.000Z"],
  ];
  for (const [start, end] of cases) {
    test(`${start} → ${end}`, () => assert.equal(new Date(capacityExpiry(Date.parse(start))).toISOString(), end));
  }
});

describe("retrieval rules", () => {
  test("BytesPerHour spreads each job over the Standard duration", () => {
    // 4 h window, 1000 B/h allowed: 4000 bytes may be in flight.
    assert.equal(bytesPerHourAdmits({ allowed: 1000, standardHours: 4, bytesInWindow: 3000, newBytes: 1000 }), true);
    assert.equal(bytesPerHourAdmits({ allowed: 1000, standardHours: 4, bytesInWindow: 3000, newBytes: 1001 }), false);
    assert.equal(bytesPerHourAdmits({ allowed: 1000, standardHours: 1, bytesInWindow: 0, newBytes: 1001 }), false);
  });

  test("windows and days", () => {
    const now = Date.parse("2024-05-05T12:34:56.789Z");
    assert.equal(standardWindowStart(now, 4), now - 4 * 3600 * 1000 + 1);
    assert.equal(new Date(utcDayStart(now)).toISOString(), "2024-05-05T00:00:00.000Z");
  });

  test("expedited capacity settings", () => {
    assert.deepEqual(parseExpeditedCapacity("always"), { kind: "always" });
    assert.deepEqual(parseExpeditedCapacity("NEVER"), { kind: "never" });
    assert.deepEqual(parseExpeditedCapacity("3-per-5-min"), { kind: "limited", perFiveMinutes: 3 });
    assert.throws(() => parseExpeditedCapacity("sometimes"), /N-per-5-min/);
  });
});

describe("SetDataRetrievalPolicy body validation", () => {
  const ok: [unknown, unknown][] = [
    [{ Rules: [{ Strategy: "None" }] }, { strategy: "None" }],
    [{ Rules: [{ Strategy: "FreeTier" }] }, { strategy: "FreeTier" }],
    [
      { Rules: [{ Strategy: "BytesPerHour", BytesPerHour: 10737418240 }] },
      { strategy: "BytesPerHour", bytesPerHour: 10737418240 },
    ],
    [{ Rules: [{ Strategy: "BytesPerHour", BytesPerHour: 1 }] }, { strategy: "BytesPerHour", bytesPerHour: 1 }],
    [{ Rules: [{ Strategy: "None", BytesPerHour: null }] }, { strategy: "None" }],
  ];
  for (const [policy, want] of ok) {
    test(`accepts ${JSON.stringify(policy)}`, () => assert.deepEqual(parseRetrievalPolicy({ Policy: policy }), want));
  }
  const bad: [unknown, string][] = [
    [undefined, "MissingParameterValueException"],
    ["x", "InvalidParameterValueException"],
    [{}, "MissingParameterValueException"],
    [{ Rules: [] }, "InvalidParameterValueException"],
    [{ Rules: [{ Strategy: "None" }, { Strategy: "None" }] }, "InvalidParameterValueException"],
    [{ Rules: [{}] }, "MissingParameterValueException"],
    [{ Rules: [{ Strategy: "Unlimited" }] }, "InvalidParameterValueException"],
    [{ Rules: [{ Strategy: "BytesPerHour" }] }, "MissingParameterValueException"],
    [{ Rules: [{ Strategy: "BytesPerHour", BytesPerHour: 0 }] }, "InvalidParameterValueException"],
    [{ Rules: [{ Strategy: "BytesPerHour", BytesPerHour: 1.5 }] }, "InvalidParameterValueException"],
    [{ Rules: [{ Strategy: "BytesPerHour", BytesPerHour: "100" }] }, "InvalidParameterValueException"],
    [{ Rules: [{ Strategy: "BytesPerHour", BytesPerHour: 2 ** 64 }] }, "InvalidParameterValueException"],
    [{ Rules: [{ Strategy: "FreeTier", BytesPerHour: 100 }] }, "InvalidParameterValueException"],
  ];
  for (const [policy, code] of bad) {
    test(`rejects ${JSON.stringify(policy)} with ${code}`, () => {
      assert.throws(
        () => parseRetrievalPolicy(policy === undefined ? {} : { Policy: policy }),
        (e: unknown) => e instanceof GlacierError && e.code === code,
      );
    });
  }
});
