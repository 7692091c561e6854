import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalQuery, canonicalUri } from "../../src/http/sigv4-canonical.js";

test("canonical URI: Glacier paths unchanged; encoded bytes encoded again; dot segments removed", () => {
  assert.equal(canonicalUri("/-/vaults/my-vault_1.x~/archives/-Ab_9"), "/-/vaults/my-vault_1.x~/archives/-Ab_9");
  assert.equal(canonicalUri("/-/vaults/a%20b"), "/-/vaults/a%2520b");
  assert.equal(canonicalUri("/-/vaults/./x/../y"), "/-/vaults/y");
  assert.equal(canonicalUri("/"), "/");
  assert.equal(canonicalUri("/-/vaults/"), "/-/vaults/");
});

test("canonical query: decoded, RFC 3986 re-encoded, sorted by name then value, empty values kept", () => {
  assert.equal(canonicalQuery(""), "");
  assert.equal(
    canonicalQuery("marker=arn%3Aaws%3Aglacier%3Aus-east-1%3A111122223333%3Avaults%2Fv1&limit=5"),
    "limit=5&marker=arn%3Aaws%3Aglacier%3Aus-east-1%3A111122223333%3Avaults%2Fv1",
  );
  assert.equal(
    canonicalQuery("statuscode=Succeeded&completed=true&limit=2"),
    "completed=true&limit=2&statuscode=Succeeded",
  );
  assert.equal(canonicalQuery("b=2&a=&b=1"), "a=&b=1&b=2");
  assert.equal(canonicalQuery("x=a%20b&y=a*b"), "x=a%20b&y=a%2Ab");
});
