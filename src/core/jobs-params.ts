import { Errors } from "./errors.js";
import { decodeInventoryMarker, type InventoryCursor } from "./jobs-inventory.js";
import { type InventoryFormat, type InventoryParams, TIERS, type Tier } from "./jobs-model.js";
import { validateDescription } from "./names.js";
import { isMegabyteAligned } from "./treehash.js";

interface Common {
  description: string | null;
  snsTopic: string | null;
}

export interface ArchiveJobRequest extends Common {
  type: "archive-retrieval";
  archiveId: string;
  tier: Tier;
  /** The requested range text, validated for shape only (alignment needs the archive's size). */
  range: { first: number; last: number } | null;
}

export interface InventoryJobRequest extends Common {
  type: "inventory-retrieval";
  params: InventoryParams;
  startMs: number | undefined;
  endMs: number | undefined;
  limit: number | undefined;
  after: InventoryCursor | undefined;
}

export interface SelectJobRequest extends Common {
  type: "select";
}

export type JobRequest = ArchiveJobRequest | InventoryJobRequest | SelectJobRequest;

const JOB_TYPES = ["archive-retrieval", "inventory-retrieval", "select"] as const;
const FORMATS: readonly InventoryFormat[] = ["JSON", "CSV"];
/** An SNS topic ARN: topic names are 1–256 of [A-Za-z0-9_-] (plus `.fifo`). */
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** ISO 8601 in UTC or with an offset, seconds (optionally fractional) precision. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function str(json: Record<string, unknown>, key: string): string | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw Errors.invalid(`Invalid value for ${key}: expected a string.`);
  return v;
}

function forbid(json: Record<string, unknown>, keys: string[], type: string): void {
  for (const k of keys) {
    if (json[k] !== undefined && json[k] !== null) {
      throw Errors.invalid(`The parameter ${k} is not valid for a job of type ${type}.`);
    }
  }
}

/** `"{first}-{last}"` with first ≤ last; alignment against the archive is checked by the caller. */
export function parseRetrievalRange(raw: string): { first: number; last: number } {
  const m = /^(\d{1,16})-(\d{1,16})$/.exec(raw);
  const first = m ? Number(m[1]) : Number.NaN;
  const last = m ? Number(m[2]) : Number.NaN;
  if (!m || first > last) {
    throw Errors.invalid(`Invalid RetrievalByteRange: ${raw}. The range must be written as StartByte-EndByte.`);
  }
  return { first, last };
}

/** Checks a requested range against the archive (SPEC §4.4: megabyte aligned, inside the archive). */
export function checkRetrievalRange(r: { first: number; last: number }, size: number): void {
  const raw = `${r.first}-${r.last}`;
  if (r.last > size - 1) {
    throw Errors.invalid(`Invalid RetrievalByteRange: ${raw}. The range must lie within the archive (0-${size - 1}).`);
  }
  if (!isMegabyteAligned(r.first, r.last, size)) {
    throw Errors.invalid(
      `Invalid RetrievalByteRange: ${raw}. The range must be megabyte aligned: StartByte must be divisible by 1048576 and EndByte + 1 must be divisible by 1048576 or equal the archive size.`,
    );
  }
}

function parseDate(key: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = ISO_DATE.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw Errors.invalid(
      `Invalid value for InventoryRetrievalParameters.${key}: ${raw}. Dates must be in ISO 8601 format, for example 2013-03-20T17:03:43Z.`,
    );
  }
  return ms;
}

function parseInventory(json: Record<string, unknown>, common: Common): InventoryJobRequest {
  forbid(json, ["ArchiveId", "RetrievalByteRange", "SelectParameters", "OutputLocation"], "inventory-retrieval");
  const format = str(json, "Format") ?? "JSON";
  if (!FORMATS.includes(format as InventoryFormat)) {
    throw Errors.invalid(`Invalid value for Format: ${format}. Valid values are CSV and JSON.`);
  }
  const rawParams = json.InventoryRetrievalParameters ?? {};
  if (typeof rawParams !== "object" || rawParams === null || Array.isArray(rawParams)) {
    throw Errors.invalid("Invalid value for InventoryRetrievalParameters: expected an object.");
  }
  const p = Object.fromEntries(Object.entries(rawParams).filter(([, v]) => v !== null)) as Record<string, unknown>;
  const startDate = str(p, "StartDate");
  const endDate = str(p, "EndDate");
  const startMs = parseDate("StartDate", startDate);
  const endMs = parseDate("EndDate", endDate);
  if (startMs !== undefined && endMs !== undefined && endMs <= startMs) {
    throw Errors.invalid(
      `Invalid InventoryRetrievalParameters: EndDate ${endDate} must be later than StartDate ${startDate}.`,
    );
  }
  // The model types Limit as a string; a JSON number is tolerated (hand-written requests send one).
  const rawLimit = typeof p.Limit === "number" ? String(p.Limit) : str(p, "Limit");
  if (rawLimit !== undefined && (!/^\d{1,15}$/.test(rawLimit) || Number(rawLimit) < 1)) {
    throw Errors.invalid(
      `Invalid value for InventoryRetrievalParameters.Limit: ${rawLimit}. The limit must be an integer greater than or equal to 1.`,
    );
  }
  const marker = str(p, "Marker");
  const after = marker === undefined || marker === "" ? undefined : decodeInventoryMarker(marker);
  return {
    type: "inventory-retrieval",
    ...common,
    params: {
      format: format as InventoryFormat,
      startDate: startDate ?? null,
      endDate: endDate ?? null,
      limit: rawLimit ?? null,
      marker: marker ?? null,
    },
    startMs,
    endMs,
    limit: rawLimit === undefined ? undefined : Number(rawLimit),
    after,
  };
}

/** Validates InitiateJob's body (the JobParameters object itself, nulls already dropped). */
export function parseJobParameters(json: Record<string, unknown>): JobRequest {
  const type = str(json, "Type");
  if (type === undefined) throw Errors.missingParameter("Type");
  if (!(JOB_TYPES as readonly string[]).includes(type)) {
    throw Errors.invalid(
      `Invalid value for Type: ${type}. Valid values are archive-retrieval, inventory-retrieval and select.`,
    );
  }
  const description = str(json, "Description");
  validateDescription(description, "job description");
  const snsTopic = str(json, "SNSTopic");
  if (snsTopic !== undefined && !SNS_ARN.test(snsTopic)) {
    throw Errors.invalid(`Invalid SNS topic ARN: ${snsTopic}`);
  }
  const tier = str(json, "Tier");
  if (tier !== undefined && !TIERS.includes(tier as Tier)) {
    throw Errors.invalid(`Invalid value for Tier: ${tier}. Valid values are Expedited, Standard and Bulk.`);
  }
  const common: Common = { description: description ?? null, snsTopic: snsTopic ?? null };
  if (type === "select") return { type, ...common };
  if (type === "inventory-retrieval") return parseInventory(json, common);
  forbid(json, ["Format", "InventoryRetrievalParameters", "SelectParameters", "OutputLocation"], type);
  const archiveId = str(json, "ArchiveId");
  if (archiveId === undefined || archiveId === "") throw Errors.missingParameter("ArchiveId");
  const rawRange = str(json, "RetrievalByteRange");
  return {
    type: "archive-retrieval",
    ...common,
    archiveId,
    tier: (tier as Tier | undefined) ?? "Standard",
    range: rawRange === undefined ? null : parseRetrievalRange(rawRange),
  };
}

/**
 * GetJobOutput's `Range` header against an output of `size` bytes. Returns undefined when the
 * header is absent or unparseable (AWS then serves the whole output with 200, SPEC §3.29); throws
 * when the range starts at or beyond the output. The end is clamped to the output (HTTP semantics).
 */
export function parseOutputRange(
  header: string | undefined,
  size: number,
): { first: number; last: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return undefined;
    return { first: Math.max(0, size - suffix), last: size - 1 };
  }
  const first = Number(m[1]);
  const last = m[2] === "" ? size - 1 : Number(m[2]);
  if (last < first) return undefined;
  if (first >= size) {
    throw Errors.invalid(`The start of the range is larger than size of retrieved data: ${header}`);
  }
  return { first, last: Math.min(last, size - 1) };
}
