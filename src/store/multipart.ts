/** Multipart uploads and their parts (issue: multipart). */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the multipart family
export interface UploadStore {}
