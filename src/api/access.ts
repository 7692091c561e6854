import { isoMillis } from "../core/clock.js";
import { Errors } from "../core/errors.js";
import { isAccountId, isValidVaultName, vaultArn } from "../core/names.js";
import { evaluatePolicies, usesKeyPrefix } from "../core/policy/evaluate.js";
import type { Policy, RequestContext } from "../core/policy/types.js";
import type { ArchiveRecord, VaultRecord } from "../store/types.js";
import type { OperationRequest, Services } from "./types.js";

/** The owner account named by the path: `-` is the caller's own; otherwise 12 digits, no hyphens. */
export function ownerAccount(req: OperationRequest): string {
  const raw = req.pathAccountId;
  if (raw === "-") return req.caller.accountId;
  if (!isAccountId(raw)) {
    throw Errors.accessDenied(
      `Access denied for account id ${raw}: account ids in the path must be '-' or 12 digits without hyphens.`,
    );
  }
  return raw;
}

export interface AccessRequest {
  /** IAM action, `glacier:` + operation name. */
  action: string;
  resourceArn: string;
  ownerAccountId: string;
  vault?: VaultRecord;
  archive?: ArchiveRecord;
}

export const denied = (req: OperationRequest, a: AccessRequest) =>
  Errors.accessDenied(
    `User: ${req.caller.principalArn} is not authorized to perform: ${a.action} on resource: ${a.resourceArn}`,
  );

/** The owner can always manage the access policy itself (as S3 lets a bucket's root do), unless the lock forbids it. */
const ACCESS_POLICY_OPERATIONS: ReadonlySet<string> = new Set([
  "SetVaultAccessPolicy",
  "GetVaultAccessPolicy",
  "DeleteVaultAccessPolicy",
]);
/** The Vault Lock state machine, not the lock policy, governs the owner's lock operations (SPEC §8.3). */
const LOCK_OPERATIONS: ReadonlySet<string> = new Set([
  "InitiateVaultLock",
  "CompleteVaultLock",
  "AbortVaultLock",
  "GetVaultLock",
]);
const DAY_MS = 24 * 3600 * 1000;

/** Parsed policies by their normalised text: each is parsed from the store once, not per request. */
const compiled = new Map<string, Policy>();
function compile(parsed: string): Policy {
  let p = compiled.get(parsed);
  if (!p) {
    if (compiled.size >= 1024) compiled.clear();
    p = JSON.parse(parsed) as Policy;
    compiled.set(parsed, p);
  }
  return p;
}

const explicitlyDenied = (req: OperationRequest, a: AccessRequest) =>
  Errors.accessDenied(
    `User: ${req.caller.principalArn} is not authorized to perform: ${a.action} on resource: ${a.resourceArn} with an explicit deny in a resource-based policy`,
  );

/** The request as condition keys see it (keys lower-case; absent keys are undefined). */
async function requestContext(
  req: OperationRequest,
  svc: Services,
  a: AccessRequest & { vault: VaultRecord },
  policies: readonly Policy[],
): Promise<RequestContext> {
  const now = svc.clock.now();
  const needsTags = policies.some(
    (p) => usesKeyPrefix(p, "glacier:resourcetag/") || usesKeyPrefix(p, "aws:resourcetag/"),
  );
  const tags = new Map<string, string>();
  if (needsTags) {
    for (const [k, v] of Object.entries(await svc.store.settings.listTags(a.vault.id))) {
      if (!tags.has(k.toLowerCase())) tags.set(k.toLowerCase(), v);
    }
  }
  // Only an archive of this very vault has an age here; DeleteArchive of another vault's archive fails later.
  const archive = a.archive && a.archive.vaultId === a.vault.id ? a.archive : undefined;
  const { caller } = req;
  return {
    principalArn: caller.principalArn,
    principalAccount: caller.accountId,
    action: a.action,
    resource: a.resourceArn,
    key(name) {
      switch (name) {
        case "glacier:archiveageindays":
          return archive && String(Math.max(0, Math.floor((now - archive.createdAt) / DAY_MS)));
        case "aws:sourceip":
          return caller.sourceIp;
        case "aws:currenttime":
          return isoMillis(now);
        case "aws:epochtime":
          return String(Math.floor(now / 1000));
        case "aws:securetransport":
          return String(svc.config.secureTransport);
        case "aws:principalaccount":
          return caller.accountId;
        case "aws:principalarn":
          return caller.principalArn;
        case "aws:resourceaccount":
          return a.ownerAccountId;
        case "aws:requestedregion":
          return caller.region;
        // Long-term access keys carry no MFA context, so aws:MultiFactorAuthPresent is absent (as on AWS).
      }
      const slash = name.indexOf("/");
      const prefix = name.slice(0, slash + 1);
      if (prefix === "glacier:resourcetag/" || prefix === "aws:resourcetag/") return tags.get(name.slice(slash + 1));
      return undefined;
    },
  };
}

/**
 * Decides whether the caller may perform the action. The vault access policy and the Vault Lock
 * policy (InProgress or Locked) are evaluated together: an explicit Deny in either refuses anyone,
 * the owner included; the owner is otherwise allowed; another account needs an Allow.
 * Account-level operations have no resource policy: only the owner may perform them.
 */
export async function authorize(req: OperationRequest, svc: Services, a: AccessRequest): Promise<void> {
  const own = a.ownerAccountId === req.caller.accountId;
  if (!a.vault) {
    if (!own) throw denied(req, a);
    return;
  }
  const inForce = await svc.store.settings.policiesInForce(a.vault.id, svc.clock.now());
  const policies: Policy[] = [];
  if (inForce.access && !(own && ACCESS_POLICY_OPERATIONS.has(req.operation))) policies.push(compile(inForce.access));
  if (inForce.lock && !(own && LOCK_OPERATIONS.has(req.operation))) policies.push(compile(inForce.lock));
  if (policies.length === 0) {
    if (!own) throw denied(req, a);
    return;
  }
  const decision = evaluatePolicies(policies, await requestContext(req, svc, { ...a, vault: a.vault }, policies));
  if (decision === "Deny") throw explicitlyDenied(req, a);
  if (!own && decision !== "Allow") throw denied(req, a);
}

/** Account-level operations (ListVaults, CreateVault, retrieval policy, capacity): own account only. */
export async function accountScope(req: OperationRequest, svc: Services, resourceArn: string): Promise<string> {
  const owner = ownerAccount(req);
  await authorize(req, svc, { action: `glacier:${req.operation}`, resourceArn, ownerAccountId: owner });
  return owner;
}

/**
 * Resolves the vault named by the path and checks that the caller may perform the operation on it.
 * A missing vault in the caller's own account is ResourceNotFound, as on AWS.
 */
export async function vaultScope(
  req: OperationRequest,
  svc: Services,
  extra: { archive?: ArchiveRecord } = {},
): Promise<VaultRecord> {
  const owner = ownerAccount(req);
  const name = req.params.vaultName ?? "";
  const region = req.caller.region;
  const arn = vaultArn(region, owner, name);
  const vault = isValidVaultName(name) ? await svc.store.vaults.get({ accountId: owner, region, name }) : undefined;
  if (!vault) {
    if (owner !== req.caller.accountId)
      throw denied(req, { action: `glacier:${req.operation}`, resourceArn: arn, ownerAccountId: owner });
    throw Errors.vaultNotFound(isValidVaultName(name) ? arn : name);
  }
  await authorize(req, svc, {
    action: `glacier:${req.operation}`,
    resourceArn: arn,
    ownerAccountId: owner,
    vault,
    archive: extra.archive,
  });
  return vault;
}

export const arnOf = (v: VaultRecord): string => vaultArn(v.region, v.accountId, v.name);
