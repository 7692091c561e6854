import { isoMillis } from "../core/clock.js";
import { Errors } from "../core/errors.js";
import { ARCHIVE_OVERHEAD_BYTES, MAX_VAULTS_PER_REGION, PAGE } from "../core/limits.js";
import { isValidVaultName, vaultArn } from "../core/names.js";
import { parseLimit, parseMarker } from "../core/paging.js";
import type { VaultRecord } from "../store/types.js";
import { accountScope, arnOf, vaultScope } from "./access.js";
import type { Handler, OperationRequest, Services } from "./types.js";

/** DescribeVault's document; keys in AWS's (alphabetical) order, nulls explicit. */
export function describeVaultJson(v: VaultRecord) {
  return {
    CreationDate: isoMillis(v.createdAt),
    LastInventoryDate: v.lastInventoryAt === null ? null : isoMillis(v.lastInventoryAt),
    NumberOfArchives: v.inventoryCount,
    SizeInBytes: v.inventorySize + ARCHIVE_OVERHEAD_BYTES * v.inventoryCount,
    VaultARN: arnOf(v),
    VaultName: v.name,
  };
}

/** The vault as of its latest inventory, taking a due snapshot first (a write only when one is due). */
async function refreshed(svc: Services, v: VaultRecord): Promise<VaultRecord> {
  const now = svc.clock.now();
  const intervalMs = svc.config.inventoryRefreshSeconds * 1000;
  if (v.dirtySince === null || v.dirtySince > now - intervalMs) return v;
  return svc.store.vaults.refreshInventory(v.id, now, intervalMs);
}

const CreateVault: Handler = async (req, svc) => {
  const name = req.params.vaultName ?? "";
  const owner = await accountScope(req, svc, vaultArn(req.caller.region, req.caller.accountId, name));
  if (!isValidVaultName(name)) {
    throw Errors.invalid(
      `Invalid vault name: ${name}. Vault names must be 1 to 255 characters long and use only a-z, A-Z, 0-9, '_' (underscore), '-' (hyphen) and '.' (period).`,
    );
  }
  const vault = await svc.store.vaults.create(
    { accountId: owner, region: req.caller.region, name },
    svc.clock.now(),
    MAX_VAULTS_PER_REGION,
  );
  return { status: 201, headers: { Location: `/${vault.accountId}/vaults/${vault.name}` } };
};

const DescribeVault: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  return { status: 200, json: describeVaultJson(await refreshed(svc, vault)) };
};

const ListVaults: Handler = async (req, svc) => {
  const region = req.caller.region;
  const owner = await accountScope(req, svc, vaultArn(region, req.caller.accountId, "*"));
  const limit = parseLimit(req.query.get("limit"), PAGE.vaults);
  const marker = parseMarker(req.query.get("marker"));
  let fromName: string | undefined;
  if (marker !== undefined) {
    const prefix = vaultArn(region, owner, "");
    if (!marker.startsWith(prefix) || !isValidVaultName(marker.slice(prefix.length))) {
      throw Errors.invalid(`Invalid marker: ${marker}`);
    }
    fromName = marker.slice(prefix.length);
  }
  const rows = await svc.store.vaults.list(owner, region, fromName, limit + 1);
  const page = rows.slice(0, limit);
  const vaults = await Promise.all(page.map((v) => refreshed(svc, v)));
  const next = rows[limit];
  return {
    status: 200,
    json: { Marker: next ? arnOf(next) : null, VaultList: vaults.map(describeVaultJson) },
  };
};

const DeleteVault: Handler = async (req: OperationRequest, svc: Services) => {
  const vault = await refreshed(svc, await vaultScope(req, svc));
  if (!(await svc.store.vaults.deleteIfEmpty(vault.id, svc.clock.now()))) {
    throw Errors.invalid(`Vault not empty or recently written to: ${arnOf(vault)}`);
  }
  return { status: 204 };
};

export const vaultHandlers = { CreateVault, DescribeVault, ListVaults, DeleteVault };
