import type { Handler } from "./types.js";
import { notYet } from "./unbuilt.js";

const op = (name: string): Handler => notYet(name);
export const vaultConfigHandlers = {
  AddTagsToVault: op("AddTagsToVault"),
  RemoveTagsFromVault: op("RemoveTagsFromVault"),
  ListTagsForVault: op("ListTagsForVault"),
  SetVaultNotifications: op("SetVaultNotifications"),
  GetVaultNotifications: op("GetVaultNotifications"),
  DeleteVaultNotifications: op("DeleteVaultNotifications"),
  SetVaultAccessPolicy: op("SetVaultAccessPolicy"),
  GetVaultAccessPolicy: op("GetVaultAccessPolicy"),
  DeleteVaultAccessPolicy: op("DeleteVaultAccessPolicy"),
  InitiateVaultLock: op("InitiateVaultLock"),
  CompleteVaultLock: op("CompleteVaultLock"),
  AbortVaultLock: op("AbortVaultLock"),
  GetVaultLock: op("GetVaultLock"),
};
