import type { JobStore } from "../jobs.js";
import type { SqliteContext } from "./context.js";

export class SqliteJobStore implements JobStore {
  constructor(readonly ctx: SqliteContext) {}
}
