/** Vault configuration (tags, notifications, access policy, lock) and account settings (issue: vault config). */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the vault-config family
export interface SettingsStore {}
