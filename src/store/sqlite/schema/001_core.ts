export const coreSchema = `
CREATE TABLE vaults (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  inventory_count INTEGER NOT NULL DEFAULT 0,
  inventory_size INTEGER NOT NULL DEFAULT 0,
  last_inventory_at INTEGER,
  dirty_since INTEGER,
  live_count INTEGER NOT NULL DEFAULT 0,
  live_size INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, region, name)
);
CREATE TABLE archives (
  archive_id TEXT PRIMARY KEY,
  vault_id INTEGER NOT NULL REFERENCES vaults(id),
  size INTEGER NOT NULL,
  tree_hash TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  segments TEXT NOT NULL
);
CREATE INDEX archives_by_vault ON archives (vault_id, created_at, archive_id);
CREATE TABLE blobs (
  key TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  refs INTEGER NOT NULL,
  garbage_since INTEGER
);
CREATE INDEX blobs_garbage ON blobs (garbage_since) WHERE garbage_since IS NOT NULL;
`;
