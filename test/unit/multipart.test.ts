import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GlacierError } from "../../src/core/errors.js";
import {
  assembleParts,
  parseArchiveSize,
  parsePartRange,
  parsePartSize,
  stripLeadingSpaces,
} from "../../src/core/multipart.js";
import { hashBuffer, MIB } from "../../src/core/treehash.js";

const D = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i & 0xff));

function throwsGlacier(fn: () => unknown, code: string, message?: string | RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GlacierError);
    assert.equal(err.code, code);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe("parsePartSize", () => {
  test("accepts exactly the 13 powers of two from 1 MiB to 4 GiB", () => {
    const legal: number[] = [];
    for (let k = 0; k <= 12; k++) legal.push(MIB * 2 ** k);
    for (const n of legal) assert.equal(parsePartSize(String(n)), n);
    for (const bad of [MIB / 2, 3 * MIB, 8 * 1024 * MIB, MIB + 1, 0]) {
      throwsGlacier(
        () => parsePartSize(String(bad)),
        "InvalidParameterValueException",
        `Invalid part size: ${bad}. Part size must not be null, must be a power of two and be between 1048576 and 4294967296 bytes.`,
      );
    }
  });
  test("missing header is reported as 0; junk is echoed", () => {
    throwsGlacier(() => parsePartSize(undefined), "InvalidParameterValueException", /^Invalid part size: 0\. /);
    throwsGlacier(() => parsePartSize("1e6"), "InvalidParameterValueException", /^Invalid part size: 1e6\. /);
    throwsGlacier(() => parsePartSize(" 1048576"), "InvalidParameterValueException");
  });
});

describe("parsePartRange", () => {
  test("a full part and a short (possibly last) part", () => {
    assert.deepEqual(parsePartRange("bytes 0-1048575/*", "1048576", MIB), {
      first: 0,
      last: MIB - 1,
      index: 0,
      length: MIB,
    });
    assert.deepEqual(parsePartRange("bytes 4194304-4194310/*", "7", 2 * MIB), {
      first: 4 * MIB,
      last: 4 * MIB + 6,
      index: 2,
      length: 7,
    });
  });
  test("AWS's exact messages", () => {
    throwsGlacier(
      () => parsePartRange("bytes 909994937-909994936/*", "0", MIB),
      "InvalidParameterValueException",
      "Invalid Content-Range: bytes 909994937-909994936/*",
    );
    throwsGlacier(
      () => parsePartRange("bytes 0-4194303/*", "3146447", 4 * MIB),
      "InvalidParameterValueException",
      "Content-Range: bytes 0-4194303/* is incompatible with Content-Length: 3146447",
    );
    throwsGlacier(
      () => parsePartRange(`bytes ${10_000 * MIB}-${10_000 * MIB}/*`, "1", MIB),
      "InvalidParameterValueException",
      "This is part number 10001 for the current multipart upload. It exceeds the limit of 10000 parts.",
    );
    assert.equal(parsePartRange(`bytes ${9_999 * MIB}-${9_999 * MIB}/*`, "1", MIB).index, 9_999);
  });
  test("misaligned, oversized, missing", () => {
    throwsGlacier(
      () => parsePartRange("bytes 1-1048576/*", "1048576", MIB),
      "InvalidParameterValueException",
      /multiple of the part size/,
    );
    throwsGlacier(
      () => parsePartRange("bytes 0-2097151/*", "2097152", MIB),
      "InvalidParameterValueException",
      /larger than the part size/,
    );
    throwsGlacier(
      () => parsePartRange(undefined, "1", MIB),
      "MissingParameterValueException",
      "Required parameter missing: Content-Range",
    );
    throwsGlacier(() => parsePartRange("bytes 0-0/*", undefined, MIB), "MissingParameterValueException");
    for (const bad of ["bytes 0-1/2", "bytes=0-1", "bytes -1/*", "bytes 0-/*", "items 0-1/*"]) {
      throwsGlacier(
        () => parsePartRange(bad, "2", MIB),
        "InvalidParameterValueException",
        `Invalid Content-Range: ${bad}`,
      );
    }
  });
});

describe("parseArchiveSize", () => {
  test("decimal, at least 1, at most 10,000 × 4 GiB", () => {
    assert.equal(parseArchiveSize("3145733"), 3145733);
    assert.equal(parseArchiveSize("42949672960000"), 42949672960000);
    throwsGlacier(
      () => parseArchiveSize(undefined),
      "MissingParameterValueException",
      "Required parameter missing: x-amz-archive-size",
    );
    for (const bad of ["0", "-1", "1.5", "abc", "42949672960001"]) {
      throwsGlacier(
        () => parseArchiveSize(bad),
        "InvalidParameterValueException",
        `Invalid x-amz-archive-size: ${bad}`,
      );
    }
  });
});

describe("assembleParts (SPEC §4.3: whole-archive hash from part hashes)", () => {
  const data = D(9 * MIB + MIB / 2 + 123);
  const partsOf = (partSize: number) => {
    const parts = [];
    for (let i = 0; i * partSize < data.length; i++) {
      const slice = data.subarray(i * partSize, Math.min((i + 1) * partSize, data.length));
      parts.push({ index: i, size: slice.length, treeHash: hashBuffer(slice).treeHash });
    }
    return parts;
  };
  const whole = hashBuffer(data).treeHash;

  for (const mib of [1, 2, 4, 8, 16]) {
    test(`${mib} MiB parts give the same tree hash as hashing the 9.5 MiB + 123 B archive`, () => {
      assert.equal(assembleParts(partsOf(mib * MIB), mib * MIB, data.length, whole.toUpperCase()), whole);
    });
  }

  test("refuses gaps, short middle parts, size mismatches and a wrong hash", () => {
    const parts = partsOf(2 * MIB);
    const IPV = "InvalidParameterValueException";
    throwsGlacier(
      () =>
        assembleParts(
          parts.filter((p) => p.index !== 1),
          2 * MIB,
          data.length,
          whole,
        ),
      IPV,
      /No part has been uploaded for bytes 2097152-4194303/,
    );
    const short = parts.map((p) => (p.index === 2 ? { ...p, size: 10 } : p));
    throwsGlacier(
      () => assembleParts(short, 2 * MIB, data.length, whole),
      IPV,
      /has 10 bytes; 2097152 bytes are needed/,
    );
    throwsGlacier(() => assembleParts(parts, 2 * MIB, data.length + 1, whole), IPV, /^Invalid x-amz-archive-size: /);
    throwsGlacier(() => assembleParts(parts, 2 * MIB, data.length - 1, whole), IPV, /^Invalid x-amz-archive-size: /);
    throwsGlacier(() => assembleParts(parts, 2 * MIB, 8 * MIB, whole), IPV, /beyond the end/);
    throwsGlacier(() => assembleParts([], 2 * MIB, 1, whole), IPV, /No part has been uploaded for bytes 0-0/);
    throwsGlacier(
      () => assembleParts(parts, 2 * MIB, data.length, "0".repeat(64)),
      IPV,
      `Invalid x-amz-sha256-tree-hash: ${"0".repeat(64)}`,
    );
  });
});

test("stripLeadingSpaces removes only leading spaces", () => {
  assert.equal(stripLeadingSpaces("   a  b "), "a  b ");
  assert.equal(stripLeadingSpaces("\ta"), "\ta");
  assert.equal(stripLeadingSpaces("   "), "");
});
