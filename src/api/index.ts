import { accountHandlers } from "./account.js";
import { archiveHandlers } from "./archives.js";
import { jobHandlers, jobTasks } from "./jobs.js";
import { reapGarbage, type Task } from "./maintenance.js";
import { expireUploads, multipartHandlers } from "./multipart.js";
import type { HandlerMap } from "./types.js";
import { vaultConfigHandlers } from "./vault-config.js";
import { vaultHandlers } from "./vaults.js";

/** Every operation's handler; the type makes a missing operation a compile error. */
export const handlers: HandlerMap = {
  ...vaultHandlers,
  ...archiveHandlers,
  ...multipartHandlers,
  ...jobHandlers,
  ...vaultConfigHandlers,
  ...accountHandlers,
};

/** Background duties of every family. */
export const tasks: Task[] = [expireUploads, ...jobTasks, reapGarbage];
