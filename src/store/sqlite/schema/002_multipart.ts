/**
 * Multipart uploads and parts. A completed or aborted upload keeps its row (without parts) as a
 * tombstone for the idempotent repeat of Complete/Abort; parts own one blob each via the ledger.
 */
export const multipartSchema = `
CREATE TABLE uploads (
  upload_id TEXT PRIMARY KEY,
  vault_id INTEGER NOT NULL REFERENCES vaults(id),
  part_size INTEGER NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'aborted')),
  closed_at INTEGER,
  archive_id TEXT,
  archive_size INTEGER,
  archive_tree_hash TEXT
);
CREATE INDEX uploads_open_by_vault ON uploads (vault_id, created_at, upload_id) WHERE state = 'open';
CREATE INDEX uploads_by_activity ON uploads (state, last_activity_at);
CREATE INDEX uploads_by_closed ON uploads (state, closed_at);
CREATE TABLE upload_parts (
  upload_id TEXT NOT NULL REFERENCES uploads(upload_id),
  part_index INTEGER NOT NULL,
  size INTEGER NOT NULL,
  tree_hash TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_index)
) WITHOUT ROWID;
`;
