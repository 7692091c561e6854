import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/cli/config.js";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCOUNT_ID } from "../../src/core/config.js";

test("defaults: loopback, port 9070, ./data, auth on, one default account", () => {
  const cfg = loadConfig({}, {});
  assert.deepEqual(
    [cfg.host, cfg.port, cfg.dataDir, cfg.auth, cfg.region],
    ["127.0.0.1", 9070, "./data", true, undefined],
  );
  assert.equal(cfg.credentials.length, 1);
  assert.equal(cfg.credentials[0]?.accountId, DEFAULT_ACCOUNT_ID);
  assert.equal(cfg.credentials[0]?.accessKeyId, DEFAULT_ACCESS_KEY_ID);
  assert.equal(cfg.adminToken, undefined);
});

test("flags win over environment, environment over the file, the file over defaults", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pf-cfg-"));
  try {
    const file = join(dir, "permafrost.json");
    await writeFile(
      file,
      JSON.stringify({
        port: 1111,
        host: "0.0.0.0",
        inventoryRefreshSeconds: 60,
        credentials: [
          { accessKeyId: "AKIAFILEAAAAAAAAAAAA", secretAccessKey: "s1", accountId: "111122223333" },
          {
            accessKeyId: "AKIAFILEBBBBBBBBBBBB",
            secretAccessKey: "s2",
            accountId: "444455556666",
            principalArn: "arn:aws:iam::444455556666:user/bob",
          },
        ],
      }),
    );
    const env = {
      PERMAFROST_CONFIG: file,
      PERMAFROST_PORT: "2222",
      PERMAFROST_AUTH: "off",
      PERMAFROST_ADMIN_TOKEN: "tok",
    };
    const fromEnv = loadConfig({}, env);
    assert.deepEqual(
      [fromEnv.port, fromEnv.host, fromEnv.auth, fromEnv.inventoryRefreshSeconds, fromEnv.adminToken],
      [2222, "0.0.0.0", false, 60, "tok"],
    );
    assert.equal(fromEnv.credentials[0]?.principalArn, "arn:aws:iam::111122223333:root");
    assert.equal(fromEnv.credentials[1]?.principalArn, "arn:aws:iam::444455556666:user/bob");
    const fromFlags = loadConfig({ port: "3333", auth: true, region: "eu-west-1" }, env);
    assert.deepEqual([fromFlags.port, fromFlags.auth, fromFlags.region], [3333, true, "eu-west-1"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the default account's variables replace its fields; bad values are refused", () => {
  const cfg = loadConfig({}, { PERMAFROST_ACCOUNT_ID: "999988887777", PERMAFROST_SECRET_ACCESS_KEY: "s3cret" });
  assert.equal(cfg.credentials[0]?.accountId, "999988887777");
  assert.equal(cfg.credentials[0]?.secretAccessKey, "s3cret");
  assert.equal(cfg.credentials[0]?.accessKeyId, DEFAULT_ACCESS_KEY_ID);
  assert.equal(cfg.credentials[0]?.principalArn, "arn:aws:iam::999988887777:root");
  const mp = loadConfig({}, { PERMAFROST_UPLOAD_EXPIRY_SECONDS: "60", PERMAFROST_ABORTED_UPLOAD_GRACE_SECONDS: "5" });
  assert.deepEqual([mp.uploadExpirySeconds, mp.abortedUploadGraceSeconds], [60, 5]);
  assert.throws(() => loadConfig({}, { PERMAFROST_ACCOUNT_ID: "9999-8888-7777" }), /12 digits/);
  assert.throws(() => loadConfig({}, { PERMAFROST_PORT: "http" }));
  assert.throws(() => loadConfig({}, { PERMAFROST_AUTH: "maybe" }));
});
