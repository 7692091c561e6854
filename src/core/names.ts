import { Errors } from "./errors.js";

export const PARTITION = "aws";

export const vaultArn = (region: string, accountId: string, vaultName: string): string =>
  `arn:${PARTITION}:glacier:${region}:${accountId}:vaults/${vaultName}`;

export const retrievalPolicyArn = (region: string, accountId: string): string =>
  `arn:${PARTITION}:glacier:${region}:${accountId}:policies/retrieval-limit-policy`;

const VAULT_NAME = /^[A-Za-z0-9_.-]{1,255}$/;
const ACCOUNT_ID = /^\d{12}$/;

export function isValidVaultName(name: string): boolean {
  // "." and ".." satisfy the character rule but clients strip dot segments before sending (SPEC §1.3).
  return VAULT_NAME.test(name) && name !== "." && name !== "..";
}

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** Archive and job descriptions: at most 1,024 characters of printable ASCII (0x20–0x7E). */
export function validateDescription(value: string | undefined, what = "archive description"): void {
  if (value === undefined) return;
  if (value.length > 1024) throw Errors.invalid(`Invalid ${what}: longer than 1024 characters.`);
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw Errors.invalid(`Invalid ${what}: only printable ASCII characters (0x20-0x7E) are allowed.`);
  }
}
