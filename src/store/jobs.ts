/** Retrieval jobs, their outputs and the notification outbox (issue: jobs). */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the jobs family
export interface JobStore {}
