/** Vault configuration (tags, notifications, access policy, Vault Lock) and account settings. */

/** A policy as set: the caller's document (returned verbatim by Get*) and its normalised parse. */
export interface StoredPolicy {
  document: string;
  /** JSON of the normalised policy (src/core/policy), parsed and validated once when set. */
  parsed: string;
}

export type LockState = "InProgress" | "Locked";

export interface VaultLockRecord extends StoredPolicy {
  vaultId: number;
  lockId: string;
  state: LockState;
  createdAt: number;
  /** When an InProgress lock lapses; null once Locked. */
  expiresAt: number | null;
}

export interface NotificationConfig {
  snsTopic: string;
  events: string[];
}

export type RetrievalStrategy = "BytesPerHour" | "FreeTier" | "None";

export interface RetrievalRule {
  strategy: RetrievalStrategy;
  /** Present only for BytesPerHour. */
  bytesPerHour?: number;
}

export interface CapacityUnit {
  capacityId: string;
  accountId: string;
  region: string;
  startAt: number;
  expiresAt: number;
}

export type Tier = "Expedited" | "Standard" | "Bulk";

/** What an admission decision may look at, read inside the recording transaction. */
export interface RetrievalUsage {
  rule: RetrievalRule;
  /** An unexpired provisioned capacity unit exists. */
  hasCapacity: boolean;
  /** Bytes of admitted retrievals of this tier accepted at or after `sinceMs`. */
  bytesSince(tier: Tier, sinceMs: number): number;
  /** Admitted retrievals of this tier at or after `sinceMs` that did not run on provisioned capacity. */
  onDemandCountSince(tier: Tier, sinceMs: number): number;
}

export type InitiateLockOutcome = "initiated" | "InProgress" | "Locked";
export type CompleteLockOutcome = "locked" | "already-locked" | "none" | "wrong-id-in-progress" | "wrong-id-locked";
export type AbortLockOutcome = "aborted" | "none" | "locked";

export interface SettingsStore {
  listTags(vaultId: number): Promise<Record<string, string>>;
  /** Adds or overwrites tags; throws LimitExceeded when the vault would hold more than `maxTags`. */
  addTags(vaultId: number, tags: Record<string, string>, maxTags: number): Promise<void>;
  removeTags(vaultId: number, keys: readonly string[]): Promise<void>;

  getNotifications(vaultId: number): Promise<NotificationConfig | undefined>;
  setNotifications(vaultId: number, config: NotificationConfig): Promise<void>;
  deleteNotifications(vaultId: number): Promise<void>;

  getAccessPolicy(vaultId: number): Promise<StoredPolicy | undefined>;
  setAccessPolicy(vaultId: number, policy: StoredPolicy, now: number): Promise<void>;
  deleteAccessPolicy(vaultId: number): Promise<void>;

  /** The vault's lock; an InProgress lock past its expiry is absent. */
  getLock(vaultId: number, now: number): Promise<VaultLockRecord | undefined>;
  initiateLock(
    vaultId: number,
    lock: StoredPolicy & { lockId: string; now: number; expiresAt: number },
  ): Promise<InitiateLockOutcome>;
  completeLock(vaultId: number, lockId: string, now: number): Promise<CompleteLockOutcome>;
  abortLock(vaultId: number, now: number): Promise<AbortLockOutcome>;

  /** Both policies in force on a vault (normalised JSON), for enforcement on every request. */
  policiesInForce(vaultId: number, now: number): Promise<{ access?: string; lock?: string }>;

  getRetrievalPolicy(accountId: string, region: string): Promise<RetrievalRule | undefined>;
  setRetrievalPolicy(accountId: string, region: string, rule: RetrievalRule, now: number): Promise<void>;

  /** Buys a unit unless `max` unexpired units exist (then LimitExceeded). */
  purchaseCapacity(unit: CapacityUnit, max: number, now: number): Promise<void>;
  /** Unexpired units, oldest first. */
  listCapacity(accountId: string, region: string, now: number): Promise<CapacityUnit[]>;

  /**
   * Atomically decides and records a retrieval: `decide` runs inside the transaction and throws to
   * refuse; otherwise the retrieval is recorded (Standard and Expedited only) and counts from now on.
   */
  admitRetrieval(
    r: { accountId: string; region: string; tier: Tier; bytes: number; now: number },
    decide: (usage: RetrievalUsage) => void,
  ): Promise<void>;
}
