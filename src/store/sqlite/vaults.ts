import { Errors } from "../../core/errors.js";
import type { VaultKey, VaultRecord, VaultStore } from "../types.js";
import { onRowChange, type SqliteContext } from "./context.js";

interface VaultRow {
  id: number;
  account_id: string;
  region: string;
  name: string;
  created_at: number;
  inventory_count: number;
  inventory_size: number;
  last_inventory_at: number | null;
  dirty_since: number | null;
  live_count: number;
  live_size: number;
}

const toVault = (r: VaultRow): VaultRecord => ({
  id: r.id,
  accountId: r.account_id,
  region: r.region,
  name: r.name,
  createdAt: r.created_at,
  inventoryCount: r.inventory_count,
  inventorySize: r.inventory_size,
  lastInventoryAt: r.last_inventory_at,
  dirtySince: r.dirty_since,
  liveCount: r.live_count,
  liveSize: r.live_size,
});

/** Vault rows cached for get(), the lookup behind every vault-scoped request. */
const CACHE_MAX = 4096;

export class SqliteVaultStore implements VaultStore {
  /**
   * Cached records by "account\nregion\nname", and the key of each cached id; any change to a
   * vault row drops its entry (onRowChange).
   */
  private readonly cache = new Map<string, Readonly<VaultRecord>>();
  private readonly cachedIds = new Map<number, string>();
  private readonly byKey;
  private readonly byId;
  private readonly countStmt;
  private readonly insertStmt;
  private readonly listFrom;
  private readonly listAll;
  private readonly snapshotStmt;
  private readonly deleteStmt;
  private readonly createTx;
  private readonly deleteTx;

  constructor(ctx: SqliteContext) {
    const { db } = ctx;
    onRowChange(db, "vaults", "id", (id) => this.forget(id));
    this.byKey = db.prepare<[string, string, string], VaultRow>(
      "SELECT * FROM vaults WHERE account_id = ? AND region = ? AND name = ?",
    );
    this.byId = db.prepare<[number], VaultRow>("SELECT * FROM vaults WHERE id = ?");
    this.countStmt = db.prepare<[string, string], { n: number }>(
      "SELECT count(*) AS n FROM vaults WHERE account_id = ? AND region = ?",
    );
    this.insertStmt = db.prepare(
      "INSERT INTO vaults (account_id, region, name, created_at) VALUES (?, ?, ?, ?) RETURNING *",
    );
    this.listFrom = db.prepare<[string, string, string, number], VaultRow>(
      "SELECT * FROM vaults WHERE account_id = ? AND region = ? AND name >= ? ORDER BY name LIMIT ?",
    );
    this.listAll = db.prepare<[string, string, number], VaultRow>(
      "SELECT * FROM vaults WHERE account_id = ? AND region = ? ORDER BY name LIMIT ?",
    );
    this.snapshotStmt = db.prepare(
      `UPDATE vaults SET inventory_count = live_count, inventory_size = live_size,
         last_inventory_at = ?, dirty_since = NULL
       WHERE id = ? AND dirty_since IS NOT NULL AND dirty_since <= ?`,
    );
    this.deleteStmt = db.prepare("DELETE FROM vaults WHERE id = ?");
    this.createTx = db.transaction((key: VaultKey, now: number, maxVaults: number): VaultRow => {
      const existing = this.byKey.get(key.accountId, key.region, key.name);
      if (existing) return existing;
      const count = (this.countStmt.get(key.accountId, key.region) as { n: number }).n;
      if (count >= maxVaults) {
        throw Errors.limitExceeded(
          `The maximum number of vaults (${maxVaults}) for this account in ${key.region} has been reached.`,
        );
      }
      return this.insertStmt.get(key.accountId, key.region, key.name, now) as VaultRow;
    });
    this.deleteTx = db.transaction((id: number, now: number): boolean => {
      const row = this.byId.get(id);
      if (!row) return true;
      if (row.live_count > 0 || row.inventory_count > 0 || row.dirty_since !== null) return false;
      for (const hook of ctx.onVaultDelete) hook(id, now);
      this.deleteStmt.run(id);
      return true;
    });
  }

  async create(key: VaultKey, now: number, maxVaults: number): Promise<VaultRecord> {
    return toVault(this.createTx.immediate(key, now, maxVaults));
  }

  private forget(id: number): void {
    const k = this.cachedIds.get(id);
    if (k === undefined) return;
    this.cachedIds.delete(id);
    this.cache.delete(k);
  }

  async get(key: VaultKey): Promise<VaultRecord | undefined> {
    const k = `${key.accountId}\n${key.region}\n${key.name}`;
    const hit = this.cache.get(k);
    if (hit) return hit;
    const row = this.byKey.get(key.accountId, key.region, key.name);
    if (!row) return undefined;
    const vault = Object.freeze(toVault(row));
    if (this.cache.size >= CACHE_MAX) {
      this.cache.clear();
      this.cachedIds.clear();
    }
    this.cache.set(k, vault);
    this.cachedIds.set(vault.id, k);
    return vault;
  }

  async getById(id: number): Promise<VaultRecord | undefined> {
    const row = this.byId.get(id);
    return row && toVault(row);
  }

  async list(accountId: string, region: string, fromName: string | undefined, limit: number): Promise<VaultRecord[]> {
    const rows =
      fromName === undefined
        ? this.listAll.all(accountId, region, limit)
        : this.listFrom.all(accountId, region, fromName, limit);
    return rows.map(toVault);
  }

  async refreshInventory(id: number, now: number, intervalMs: number): Promise<VaultRecord> {
    this.snapshotStmt.run(now, id, now - intervalMs);
    const row = this.byId.get(id);
    if (!row) throw Errors.notFound("Vault not found");
    return toVault(row);
  }

  async deleteIfEmpty(id: number, now: number): Promise<boolean> {
    return this.deleteTx.immediate(id, now);
  }
}
