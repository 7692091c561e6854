import { isoMillis } from "../core/clock.js";
import { Errors } from "../core/errors.js";
import { newCapacityId } from "../core/ids.js";
import { MAX_PROVISIONED_UNITS } from "../core/limits.js";
import { PARTITION, retrievalPolicyArn } from "../core/names.js";
import { capacityExpiry } from "../core/retrieval.js";
import type { RetrievalRule, RetrievalStrategy } from "../store/settings.js";
import { accountScope, ownerAccount } from "./access.js";
import type { Handler, OperationRequest, Services } from "./types.js";

const STRATEGIES: readonly RetrievalStrategy[] = ["BytesPerHour", "FreeTier", "None"];
/** The documented default when an account never set a policy (SPEC §3.30). */
const DEFAULT_RULE: RetrievalRule = { strategy: "None" };
const MAX_BYTES_PER_HOUR = 2 ** 63 - 1;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const retrievalScope = (req: OperationRequest, svc: Services) =>
  accountScope(req, svc, retrievalPolicyArn(req.caller.region, ownerAccount(req)));

const capacityScope = (req: OperationRequest, svc: Services) =>
  accountScope(req, svc, `arn:${PARTITION}:glacier:${req.caller.region}:${ownerAccount(req)}:provisioned-capacity`);

/** Rule members in AWS's (alphabetical) order; BytesPerHour only with its strategy. */
const ruleJson = (r: RetrievalRule) =>
  r.strategy === "BytesPerHour" ? { BytesPerHour: r.bytesPerHour, Strategy: r.strategy } : { Strategy: r.strategy };

/** Validates SetDataRetrievalPolicy's body (SPEC §3.31). */
export function parseRetrievalPolicy(json: Record<string, unknown>): RetrievalRule {
  const policy = json.Policy;
  if (policy === undefined) throw Errors.missingParameter("Policy");
  if (!isObject(policy)) throw Errors.invalid("Policy must be an object with a Rules list.");
  const rules = policy.Rules;
  if (rules === undefined || rules === null) throw Errors.missingParameter("Policy.Rules");
  if (!Array.isArray(rules) || rules.length !== 1) {
    throw Errors.invalid("Policy.Rules must contain exactly one rule.");
  }
  const rule = rules[0];
  if (!isObject(rule)) throw Errors.invalid("Each data retrieval rule must be an object.");
  const strategy = rule.Strategy;
  if (strategy === undefined || strategy === null) throw Errors.missingParameter("Strategy");
  if (typeof strategy !== "string" || !STRATEGIES.includes(strategy as RetrievalStrategy)) {
    throw Errors.invalid(`Invalid Strategy: ${String(strategy)}. Valid values are ${STRATEGIES.join(", ")}.`);
  }
  const bytes = rule.BytesPerHour ?? undefined;
  if (strategy !== "BytesPerHour") {
    if (bytes !== undefined) {
      throw Errors.invalid(`BytesPerHour may only be given with the BytesPerHour strategy, not with ${strategy}.`);
    }
    return { strategy: strategy as RetrievalStrategy };
  }
  if (bytes === undefined) throw Errors.missingParameter("BytesPerHour");
  if (typeof bytes !== "number" || !Number.isInteger(bytes) || bytes < 1 || bytes > MAX_BYTES_PER_HOUR) {
    throw Errors.invalid(
      `Invalid BytesPerHour: ${String(bytes)}. It must be an integer from 1 to 9223372036854775807.`,
    );
  }
  return { strategy: "BytesPerHour", bytesPerHour: bytes };
}

const GetDataRetrievalPolicy: Handler = async (req, svc) => {
  const owner = await retrievalScope(req, svc);
  const rule = (await svc.store.settings.getRetrievalPolicy(owner, req.caller.region)) ?? DEFAULT_RULE;
  return { status: 200, json: { Policy: { Rules: [ruleJson(rule)] } } };
};

const SetDataRetrievalPolicy: Handler = async (req, svc) => {
  const owner = await retrievalScope(req, svc);
  const rule = parseRetrievalPolicy(req.json);
  await svc.store.settings.setRetrievalPolicy(owner, req.caller.region, rule, svc.clock.now());
  return { status: 204 };
};

const PurchaseProvisionedCapacity: Handler = async (req, svc) => {
  const owner = await capacityScope(req, svc);
  const now = svc.clock.now();
  const capacityId = newCapacityId();
  await svc.store.settings.purchaseCapacity(
    { capacityId, accountId: owner, region: req.caller.region, startAt: now, expiresAt: capacityExpiry(now) },
    MAX_PROVISIONED_UNITS,
    now,
  );
  return { status: 201, headers: { "x-amz-capacity-id": capacityId } };
};

const ListProvisionedCapacity: Handler = async (req, svc) => {
  const owner = await capacityScope(req, svc);
  const units = await svc.store.settings.listCapacity(owner, req.caller.region, svc.clock.now());
  return {
    status: 200,
    json: {
      ProvisionedCapacityList: units.map((u) => ({
        CapacityId: u.capacityId,
        ExpirationDate: isoMillis(u.expiresAt),
        StartDate: isoMillis(u.startAt),
      })),
    },
  };
};

export const accountHandlers = {
  GetDataRetrievalPolicy,
  SetDataRetrievalPolicy,
  PurchaseProvisionedCapacity,
  ListProvisionedCapacity,
};
