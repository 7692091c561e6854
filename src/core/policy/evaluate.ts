import { arnMatch, globMatch } from "./glob.js";
import { cidrContains, parseCidr } from "./ip.js";
import { parseDate } from "./parse.js";
import type { BaseOperator, Condition, Decision, Policy, Principals, RequestContext, Statement } from "./types.js";

/** Operators that hold when the key matches none of the values (and when the key is absent). */
const NEGATED: ReadonlySet<BaseOperator> = new Set<BaseOperator>([
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "NumericNotEquals",
  "DateNotEquals",
  "NotIpAddress",
  "ArnNotEquals",
  "ArnNotLike",
]);

const num = (v: string): number => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN);

/** The positive form of each operator: does the request's value match one policy value? */
function matchesOne(base: BaseOperator, actual: string, expected: string): boolean {
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return actual === expected;
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return actual.toLowerCase() === expected.toLowerCase();
    case "StringLike":
    case "StringNotLike":
      return globMatch(expected, actual);
    case "NumericEquals":
    case "NumericNotEquals":
      return num(actual) === num(expected);
    case "NumericLessThan":
      return num(actual) < num(expected);
    case "NumericLessThanEquals":
      return num(actual) <= num(expected);
    case "NumericGreaterThan":
      return num(actual) > num(expected);
    case "NumericGreaterThanEquals":
      return num(actual) >= num(expected);
    case "DateEquals":
    case "DateNotEquals":
      return parseDate(actual) === parseDate(expected);
    case "DateLessThan":
      return parseDate(actual) < parseDate(expected);
    case "DateLessThanEquals":
      return parseDate(actual) <= parseDate(expected);
    case "DateGreaterThan":
      return parseDate(actual) > parseDate(expected);
    case "DateGreaterThanEquals":
      return parseDate(actual) >= parseDate(expected);
    case "Bool":
      return actual.toLowerCase() === expected;
    case "IpAddress":
    case "NotIpAddress": {
      const block = parseCidr(expected);
      return block !== undefined && cidrContains(block, actual);
    }
    case "ArnEquals":
    case "ArnNotEquals":
    case "ArnLike":
    case "ArnNotLike":
      return arnMatch(expected, actual);
    case "Null":
      return false;
  }
}

/**
 * IAM semantics: values of one key are OR-ed (NOR for negated operators); an absent key makes a
 * positive operator false and a negated one true; `…IfExists` makes an absent key true; Null
 * tests presence. All keys are single-valued here, so ForAnyValue/ForAllValues only change the
 * absent-key case (ForAllValues over no values is vacuously true).
 */
export function conditionHolds(c: Condition, ctx: RequestContext): boolean {
  const actual = ctx.key(c.key);
  if (c.base === "Null") return c.values.some((v) => (v === "true") === (actual === undefined));
  const negated = NEGATED.has(c.base);
  if (actual === undefined) return c.ifExists || c.set === "ForAllValues" || negated;
  const any = c.values.some((v) => matchesOne(c.base, actual, v));
  return negated ? !any : any;
}

function principalMatches(p: Principals, ctx: RequestContext): boolean {
  if (p.any) return true;
  const root = `arn:aws:iam::${ctx.principalAccount}:root`;
  // Naming an account (its root) in a resource policy covers every principal of that account.
  return p.arns.some((a) => a === root || a === ctx.principalArn);
}

export function statementApplies(s: Statement, ctx: RequestContext): boolean {
  const principal = s.principal
    ? principalMatches(s.principal, ctx)
    : !principalMatches(s.notPrincipal as Principals, ctx);
  if (!principal) return false;
  const action = s.action
    ? s.action.some((a) => globMatch(a, ctx.action, true))
    : !(s.notAction as string[]).some((a) => globMatch(a, ctx.action, true));
  if (!action) return false;
  const resource = s.resource
    ? s.resource.some((r) => arnMatch(r, ctx.resource))
    : !(s.notResource as string[]).some((r) => arnMatch(r, ctx.resource));
  if (!resource) return false;
  return s.conditions.every((c) => conditionHolds(c, ctx));
}

/** Deny if any applicable statement denies; Allow if one allows; otherwise NotApplicable. */
export function evaluatePolicy(policy: Policy, ctx: RequestContext): Decision {
  let allowed = false;
  for (const s of policy.statements) {
    if (!statementApplies(s, ctx)) continue;
    if (s.effect === "Deny") return "Deny";
    allowed = true;
  }
  return allowed ? "Allow" : "NotApplicable";
}

/** Combines several resource policies (access policy and Vault Lock policy): explicit Deny wins. */
export function evaluatePolicies(policies: readonly Policy[], ctx: RequestContext): Decision {
  let result: Decision = "NotApplicable";
  for (const p of policies) {
    const d = evaluatePolicy(p, ctx);
    if (d === "Deny") return d;
    if (d === "Allow") result = d;
  }
  return result;
}

/** Whether any condition of the policy reads a key with this prefix (so the caller can skip lookups). */
export function usesKeyPrefix(policy: Policy, prefix: string): boolean {
  return policy.statements.some((s) => s.conditions.some((c) => c.key.startsWith(prefix)));
}
