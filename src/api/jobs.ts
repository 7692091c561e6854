/** The jobs family: retrieval jobs, inventories, job output, timing and notifications (SPEC §3.26–3.29, §7). */
export { jobHandlers } from "./jobs/handlers.js";
export { jobTasks } from "./jobs/tasks.js";
