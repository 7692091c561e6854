/** Multipart uploads and parts (filled by the multipart family). */
export const multipartSchema = "";
