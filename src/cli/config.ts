import { readFileSync } from "node:fs";
import { type Credential, defaultConfig, rootPrincipal, type ServerConfig } from "../core/config.js";
import { parseJobTiming } from "../core/jobs-timing.js";
import { isAccountId } from "../core/names.js";
import { parseExpeditedCapacity } from "../core/retrieval.js";

/** Options as given on the command line (commander's camel-cased names). */
export interface Flags {
  port?: string;
  host?: string;
  dataDir?: string;
  config?: string;
  auth?: boolean;
  region?: string;
  inventoryRefresh?: string;
  logLevel?: string;
  jobTiming?: string;
  timeWarp?: string;
}

type FileConfig = Partial<Omit<ServerConfig, "credentials">> & {
  credentials?: (Omit<Credential, "principalArn"> & { principalArn?: string })[];
};

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(1|true|on|yes)$/i.test(v)) return true;
  if (/^(0|false|off|no)$/i.test(v)) return false;
  throw new Error(`expected on/off, got ${v}`);
}

function int(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`${what} must be a non-negative integer, got ${v}`);
  return Number(v);
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

function credential(c: Omit<Credential, "principalArn"> & { principalArn?: string }): Credential {
  if (!isAccountId(c.accountId)) throw new Error(`account id must be 12 digits: ${c.accountId}`);
  if (!c.accessKeyId || !c.secretAccessKey) throw new Error("each credential needs accessKeyId and secretAccessKey");
  return { ...c, principalArn: c.principalArn ?? rootPrincipal(c.accountId) };
}

function positive(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new Error(`${what} must be a positive number, got ${v}`);
  return Number(v);
}

/** Notification targets: a JSON object, or `topicArn=url` pairs separated by commas or whitespace. */
function notificationTargets(v: string | undefined): Record<string, string> | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const pairs: [string, string][] = v.trim().startsWith("{")
    ? Object.entries(JSON.parse(v) as Record<string, string>)
    : v
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((p) => {
          const i = p.indexOf("=");
          if (i < 1) throw new Error(`PERMAFROST_NOTIFICATION_TARGETS: expected topicArn=url, got ${p}`);
          return [p.slice(0, i), p.slice(i + 1)];
        });
  for (const [, url] of pairs) {
    if (!/^https?:\/\//.test(url)) throw new Error(`notification target must be an http(s) URL, got ${url}`);
  }
  return Object.fromEntries(pairs);
}

/** Flags win over environment, environment over the config file, the file over defaults. */
export function loadConfig(flags: Flags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const cfg = defaultConfig();
  const file = flags.config ?? env.PERMAFROST_CONFIG;
  if (file) {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as FileConfig;
    const { credentials, ...rest } = parsed;
    Object.assign(cfg, defined(rest));
    if (credentials) cfg.credentials = credentials.map(credential);
    cfg.jobTiming = parseJobTiming(cfg.jobTiming);
    if (parsed.notificationTargets)
      cfg.notificationTargets = notificationTargets(JSON.stringify(parsed.notificationTargets)) ?? {};
  }
  Object.assign(
    cfg,
    defined({
      port: int(env.PERMAFROST_PORT, "PERMAFROST_PORT"),
      host: env.PERMAFROST_HOST,
      dataDir: env.PERMAFROST_DATA_DIR,
      auth: bool(env.PERMAFROST_AUTH),
      region: env.PERMAFROST_REGION,
      inventoryRefreshSeconds: int(env.PERMAFROST_INVENTORY_REFRESH_SECONDS, "PERMAFROST_INVENTORY_REFRESH_SECONDS"),
      logLevel: env.PERMAFROST_LOG_LEVEL,
      adminToken: env.PERMAFROST_ADMIN_TOKEN,
      uploadExpirySeconds: int(env.PERMAFROST_UPLOAD_EXPIRY_SECONDS, "PERMAFROST_UPLOAD_EXPIRY_SECONDS"),
      abortedUploadGraceSeconds: int(
        env.PERMAFROST_ABORTED_UPLOAD_GRACE_SECONDS,
        "PERMAFROST_ABORTED_UPLOAD_GRACE_SECONDS",
      ),
      standardRetrievalHours: int(env.PERMAFROST_STANDARD_RETRIEVAL_HOURS, "PERMAFROST_STANDARD_RETRIEVAL_HOURS"),
      freeTierBytesPerDay: int(env.PERMAFROST_FREE_TIER_BYTES_PER_DAY, "PERMAFROST_FREE_TIER_BYTES_PER_DAY"),
      expeditedCapacity: env.PERMAFROST_EXPEDITED_CAPACITY,
      secureTransport: bool(env.PERMAFROST_SECURE_TRANSPORT),
      jobTiming: env.PERMAFROST_JOB_TIMING === undefined ? undefined : parseJobTiming(env.PERMAFROST_JOB_TIMING),
      timeWarp: positive(env.PERMAFROST_TIME_WARP, "PERMAFROST_TIME_WARP"),
      jobRetentionSeconds: int(env.PERMAFROST_JOB_RETENTION_SECONDS, "PERMAFROST_JOB_RETENTION_SECONDS"),
      notificationTargets: notificationTargets(env.PERMAFROST_NOTIFICATION_TARGETS),
    }),
  );
  // The default account's credentials: each variable replaces one field of the first credential.
  const first = cfg.credentials[0];
  if (first && (env.PERMAFROST_ACCOUNT_ID || env.PERMAFROST_ACCESS_KEY_ID || env.PERMAFROST_SECRET_ACCESS_KEY)) {
    cfg.credentials[0] = credential({
      accessKeyId: env.PERMAFROST_ACCESS_KEY_ID ?? first.accessKeyId,
      secretAccessKey: env.PERMAFROST_SECRET_ACCESS_KEY ?? first.secretAccessKey,
      accountId: env.PERMAFROST_ACCOUNT_ID ?? first.accountId,
    });
  }
  Object.assign(
    cfg,
    defined({
      port: int(flags.port, "--port"),
      host: flags.host,
      dataDir: flags.dataDir,
      auth: flags.auth,
      region: flags.region,
      inventoryRefreshSeconds: int(flags.inventoryRefresh, "--inventory-refresh"),
      logLevel: flags.logLevel,
      jobTiming: flags.jobTiming === undefined ? undefined : parseJobTiming(flags.jobTiming),
      timeWarp: positive(flags.timeWarp, "--time-warp"),
    }),
  );
  parseExpeditedCapacity(cfg.expeditedCapacity); // fail at startup, not at the first Expedited job
  if (!(cfg.standardRetrievalHours > 0)) throw new Error("standardRetrievalHours must be positive");
  return cfg;
}
