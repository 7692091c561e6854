import { Errors } from "../core/errors.js";
import { vaultScope } from "./access.js";
import type { Handler, Services } from "./types.js";

export type VaultEvent = "ArchiveRetrievalCompleted" | "InventoryRetrievalCompleted";
const EVENTS: readonly string[] = ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"];

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** The SNS topic a vault's notification configuration names for this event, if any (vault-config family). */
export async function vaultNotificationTopic(
  svc: Services,
  vaultId: number,
  event: VaultEvent,
): Promise<string | undefined> {
  const config = await svc.store.settings.getNotifications(vaultId);
  return config?.events.includes(event) ? config.snsTopic : undefined;
}

const SetVaultNotifications: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const { SNSTopic: topic, Events: events } = req.json;
  if (topic === undefined) throw Errors.missingParameter("SNSTopic");
  if (events === undefined) throw Errors.missingParameter("Events");
  if (typeof topic !== "string" || !SNS_TOPIC_ARN.test(topic)) {
    throw Errors.invalid(
      `Invalid SNSTopic: ${String(topic)}. Expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).`,
    );
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw Errors.invalid(`Events must be a non-empty list drawn from ${EVENTS.join(", ")}.`);
  }
  for (const e of events) {
    if (typeof e !== "string" || !EVENTS.includes(e)) {
      throw Errors.invalid(`Invalid event: ${String(e)}. Valid events are ${EVENTS.join(", ")}.`);
    }
  }
  await svc.store.settings.setNotifications(vault.id, { snsTopic: topic, events: [...new Set(events as string[])] });
  return { status: 204 };
};

const GetVaultNotifications: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  const config = await svc.store.settings.getNotifications(vault.id);
  if (!config) throw Errors.notFound(`No notification configuration is set for vault: ${vault.name}`);
  return { status: 200, json: { Events: config.events, SNSTopic: config.snsTopic } };
};

/** Idempotent: deleting a configuration that does not exist succeeds (SPEC §3.7 recommendation). */
const DeleteVaultNotifications: Handler = async (req, svc) => {
  const vault = await vaultScope(req, svc);
  await svc.store.settings.deleteNotifications(vault.id);
  return { status: 204 };
};

export const notificationHandlers = { SetVaultNotifications, GetVaultNotifications, DeleteVaultNotifications };
