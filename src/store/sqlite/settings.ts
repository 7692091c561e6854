import { Errors } from "../../core/errors.js";
import type {
  AbortLockOutcome,
  CapacityUnit,
  CompleteLockOutcome,
  InitiateLockOutcome,
  NotificationConfig,
  RetrievalRule,
  RetrievalStrategy,
  RetrievalUsage,
  SettingsStore,
  StoredPolicy,
  Tier,
  VaultLockRecord,
} from "../settings.js";
import { onRowChange, type SqliteContext } from "./context.js";

interface LockRow {
  vault_id: number;
  lock_id: string;
  state: "InProgress" | "Locked";
  created_at: number;
  expires_at: number | null;
  document: string;
  parsed: string;
}

interface CapacityRow {
  capacity_id: string;
  account_id: string;
  region: string;
  start_at: number;
  expires_at: number;
}

const toLock = (r: LockRow): VaultLockRecord => ({
  vaultId: r.vault_id,
  lockId: r.lock_id,
  state: r.state,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  document: r.document,
  parsed: r.parsed,
});

const toUnit = (r: CapacityRow): CapacityUnit => ({
  capacityId: r.capacity_id,
  accountId: r.account_id,
  region: r.region,
  startAt: r.start_at,
  expiresAt: r.expires_at,
});

/** An InProgress lock whose lock id has lapsed no longer exists (SPEC §8.3). */
const live = (r: LockRow | undefined, now: number): LockRow | undefined =>
  r && (r.state === "Locked" || (r.expires_at !== null && r.expires_at > now)) ? r : undefined;

/** Admission records older than this are never consulted (longest window: one day, or the Standard duration). */
const ADMISSION_RETENTION_MS = 8 * 24 * 3600 * 1000;

/** Access policy and lock rows of a vault, as read (lock expiry is checked at each use). */
interface VaultPolicies {
  access?: string;
  lock?: { parsed: string; locked: boolean; expiresAt: number | null };
}
const POLICY_CACHE_MAX = 4096;

export class SqliteSettingsStore implements SettingsStore {
  /** Read on every vault-scoped request; dropped on any change to either table (onRowChange). */
  private readonly policyCache = new Map<number, VaultPolicies>();
  private readonly s;
  private readonly addTagsTx;
  private readonly removeTagsTx;
  private readonly initiateTx;
  private readonly completeTx;
  private readonly abortTx;
  private readonly purchaseTx;
  private readonly admitTx;

  constructor(ctx: SqliteContext) {
    const { db } = ctx;
    const forget = (vaultId: number) => this.policyCache.delete(vaultId);
    onRowChange(db, "vault_access_policies", "vault_id", forget);
    onRowChange(db, "vault_locks", "vault_id", forget);
    this.s = {
      tags: db.prepare<[number], { key: string; value: string }>(
        "SELECT key, value FROM vault_tags WHERE vault_id = ? ORDER BY key",
      ),
      tagCount: db.prepare<[number], { n: number }>("SELECT count(*) AS n FROM vault_tags WHERE vault_id = ?"),
      upsertTag: db.prepare(
        "INSERT INTO vault_tags (vault_id, key, value) VALUES (?, ?, ?) ON CONFLICT (vault_id, key) DO UPDATE SET value = excluded.value",
      ),
      deleteTag: db.prepare("DELETE FROM vault_tags WHERE vault_id = ? AND key = ?"),
      notification: db.prepare<[number], { sns_topic: string; events: string }>(
        "SELECT sns_topic, events FROM vault_notifications WHERE vault_id = ?",
      ),
      setNotification: db.prepare(
        "INSERT INTO vault_notifications (vault_id, sns_topic, events) VALUES (?, ?, ?) ON CONFLICT (vault_id) DO UPDATE SET sns_topic = excluded.sns_topic, events = excluded.events",
      ),
      deleteNotification: db.prepare("DELETE FROM vault_notifications WHERE vault_id = ?"),
      accessPolicy: db.prepare<[number], { document: string; parsed: string }>(
        "SELECT document, parsed FROM vault_access_policies WHERE vault_id = ?",
      ),
      setAccessPolicy: db.prepare(
        "INSERT INTO vault_access_policies (vault_id, document, parsed, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (vault_id) DO UPDATE SET document = excluded.document, parsed = excluded.parsed, updated_at = excluded.updated_at",
      ),
      deleteAccessPolicy: db.prepare("DELETE FROM vault_access_policies WHERE vault_id = ?"),
      lock: db.prepare<[number], LockRow>("SELECT * FROM vault_locks WHERE vault_id = ?"),
      insertLock: db.prepare(
        "INSERT INTO vault_locks (vault_id, lock_id, state, created_at, expires_at, document, parsed) VALUES (?, ?, 'InProgress', ?, ?, ?, ?)",
      ),
      lockIt: db.prepare(
        "UPDATE vault_locks SET state = 'Locked', expires_at = NULL WHERE vault_id = ? AND state = 'InProgress'",
      ),
      deleteInProgressLock: db.prepare("DELETE FROM vault_locks WHERE vault_id = ? AND state = 'InProgress'"),
      deleteAnyLock: db.prepare("DELETE FROM vault_locks WHERE vault_id = ?"),
      policies: db.prepare<
        [number, number],
        { kind: "access" | "lock"; parsed: string; state: string | null; expires_at: number | null }
      >(
        `SELECT 'access' AS kind, parsed, NULL AS state, NULL AS expires_at FROM vault_access_policies WHERE vault_id = ?
         UNION ALL
         SELECT 'lock' AS kind, parsed, state, expires_at FROM vault_locks WHERE vault_id = ?`,
      ),
      retrievalPolicy: db.prepare<[string, string], { strategy: RetrievalStrategy; bytes_per_hour: number | null }>(
        "SELECT strategy, bytes_per_hour FROM retrieval_policies WHERE account_id = ? AND region = ?",
      ),
      setRetrievalPolicy: db.prepare(
        "INSERT INTO retrieval_policies (account_id, region, strategy, bytes_per_hour, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, region) DO UPDATE SET strategy = excluded.strategy, bytes_per_hour = excluded.bytes_per_hour, updated_at = excluded.updated_at",
      ),
      activeUnits: db.prepare<[string, string, number], CapacityRow>(
        "SELECT * FROM provisioned_capacity WHERE account_id = ? AND region = ? AND expires_at > ? ORDER BY start_at, capacity_id",
      ),
      insertUnit: db.prepare(
        "INSERT INTO provisioned_capacity (capacity_id, account_id, region, start_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      ),
      bytesSince: db.prepare<[string, string, string, number], { n: number | null }>(
        "SELECT sum(bytes) AS n FROM retrieval_admissions WHERE account_id = ? AND region = ? AND tier = ? AND accepted_at >= ?",
      ),
      onDemandSince: db.prepare<[string, string, string, number], { n: number }>(
        "SELECT count(*) AS n FROM retrieval_admissions WHERE account_id = ? AND region = ? AND tier = ? AND accepted_at >= ? AND on_capacity = 0",
      ),
      insertAdmission: db.prepare(
        "INSERT INTO retrieval_admissions (account_id, region, tier, bytes, accepted_at, on_capacity) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      pruneAdmissions: db.prepare("DELETE FROM retrieval_admissions WHERE accepted_at < ?"),
    };
    const s = this.s;

    this.addTagsTx = db.transaction((vaultId: number, tags: Record<string, string>, maxTags: number) => {
      for (const [k, v] of Object.entries(tags)) s.upsertTag.run(vaultId, k, v);
      // Counting after the upserts makes overwrites of existing keys free, as on AWS.
      if ((s.tagCount.get(vaultId) as { n: number }).n > maxTags) {
        throw Errors.limitExceeded(
          `The quota for the number of tags that can be assigned to this resource has been reached (at most ${maxTags} tags per vault).`,
        );
      }
    });
    this.removeTagsTx = db.transaction((vaultId: number, keys: readonly string[]) => {
      for (const k of keys) s.deleteTag.run(vaultId, k);
    });
    this.initiateTx = db.transaction(
      (vaultId: number, l: StoredPolicy & { lockId: string; now: number; expiresAt: number }): InitiateLockOutcome => {
        const row = s.lock.get(vaultId);
        const current = live(row, l.now);
        if (current) return current.state;
        if (row) s.deleteInProgressLock.run(vaultId); // a lapsed attempt
        s.insertLock.run(vaultId, l.lockId, l.now, l.expiresAt, l.document, l.parsed);
        return "initiated";
      },
    );
    this.completeTx = db.transaction((vaultId: number, lockId: string, now: number): CompleteLockOutcome => {
      const row = live(s.lock.get(vaultId), now);
      if (!row) return "none";
      if (row.state === "Locked") return row.lock_id === lockId ? "already-locked" : "wrong-id-locked";
      if (row.lock_id !== lockId) return "wrong-id-in-progress";
      s.lockIt.run(vaultId);
      return "locked";
    });
    this.abortTx = db.transaction((vaultId: number, now: number): AbortLockOutcome => {
      const row = s.lock.get(vaultId);
      if (row?.state === "Locked") return "locked";
      if (!row) return "none";
      s.deleteInProgressLock.run(vaultId);
      return live(row, now) ? "aborted" : "none";
    });
    this.purchaseTx = db.transaction((u: CapacityUnit, max: number, now: number) => {
      if (s.activeUnits.all(u.accountId, u.region, now).length >= max) {
        throw Errors.limitExceeded(
          `The maximum number of provisioned capacity units (${max}) for this account has been reached.`,
        );
      }
      s.insertUnit.run(u.capacityId, u.accountId, u.region, u.startAt, u.expiresAt);
    });
    this.admitTx = db.transaction(
      (
        r: { accountId: string; region: string; tier: Tier; bytes: number; now: number },
        decide: (usage: RetrievalUsage) => void,
      ) => {
        const rule = this.ruleOf(r.accountId, r.region) ?? { strategy: "None" };
        const hasCapacity = s.activeUnits.all(r.accountId, r.region, r.now).length > 0;
        decide({
          rule,
          hasCapacity,
          bytesSince: (tier, since) => s.bytesSince.get(r.accountId, r.region, tier, since)?.n ?? 0,
          onDemandCountSince: (tier, since) => s.onDemandSince.get(r.accountId, r.region, tier, since)?.n ?? 0,
        });
        if (r.tier === "Bulk") return;
        s.pruneAdmissions.run(r.now - ADMISSION_RETENTION_MS);
        s.insertAdmission.run(
          r.accountId,
          r.region,
          r.tier,
          r.bytes,
          r.now,
          r.tier === "Expedited" && hasCapacity ? 1 : 0,
        );
      },
    );

    // A deleted vault takes its whole configuration with it (inside the deleting transaction).
    const dropVault = [
      db.prepare("DELETE FROM vault_tags WHERE vault_id = ?"),
      db.prepare("DELETE FROM vault_notifications WHERE vault_id = ?"),
      db.prepare("DELETE FROM vault_access_policies WHERE vault_id = ?"),
      s.deleteAnyLock,
    ];
    ctx.onVaultDelete.push((vaultId) => {
      for (const stmt of dropVault) stmt.run(vaultId);
    });
  }

  private ruleOf(accountId: string, region: string): RetrievalRule | undefined {
    const row = this.s.retrievalPolicy.get(accountId, region);
    if (!row) return undefined;
    return row.strategy === "BytesPerHour"
      ? { strategy: row.strategy, bytesPerHour: Number(row.bytes_per_hour) }
      : { strategy: row.strategy };
  }

  async listTags(vaultId: number): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of this.s.tags.all(vaultId)) out[r.key] = r.value;
    return out;
  }

  async addTags(vaultId: number, tags: Record<string, string>, maxTags: number): Promise<void> {
    this.addTagsTx.immediate(vaultId, tags, maxTags);
  }

  async removeTags(vaultId: number, keys: readonly string[]): Promise<void> {
    this.removeTagsTx.immediate(vaultId, keys);
  }

  async getNotifications(vaultId: number): Promise<NotificationConfig | undefined> {
    const row = this.s.notification.get(vaultId);
    return row && { snsTopic: row.sns_topic, events: JSON.parse(row.events) as string[] };
  }

  async setNotifications(vaultId: number, config: NotificationConfig): Promise<void> {
    this.s.setNotification.run(vaultId, config.snsTopic, JSON.stringify(config.events));
  }

  async deleteNotifications(vaultId: number): Promise<void> {
    this.s.deleteNotification.run(vaultId);
  }

  async getAccessPolicy(vaultId: number): Promise<StoredPolicy | undefined> {
    return this.s.accessPolicy.get(vaultId);
  }

  async setAccessPolicy(vaultId: number, policy: StoredPolicy, now: number): Promise<void> {
    this.s.setAccessPolicy.run(vaultId, policy.document, policy.parsed, now);
  }

  async deleteAccessPolicy(vaultId: number): Promise<void> {
    this.s.deleteAccessPolicy.run(vaultId);
  }

  async getLock(vaultId: number, now: number): Promise<VaultLockRecord | undefined> {
    const row = live(this.s.lock.get(vaultId), now);
    return row && toLock(row);
  }

  async initiateLock(
    vaultId: number,
    lock: StoredPolicy & { lockId: string; now: number; expiresAt: number },
  ): Promise<InitiateLockOutcome> {
    return this.initiateTx.immediate(vaultId, lock);
  }

  async completeLock(vaultId: number, lockId: string, now: number): Promise<CompleteLockOutcome> {
    return this.completeTx.immediate(vaultId, lockId, now);
  }

  async abortLock(vaultId: number, now: number): Promise<AbortLockOutcome> {
    return this.abortTx.immediate(vaultId, now);
  }

  async policiesInForce(vaultId: number, now: number): Promise<{ access?: string; lock?: string }> {
    let p = this.policyCache.get(vaultId);
    if (!p) {
      p = {};
      for (const r of this.s.policies.all(vaultId, vaultId)) {
        if (r.kind === "access") p.access = r.parsed;
        else p.lock = { parsed: r.parsed, locked: r.state === "Locked", expiresAt: r.expires_at };
      }
      if (this.policyCache.size >= POLICY_CACHE_MAX) this.policyCache.clear();
      this.policyCache.set(vaultId, p);
    }
    const out: { access?: string; lock?: string } = {};
    if (p.access !== undefined) out.access = p.access;
    // An InProgress lock counts until it expires (the cached row is checked against `now`).
    if (p.lock && (p.lock.locked || (p.lock.expiresAt ?? 0) > now)) out.lock = p.lock.parsed;
    return out;
  }

  async getRetrievalPolicy(accountId: string, region: string): Promise<RetrievalRule | undefined> {
    return this.ruleOf(accountId, region);
  }

  async setRetrievalPolicy(accountId: string, region: string, rule: RetrievalRule, now: number): Promise<void> {
    this.s.setRetrievalPolicy.run(accountId, region, rule.strategy, rule.bytesPerHour ?? null, now);
  }

  async purchaseCapacity(unit: CapacityUnit, max: number, now: number): Promise<void> {
    this.purchaseTx.immediate(unit, max, now);
  }

  async listCapacity(accountId: string, region: string, now: number): Promise<CapacityUnit[]> {
    return this.s.activeUnits.all(accountId, region, now).map(toUnit);
  }

  async admitRetrieval(
    r: { accountId: string; region: string; tier: Tier; bytes: number; now: number },
    decide: (usage: RetrievalUsage) => void,
  ): Promise<void> {
    this.admitTx.immediate(r, decide);
  }
}
