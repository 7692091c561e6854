/** An access key and the identity it belongs to (SigV4 `-` resolves to `accountId`). */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** Principal used by access policies; defaults to the account root. */
  principalArn: string;
}

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** SigV4 verification; when false any signature is accepted but the scope still selects the region. */
  auth: boolean;
  credentials: Credential[];
  /** When set, only this region is served; other credential scopes are rejected as AWS does. */
  region: string | undefined;
  /** Region used for unsigned requests when auth is off. */
  defaultRegion: string;
  /** Seconds after the first write before DescribeVault/ListVaults statistics catch up (0 = live). */
  inventoryRefreshSeconds: number;
  /** How long an aborted multipart upload id still accepts a repeated abort. */
  abortedUploadGraceSeconds: number;
  /** Multipart uploads idle for this long expire and their parts are reclaimed. */
  uploadExpirySeconds: number;
  logLevel: string;
  /** Bearer token for /_permafrost/ admin endpoints; defaults to the first credential's secret. */
  adminToken: string | undefined;
  /** Data-retrieval policy accounting: hours a Standard retrieval's bytes are spread over (SPEC §9.1). */
  standardRetrievalHours: number;
  /** Data-retrieval policy `FreeTier`: bytes of Standard retrievals allowed per UTC day. */
  freeTierBytesPerDay: number;
  /** Simulated on-demand Expedited capacity without a provisioned unit: "always", "never" or "N-per-5-min". */
  expeditedCapacity: string;
  /** Whether clients reach Permafrost over TLS (a terminating proxy): the value of aws:SecureTransport. */
  secureTransport: boolean;
  /** Job completion: "instant", "realistic" (AWS-like per tier, SPEC §7.2) or a fixed delay in seconds. */
  jobTiming: "instant" | "realistic" | number;
  /** Divides job completion delays (3600 makes an hour of "realistic" pass in a second). */
  timeWarp: number;
  /** How long a completed job and its output stay available before vanishing (AWS: 24 h). */
  jobRetentionSeconds: number;
  /** Job notifications: SNS topic ARN → HTTP(S) webhook URL; the key "*" matches any other topic. */
  notificationTargets: Record<string, string>;
}

export const DEFAULT_ACCOUNT_ID = "123456789012";
export const DEFAULT_ACCESS_KEY_ID = "AKIAPERMAFROSTLOCAL0";
export const DEFAULT_SECRET_ACCESS_KEY = "permafrost/local/secret/key/change/me0000";

export const rootPrincipal = (accountId: string): string => `arn:aws:iam::${accountId}:root`;

export function defaultConfig(): ServerConfig {
  return {
    host: "127.0.0.1",
    port: 9070,
    dataDir: "./data",
    auth: true,
    credentials: [
      {
        accessKeyId: DEFAULT_ACCESS_KEY_ID,
        secretAccessKey: DEFAULT_SECRET_ACCESS_KEY,
        accountId: DEFAULT_ACCOUNT_ID,
        principalArn: rootPrincipal(DEFAULT_ACCOUNT_ID),
      },
    ],
    region: undefined,
    defaultRegion: "us-east-1",
    inventoryRefreshSeconds: 0,
    abortedUploadGraceSeconds: 3600,
    uploadExpirySeconds: 24 * 3600,
    logLevel: "info",
    adminToken: undefined,
    standardRetrievalHours: 4,
    // AWS's historical free retrieval: 10 GiB a month, prorated daily.
    freeTierBytesPerDay: Math.floor((10 * 1024 ** 3) / 30),
    expeditedCapacity: "always",
    secureTransport: false,
    jobTiming: "instant",
    timeWarp: 1,
    jobRetentionSeconds: 24 * 3600,
    notificationTargets: {},
  };
}
