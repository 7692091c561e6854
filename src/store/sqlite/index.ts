import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { BlobLedger, MetadataStore } from "../types.js";
import { SqliteArchiveStore } from "./archives.js";
import type { SqliteContext } from "./context.js";
import { GroupCommit } from "./group-commit.js";
import { SqliteJobStore } from "./jobs.js";
import { Ledger } from "./ledger.js";
import { MIGRATIONS } from "./migrations.js";
import { SqliteUploadStore } from "./multipart.js";
import { SqliteSettingsStore } from "./settings.js";
import { SqliteVaultStore } from "./vaults.js";

function migrate(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)");
  const applied = new Set(
    db
      .prepare<[], { version: number }>("SELECT version FROM schema_migrations")
      .all()
      .map((r) => r.version),
  );
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      if (m.sql.trim() !== "") db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(m.version, m.name, Date.now());
    }).immediate();
  }
}

/**
 * Embedded metadata on SQLite: WAL journal, synchronous=FULL (a commit is on disk before it is
 * acknowledged), one writer transaction per acknowledged change.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly db: Database.Database;
  readonly vaults;
  readonly archives;
  readonly uploads;
  readonly jobs;
  readonly settings;
  readonly blobs: BlobLedger;

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(join(file, ".."), { recursive: true });
    this.db = new Database(file);
    // One process owns the database: locks are taken once and kept, and the WAL index lives in
    // this process's memory instead of a shared-memory file — no lock system calls per statement
    // (a point query: 8.5 → 3 µs). A second server on the same data folder cannot open it.
    this.db.pragma("locking_mode = EXCLUSIVE");
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    migrate(this.db);
    const ctx: SqliteContext = {
      db: this.db,
      ledger: new Ledger(this.db),
      group: new GroupCommit(this.db),
      onVaultDelete: [],
    };
    this.vaults = new SqliteVaultStore(ctx);
    this.archives = new SqliteArchiveStore(ctx);
    this.uploads = new SqliteUploadStore(ctx);
    this.jobs = new SqliteJobStore(ctx);
    this.settings = new SqliteSettingsStore(ctx);
    const garbage = this.db.prepare<[number], { key: string }>(
      "SELECT key FROM blobs WHERE garbage_since IS NOT NULL ORDER BY garbage_since LIMIT ?",
    );
    const forget = this.db.prepare("DELETE FROM blobs WHERE key = ? AND refs <= 0");
    const known = this.db.prepare<[string], { k: number }>("SELECT 1 AS k FROM blobs WHERE key = ?");
    const inline = this.db.prepare<[string], { data: Buffer }>("SELECT data FROM inline_blobs WHERE key = ?");
    const forgetTx = this.db.transaction((keys: string[]) => {
      for (const k of keys) forget.run(k);
    });
    this.blobs = {
      garbage: async (limit) => garbage.all(limit).map((r) => r.key),
      forget: async (keys) => forgetTx.immediate(keys),
      known: async (key) => known.get(key) !== undefined,
      inline: async (key) => inline.get(key)?.data,
    };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
