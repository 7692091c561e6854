/** Jobs, job outputs, notification outbox (filled by the jobs family). */
export const jobsSchema = "";
