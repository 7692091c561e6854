import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OPERATIONS } from "../../src/api/types.js";
import { GlacierError } from "../../src/core/errors.js";
import { evaluatePolicies, evaluatePolicy } from "../../src/core/policy/evaluate.js";
import { arnMatch, globMatch } from "../../src/core/policy/glob.js";
import { cidrContains, parseCidr, parseIp } from "../../src/core/policy/ip.js";
import { parsePolicy } from "../../src/core/policy/parse.js";
import type { Decision, Policy, RequestContext } from "../../src/core/policy/types.js";

const A = "111122223333";
const B = "444455556666";
const VAULT = `arn:aws:glacier:us-east-1:${A}:vaults/examplevault`;

const parse = (doc: unknown): Policy => parsePolicy(JSON.stringify(doc), OPERATIONS);

function ctx(over: Partial<Omit<RequestContext, "key">> & { keys?: Record<string, string> } = {}): RequestContext {
  const keys = over.keys ?? {};
  return {
    principalArn: over.principalArn ?? `arn:aws:iam::${over.principalAccount ?? B}:root`,
    principalAccount: over.principalAccount ?? B,
    action: over.action ?? "glacier:DescribeVault",
    resource: over.resource ?? VAULT,
    key: (name) => keys[name],
  };
}

const stmt = (extra: Record<string, unknown>) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "glacier:*", Resource: VAULT, ...extra }],
});

describe("principal, action and resource matching", () => {
  const cases: { name: string; statement: Record<string, unknown>; ctx: Parameters<typeof ctx>[0]; want: Decision }[] =
    [
      { name: "Principal * allows anyone", statement: {}, ctx: {}, want: "Allow" },
      { name: "account id grants that account", statement: { Principal: { AWS: B } }, ctx: {}, want: "Allow" },
      {
        name: "account id does not grant another account",
        statement: { Principal: { AWS: A } },
        ctx: {},
        want: "NotApplicable",
      },
      {
        name: "account root ARN covers a user of that account",
        statement: { Principal: { AWS: `arn:aws:iam::${B}:root` } },
        ctx: { principalArn: `arn:aws:iam::${B}:user/alice` },
        want: "Allow",
      },
      {
        name: "a user ARN matches only that user",
        statement: { Principal: { AWS: `arn:aws:iam::${B}:user/alice` } },
        ctx: { principalArn: `arn:aws:iam::${B}:user/bob` },
        want: "NotApplicable",
      },
      {
        name: "principal list matches any member",
        statement: { Principal: { AWS: [A, `arn:aws:iam::${B}:user/bob`] } },
        ctx: { principalArn: `arn:aws:iam::${B}:user/bob` },
        want: "Allow",
      },
      { name: "AWS: * is everyone", statement: { Principal: { AWS: "*" } }, ctx: {}, want: "Allow" },
      {
        name: "NotPrincipal excludes the named account",
        statement: { Principal: undefined, NotPrincipal: { AWS: B } },
        ctx: {},
        want: "NotApplicable",
      },
      {
        name: "NotPrincipal includes the others",
        statement: { Principal: undefined, NotPrincipal: { AWS: A } },
        ctx: {},
        want: "Allow",
      },
      {
        name: "exact action",
        statement: { Action: "glacier:DescribeVault" },
        ctx: { action: "glacier:DescribeVault" },
        want: "Allow",
      },
      {
        name: "action names are case-insensitive",
        statement: { Action: "GLACIER:describevault" },
        ctx: { action: "glacier:DescribeVault" },
        want: "Allow",
      },
      {
        name: "Upload* matches UploadArchive",
        statement: { Action: "glacier:Upload*" },
        ctx: { action: "glacier:UploadArchive" },
        want: "Allow",
      },
      {
        name: "Upload* does not match InitiateMultipartUpload",
        statement: { Action: "glacier:Upload*" },
        ctx: { action: "glacier:InitiateMultipartUpload" },
        want: "NotApplicable",
      },
      {
        name: "? matches one character",
        statement: { Action: "glacier:?etVaultLock" },
        ctx: { action: "glacier:GetVaultLock" },
        want: "Allow",
      },
      { name: "Action * matches all", statement: { Action: "*" }, ctx: { action: "glacier:ListJobs" }, want: "Allow" },
      {
        name: "NotAction excludes listed actions",
        statement: { Action: undefined, NotAction: ["glacier:Delete*"] },
        ctx: { action: "glacier:DeleteArchive" },
        want: "NotApplicable",
      },
      {
        name: "NotAction covers the rest",
        statement: { Action: undefined, NotAction: ["glacier:Delete*"] },
        ctx: { action: "glacier:UploadArchive" },
        want: "Allow",
      },
      {
        name: "resource wildcard on the vault name",
        statement: { Resource: `arn:aws:glacier:us-east-1:${A}:vaults/example*` },
        ctx: {},
        want: "Allow",
      },
      {
        name: "resource wildcard region and account",
        statement: { Resource: "arn:aws:glacier:*:*:vaults/*" },
        ctx: {},
        want: "Allow",
      },
      {
        name: "resource of another vault",
        statement: { Resource: `arn:aws:glacier:us-east-1:${A}:vaults/other` },
        ctx: {},
        want: "NotApplicable",
      },
      {
        name: "resource ARNs are case-sensitive",
        statement: { Resource: `arn:aws:glacier:us-east-1:${A}:vaults/ExampleVault` },
        ctx: {},
        want: "NotApplicable",
      },
      { name: "Resource *", statement: { Resource: "*" }, ctx: {}, want: "Allow" },
      {
        name: "NotResource",
        statement: { Resource: undefined, NotResource: `arn:aws:glacier:us-east-1:${A}:vaults/other` },
        ctx: {},
        want: "Allow",
      },
      { name: "Deny statement", statement: { Effect: "Deny" }, ctx: {}, want: "Deny" },
    ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(evaluatePolicy(parse(stmt(c.statement)), ctx(c.ctx)), c.want);
    });
  }

  test("explicit Deny beats Allow within a policy and across policies", () => {
    const both = parse({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "glacier:*", Resource: "*" },
        { Effect: "Deny", Principal: "*", Action: "glacier:DeleteArchive", Resource: "*" },
      ],
    });
    assert.equal(evaluatePolicy(both, ctx({ action: "glacier:DeleteArchive" })), "Deny");
    assert.equal(evaluatePolicy(both, ctx({ action: "glacier:UploadArchive" })), "Allow");
    const allow = parse(stmt({}));
    const deny = parse(stmt({ Effect: "Deny", Action: "glacier:ListJobs" }));
    assert.equal(evaluatePolicies([allow, deny], ctx({ action: "glacier:ListJobs" })), "Deny");
    assert.equal(evaluatePolicies([allow, deny], ctx({ action: "glacier:DescribeJob" })), "Allow");
    assert.equal(evaluatePolicies([], ctx()), "NotApplicable");
  });
});

describe("condition operators", () => {
  type Case = { op: string; key: string; value: unknown; actual?: string; want: boolean };
  const cases: Case[] = [
    { op: "StringEquals", key: "aws:PrincipalAccount", value: B, actual: B, want: true },
    { op: "StringEquals", key: "aws:PrincipalAccount", value: [A, "x"], actual: B, want: false },
    { op: "StringEquals", key: "glacier:ResourceTag/Env", value: "Prod", actual: "prod", want: false },
    { op: "StringNotEquals", key: "glacier:ResourceTag/Env", value: ["a", "b"], actual: "c", want: true },
    { op: "StringNotEquals", key: "glacier:ResourceTag/Env", value: ["a", "b"], actual: "b", want: false },
    { op: "StringNotEquals", key: "glacier:ResourceTag/Env", value: "a", want: true },
    { op: "StringEqualsIgnoreCase", key: "glacier:ResourceTag/Env", value: "PROD", actual: "prod", want: true },
    { op: "StringNotEqualsIgnoreCase", key: "glacier:ResourceTag/Env", value: "PROD", actual: "prod", want: false },
    { op: "StringLike", key: "glacier:ResourceTag/LegalHold", value: "tru*", actual: "true", want: true },
    { op: "StringLike", key: "glacier:ResourceTag/LegalHold", value: "t?ue", actual: "tXue", want: true },
    { op: "StringLike", key: "glacier:ResourceTag/LegalHold", value: "t?ue", actual: "false", want: false },
    { op: "StringLike", key: "glacier:ResourceTag/LegalHold", value: "*", want: false },
    { op: "StringNotLike", key: "glacier:ResourceTag/LegalHold", value: "tru*", actual: "false", want: true },
    { op: "StringNotLike", key: "glacier:ResourceTag/LegalHold", value: "tru*", actual: "true", want: false },
    { op: "NumericEquals", key: "glacier:ArchiveAgeInDays", value: "10", actual: "10", want: true },
    { op: "NumericEquals", key: "glacier:ArchiveAgeInDays", value: 10, actual: "11", want: false },
    { op: "NumericNotEquals", key: "glacier:ArchiveAgeInDays", value: "10", actual: "11", want: true },
    { op: "NumericLessThan", key: "glacier:ArchiveAgeInDays", value: "365", actual: "364", want: true },
    { op: "NumericLessThan", key: "glacier:ArchiveAgeInDays", value: "365", actual: "365", want: false },
    { op: "NumericLessThan", key: "glacier:ArchiveAgeInDays", value: "365", want: false },
    { op: "NumericLessThanEquals", key: "glacier:ArchiveAgeInDays", value: "365", actual: "365", want: true },
    { op: "NumericGreaterThan", key: "glacier:ArchiveAgeInDays", value: "1", actual: "2", want: true },
    { op: "NumericGreaterThan", key: "glacier:ArchiveAgeInDays", value: "1", actual: "1", want: false },
    { op: "NumericGreaterThanEquals", key: "glacier:ArchiveAgeInDays", value: "1", actual: "1", want: true },
    { op: "NumericLessThanIfExists", key: "glacier:ArchiveAgeInDays", value: "365", want: true },
    { op: "NumericLessThanIfExists", key: "glacier:ArchiveAgeInDays", value: "365", actual: "400", want: false },
    {
      op: "DateEquals",
      key: "aws:CurrentTime",
      value: "2020-01-01T00:00:00Z",
      actual: "2020-01-01T00:00:00.000Z",
      want: true,
    },
    {
      op: "DateNotEquals",
      key: "aws:CurrentTime",
      value: "2020-01-01T00:00:00Z",
      actual: "2020-01-02T00:00:00.000Z",
      want: true,
    },
    {
      op: "DateLessThan",
      key: "aws:CurrentTime",
      value: "2020-01-01T00:00:00Z",
      actual: "2019-12-31T23:59:59.000Z",
      want: true,
    },
    {
      op: "DateLessThan",
      key: "aws:CurrentTime",
      value: "2020-01-01T00:00:00Z",
      actual: "2020-01-01T00:00:00.000Z",
      want: false,
    },
    {
      op: "DateLessThanEquals",
      key: "aws:CurrentTime",
      value: "2020-01-01T00:00:00Z",
      actual: "2020-01-01T00:00:00.000Z",
      want: true,
    },
    {
      op: "DateGreaterThan",
      key: "aws:CurrentTime",
      value: "2018-12-31T12:00:00Z",
      actual: "2019-01-01T00:00:00.000Z",
      want: true,
    },
    {
      op: "DateGreaterThan",
      key: "aws:CurrentTime",
      value: "1577836800",
      actual: "2019-01-01T00:00:00.000Z",
      want: false,
    },
    {
      op: "DateGreaterThanEquals",
      key: "aws:CurrentTime",
      value: "1577836800",
      actual: "2020-01-01T00:00:00.000Z",
      want: true,
    },
    { op: "Bool", key: "aws:SecureTransport", value: "false", actual: "false", want: true },
    { op: "Bool", key: "aws:SecureTransport", value: true, actual: "false", want: false },
    { op: "Bool", key: "aws:MultiFactorAuthPresent", value: "false", want: false },
    { op: "BoolIfExists", key: "aws:MultiFactorAuthPresent", value: "false", want: true },
    { op: "IpAddress", key: "aws:SourceIp", value: "192.0.2.0/24", actual: "192.0.2.77", want: true },
    { op: "IpAddress", key: "aws:SourceIp", value: "192.0.2.0/24", actual: "192.0.3.1", want: false },
    { op: "IpAddress", key: "aws:SourceIp", value: "127.0.0.1", actual: "::ffff:127.0.0.1", want: true },
    { op: "IpAddress", key: "aws:SourceIp", value: "2001:db8::/32", actual: "2001:db8:1::5", want: true },
    { op: "IpAddress", key: "aws:SourceIp", value: "2001:db8::/32", actual: "2001:db9::5", want: false },
    {
      op: "NotIpAddress",
      key: "aws:SourceIp",
      value: ["10.0.0.0/8", "192.168.0.0/16"],
      actual: "192.0.2.1",
      want: true,
    },
    {
      op: "NotIpAddress",
      key: "aws:SourceIp",
      value: ["10.0.0.0/8", "192.168.0.0/16"],
      actual: "10.1.2.3",
      want: false,
    },
    {
      op: "ArnLike",
      key: "aws:PrincipalArn",
      value: `arn:aws:iam::${B}:user/*`,
      actual: `arn:aws:iam::${B}:user/x`,
      want: true,
    },
    {
      op: "ArnNotLike",
      key: "aws:PrincipalArn",
      value: `arn:aws:iam::${B}:user/*`,
      actual: `arn:aws:iam::${B}:root`,
      want: true,
    },
    { op: "Null", key: "aws:MultiFactorAuthPresent", value: "true", want: true },
    { op: "Null", key: "aws:MultiFactorAuthPresent", value: "false", want: false },
    { op: "Null", key: "glacier:ArchiveAgeInDays", value: "false", actual: "3", want: true },
    { op: "ForAnyValue:StringEquals", key: "aws:PrincipalAccount", value: B, actual: B, want: true },
    { op: "ForAllValues:StringEquals", key: "aws:PrincipalAccount", value: A, want: true },
  ];
  for (const c of cases) {
    const label = `${c.op} ${c.key} ${JSON.stringify(c.value)} vs ${c.actual ?? "(absent)"} → ${c.want}`;
    test(label, () => {
      const policy = parse(stmt({ Condition: { [c.op]: { [c.key]: c.value } } }));
      const keys: Record<string, string> = c.actual === undefined ? {} : { [c.key.toLowerCase()]: c.actual };
      assert.equal(evaluatePolicy(policy, ctx({ keys })), c.want ? "Allow" : "NotApplicable");
    });
  }

  test("condition keys are case-insensitive", () => {
    const policy = parse(stmt({ Condition: { NumericLessThan: { "glacier:ArchiveAgeinDays": "365" } } }));
    assert.equal(evaluatePolicy(policy, ctx({ keys: { "glacier:archiveageindays": "3" } })), "Allow");
  });

  test("operators AND together, keys AND together, values OR together", () => {
    const policy = parse(
      stmt({
        Condition: {
          StringEquals: { "aws:PrincipalAccount": [A, B], "glacier:ResourceTag/Env": "prod" },
          NumericLessThan: { "glacier:ArchiveAgeInDays": "365" },
        },
      }),
    );
    const base = { "aws:principalaccount": B, "glacier:resourcetag/env": "prod", "glacier:archiveageindays": "1" };
    assert.equal(evaluatePolicy(policy, ctx({ keys: base })), "Allow");
    assert.equal(evaluatePolicy(policy, ctx({ keys: { ...base, "glacier:resourcetag/env": "dev" } })), "NotApplicable");
    assert.equal(
      evaluatePolicy(policy, ctx({ keys: { ...base, "glacier:archiveageindays": "400" } })),
      "NotApplicable",
    );
  });

  test("the guide's archive-age lock policy denies young archives only", () => {
    const policy = parse({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "deny-based-on-archive-age",
          Principal: "*",
          Effect: "Deny",
          Action: "glacier:DeleteArchive",
          Resource: [VAULT],
          Condition: { NumericLessThan: { "glacier:ArchiveAgeInDays": "365" } },
        },
      ],
    });
    const del = { action: "glacier:DeleteArchive", principalAccount: A };
    assert.equal(evaluatePolicy(policy, ctx({ ...del, keys: { "glacier:archiveageindays": "364" } })), "Deny");
    assert.equal(evaluatePolicy(policy, ctx({ ...del, keys: { "glacier:archiveageindays": "365" } })), "NotApplicable");
    assert.equal(evaluatePolicy(policy, ctx({ action: "glacier:UploadArchive" })), "NotApplicable");
  });
});

describe("parsePolicy validation", () => {
  const ok = stmt({});
  const bad: { name: string; doc: unknown; match: RegExp }[] = [
    { name: "not JSON", doc: "{nope", match: /not valid JSON/ },
    { name: "not an object", doc: [1], match: /JSON object/ },
    { name: "unknown top-level element", doc: { ...ok, Foo: 1 }, match: /unknown top-level element Foo/ },
    { name: "bad version", doc: { ...ok, Version: "2020-01-01" }, match: /Version/ },
    { name: "no statements", doc: { Version: "2012-10-17", Statement: [] }, match: /Statement/ },
    { name: "bad effect", doc: stmt({ Effect: "allow" }), match: /Effect/ },
    { name: "no principal", doc: stmt({ Principal: undefined }), match: /exactly one of Principal and NotPrincipal/ },
    { name: "both action forms", doc: stmt({ NotAction: "glacier:ListJobs" }), match: /exactly one of Action/ },
    { name: "no resource", doc: stmt({ Resource: undefined }), match: /exactly one of Resource/ },
    { name: "unknown statement element", doc: stmt({ Foo: "x" }), match: /unknown element Foo/ },
    { name: "non-glacier action", doc: stmt({ Action: "s3:GetObject" }), match: /Invalid action/ },
    { name: "unknown glacier action", doc: stmt({ Action: "glacier:DeleteEverything" }), match: /names no Glacier/ },
    { name: "wildcard matching no action", doc: stmt({ Action: "glacier:Zap*" }), match: /names no Glacier/ },
    { name: "empty action list", doc: stmt({ Action: [] }), match: /Action/ },
    { name: "bad principal", doc: stmt({ Principal: { AWS: "bob" } }), match: /Invalid principal/ },
    { name: "principal wildcard ARN", doc: stmt({ Principal: { AWS: "arn:aws:iam::*:root" } }), match: /principal/ },
    { name: "service principal", doc: stmt({ Principal: { Service: "sns.amazonaws.com" } }), match: /Service/ },
    { name: "s3 resource", doc: stmt({ Resource: "arn:aws:s3:::bucket" }), match: /Invalid resource/ },
    {
      name: "short account",
      doc: stmt({ Resource: "arn:aws:glacier:us-east-1:123:vaults/x" }),
      match: /Invalid resource/,
    },
    { name: "not an ARN", doc: stmt({ Resource: "vaults/x" }), match: /Invalid resource/ },
    { name: "unknown operator", doc: stmt({ Condition: { StringSorta: { "aws:SourceIp": "x" } } }), match: /operator/ },
    { name: "NullIfExists", doc: stmt({ Condition: { NullIfExists: { "aws:SourceIp": "true" } } }), match: /operator/ },
    {
      name: "bad qualifier",
      doc: stmt({ Condition: { "ForSome:StringEquals": { "aws:SourceIp": "x" } } }),
      match: /operator/,
    },
    {
      name: "non-numeric",
      doc: stmt({ Condition: { NumericLessThan: { "glacier:ArchiveAgeInDays": "old" } } }),
      match: /number/,
    },
    { name: "bad date", doc: stmt({ Condition: { DateLessThan: { "aws:CurrentTime": "tomorrow" } } }), match: /date/ },
    { name: "bad bool", doc: stmt({ Condition: { Bool: { "aws:SecureTransport": "yes" } } }), match: /true/ },
    { name: "bad CIDR", doc: stmt({ Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/33" } } }), match: /CIDR/ },
    {
      name: "unknown glacier key",
      doc: stmt({ Condition: { StringEquals: { "glacier:Color": "x" } } }),
      match: /condition key/,
    },
    { name: "foreign key", doc: stmt({ Condition: { StringEquals: { "s3:prefix": "x" } } }), match: /condition key/ },
    { name: "empty condition block", doc: stmt({ Condition: { StringEquals: {} } }), match: /map condition keys/ },
    { name: "object value", doc: stmt({ Condition: { StringEquals: { "aws:SourceIp": { a: 1 } } } }), match: /values/ },
    {
      name: "duplicate Sid",
      doc: {
        Version: "2012-10-17",
        Statement: [
          { ...ok.Statement[0], Sid: "a" },
          { ...ok.Statement[0], Sid: "a" },
        ],
      },
      match: /Sid/,
    },
  ];
  for (const c of bad) {
    test(`rejects: ${c.name}`, () => {
      const text = typeof c.doc === "string" ? c.doc : JSON.stringify(c.doc);
      assert.throws(
        () => parsePolicy(text, OPERATIONS),
        (e: unknown) =>
          e instanceof GlacierError && e.code === "InvalidParameterValueException" && c.match.test(e.message),
      );
    });
  }

  test("rejects documents over 20 KB and accepts one just under", () => {
    const padding = (n: number) => JSON.stringify({ ...ok, Id: "x".repeat(n) });
    const base = padding(0).length;
    assert.doesNotThrow(() => parsePolicy(padding(20 * 1024 - base), OPERATIONS));
    assert.throws(() => parsePolicy(padding(20 * 1024 - base + 1), OPERATIONS), /at most 20480 bytes/);
  });

  test("normalises: single statement object, account ids, lower-case actions and keys", () => {
    const p = parsePolicy(
      JSON.stringify({
        Statement: {
          Effect: "Allow",
          Principal: { AWS: [B, `arn:aws:iam::${A}:user/x`] },
          Action: "glacier:Upload*",
          Resource: VAULT,
          Condition: { StringEquals: { "AWS:SourceIp": 5 } },
        },
      }),
      OPERATIONS,
    );
    assert.equal(p.version, "2008-10-17");
    assert.deepEqual(p.statements[0]?.principal, {
      any: false,
      arns: [`arn:aws:iam::${B}:root`, `arn:aws:iam::${A}:user/x`],
    });
    assert.deepEqual(p.statements[0]?.action, ["glacier:upload*"]);
    assert.deepEqual(p.statements[0]?.conditions, [
      { operator: "StringEquals", base: "StringEquals", ifExists: false, key: "aws:sourceip", values: ["5"] },
    ]);
    // The normalised form survives a JSON round trip (it is what the store keeps).
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  });

  test("accepts every one of the 33 operation names", () => {
    for (const op of OPERATIONS) {
      assert.doesNotThrow(() => parsePolicy(JSON.stringify(stmt({ Action: `glacier:${op}` })), OPERATIONS), op);
    }
  });
});

describe("wildcards and addresses", () => {
  const globs: [string, string, boolean][] = [
    ["*", "", true],
    ["a*c", "abbbc", true],
    ["a*c", "abbbd", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["*b*", "abc", true],
    ["**", "x", true],
  ];
  for (const [p, t, want] of globs) test(`glob ${p} ~ ${t} → ${want}`, () => assert.equal(globMatch(p, t), want));

  test("a wildcard in an ARN field does not span fields", () => {
    assert.equal(arnMatch("arn:aws:glacier:*:111122223333:vaults/*", VAULT), true);
    assert.equal(arnMatch("arn:aws:glacier:us-*:vaults/*", VAULT), false);
  });

  test("IP parsing", () => {
    assert.deepEqual(parseIp("10.0.0.1"), { v6: false, bits: 0x0a000001n });
    assert.equal(parseIp("::1")?.bits, 1n);
    assert.equal(parseIp("::ffff:10.0.0.1")?.v6, false);
    assert.equal(parseIp("1:2:3:4:5:6:7:8")?.bits, 0x00010002000300040005000600070008n);
    assert.equal(parseIp("1::2::3"), undefined);
    assert.equal(parseIp("300.1.1.1"), undefined);
    const block = parseCidr("0.0.0.0/0");
    assert.ok(block && cidrContains(block, "8.8.8.8"));
    assert.equal(parseCidr("::/129"), undefined);
  });
});
