/** Jobs, job outputs, notification outbox (jobs family). */
export const jobsSchema = `
CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL UNIQUE,
  vault_id INTEGER NOT NULL REFERENCES vaults(id),
  vault_arn TEXT NOT NULL,
  action TEXT NOT NULL,
  description TEXT,
  sns_topic TEXT,
  tier TEXT,
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT NOT NULL,
  completed_at INTEGER,
  expires_at INTEGER,
  archive_id TEXT,
  archive_size INTEGER,
  archive_tree_hash TEXT,
  archive_description TEXT,
  range_first INTEGER,
  range_last INTEGER,
  range_tree_hash TEXT,
  segments TEXT NOT NULL,
  inventory TEXT,
  inventory_size INTEGER,
  next_marker TEXT
);
CREATE INDEX jobs_by_vault ON jobs (vault_id, created_at DESC, seq DESC);
CREATE INDEX jobs_due ON jobs (due_at) WHERE status = 'InProgress';
CREATE INDEX jobs_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE job_notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT,
  created_at INTEGER NOT NULL,
  settled_at INTEGER
);
CREATE INDEX job_notifications_due ON job_notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX job_notifications_settled ON job_notifications (settled_at) WHERE settled_at IS NOT NULL;
`;
