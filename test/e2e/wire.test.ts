import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateVaultCommand, DescribeVaultCommand } from "@aws-sdk/client-glacier";
import { rawRequest, signedRequest, signHeaders } from "../helpers/raw.js";
import { ACCOUNT_A, CRED_A, startTestServer, type TestServer } from "../helpers/server.js";

const REQUEST_ID = /^[A-Za-z0-9_-]{47}$/;

function assertAwsError(
  res: { status: number; headers: Record<string, unknown>; json: unknown },
  status: number,
  code: string,
) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.headers["content-type"], "application/json");
  assert.match(String(res.headers["x-amzn-requestid"]), REQUEST_ID);
  assert.ok(res.headers.date);
  const body = res.json as Record<string, string>;
  assert.equal(body.code, code);
  assert.equal(typeof body.message, "string");
  assert.equal(body.type, status >= 500 ? "Server" : "Client");
  assert.deepEqual(Object.keys(body).sort(), ["code", "message", "type"]);
}

describe("wire format and authentication", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await s.client().send(new CreateVaultCommand({ accountId: "-", vaultName: "wire" }));
  });
  after(() => s.stop());

  test("success responses: exact JSON content type, request id, date, content length", async () => {
    const res = await signedRequest(s.url, { method: "GET", path: "/-/vaults/wire" });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/json");
    assert.equal(res.headers["content-length"], String(res.body.length));
    assert.match(String(res.headers["x-amzn-requestid"]), REQUEST_ID);
    assert.match(String(res.headers.date), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.deepEqual(Object.keys(res.json as object), [
      "CreationDate",
      "LastInventoryDate",
      "NumberOfArchives",
      "SizeInBytes",
      "VaultARN",
      "VaultName",
    ]);
    assert.equal(
      (res.json as { LastInventoryDate: unknown }).LastInventoryDate,
      null,
      "documented fields present as null",
    );
  });

  test("bodiless 201 and 204 carry the request id and no body", async () => {
    const created = await signedRequest(s.url, { method: "PUT", path: "/-/vaults/tmp-1" });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, `/${ACCOUNT_A}/vaults/tmp-1`);
    assert.match(String(created.headers["x-amzn-requestid"]), REQUEST_ID);
    assert.equal(created.body.length, 0);
    const deleted = await signedRequest(s.url, { method: "DELETE", path: "/-/vaults/tmp-1" });
    assert.equal(deleted.status, 204);
    assert.match(String(deleted.headers["x-amzn-requestid"]), REQUEST_ID);
  });

  test("no Authorization header: MissingAuthenticationTokenException", async () => {
    const res = await rawRequest(s.url, {
      method: "GET",
      path: "/-/vaults/wire",
      headers: { "x-amz-glacier-version": "2012-06-01" },
    });
    assertAwsError(res, 403, "MissingAuthenticationTokenException");
  });

  test("wrong secret: InvalidSignatureException 403", async () => {
    const res = await signedRequest(s.url, { method: "GET", path: "/-/vaults/wire", secret: "not-the-secret" });
    assertAwsError(res, 403, "InvalidSignatureException");
    assert.match((res.json as { message: string }).message, /^The request signature we calculated does not match/);
    await assert.rejects(
      s
        .client({ ...CRED_A, secretAccessKey: "wrong" })
        .send(new DescribeVaultCommand({ accountId: "-", vaultName: "wire" })),
      { name: "InvalidSignatureException" },
    );
  });

  test("concurrent requests, signatures verified in batches: each gets the answer its own signature earns", async () => {
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        signedRequest(s.url, {
          method: "GET",
          path: "/-/vaults/wire",
          secret: i % 3 === 1 ? "not-the-secret" : undefined,
          glacierVersion: i % 3 === 2 ? null : undefined,
        }),
      ),
    );
    results.forEach((res, i) => {
      if (i % 3 === 0) assert.equal(res.status, 200, `request ${i}`);
      else if (i % 3 === 1) assertAwsError(res, 403, "InvalidSignatureException");
      else assertAwsError(res, 400, "MissingParameterValueException");
    });
  });

  test("unknown access key: UnrecognizedClientException", async () => {
    const res = await signedRequest(s.url, {
      method: "GET",
      path: "/-/vaults/wire",
      cred: { ...CRED_A, accessKeyId: "AKIAUNKNOWNUNKNOWN00" },
    });
    assertAwsError(res, 400, "UnrecognizedClientException");
  });

  test("a request dated 10 minutes away is rejected either way", async () => {
    const past = await signedRequest(s.url, {
      method: "GET",
      path: "/-/vaults/wire",
      date: new Date(Date.now() - 600_000),
    });
    assertAwsError(past, 403, "InvalidSignatureException");
    assert.match((past.json as { message: string }).message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const future = await signedRequest(s.url, {
      method: "GET",
      path: "/-/vaults/wire",
      date: new Date(Date.now() + 600_000),
    });
    assertAwsError(future, 403, "InvalidSignatureException");
    assert.match((future.json as { message: string }).message, /^Signature not yet current:/);
  });

  test("tampering with a signed header after signing breaks the signature", async () => {
    const headers = await signHeaders(s.url, {
      method: "GET",
      path: "/-/vaults/wire",
      headers: { "x-amz-archive-description": "original" },
    });
    assert.equal((await rawRequest(s.url, { method: "GET", path: "/-/vaults/wire", headers })).status, 200);
    const tampered = await rawRequest(s.url, {
      method: "GET",
      path: "/-/vaults/wire",
      headers: { ...headers, "x-amz-archive-description": "changed" },
    });
    assertAwsError(tampered, 403, "InvalidSignatureException");
    const otherPath = await rawRequest(s.url, { method: "GET", path: "/-/vaults/other", headers });
    assertAwsError(otherPath, 403, "InvalidSignatureException");
  });

  test("missing x-amz-glacier-version: MissingParameterValueException 'API version'", async () => {
    const res = await signedRequest(s.url, { method: "GET", path: "/-/vaults/wire", glacierVersion: null });
    assertAwsError(res, 400, "MissingParameterValueException");
    assert.equal((res.json as { message: string }).message, "Required parameter missing: API version");
  });

  test("Authorization with no spaces after commas (boto 2, the guide) is accepted", async () => {
    const signed = await signedRequest(s.url, { method: "GET", path: "/-/vaults/wire" });
    assert.equal(signed.status, 200);
    // Re-sign and strip spaces by hand.
    const headers = await signHeaders(s.url, { method: "GET", path: "/-/vaults/wire", headers: {} });
    headers.authorization = (headers.authorization ?? "").replace(/, /g, ",");
    const res = await rawRequest(s.url, { method: "GET", path: "/-/vaults/wire", headers });
    assert.equal(res.status, 200, res.text);
  });

  test("JSON bodies without Content-Type, and the SDK's tree-hash header on a non-upload call, are accepted", async () => {
    const body = "{}";
    const res = await signedRequest(s.url, {
      method: "PUT",
      path: "/-/vaults/with-body",
      body,
      headers: { "x-amz-sha256-tree-hash": "f".repeat(64) },
    });
    assert.equal(res.status, 201, res.text);
    const odd = await signedRequest(s.url, {
      method: "PUT",
      path: "/-/vaults/with-form-type",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(odd.status, 201, odd.text);
  });

  test("a JSON body that does not match its x-amz-content-sha256 is refused", async () => {
    const req = {
      headers: await signHeaders(s.url, {
        method: "PUT",
        path: "/-/vaults/hash-check",
        headers: {
          "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        },
      }),
    };
    const res = await rawRequest(s.url, {
      method: "PUT",
      path: "/-/vaults/hash-check",
      headers: { ...(req.headers as Record<string, string>), "content-length": "2" },
      body: "{}",
    });
    assertAwsError(res, 403, "InvalidSignatureException");
  });

  test("unknown routes and methods get AWS-shaped errors", async () => {
    assertAwsError(
      await signedRequest(s.url, { method: "GET", path: "/-/nothing-here" }),
      400,
      "UnknownOperationException",
    );
    assertAwsError(
      await signedRequest(s.url, { method: "PATCH", path: "/-/vaults/wire" }),
      400,
      "UnknownOperationException",
    );
    assertAwsError(
      await signedRequest(s.url, {
        method: "POST",
        path: "/-/vaults/wire/tags",
        query: { operation: "swap" },
        body: "{}",
      }),
      400,
      "InvalidParameterValueException",
    );
  });

  test("health lives outside the Glacier namespace and needs no signature", async () => {
    const res = await rawRequest(s.url, { method: "GET", path: "/_permafrost/health" });
    assert.equal(res.status, 200);
    assert.match(String(res.headers["x-amzn-requestid"]), REQUEST_ID);
  });
});

describe("regions", () => {
  test("a server pinned to one region rejects other credential scopes as AWS does", async () => {
    const s = await startTestServer({ region: "eu-central-1" });
    try {
      await s.client(undefined, "eu-central-1").send(new CreateVaultCommand({ accountId: "-", vaultName: "pinned" }));
      await assert.rejects(
        s.client(undefined, "us-east-1").send(new CreateVaultCommand({ accountId: "-", vaultName: "pinned" })),
        (err: Error) => err.name === "InvalidSignatureException" && /scoped to a valid region/.test(err.message),
      );
    } finally {
      await s.stop();
    }
  });

  test("with auth off any secret works and the scope still selects the region", async () => {
    const s = await startTestServer({ auth: false });
    try {
      const c = s.client({ ...CRED_A, secretAccessKey: "anything" }, "sa-east-1");
      await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "open" }));
      const d = await c.send(new DescribeVaultCommand({ accountId: "-", vaultName: "open" }));
      assert.equal(d.VaultARN, `arn:aws:glacier:sa-east-1:${ACCOUNT_A}:vaults/open`);
    } finally {
      await s.stop();
    }
  });
});

describe("admin token", () => {
  test("PERMAFROST_ADMIN_TOKEN (config.adminToken) guards /_permafrost/ admin endpoints", async () => {
    const s = await startTestServer({ adminToken: "operator-token" });
    try {
      const ok = await rawRequest(s.url, {
        method: "GET",
        path: "/_permafrost/jobs",
        headers: { authorization: "Bearer operator-token" },
      });
      assert.equal(ok.status, 200, ok.text);
      const secret = await rawRequest(s.url, {
        method: "GET",
        path: "/_permafrost/jobs",
        headers: { authorization: `Bearer ${CRED_A.secretAccessKey}` },
      });
      assertAwsError(secret, 403, "AccessDeniedException");
      assertAwsError(
        await rawRequest(s.url, { method: "GET", path: "/_permafrost/jobs" }),
        403,
        "AccessDeniedException",
      );
    } finally {
      await s.stop();
    }
  });
});
