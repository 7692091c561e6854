/** Vault configuration and account settings (filled by the vault-config family). */
export const settingsSchema = "";
