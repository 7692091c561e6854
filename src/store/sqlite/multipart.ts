import type { UploadStore } from "../multipart.js";
import type { SqliteContext } from "./context.js";

export class SqliteUploadStore implements UploadStore {
  constructor(readonly ctx: SqliteContext) {}
}
