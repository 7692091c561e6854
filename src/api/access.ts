import { Errors } from "../core/errors.js";
import { isAccountId, isValidVaultName, vaultArn } from "../core/names.js";
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

/**
 * Decides whether the caller may perform the action. The owner account may act on its own
 * resources; other accounts are refused unless a resource policy grants access.
 */
export async function authorize(req: OperationRequest, _svc: Services, a: AccessRequest): Promise<void> {
  if (a.ownerAccountId !== req.caller.accountId) throw denied(req, a);
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
