import type { InventoryItem } from "../core/jobs-inventory.js";
import type { JobStore } from "./jobs.js";
import type { UploadStore } from "./multipart.js";
import type { SettingsStore } from "./settings.js";

/** A vault is addressed by owner account, region and name: regions are separate namespaces. */
export interface VaultKey {
  accountId: string;
  region: string;
  name: string;
}

export interface VaultRecord extends VaultKey {
  id: number;
  createdAt: number;
  /** Statistics as of the last inventory (what DescribeVault reports). */
  inventoryCount: number;
  inventorySize: number;
  lastInventoryAt: number | null;
  /** First write since the last inventory; null when the inventory is current. */
  dirtySince: number | null;
  liveCount: number;
  liveSize: number;
}

/** Where an archive's bytes live: one blob per upload part, read back in order as one stream. */
export interface Segment {
  key: string;
  size: number;
}

/** The bytes of a small blob stored in the metadata store with the archive referencing it. */
export interface InlineBlob {
  key: string;
  data: Uint8Array;
}

export interface ArchiveRecord {
  archiveId: string;
  vaultId: number;
  size: number;
  treeHash: string;
  description: string | null;
  createdAt: number;
  segments: Segment[];
}

export interface VaultStore {
  /** Creates the vault unless it exists (idempotent); fails with LimitExceeded past `maxVaults`. */
  create(key: VaultKey, now: number, maxVaults: number): Promise<VaultRecord>;
  get(key: VaultKey): Promise<VaultRecord | undefined>;
  getById(id: number): Promise<VaultRecord | undefined>;
  /** Vaults of one account and region, by name (byte order), starting at `fromName` inclusive. */
  list(accountId: string, region: string, fromName: string | undefined, limit: number): Promise<VaultRecord[]>;
  /**
   * Takes an inventory snapshot when one is due: the vault has been written to and the first
   * such write is at least `intervalMs` old. Returns the vault as it stands afterwards.
   */
  refreshInventory(id: number, now: number, intervalMs: number): Promise<VaultRecord>;
  /**
   * Deletes the vault and everything it owns unless it holds archives (live or per inventory) or
   * has unreported writes; returns false in that case. Blobs it owned become garbage.
   */
  deleteIfEmpty(id: number, now: number): Promise<boolean>;
}

export interface ArchiveStore {
  /**
   * Records a fully written archive whose blobs are already durable; one transaction. `inline` is
   * the bytes of a new blob of one of its segments, made durable by this same transaction instead.
   */
  insert(archive: ArchiveRecord, now: number, inline?: InlineBlob): Promise<void>;
  get(archiveId: string): Promise<ArchiveRecord | undefined>;
  /** Removes the archive; its blobs become garbage once nothing else references them. */
  delete(archiveId: string, now: number): Promise<ArchiveRecord | undefined>;
  /** Archives of a vault in creation order, for inventories (only what an inventory lists); streamed in pages. */
  listForInventory(
    vaultId: number,
    after: { createdAt: number; archiveId: string } | undefined,
    limit: number,
    filter: { startMs?: number; endMs?: number },
  ): Promise<InventoryItem[]>;
}

/**
 * Reference-counted bookkeeping of every committed blob, so that garbage (and orphans left by a
 * crash between blob commit and metadata commit) can always be found and reclaimed.
 */
export interface BlobLedger {
  /** Blobs whose last reference is gone, oldest first. */
  garbage(limit: number): Promise<string[]>;
  /** Forgets blobs whose files have been deleted. */
  forget(keys: string[]): Promise<void>;
  /** True when metadata knows the blob (live or garbage). */
  known(key: string): Promise<boolean>;
  /** The bytes of a blob kept inline (see ArchiveStore.insert), or undefined for a blob in the blob store. */
  inline(key: string): Promise<Buffer | undefined>;
}

export interface MetadataStore {
  readonly vaults: VaultStore;
  readonly archives: ArchiveStore;
  readonly uploads: UploadStore;
  readonly jobs: JobStore;
  readonly settings: SettingsStore;
  readonly blobs: BlobLedger;
  close(): Promise<void>;
}
