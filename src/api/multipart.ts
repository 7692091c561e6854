import type { Handler } from "./types.js";
import { notYet } from "./unbuilt.js";

const op = (name: string): Handler => notYet(name);
export const multipartHandlers = {
  InitiateMultipartUpload: op("InitiateMultipartUpload"),
  UploadMultipartPart: op("UploadMultipartPart"),
  CompleteMultipartUpload: op("CompleteMultipartUpload"),
  AbortMultipartUpload: op("AbortMultipartUpload"),
  ListParts: op("ListParts"),
  ListMultipartUploads: op("ListMultipartUploads"),
};
