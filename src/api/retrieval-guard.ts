import type { VaultRecord } from "../store/types.js";
import type { OperationRequest, Services } from "./types.js";

/** What InitiateJob asks before accepting a retrieval (owned by the vault-config/account family). */
export interface RetrievalRequest {
  vault: VaultRecord;
  /** "archive-retrieval" | "inventory-retrieval" | "select" */
  type: string;
  tier: "Expedited" | "Standard" | "Bulk";
  /** Bytes the job will retrieve (0 for inventories). */
  bytes: number;
}

/**
 * Throws PolicyEnforcedException when the account's data-retrieval policy refuses the job, and
 * InsufficientCapacityException when an Expedited job finds no capacity. Records an accepted job's
 * bytes for later policy accounting.
 */
export async function admitRetrieval(_req: OperationRequest, _svc: Services, _r: RetrievalRequest): Promise<void> {}
