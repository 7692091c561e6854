import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { defaultConfig, rootPrincipal, type ServerConfig } from "../../src/core/config.js";
import type { GlacierError } from "../../src/core/errors.js";
import { parseAuthorization, SigV4Verifier } from "../../src/http/sigv4.js";

// SPEC §10.5: AWS's documented example key pair.
const config: ServerConfig = {
  ...defaultConfig(),
  credentials: [
    {
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      accountId: "111122223333",
      principalArn: rootPrincipal("111122223333"),
    },
  ],
};
const EMPTY = createHash("sha256").update("").digest("hex");
const verifier = new SigV4Verifier(config);
const auth = (date: string, signed: string, sig: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${date}/us-east-1/glacier/aws4_request,SignedHeaders=${signed},Signature=${sig}`;

describe("SigV4 verification against SPEC §10.5 vectors", () => {
  test("vector 1: CreateVault (guide example, no spaces after commas)", async () => {
    const caller = await verifier.verify(
      {
        method: "PUT",
        rawPath: "/-/vaults/examplevault",
        rawQuery: "",
        headers: {
          host: "glacier.us-east-1.amazonaws.com",
          "x-amz-date": "20120525T002453Z",
          "x-amz-glacier-version": "2012-06-01",
          authorization: auth(
            "20120525",
            "host;x-amz-date;x-amz-glacier-version",
            "3ce5b2f2fffac9262b4da9256f8d086b4aaf42eba5f111c21681a65a127b7c2a",
          ),
        },
        payloadHash: EMPTY,
        sourceIp: "127.0.0.1",
      },
      Date.UTC(2012, 4, 25, 0, 24, 53),
    );
    assert.equal(caller.accountId, "111122223333");
    assert.equal(caller.region, "us-east-1");
    assert.equal(caller.authenticated, true);
  });

  test("vector 2: UploadArchive with content hash and description", async () => {
    const hash = "726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628";
    const caller = await verifier.verify(
      {
        method: "POST",
        rawPath: "/-/vaults/examplevault/archives",
        rawQuery: "",
        headers: {
          host: "glacier.us-east-1.amazonaws.com",
          "x-amz-archive-description": "my archive",
          "x-amz-content-sha256": hash,
          "x-amz-date": "20120507T000000Z",
          "x-amz-glacier-version": "2012-06-01",
          "x-amz-sha256-tree-hash": hash,
          authorization: auth(
            "20120507",
            "host;x-amz-archive-description;x-amz-content-sha256;x-amz-date;x-amz-glacier-version;x-amz-sha256-tree-hash",
            "c5b976146ef2d8e3785172ed7afb3ae59d469a577259cf959f27e7827cf4bcc5",
          ),
        },
        payloadHash: hash,
        sourceIp: "127.0.0.1",
      },
      Date.UTC(2012, 4, 7),
    );
    assert.equal(caller.accountId, "111122223333");
  });

  test("vector 3: ListVaults with an encoded marker in the query", async () => {
    await verifier.verify(
      {
        method: "GET",
        rawPath: "/-/vaults",
        rawQuery: "limit=5&marker=arn%3Aaws%3Aglacier%3Aus-east-1%3A111122223333%3Avaults%2Fv1",
        headers: {
          host: "glacier.us-east-1.amazonaws.com",
          "x-amz-date": "20120507T000000Z",
          "x-amz-glacier-version": "2012-06-01",
          authorization: auth(
            "20120507",
            "host;x-amz-date;x-amz-glacier-version",
            "217218cbc69ee2bb0aa1a1662073598b3c18cdedb1691f5c5d825d23f6cc4003",
          ),
        },
        payloadHash: EMPTY,
        sourceIp: "127.0.0.1",
      },
      Date.UTC(2012, 4, 7),
    );
  });

  test("a one-character change to the signature is rejected", async () => {
    await assert.rejects(
      verifier.verify(
        {
          method: "PUT",
          rawPath: "/-/vaults/examplevault",
          rawQuery: "",
          headers: {
            host: "glacier.us-east-1.amazonaws.com",
            "x-amz-date": "20120525T002453Z",
            "x-amz-glacier-version": "2012-06-01",
            authorization: auth(
              "20120525",
              "host;x-amz-date;x-amz-glacier-version",
              "3ce5b2f2fffac9262b4da9256f8d086b4aaf42eba5f111c21681a65a127b7c2b",
            ),
          },
          payloadHash: EMPTY,
          sourceIp: "127.0.0.1",
        },
        Date.UTC(2012, 4, 25, 0, 24, 53),
      ),
      (err: GlacierError) => err.code === "InvalidSignatureException" && err.status === 403,
    );
  });

  test("clock skew beyond 5 minutes gives AWS's two messages", async () => {
    const base = {
      method: "PUT",
      rawPath: "/-/vaults/examplevault",
      rawQuery: "",
      headers: {
        host: "glacier.us-east-1.amazonaws.com",
        "x-amz-date": "20120525T002453Z",
        "x-amz-glacier-version": "2012-06-01",
        authorization: auth("20120525", "host;x-amz-date;x-amz-glacier-version", "00"),
      },
      payloadHash: EMPTY,
      sourceIp: "127.0.0.1",
    };
    const t = Date.UTC(2012, 4, 25, 0, 24, 53);
    await assert.rejects(verifier.verify(base, t + 6 * 60_000), {
      code: "InvalidSignatureException",
      message: "Signature expired: 20120525T002453Z is now earlier than 20120525T002553Z (20120525T003053Z - 5 min.)",
    });
    await assert.rejects(verifier.verify(base, t - 6 * 60_000), {
      code: "InvalidSignatureException",
      message:
        "Signature not yet current: 20120525T002453Z is still later than 20120525T002353Z (20120525T001853Z + 5 min.)",
    });
  });
});

describe("Authorization header parsing", () => {
  test("accepts commas with and without spaces", () => {
    const a = parseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AK/20200101/eu-west-1/glacier/aws4_request,  SignedHeaders=host;x-amz-date ,Signature=ab",
    );
    assert.deepEqual(
      [a.accessKeyId, a.date, a.region, a.service, a.signedHeaders, a.signature],
      ["AK", "20200101", "eu-west-1", "glacier", ["host", "x-amz-date"], "ab"],
    );
  });
  test("names the missing parts", () => {
    assert.throws(() => parseAuthorization("AWS4-HMAC-SHA256 Credential=AK/20200101/eu-west-1/glacier/aws4_request"), {
      code: "IncompleteSignatureException",
      message: /requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter/,
    });
  });
  test("rejects other algorithms", () => {
    assert.throws(() => parseAuthorization("AWS AKIA:abc"), { code: "IncompleteSignatureException" });
  });
});
