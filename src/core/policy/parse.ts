import { Errors } from "../errors.js";
import { MAX_POLICY_BYTES } from "../limits.js";
import { arnFields, globMatch, hasWildcard } from "./glob.js";
import { parseCidr } from "./ip.js";
import type { BaseOperator, Condition, Effect, Policy, Principals, Statement } from "./types.js";

const BASE_OPERATORS: ReadonlySet<string> = new Set<BaseOperator>([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnNotEquals",
  "ArnLike",
  "ArnNotLike",
  "Null",
]);

const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|(user|role|assumed-role|federated-user)\/[\w+=,.@/-]+)$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** The message every rejection carries; the reason makes a bad document fixable. */
const bad = (reason: string) => Errors.invalid(`Invalid policy document: ${reason}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A string or a non-empty array of strings, as IAM allows for Action, Resource, principals. */
function stringList(v: unknown, what: string): string[] {
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === "string" && x !== "")) {
    throw bad(`${what} must be a non-empty string or a non-empty array of strings.`);
  }
  return [...new Set(list as string[])];
}

function principals(v: unknown, what: string): Principals {
  if (v === "*") return { any: true, arns: [] };
  if (!isObject(v)) throw bad(`${what} must be "*" or an object such as {"AWS": "123456789012"}.`);
  const out: Principals = { any: false, arns: [] };
  for (const [type, value] of Object.entries(v)) {
    if (type !== "AWS") {
      throw bad(`${what} type ${type} is not supported: Glacier vault policies name AWS principals ("AWS").`);
    }
    for (const p of stringList(value, `${what}.AWS`)) {
      if (p === "*") out.any = true;
      else if (/^\d{12}$/.test(p)) out.arns.push(`arn:aws:iam::${p}:root`);
      else if (PRINCIPAL_ARN.test(p)) out.arns.push(p);
      else throw bad(`Invalid principal ${JSON.stringify(p)}: use "*", a 12-digit account id or an IAM ARN.`);
    }
  }
  if (!out.any && out.arns.length === 0) throw bad(`${what} names no principal.`);
  return out;
}

function actions(v: unknown, what: string, known: readonly string[]): string[] {
  const lowerKnown = known.map((a) => `glacier:${a.toLowerCase()}`);
  return stringList(v, what).map((raw) => {
    const a = raw.toLowerCase();
    if (a === "*") return a;
    if (!/^glacier:[a-z*?]+$/.test(a)) {
      throw bad(`Invalid action ${JSON.stringify(raw)}: actions are "glacier:" followed by an operation name.`);
    }
    const matches = hasWildcard(a) ? lowerKnown.some((k) => globMatch(a, k)) : lowerKnown.includes(a);
    if (!matches) throw bad(`Invalid action ${JSON.stringify(raw)}: it names no Glacier operation.`);
    return a;
  });
}

function resources(v: unknown, what: string): string[] {
  return stringList(v, what).map((r) => {
    if (r === "*") return r;
    const f = arnFields(r);
    const ok =
      f !== undefined &&
      f[0] === "arn" &&
      globMatch(f[1] as string, "aws") &&
      globMatch(f[2] as string, "glacier") &&
      /^[a-z0-9*?-]*$/.test(f[3] as string) &&
      (/^\d{12}$/.test(f[4] as string) || (hasWildcard(f[4] as string) && /^[\d*?]+$/.test(f[4] as string))) &&
      /^(vaults\/[A-Za-z0-9_.*?-]+|policies\/[a-z*?-]+|[*?].*)$/.test(f[5] as string);
    if (!ok) {
      throw bad(
        `Invalid resource ${JSON.stringify(r)}: expected "*" or arn:aws:glacier:<region>:<12-digit account>:vaults/<vault name>.`,
      );
    }
    return r;
  });
}

function conditionKey(raw: string): string {
  const k = raw.toLowerCase();
  if (!/^(aws|glacier):[^\s]+$/.test(k)) throw bad(`Invalid condition key ${JSON.stringify(raw)}.`);
  if (k.startsWith("glacier:") && k !== "glacier:archiveageindays" && !/^glacier:resourcetag\/.+$/.test(k)) {
    throw bad(
      `Invalid condition key ${JSON.stringify(raw)}: Glacier's keys are glacier:ArchiveAgeInDays and glacier:ResourceTag/<key>.`,
    );
  }
  return k;
}

function conditionValue(base: BaseOperator, raw: unknown, where: string): string {
  if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") {
    throw bad(`${where}: condition values must be strings, numbers or booleans.`);
  }
  const v = String(raw);
  const fail = (kind: string) => bad(`${where}: ${JSON.stringify(raw)} is not ${kind}.`);
  if (base.startsWith("Numeric") && !NUMBER.test(v)) throw fail("a number");
  if (base.startsWith("Date") && Number.isNaN(parseDate(v))) throw fail("a date (ISO 8601 or epoch seconds)");
  if (base === "Bool" || base === "Null") {
    if (!/^(true|false)$/i.test(v)) throw fail('"true" or "false"');
    return v.toLowerCase();
  }
  if ((base === "IpAddress" || base === "NotIpAddress") && !parseCidr(v)) throw fail("an IP address or CIDR block");
  return v;
}

function conditions(v: unknown, where: string): Condition[] {
  if (!isObject(v)) throw bad(`${where}.Condition must be an object of operator → {key: value}.`);
  const out: Condition[] = [];
  for (const [operator, block] of Object.entries(v)) {
    let rest = operator;
    let set: Condition["set"];
    const colon = rest.indexOf(":");
    if (colon >= 0) {
      const qualifier = rest.slice(0, colon);
      if (qualifier !== "ForAnyValue" && qualifier !== "ForAllValues") {
        throw bad(`Unknown condition operator ${operator}.`);
      }
      set = qualifier;
      rest = rest.slice(colon + 1);
    }
    const ifExists = rest.endsWith("IfExists") && rest !== "IfExists";
    const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
    if (!BASE_OPERATORS.has(base) || (ifExists && base === "Null")) {
      throw bad(`Unknown condition operator ${operator}.`);
    }
    if (!isObject(block) || Object.keys(block).length === 0) {
      throw bad(`${where}.Condition.${operator} must map condition keys to values.`);
    }
    for (const [rawKey, rawValue] of Object.entries(block)) {
      const list = Array.isArray(rawValue) ? rawValue : [rawValue];
      if (list.length === 0) throw bad(`${where}.Condition.${operator}.${rawKey} has no values.`);
      const b = base as BaseOperator;
      out.push({
        operator,
        base: b,
        ifExists,
        ...(set ? { set } : {}),
        key: conditionKey(rawKey),
        values: list.map((x) => conditionValue(b, x, `${where}.Condition.${operator}.${rawKey}`)),
      });
    }
  }
  return out;
}

/** Dates in conditions and context: ISO 8601, or whole epoch seconds. NaN when neither. */
export function parseDate(v: string): number {
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return Number.NaN;
  return Date.parse(v);
}

function one(s: Record<string, unknown>, a: string, b: string, where: string): [string, unknown] {
  const hasA = a in s;
  const hasB = b in s;
  if (hasA === hasB) throw bad(`${where} must have exactly one of ${a} and ${b}.`);
  return hasA ? [a, s[a]] : [b, s[b]];
}

function statement(s: unknown, i: number, known: readonly string[]): Statement {
  const where = `Statement[${i}]`;
  if (!isObject(s)) throw bad(`${where} must be an object.`);
  for (const k of Object.keys(s)) if (!STATEMENT_KEYS.has(k)) throw bad(`${where} has an unknown element ${k}.`);
  if (s.Sid !== undefined && typeof s.Sid !== "string") throw bad(`${where}.Sid must be a string.`);
  if (s.Effect !== "Allow" && s.Effect !== "Deny") throw bad(`${where}.Effect must be "Allow" or "Deny".`);
  const out: Statement = { effect: s.Effect as Effect, conditions: [] };
  if (typeof s.Sid === "string") out.sid = s.Sid;
  const [pk, pv] = one(s, "Principal", "NotPrincipal", where);
  if (pk === "Principal") out.principal = principals(pv, `${where}.Principal`);
  else out.notPrincipal = principals(pv, `${where}.NotPrincipal`);
  const [ak, av] = one(s, "Action", "NotAction", where);
  if (ak === "Action") out.action = actions(av, `${where}.Action`, known);
  else out.notAction = actions(av, `${where}.NotAction`, known);
  const [rk, rv] = one(s, "Resource", "NotResource", where);
  if (rk === "Resource") out.resource = resources(rv, `${where}.Resource`);
  else out.notResource = resources(rv, `${where}.NotResource`);
  if (s.Condition !== undefined) out.conditions = conditions(s.Condition, where);
  return out;
}

/**
 * Validates a vault access policy or Vault Lock policy and returns its normalised form. Every
 * defect is an InvalidParameterValueException naming what is wrong; `knownActions` are the
 * operation names that `glacier:<name>` may refer to.
 */
export function parsePolicy(text: string, knownActions: readonly string[]): Policy {
  const size = new TextEncoder().encode(text).length;
  if (size > MAX_POLICY_BYTES) {
    throw bad(`the policy is ${size} bytes; at most ${MAX_POLICY_BYTES} bytes are allowed.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad("the policy is not valid JSON.");
  }
  if (!isObject(doc)) throw bad("the policy must be a JSON object.");
  for (const k of Object.keys(doc)) {
    if (k !== "Version" && k !== "Id" && k !== "Statement") throw bad(`unknown top-level element ${k}.`);
  }
  const version = doc.Version ?? "2008-10-17";
  if (version !== "2012-10-17" && version !== "2008-10-17") {
    throw bad('Version must be "2012-10-17" (or the legacy "2008-10-17").');
  }
  if (doc.Id !== undefined && typeof doc.Id !== "string") throw bad("Id must be a string.");
  const raw = doc.Statement;
  const list = isObject(raw) ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0) throw bad("Statement must be an object or a non-empty array.");
  const statements = list.map((s, i) => statement(s, i, knownActions));
  const sids = statements.flatMap((s) => (s.sid ? [s.sid] : []));
  if (new Set(sids).size !== sids.length) throw bad("statement ids (Sid) must be unique.");
  const policy: Policy = { version, statements };
  if (typeof doc.Id === "string") policy.id = doc.Id;
  return policy;
}
