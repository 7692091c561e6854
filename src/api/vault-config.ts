import { notificationHandlers } from "./notify-config.js";
import { accessPolicyHandlers, vaultLockHandlers } from "./vault-policy.js";
import { tagHandlers } from "./vault-tags.js";

/** Vault configuration: tags, notifications, access policy, Vault Lock (SPEC §3.5–3.17). */
export const vaultConfigHandlers = {
  ...tagHandlers,
  ...notificationHandlers,
  ...accessPolicyHandlers,
  ...vaultLockHandlers,
};
