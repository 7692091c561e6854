import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { handlers } from "../../src/api/index.js";
import { OPERATIONS } from "../../src/api/types.js";
import { matchRoute, ROUTES } from "../../src/http/routes.js";

interface ModelOperation {
  http: { method: string; requestUri: string; responseCode?: number };
}

// The botocore model shipped in ../shared (read-only input; the server never reads it).
const model = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../shared/glacier/service-2.json", import.meta.url)), "utf8"),
) as { operations: Record<string, ModelOperation> };

test("every operation of the model is routed with its method, path and selector, and has a handler", () => {
  const names = Object.keys(model.operations).sort();
  assert.equal(names.length, 33);
  assert.deepEqual([...OPERATIONS].sort(), names);
  for (const [name, op] of Object.entries(model.operations)) {
    const [path, qs] = op.http.requestUri.split("?");
    const route = ROUTES.find((r) => r.operation === name);
    assert.ok(route, `${name} is routed`);
    assert.equal(route.method, op.http.method, name);
    assert.equal(`/${route.path}`, path, name);
    if (qs) assert.deepEqual(route.query, { key: qs.split("=")[0], value: qs.split("=")[1] }, name);
    assert.equal(typeof handlers[name as keyof typeof handlers], "function", `${name} has a handler`);
  }
  assert.equal(ROUTES.length, 33);
});

test("concrete paths resolve to the right operation; ids beginning with '-' are fine", () => {
  const seg = (p: string) => p.split("/").slice(1);
  const q = (s = "") => new URLSearchParams(s);
  const cases: [string, string, string, string][] = [
    ["PUT", "/-/vaults/v", "", "CreateVault"],
    ["GET", "/-/vaults", "limit=5", "ListVaults"],
    ["POST", "/-/vaults/v/tags", "operation=add", "AddTagsToVault"],
    ["POST", "/-/vaults/v/tags", "operation=remove", "RemoveTagsFromVault"],
    ["DELETE", "/123456789012/vaults/v/archives/-abc_def", "", "DeleteArchive"],
    ["GET", "/-/vaults/v/jobs/-job/output", "", "GetJobOutput"],
    ["POST", "/-/vaults/v/lock-policy/LOCKID", "", "CompleteVaultLock"],
    ["GET", "/-/policies/data-retrieval", "", "GetDataRetrievalPolicy"],
    ["POST", "/-/provisioned-capacity", "", "PurchaseProvisionedCapacity"],
  ];
  for (const [method, path, query, op] of cases) {
    const m = matchRoute(method, seg(path), q(query));
    assert.equal(m.kind, "ok", `${method} ${path}`);
    if (m.kind === "ok") assert.equal(m.route.operation, op);
  }
  assert.equal(matchRoute("PATCH", seg("/-/vaults/v"), q()).kind, "method");
  assert.equal(matchRoute("POST", seg("/-/vaults/v/tags"), q()).kind, "method");
  assert.equal(matchRoute("GET", seg("/-/elsewhere"), q()).kind, "none");
});
