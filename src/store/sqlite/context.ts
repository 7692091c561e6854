import type { Database } from "better-sqlite3";
import type { Ledger } from "./ledger.js";

/** What every SQLite family store shares: the handle, the blob ledger, and vault-deletion hooks. */
export interface SqliteContext {
  db: Database;
  ledger: Ledger;
  /** Each family removes its rows of a vault being deleted (inside the deleting transaction). */
  onVaultDelete: ((vaultId: number, now: number) => void)[];
}
