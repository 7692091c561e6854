#!/usr/bin/env node
import { Command, Option } from "commander";
import { startServer } from "../http/server.js";
import { type Flags, loadConfig } from "./config.js";

const program = new Command();
program.name("permafrost").description("A self-hosted, wire-compatible Amazon S3 Glacier vault API server");

program
  .command("serve")
  .description("run the Glacier API server")
  .option("-p, --port <port>", "TCP port (PERMAFROST_PORT, default 9070)")
  .option("--host <host>", "address to listen on (PERMAFROST_HOST, default 127.0.0.1)")
  .option("-d, --data-dir <dir>", "data folder for metadata and blobs (PERMAFROST_DATA_DIR, default ./data)")
  .option("-c, --config <file>", "JSON config file (PERMAFROST_CONFIG)")
  .addOption(new Option("--no-auth", "accept any signature (PERMAFROST_AUTH=off)"))
  .option("--region <region>", "serve only this region (PERMAFROST_REGION)")
  .option("--inventory-refresh <seconds>", "vault statistics lag (PERMAFROST_INVENTORY_REFRESH_SECONDS, default 0)")
  .option("--log-level <level>", "pino log level (PERMAFROST_LOG_LEVEL, default info)")
  .option("--job-timing <mode>", "instant | realistic | <seconds> (PERMAFROST_JOB_TIMING, default instant)")
  .option("--time-warp <factor>", "divide job completion delays by this (PERMAFROST_TIME_WARP, default 1)")
  .action(async (opts: Flags & { auth: boolean }) => {
    // commander sets auth=true by default for --no-auth; only an explicit flag should override env.
    const flags: Flags = { ...opts, auth: process.argv.includes("--no-auth") ? false : undefined };
    const config = loadConfig(flags);
    const pf = await startServer(config);
    const log = pf.svc.log;
    const cred = config.credentials[0];
    log.info(
      {
        url: pf.url,
        dataDir: config.dataDir,
        auth: config.auth,
        region: config.region ?? "any",
        accountId: cred?.accountId,
        accessKeyId: cred?.accessKeyId,
        secretAccessKey: cred?.secretAccessKey,
      },
      `Permafrost listening on ${pf.url}`,
    );
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down: finishing in-flight requests");
      pf.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
