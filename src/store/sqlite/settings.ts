import type { SettingsStore } from "../settings.js";
import type { SqliteContext } from "./context.js";

export class SqliteSettingsStore implements SettingsStore {
  constructor(readonly ctx: SqliteContext) {}
}
