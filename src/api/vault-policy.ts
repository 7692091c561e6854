import { isoMillis } from "../core/clock.js";
import { Errors } from "../core/errors.js";
import { newLockId } from "../core/ids.js";
import { parsePolicy } from "../core/policy/parse.js";
import type { StoredPolicy } from "../store/settings.js";
import { arnOf, vaultScope } from "./access.js";
import { type Handler, OPERATIONS, type OperationRequest } from "./types.js";

/** An InProgress Vault Lock's lock id is valid for 24 hours (SPEC §3.11). */
export const LOCK_ID_TTL_MS = 24 * 3600 * 1000;

/**
 * Reads `{"Policy":"<document>"}`, validates the document once and keeps both forms: the caller's
 * text (what Get* returns) and the normalised parse (what enforcement reads).
 */
export function policyFromBody(req: OperationRequest): StoredPolicy {
  const document = req.json.Policy;
  if (document === undefined) throw Errors.missingParameter("Policy");
  if (typeof document !== "string") {
    throw Errors.invalid("Policy must be a string holding the policy document as JSON.");
  }
  return { document, parsed: JSON.stringify(parsePolicy(document, OPERATIONS)) };
}

const SetVaultAccessPolicy: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  await svc.store.settings.setAccessPolicy(vault.id, policyFromBody(req), svc.clock.now());
  return { status: 204 };
};

const GetVaultAccessPolicy: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const policy = await svc.store.settings.getAccessPolicy(vault.id);
  if (!policy) throw Errors.notFound(`No vault access policy is set for: ${arnOf(vault)}`);
  return { status: 200, json: { Policy: policy.document } };
};

const DeleteVaultAccessPolicy: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  await svc.store.settings.deleteAccessPolicy(vault.id);
  return { status: 204 };
};

const InitiateVaultLock: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const refused = (state: string) =>
    Errors.accessDenied(
      state === "Locked"
        ? `Vault Lock cannot be initiated: the vault ${arnOf(vault)} is already locked.`
        : `Vault Lock cannot be initiated: a Vault Lock is already in progress for ${arnOf(vault)}. Abort it first.`,
    );
  const current = await svc.store.settings.getLock(vault.id, svc.clock.now());
  if (current) throw refused(current.state);
  const policy = policyFromBody(req);
  const now = svc.clock.now();
  const lockId = newLockId();
  const outcome = await svc.store.settings.initiateLock(vault.id, {
    ...policy,
    lockId,
    now,
    expiresAt: now + LOCK_ID_TTL_MS,
  });
  if (outcome !== "initiated") throw refused(outcome);
  return { status: 201, headers: { "x-amz-lock-id": lockId } };
};

const CompleteVaultLock: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const lockId = req.params.lockId ?? "";
  switch (await svc.store.settings.completeLock(vault.id, lockId, svc.clock.now())) {
    case "locked":
    case "already-locked":
      return { status: 204 };
    case "none":
      throw Errors.invalid(
        `No Vault Lock is in progress for ${arnOf(vault)} (it was never initiated, was aborted or expired).`,
      );
    case "wrong-id-in-progress":
      throw Errors.invalid(`The lock ID is not valid: ${lockId}`);
    case "wrong-id-locked":
      throw Errors.accessDenied(`The vault ${arnOf(vault)} is locked with a different lock ID than ${lockId}.`);
  }
};

const AbortVaultLock: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const outcome = await svc.store.settings.abortLock(vault.id, svc.clock.now());
  if (outcome === "locked") {
    throw Errors.accessDenied(`The vault ${arnOf(vault)} is locked; its Vault Lock can no longer be aborted.`);
  }
  return { status: 204 };
};

const GetVaultLock: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const lock = await svc.store.settings.getLock(vault.id, svc.clock.now());
  if (!lock) throw Errors.notFound(`No vault lock policy is set for: ${arnOf(vault)}`);
  return {
    status: 200,
    json: {
      CreationDate: isoMillis(lock.createdAt),
      ExpirationDate: lock.expiresAt === null ? null : isoMillis(lock.expiresAt),
      Policy: lock.document,
      State: lock.state,
    },
  };
};

export const accessPolicyHandlers = { SetVaultAccessPolicy, GetVaultAccessPolicy, DeleteVaultAccessPolicy };
export const vaultLockHandlers = { InitiateVaultLock, CompleteVaultLock, AbortVaultLock, GetVaultLock };
