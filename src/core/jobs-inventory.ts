import { isoSeconds } from "./clock.js";
import { Errors } from "./errors.js";
import type { InventoryFormat } from "./jobs-model.js";
import { decodeMarker, encodeMarker } from "./paging.js";

/** One archive as an inventory lists it. */
export interface InventoryItem {
  archiveId: string;
  description: string | null;
  createdAt: number;
  size: number;
  treeHash: string;
}

export const CSV_HEADER = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n";

/**
 * A CSV field as Glacier writes it (SPEC §7.5): quoted when it holds ',' or '"'; inside quotes a
 * '"' becomes '\"' and a backslash is left alone (ambiguous by design, as in the guide).
 */
export function csvField(value: string): string {
  return /[,"]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

export function csvLine(a: InventoryItem): string {
  return `${csvField(a.archiveId)},${csvField(a.description ?? "")},${isoSeconds(a.createdAt)},${a.size},${a.treeHash}\n`;
}

/** One archive of a JSON inventory; written out directly (a million of them per large vault). */
export function jsonItem(a: InventoryItem): string {
  return `{"ArchiveId":${JSON.stringify(a.archiveId)},"ArchiveDescription":${JSON.stringify(a.description ?? "")},"CreationDate":"${isoSeconds(a.createdAt)}","Size":${a.size},"SHA256TreeHash":${JSON.stringify(a.treeHash)}}`;
}

/**
 * Renders an inventory document incrementally: head, then pages of items, then tail, so that a
 * vault of any size is written with memory bounded by one page. JSON key order is Glacier's
 * (VaultARN, InventoryDate, ArchiveList), not alphabetical.
 */
export class InventoryWriter {
  private first = true;

  constructor(
    readonly format: InventoryFormat,
    private readonly vaultArn: string,
    private readonly inventoryDate: number,
  ) {}

  head(): string {
    if (this.format === "CSV") return CSV_HEADER;
    return `{"VaultARN":${JSON.stringify(this.vaultArn)},"InventoryDate":"${isoSeconds(this.inventoryDate)}","ArchiveList":[`;
  }

  page(items: readonly InventoryItem[]): string {
    if (this.format === "CSV") return items.map(csvLine).join("");
    let out = "";
    for (const a of items) {
      out += this.first ? jsonItem(a) : `,${jsonItem(a)}`;
      this.first = false;
    }
    return out;
  }

  tail(): string {
    return this.format === "CSV" ? "" : "]}";
  }
}

/** Position after the last listed archive: the next inventory starts strictly after it. */
export interface InventoryCursor {
  createdAt: number;
  archiveId: string;
}

/** Inventory continuation markers: opaque, URL-safe, and round-trip through DescribeJob and InitiateJob. */
export const encodeInventoryMarker = (c: InventoryCursor): string => encodeMarker(`${c.createdAt}:${c.archiveId}`);

export function decodeInventoryMarker(marker: string): InventoryCursor {
  const bad = () => Errors.invalid(`Invalid value for InventoryRetrievalParameters.Marker: ${marker}`);
  let text: string;
  try {
    text = decodeMarker(marker);
  } catch {
    throw bad();
  }
  const m = /^(\d{1,15}):([A-Za-z0-9_-]{1,200})$/.exec(text);
  if (!m) throw bad();
  return { createdAt: Number(m[1]), archiveId: m[2] as string };
}
