/** Vault configuration and account settings (vault-config family). */
export const settingsSchema = `
CREATE TABLE vault_tags (
  vault_id INTEGER NOT NULL REFERENCES vaults(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (vault_id, key)
);
CREATE TABLE vault_notifications (
  vault_id INTEGER PRIMARY KEY REFERENCES vaults(id),
  sns_topic TEXT NOT NULL,
  events TEXT NOT NULL
);
CREATE TABLE vault_access_policies (
  vault_id INTEGER PRIMARY KEY REFERENCES vaults(id),
  document TEXT NOT NULL,
  parsed TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
-- One lock per vault. An InProgress row past expires_at counts as absent; a Locked row is never
-- updated or deleted except together with its (empty) vault.
CREATE TABLE vault_locks (
  vault_id INTEGER PRIMARY KEY REFERENCES vaults(id),
  lock_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('InProgress', 'Locked')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  document TEXT NOT NULL,
  parsed TEXT NOT NULL
);
CREATE TRIGGER vault_locks_locked_immutable BEFORE UPDATE ON vault_locks
  WHEN OLD.state = 'Locked'
  BEGIN SELECT RAISE(ABORT, 'a Locked vault lock cannot be changed'); END;
CREATE TABLE retrieval_policies (
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  strategy TEXT NOT NULL CHECK (strategy IN ('BytesPerHour', 'FreeTier', 'None')),
  bytes_per_hour INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, region)
);
CREATE TABLE provisioned_capacity (
  capacity_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  start_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX provisioned_capacity_by_account ON provisioned_capacity (account_id, region, expires_at);
-- Accepted Standard and Expedited retrievals, for data-retrieval-policy and capacity accounting.
CREATE TABLE retrieval_admissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  tier TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  accepted_at INTEGER NOT NULL,
  on_capacity INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX retrieval_admissions_by_account ON retrieval_admissions (account_id, region, tier, accepted_at);
`;
