import type { Database } from "better-sqlite3";
import type { GroupCommit } from "./group-commit.js";
import type { Ledger } from "./ledger.js";

/** What every SQLite family store shares: the handle, the blob ledger, and vault-deletion hooks. */
export interface SqliteContext {
  db: Database;
  ledger: Ledger;
  /** Shared transaction for small writes acknowledged one by one (see GroupCommit). */
  group: GroupCommit;
  /** Each family removes its rows of a vault being deleted (inside the deleting transaction). */
  onVaultDelete: ((vaultId: number, now: number) => void)[];
}

/**
 * Calls `changed(row[column])` for every row of `table` inserted, updated or deleted, whichever
 * statement does it (temporary triggers calling back into this process). In-process caches hang
 * off this; they are sound because this process is the database's only writer (exclusive locking
 * mode). A change rolled back afterwards has still been reported, which only costs a re-read.
 */
export function onRowChange(db: Database, table: string, column: string, changed: (id: number) => void): void {
  const fn = `permafrost_changed_${table}`;
  db.function(fn, { deterministic: false }, (id: unknown) => {
    changed(Number(id));
    return null;
  });
  for (const [op, row] of [
    ["INSERT", "NEW"],
    ["UPDATE", "OLD"],
    ["DELETE", "OLD"],
  ] as const) {
    db.exec(
      `CREATE TEMP TRIGGER IF NOT EXISTS ${table}_${op.toLowerCase()}_changed AFTER ${op} ON main.${table}
       BEGIN SELECT ${fn}(${row}.${column}); END`,
    );
  }
}
