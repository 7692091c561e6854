import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateVaultCommand,
  DeleteVaultCommand,
  DescribeVaultCommand,
  type GlacierClient,
  ListVaultsCommand,
  paginateListVaults,
  UploadArchiveCommand,
} from "@aws-sdk/client-glacier";
import { ACCOUNT_A, CRED_B, startTestServer, type TestServer } from "../helpers/server.js";

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("vaults", () => {
  let s: TestServer;
  let c: GlacierClient;
  before(async () => {
    s = await startTestServer();
    c = s.client();
  });
  after(() => s.stop());

  test("CreateVault answers 201 with the numeric account in Location, and is idempotent", async () => {
    const first = await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "alpha" }));
    assert.equal(first.$metadata.httpStatusCode, 201);
    assert.equal(first.location, `/${ACCOUNT_A}/vaults/alpha`);
    const d1 = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "alpha" }));
    const again = await c.send(new CreateVaultCommand({ accountId: ACCOUNT_A, vaultName: "alpha" }));
    assert.equal(again.location, `/${ACCOUNT_A}/vaults/alpha`);
    const d2 = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "alpha" }));
    assert.equal(d2.CreationDate, d1.CreationDate, "re-creating keeps the original vault");
  });

  test("DescribeVault of a new vault: zero counts, no inventory date, AWS ARN and date format", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "fresh" }));
    const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "fresh" }));
    assert.equal(d.VaultARN, `arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/fresh`);
    assert.equal(d.VaultName, "fresh");
    assert.equal(d.NumberOfArchives, 0);
    assert.equal(d.SizeInBytes, 0);
    assert.equal(d.LastInventoryDate, undefined);
    assert.match(d.CreationDate ?? "", ISO_MS);
  });

  test("invalid vault names are rejected at CreateVault", async () => {
    for (const name of ["has space", "colon:name", "x".repeat(256), "..", "ünï"]) {
      await assert.rejects(
        c.send(new CreateVaultCommand({ accountId: "-", vaultName: name })),
        (err: Error) => err.name === "InvalidParameterValueException",
        name,
      );
    }
    const ok = "a".repeat(255);
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: ok }));
    await c.send(new DeleteVaultCommand({ accountId: "-", vaultName: ok }));
  });

  test("a missing vault is ResourceNotFound with AWS's message", async () => {
    await assert.rejects(c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "nope" })), {
      name: "ResourceNotFoundException",
      message: `Vault not found for ARN: arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/nope`,
    });
    await assert.rejects(c.send(new DeleteVaultCommand({ accountId: "-", vaultName: "nope" })), {
      name: "ResourceNotFoundException",
    });
  });

  test("ListVaults pages by 10 in byte order; Marker is the next vault's ARN, inclusive", async () => {
    const region = "ap-south-1";
    const rc = s.client(undefined, region);
    const names = Array.from({ length: 23 }, (_, i) => `pg-${String(i).padStart(2, "0")}`).concat(["Pg-upper", "pg_x"]);
    for (const n of names) await rc.send(new CreateVaultCommand({ accountId: "-", vaultName: n }));
    const sorted = [...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    const p1 = await rc.send(new ListVaultsCommand({ accountId: "-" }));
    assert.equal(p1.VaultList?.length, 10);
    assert.deepEqual(
      p1.VaultList?.map((v) => v.VaultName),
      sorted.slice(0, 10),
    );
    assert.equal(p1.Marker, `arn:aws:glacier:${region}:${ACCOUNT_A}:vaults/${sorted[10]}`);
    const p2 = await rc.send(new ListVaultsCommand({ accountId: "-", marker: p1.Marker, limit: 1000 }));
    assert.equal(p2.VaultList?.[0]?.VaultName, sorted[10], "marker is inclusive; limit above 10 is capped");
    assert.equal(p2.VaultList?.length, 10);
    const small = await rc.send(new ListVaultsCommand({ accountId: "-", limit: 3 }));
    assert.equal(small.VaultList?.length, 3);
    const all: string[] = [];
    for await (const page of paginateListVaults({ client: rc }, { accountId: "-" })) {
      all.push(...(page.VaultList ?? []).map((v) => v.VaultName ?? ""));
    }
    assert.deepEqual(all, sorted);
    const last = await rc.send(
      new ListVaultsCommand({
        accountId: "-",
        marker: `arn:aws:glacier:${region}:${ACCOUNT_A}:vaults/${sorted.at(-1)}`,
      }),
    );
    assert.equal(last.Marker, undefined, "Marker is null on the last page");
    await assert.rejects(rc.send(new ListVaultsCommand({ accountId: "-", limit: 0 })), {
      name: "InvalidParameterValueException",
    });
    await assert.rejects(rc.send(new ListVaultsCommand({ accountId: "-", marker: "not-an-arn" })), {
      name: "InvalidParameterValueException",
    });
  });

  test("regions are separate namespaces and ARNs carry the region", async () => {
    const east = s.client(undefined, "us-east-1");
    const west = s.client(undefined, "eu-west-1");
    await east.send(new CreateVaultCommand({ accountId: "-", vaultName: "shared-name" }));
    await assert.rejects(west.send(new DescribeVaultCommand({ accountId: "-", vaultName: "shared-name" })), {
      name: "ResourceNotFoundException",
    });
    await west.send(new CreateVaultCommand({ accountId: "-", vaultName: "shared-name" }));
    const w = await west.send(new DescribeVaultCommand({ accountId: "-", vaultName: "shared-name" }));
    assert.equal(w.VaultARN, `arn:aws:glacier:eu-west-1:${ACCOUNT_A}:vaults/shared-name`);
    const westList = await west.send(new ListVaultsCommand({ accountId: "-" }));
    assert.deepEqual(
      westList.VaultList?.map((v) => v.VaultName),
      ["shared-name"],
    );
  });

  test("accounts are isolated; another account's id in the path is AccessDenied", async () => {
    const b = s.client(CRED_B);
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "private" }));
    await assert.rejects(b.send(new DescribeVaultCommand({ accountId: "-", vaultName: "private" })), {
      name: "ResourceNotFoundException",
    });
    await assert.rejects(b.send(new DescribeVaultCommand({ accountId: ACCOUNT_A, vaultName: "private" })), {
      name: "AccessDeniedException",
    });
    await assert.rejects(b.send(new CreateVaultCommand({ accountId: ACCOUNT_A, vaultName: "intruder" })), {
      name: "AccessDeniedException",
    });
    await assert.rejects(b.send(new ListVaultsCommand({ accountId: ACCOUNT_A })), { name: "AccessDeniedException" });
    await assert.rejects(c.send(new DescribeVaultCommand({ accountId: "1111-2222-3333", vaultName: "private" })), {
      name: "AccessDeniedException",
    });
  });

  test("DeleteVault: a vault with archives is refused with AWS's message; an empty one goes", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "full" }));
    await c.send(new UploadArchiveCommand({ accountId: "-", vaultName: "full", body: Buffer.from("data") }));
    await assert.rejects(c.send(new DeleteVaultCommand({ accountId: "-", vaultName: "full" })), {
      name: "InvalidParameterValueException",
      message: `Vault not empty or recently written to: arn:aws:glacier:us-east-1:${ACCOUNT_A}:vaults/full`,
    });
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "empty" }));
    const del = await c.send(new DeleteVaultCommand({ accountId: "-", vaultName: "empty" }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await assert.rejects(c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "empty" })), {
      name: "ResourceNotFoundException",
    });
  });
});

describe("vault limit", () => {
  test("the 1,001st vault in a region is LimitExceeded", async () => {
    const s = await startTestServer();
    try {
      const c = s.client();
      const names = Array.from({ length: 1000 }, (_, i) => `v${i}`);
      for (let i = 0; i < names.length; i += 50) {
        await Promise.all(
          names.slice(i, i + 50).map((n) => c.send(new CreateVaultCommand({ accountId: "-", vaultName: n }))),
        );
      }
      await assert.rejects(c.send(new CreateVaultCommand({ accountId: "-", vaultName: "one-too-many" })), {
        name: "LimitExceededException",
      });
      // Re-creating an existing vault at the limit is still fine (idempotent), and other regions are separate.
      await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "v7" }));
      await s
        .client(undefined, "us-west-2")
        .send(new CreateVaultCommand({ accountId: "-", vaultName: "one-too-many" }));
    } finally {
      await s.stop();
    }
  });
});
