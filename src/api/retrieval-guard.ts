import { GlacierError } from "../core/errors.js";
import {
  bytesPerHourAdmits,
  FIVE_MINUTES_MS,
  parseExpeditedCapacity,
  standardWindowStart,
  utcDayStart,
} from "../core/retrieval.js";
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

export const policyEnforced = () =>
  new GlacierError("PolicyEnforcedException", "InitiateJob request denied by current data retrieval policy.");

export const insufficientCapacity = () =>
  new GlacierError(
    "InsufficientCapacityException",
    "There is not enough capacity to process this Expedited retrieval request. Retry later, or use the Standard or Bulk tier.",
  );

/**
 * Throws PolicyEnforcedException when the account's data-retrieval policy refuses the job, and
 * InsufficientCapacityException when an Expedited job finds no capacity. Records an accepted job's
 * bytes for later policy accounting. Call it last, just before the job is stored: an admitted job
 * counts against the policy from this moment.
 *
 * The vault owner's policy and capacity apply (charges for cross-account retrievals go to the
 * owner). Only Standard retrievals are governed by the policy; Bulk is neither limited nor counted.
 */
export async function admitRetrieval(_req: OperationRequest, svc: Services, r: RetrievalRequest): Promise<void> {
  if (r.tier === "Bulk") return;
  const { config } = svc;
  const capacity = parseExpeditedCapacity(config.expeditedCapacity);
  const now = svc.clock.now();
  await svc.store.settings.admitRetrieval(
    { accountId: r.vault.accountId, region: r.vault.region, tier: r.tier, bytes: r.bytes, now },
    (usage) => {
      if (r.tier === "Expedited") {
        if (usage.hasCapacity || capacity.kind === "always") return;
        if (capacity.kind === "never") throw insufficientCapacity();
        if (usage.onDemandCountSince("Expedited", now - FIVE_MINUTES_MS + 1) >= capacity.perFiveMinutes) {
          throw insufficientCapacity();
        }
        return;
      }
      const { rule } = usage;
      if (rule.strategy === "None" || r.bytes <= 0) return;
      if (rule.strategy === "FreeTier") {
        if (usage.bytesSince("Standard", utcDayStart(now)) + r.bytes > config.freeTierBytesPerDay) {
          throw policyEnforced();
        }
        return;
      }
      const admitted = bytesPerHourAdmits({
        allowed: rule.bytesPerHour ?? 0,
        standardHours: config.standardRetrievalHours,
        bytesInWindow: usage.bytesSince("Standard", standardWindowStart(now, config.standardRetrievalHours)),
        newBytes: r.bytes,
      });
      if (!admitted) throw policyEnforced();
    },
  );
}
