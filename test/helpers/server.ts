import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GlacierClient } from "@aws-sdk/client-glacier";
import { pino } from "pino";
import { type Credential, defaultConfig, rootPrincipal, type ServerConfig } from "../../src/core/config.js";
import { type Permafrost, type StartOptions, startServer } from "../../src/http/server.js";

export const ACCOUNT_A = "111122223333";
export const ACCOUNT_B = "444455556666";

export const CRED_A: Credential = {
  accessKeyId: "AKIAACCOUNTAAAAAAAAA",
  secretAccessKey: "secret-of-account-a-0000000000000000000",
  accountId: ACCOUNT_A,
  principalArn: rootPrincipal(ACCOUNT_A),
};
export const CRED_B: Credential = {
  accessKeyId: "AKIAACCOUNTBBBBBBBBB",
  secretAccessKey: "secret-of-account-b-0000000000000000000",
  accountId: ACCOUNT_B,
  principalArn: rootPrincipal(ACCOUNT_B),
};

export interface TestServer extends Permafrost {
  dataDir: string;
  /** A JS SDK v3 client for the given credential and region. */
  client(cred?: Credential, region?: string): GlacierClient;
  stop(): Promise<void>;
}

/** Starts a real Permafrost on an ephemeral port with a fresh data folder. */
export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  opts: StartOptions & { dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), "permafrost-test-")));
  const config: ServerConfig = {
    ...defaultConfig(),
    port: 0,
    dataDir,
    credentials: [CRED_A, CRED_B],
    logLevel: "silent",
    ...overrides,
  };
  const pf = await startServer(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }), ...opts });
  const clients: GlacierClient[] = [];
  return {
    ...pf,
    dataDir,
    client(cred = CRED_A, region = "us-east-1") {
      const c = new GlacierClient({
        endpoint: pf.url,
        region,
        credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey },
        maxAttempts: 1,
      });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await pf.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
