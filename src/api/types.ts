import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import type { ServerConfig } from "../core/config.js";
import type { BlobStore } from "../store/blob.js";
import type { MetadataStore } from "../store/types.js";

/** The 33 operations of the Glacier 2012-06-01 model. */
export const OPERATIONS = [
  "AbortMultipartUpload",
  "AbortVaultLock",
  "AddTagsToVault",
  "CompleteMultipartUpload",
  "CompleteVaultLock",
  "CreateVault",
  "DeleteArchive",
  "DeleteVault",
  "DeleteVaultAccessPolicy",
  "DeleteVaultNotifications",
  "DescribeJob",
  "DescribeVault",
  "GetDataRetrievalPolicy",
  "GetJobOutput",
  "GetVaultAccessPolicy",
  "GetVaultLock",
  "GetVaultNotifications",
  "InitiateJob",
  "InitiateMultipartUpload",
  "InitiateVaultLock",
  "ListJobs",
  "ListMultipartUploads",
  "ListParts",
  "ListProvisionedCapacity",
  "ListTagsForVault",
  "ListVaults",
  "PurchaseProvisionedCapacity",
  "RemoveTagsFromVault",
  "SetDataRetrievalPolicy",
  "SetVaultAccessPolicy",
  "SetVaultNotifications",
  "UploadArchive",
  "UploadMultipartPart",
] as const;

export type OperationName = (typeof OPERATIONS)[number];

/** Who is calling, established by SigV4 (or by the credential scope when auth is off). */
export interface Caller {
  accountId: string;
  principalArn: string;
  accessKeyId: string;
  region: string;
  sourceIp: string;
  /** Whether the request's signature was verified. */
  authenticated: boolean;
}

export interface OperationRequest {
  operation: OperationName;
  requestId: string;
  caller: Caller;
  /** The account id as written in the path (`-` or 12 digits). */
  pathAccountId: string;
  /** Path labels: vaultName, archiveId, uploadId, jobId, lockId. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body ({} when empty) for operations that do not stream. */
  json: Record<string, unknown>;
  /** Raw body for streaming operations (UploadArchive, UploadMultipartPart). */
  body: Readable | undefined;
}

export interface StreamBody {
  stream: Readable;
  length: number;
  contentType: string;
}

export interface OperationResult {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as compact JSON with `Content-Type: application/json`. */
  json?: unknown;
  stream?: StreamBody;
}

/** Everything an operation may use; handed to handlers by the HTTP layer. */
export interface Services {
  store: MetadataStore;
  blobs: BlobStore;
  clock: Clock;
  config: ServerConfig;
  log: Logger;
}

export type Handler = (req: OperationRequest, svc: Services) => Promise<OperationResult>;
export type HandlerMap = { [K in OperationName]: Handler };
