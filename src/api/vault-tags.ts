import { Errors } from "../core/errors.js";
import { MAX_TAGS } from "../core/limits.js";
import { vaultScope } from "./access.js";
import type { Handler } from "./types.js";

/** Unicode letters, digits, spaces and `_ . : / = + - @` (AWS's tagging alphabet). */
const TAG_CHARS = /^[\p{L}\p{N}\p{Z}_.:/=+\-@]*$/u;
const MAX_KEY_CHARS = 128;
const MAX_VALUE_CHARS = 255;

const chars = (s: string): number => [...s].length;

export function validateTagKey(key: string): void {
  const n = chars(key);
  if (n < 1 || n > MAX_KEY_CHARS) {
    throw Errors.invalid(
      `Invalid tag key: ${JSON.stringify(key)}. Tag keys must be 1 to ${MAX_KEY_CHARS} characters long.`,
    );
  }
  if (key.toLowerCase().startsWith("aws:")) {
    throw Errors.invalid(`Invalid tag key: ${JSON.stringify(key)}. The prefix "aws:" is reserved for AWS use.`);
  }
  if (!TAG_CHARS.test(key)) {
    throw Errors.invalid(
      `Invalid tag key: ${JSON.stringify(key)}. Tag keys may contain only letters, digits, spaces and _ . : / = + - @`,
    );
  }
}

export function validateTagValue(key: string, value: unknown): string {
  if (typeof value !== "string")
    throw Errors.invalid(`Invalid value for tag ${JSON.stringify(key)}: must be a string.`);
  if (chars(value) > MAX_VALUE_CHARS || !TAG_CHARS.test(value)) {
    throw Errors.invalid(
      `Invalid value for tag ${JSON.stringify(key)}: tag values are 0 to ${MAX_VALUE_CHARS} letters, digits, spaces and _ . : / = + - @`,
    );
  }
  return value;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const AddTagsToVault: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const tags = req.json.Tags;
  if (tags === undefined) throw Errors.missingParameter("Tags");
  if (!isMap(tags)) throw Errors.invalid("Tags must be a map of tag keys to tag values.");
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    validateTagKey(k);
    clean[k] = validateTagValue(k, v);
  }
  await svc.store.settings.addTags(vault.id, clean, MAX_TAGS);
  return { status: 204 };
};

const RemoveTagsFromVault: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const keys = req.json.TagKeys;
  if (keys === undefined) throw Errors.missingParameter("TagKeys");
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) {
    throw Errors.invalid("TagKeys must be a list of tag keys.");
  }
  await svc.store.settings.removeTags(vault.id, keys as string[]);
  return { status: 204 };
};

const ListTagsForVault: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  return { status: 200, json: { Tags: await svc.store.settings.listTags(vault.id) } };
};

export const tagHandlers = { AddTagsToVault, RemoveTagsFromVault, ListTagsForVault };
