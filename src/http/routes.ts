import type { OperationName } from "../api/types.js";

/** How the body of an operation is handled: streamed into storage, or read (≤ 1 MiB) and parsed as JSON. */
export type BodyKind = "stream" | "json";

export interface Route {
  method: string;
  /** Path segments after the leading '/'; `{name}` captures a label. */
  path: string;
  /** Selecting query parameter, for the two tag operations. */
  query?: { key: string; value: string };
  operation: OperationName;
  body: BodyKind;
}

const r = (method: string, path: string, operation: OperationName, extra: Partial<Route> = {}): Route => ({
  method,
  path,
  operation,
  body: "json",
  ...extra,
});

const V = "{accountId}/vaults/{vaultName}";

/** The route table: all 33 operations of the 2012-06-01 model (SPEC §1.3). */
export const ROUTES: readonly Route[] = [
  r("PUT", V, "CreateVault"),
  r("DELETE", V, "DeleteVault"),
  r("GET", V, "DescribeVault"),
  r("GET", "{accountId}/vaults", "ListVaults"),
  r("PUT", `${V}/notification-configuration`, "SetVaultNotifications"),
  r("GET", `${V}/notification-configuration`, "GetVaultNotifications"),
  r("DELETE", `${V}/notification-configuration`, "DeleteVaultNotifications"),
  r("PUT", `${V}/access-policy`, "SetVaultAccessPolicy"),
  r("GET", `${V}/access-policy`, "GetVaultAccessPolicy"),
  r("DELETE", `${V}/access-policy`, "DeleteVaultAccessPolicy"),
  r("POST", `${V}/lock-policy`, "InitiateVaultLock"),
  r("POST", `${V}/lock-policy/{lockId}`, "CompleteVaultLock"),
  r("DELETE", `${V}/lock-policy`, "AbortVaultLock"),
  r("GET", `${V}/lock-policy`, "GetVaultLock"),
  r("POST", `${V}/tags`, "AddTagsToVault", { query: { key: "operation", value: "add" } }),
  r("POST", `${V}/tags`, "RemoveTagsFromVault", { query: { key: "operation", value: "remove" } }),
  r("GET", `${V}/tags`, "ListTagsForVault"),
  r("POST", `${V}/archives`, "UploadArchive", { body: "stream" }),
  r("DELETE", `${V}/archives/{archiveId}`, "DeleteArchive"),
  r("POST", `${V}/multipart-uploads`, "InitiateMultipartUpload"),
  r("GET", `${V}/multipart-uploads`, "ListMultipartUploads"),
  r("PUT", `${V}/multipart-uploads/{uploadId}`, "UploadMultipartPart", { body: "stream" }),
  r("POST", `${V}/multipart-uploads/{uploadId}`, "CompleteMultipartUpload"),
  r("DELETE", `${V}/multipart-uploads/{uploadId}`, "AbortMultipartUpload"),
  r("GET", `${V}/multipart-uploads/{uploadId}`, "ListParts"),
  r("POST", `${V}/jobs`, "InitiateJob"),
  r("GET", `${V}/jobs`, "ListJobs"),
  r("GET", `${V}/jobs/{jobId}`, "DescribeJob"),
  r("GET", `${V}/jobs/{jobId}/output`, "GetJobOutput"),
  r("GET", "{accountId}/policies/data-retrieval", "GetDataRetrievalPolicy"),
  r("PUT", "{accountId}/policies/data-retrieval", "SetDataRetrievalPolicy"),
  r("POST", "{accountId}/provisioned-capacity", "PurchaseProvisionedCapacity"),
  r("GET", "{accountId}/provisioned-capacity", "ListProvisionedCapacity"),
];

interface CompiledRoute extends Route {
  segments: string[];
}

const COMPILED: CompiledRoute[] = ROUTES.map((route) => ({ ...route, segments: route.path.split("/") }));

export type Match =
  | { kind: "ok"; route: Route; params: Record<string, string> }
  /** The path exists but not for this method (or query selector). */
  | { kind: "method"; path: string }
  | { kind: "none" };

/** Finds the operation for a request; `segments` are the raw path's segments, percent-decoded. */
export function matchRoute(method: string, segments: readonly string[], query: URLSearchParams): Match {
  let pathMatched = false;
  for (const route of COMPILED) {
    if (route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const pattern = route.segments[i] as string;
      const actual = segments[i] as string;
      if (pattern.startsWith("{")) {
        if (actual === "") {
          ok = false;
          break;
        }
        params[pattern.slice(1, -1)] = actual;
      } else if (pattern !== actual) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    if (route.query && query.get(route.query.key) !== route.query.value) continue;
    return { kind: "ok", route, params };
  }
  return pathMatched ? { kind: "method", path: segments.join("/") } : { kind: "none" };
}
