import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { CreateVaultCommand, DescribeVaultCommand } from "@aws-sdk/client-glacier";
import { clientFor, spawnServer } from "../helpers/process.js";

describe("one server per data folder", () => {
  let dataDir: string;
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("a second server on a folder in use fails at start-up; the first one is unaffected", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "pf-owner-"));
    const first = await spawnServer(dataDir);
    try {
      const c = clientFor(first.url);
      await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "owned" }));
      const second = await spawnServer(dataDir).then(
        async (s) => {
          s.proc.kill("SIGKILL");
          await s.exited;
          return new Error("a second server started on a data folder in use");
        },
        (err: Error) => err,
      );
      assert.match(second.message, /server exited \(1\) before listening/);
      const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "owned" }));
      assert.equal(d.VaultName, "owned");
    } finally {
      first.proc.kill("SIGTERM");
      assert.equal(await first.exited, 0);
    }
    // Once the owner is gone, the folder opens again with its data.
    const next = await spawnServer(dataDir);
    try {
      const d = await clientFor(next.url).send(new DescribeVaultCommand({ accountId: "-", vaultName: "owned" }));
      assert.equal(d.VaultName, "owned");
    } finally {
      next.proc.kill("SIGTERM");
      await next.exited;
    }
  });
});
