/**
 * The normalised form of an IAM policy document (vault access policy and Vault Lock policy), as
 * stored next to the caller's original text. Plain JSON: no functions or regular expressions, so it
 * round-trips through the metadata store unchanged.
 */
export interface Policy {
  version: "2012-10-17" | "2008-10-17";
  id?: string;
  statements: Statement[];
}

export type Effect = "Allow" | "Deny";

/** `any` is `"*"` (everyone); otherwise principal ARNs, account ids normalised to `arn:aws:iam::ACCT:root`. */
export interface Principals {
  any: boolean;
  arns: string[];
}

export interface Statement {
  sid?: string;
  effect: Effect;
  principal?: Principals;
  notPrincipal?: Principals;
  /** Lower-cased action patterns (`glacier:upload*`, `*`). */
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  conditions: Condition[];
}

export type BaseOperator =
  | "StringEquals"
  | "StringNotEquals"
  | "StringEqualsIgnoreCase"
  | "StringNotEqualsIgnoreCase"
  | "StringLike"
  | "StringNotLike"
  | "NumericEquals"
  | "NumericNotEquals"
  | "NumericLessThan"
  | "NumericLessThanEquals"
  | "NumericGreaterThan"
  | "NumericGreaterThanEquals"
  | "DateEquals"
  | "DateNotEquals"
  | "DateLessThan"
  | "DateLessThanEquals"
  | "DateGreaterThan"
  | "DateGreaterThanEquals"
  | "Bool"
  | "IpAddress"
  | "NotIpAddress"
  | "ArnEquals"
  | "ArnNotEquals"
  | "ArnLike"
  | "ArnNotLike"
  | "Null";

export interface Condition {
  /** The operator as written (for messages), e.g. `NumericLessThanIfExists`. */
  operator: string;
  base: BaseOperator;
  ifExists: boolean;
  /** `ForAnyValue:` / `ForAllValues:` set qualifier, if any. */
  set?: "ForAnyValue" | "ForAllValues";
  /** Lower-cased condition key (keys are case-insensitive). */
  key: string;
  /** Values as strings (numbers and booleans in the document are stringified). */
  values: string[];
}

/** What a request looks like to the evaluator. */
export interface RequestContext {
  principalArn: string;
  principalAccount: string;
  /** `glacier:OperationName` (any case). */
  action: string;
  resource: string;
  /** Condition key (lower-case) → value; undefined when the key is absent from the request. */
  key(name: string): string | undefined;
}

export type Decision = "Allow" | "Deny" | "NotApplicable";
