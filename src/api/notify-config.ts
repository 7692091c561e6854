import type { Services } from "./types.js";

export type VaultEvent = "ArchiveRetrievalCompleted" | "InventoryRetrievalCompleted";

/** The SNS topic a vault's notification configuration names for this event, if any (vault-config family). */
export async function vaultNotificationTopic(
  _svc: Services,
  _vaultId: number,
  _event: VaultEvent,
): Promise<string | undefined> {
  return undefined;
}
