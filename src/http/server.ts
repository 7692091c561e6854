import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Logger, pino } from "pino";
import { adminRoutes } from "../api/admin.js";
import { handlers, tasks } from "../api/index.js";
import { Scheduler, sweepOrphans } from "../api/maintenance.js";
import type { Caller, OperationRequest, Services } from "../api/types.js";
import { type Clock, httpDate, systemClock } from "../core/clock.js";
import type { ServerConfig } from "../core/config.js";
import { GlacierError } from "../core/errors.js";
import { newRequestId } from "../core/ids.js";
import { MAX_JSON_BODY } from "../core/limits.js";
import { TurnBatch } from "../core/turn-batch.js";
import { FsBlobStore } from "../store/fs-blob.js";
import { WithInlineBlobs } from "../store/inline-blobs.js";
import { SqliteMetadataStore } from "../store/sqlite/index.js";
import { sendError, sendJson, sendResult, setBaseHeaders, writeHead } from "./respond.js";
import { matchRoute } from "./routes.js";
import { type SignedRequest, SigV4Verifier } from "./sigv4.js";

const API_VERSION = "2012-06-01";
const EMPTY_BODY = Buffer.alloc(0);
const EMPTY_SHA256 = createHash("sha256").update(EMPTY_BODY).digest("hex");
const ADMIN_PREFIX = "/_permafrost/";

export interface Permafrost {
  server: Server;
  svc: Services;
  scheduler: Scheduler;
  url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) {
      throw new GlacierError("InvalidParameterValueException", `Request body larger than ${MAX_JSON_BODY} bytes.`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** JSON bodies are parsed whatever the Content-Type; empty means {}; null members mean absent. */
function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw new GlacierError("SerializationException", "The request body is not valid JSON.");
  }
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new GlacierError("SerializationException", "The request body must be a JSON object.");
  }
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null));
}

/** Shared by every request without a query string (handlers only read queries). */
const NO_QUERY = new URLSearchParams();

function splitTarget(url: string): { rawPath: string; rawQuery: string; query: URLSearchParams } {
  const q = url.indexOf("?");
  if (q < 0) return { rawPath: url, rawQuery: "", query: NO_QUERY };
  const rawQuery = url.slice(q + 1);
  return { rawPath: url.slice(0, q), rawQuery, query: new URLSearchParams(rawQuery) };
}

function decodeSegments(rawPath: string): string[] {
  const segments = rawPath.split("/").slice(1);
  return segments.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

export class RequestHandler {
  private readonly verifier: SigV4Verifier;

  constructor(
    private readonly svc: Services,
    private readonly adminToken: string | undefined,
  ) {
    this.verifier = new SigV4Verifier(svc.config);
  }

  private cachedDate = { second: -1, text: "" };

  /**
   * Verifies signatures in batches: the requests whose headers arrived in one turn of the event
   * loop are verified together, one after the other, once that turn's I/O is handled. Between two
   * requests handled one by one, HTTP parsing, routing and response writing push OpenSSL's code and
   * tables out of the CPU caches, and its two calls per request (SHA-256, HMAC) measured 15–35 µs
   * inside the loaded server against 4–6 µs back to back. Batched, DescribeVault under load went
   * from 165–206 to 80–146 µs of server CPU per request (docs/performance.md). Each request still
   * gets its own verification and its own answer; only the moment moves, by one loop turn.
   */
  private readonly verifications = new TurnBatch<SignedRequest, Caller>((batch) => {
    const now = this.svc.clock.now();
    for (const q of batch) this.verifier.verify(q.input, now).then(q.resolve, q.reject);
  });

  /** The HTTP Date header changes once a second; format it once a second. */
  private dateHeader(): string {
    const now = this.svc.clock.now();
    const second = Math.floor(now / 1000);
    if (second !== this.cachedDate.second) this.cachedDate = { second, text: httpDate(now) };
    return this.cachedDate.text;
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = newRequestId();
    setBaseHeaders(res, ["x-amzn-RequestId", requestId, "Date", this.dateHeader()]);
    const done = this.dispatch(req, res, requestId).catch((err: unknown) => this.fail(req, res, requestId, err));
    // Request logging costs a timer and an object per request: only when debug logging is on.
    if (!this.svc.log.isLevelEnabled("debug")) return;
    const started = process.hrtime.bigint();
    void done.finally(() => {
      this.svc.log.debug(
        {
          requestId,
          method: req.method,
          url: req.url,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        "request",
      );
    });
  };

  private fail(req: IncomingMessage, res: ServerResponse, requestId: string, err: unknown): void {
    const known = err instanceof GlacierError;
    if (!known) this.svc.log.error({ err, requestId, method: req.method, url: req.url }, "unexpected error");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(
      res,
      known
        ? err
        : new GlacierError(
            "ServiceUnavailableException",
            `Internal error; request id ${requestId}. Retry the request.`,
          ),
      // A body we will not read must not be drained: answer, then close the connection.
      req.complete ? {} : { Connection: "close" },
    );
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const method = req.method ?? "GET";
    const { rawPath, rawQuery, query } = splitTarget(req.url ?? "/");
    if (rawPath.startsWith(ADMIN_PREFIX))
      return this.admin(req, res, method, rawPath.slice(ADMIN_PREFIX.length), query);

    const match = matchRoute(method, decodeSegments(rawPath), query);
    if (match.kind !== "ok") {
      if (match.kind === "method" && rawPath.endsWith("/tags") && method === "POST") {
        throw new GlacierError(
          "InvalidParameterValueException",
          `Invalid value for parameter operation: ${query.get("operation") ?? "(none)"}. Must be 'add' or 'remove'.`,
        );
      }
      throw new GlacierError("UnknownOperationException", `No Glacier operation matches ${method} ${rawPath}`);
    }
    const { route, params } = match;
    const streaming = route.body === "stream";
    // Most JSON operations are bodiless GETs: no stream iteration and no hashing for those.
    const bodiless =
      req.headers["content-length"] === "0" ||
      (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined);
    const body = streaming ? undefined : bodiless ? EMPTY_BODY : await readBody(req);
    const sentHash = req.headers["x-amz-content-sha256"] as string | undefined;
    const bodyHash = body && (body.length === 0 ? EMPTY_SHA256 : createHash("sha256").update(body).digest("hex"));
    const sourceIp = req.socket.remoteAddress ?? "";
    if (streaming && sentHash === undefined && this.svc.config.auth) {
      throw new GlacierError("MissingParameterValueException", "Required parameter missing: x-amz-content-sha256");
    }
    const signed = {
      method,
      rawPath,
      rawQuery,
      headers: req.headers,
      payloadHash: sentHash ?? bodyHash ?? "",
      sourceIp,
    };
    const caller = await this.verifications.run(signed);
    // Non-streaming bodies are in memory: the payload hash the signature covered must match them.
    if (bodyHash !== undefined && sentHash !== undefined && sentHash.toLowerCase() !== bodyHash) {
      throw new GlacierError(
        "InvalidSignatureException",
        `The value passed in as x-amz-content-sha256 does not match the computed payload hash. Computed digest: ${bodyHash} expected hash: ${sentHash}`,
      );
    }
    const version = req.headers["x-amz-glacier-version"];
    if (version === undefined) {
      throw new GlacierError("MissingParameterValueException", "Required parameter missing: API version");
    }
    if (version !== API_VERSION) {
      throw new GlacierError(
        "InvalidParameterValueException",
        `Invalid API version: ${version}. Expected ${API_VERSION}.`,
      );
    }
    const opReq: OperationRequest = {
      operation: route.operation,
      requestId,
      caller,
      pathAccountId: params.accountId ?? "-",
      params,
      query,
      headers: req.headers,
      json: body ? parseJsonBody(body) : {},
      body: streaming ? req : undefined,
    };
    const result = await handlers[route.operation](opReq, this.svc);
    await sendResult(res, result);
  }

  private async admin(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    if (path === "health" && method === "GET") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    const route = adminRoutes.find((r) => r.method === method && r.path === path);
    if (!route)
      throw new GlacierError("UnknownOperationException", `No admin operation matches ${method} /_permafrost/${path}`);
    if (this.adminToken !== undefined && req.headers.authorization !== `Bearer ${this.adminToken}`) {
      throw new GlacierError(
        "AccessDeniedException",
        "Admin endpoints need 'Authorization: Bearer <admin token>' (PERMAFROST_ADMIN_TOKEN).",
      );
    }
    const body = await readBody(req);
    const out = await route.handle(this.svc, { query, json: parseJsonBody(body) });
    if (out.json === undefined) {
      writeHead(res, out.status, { "Content-Length": "0" });
      res.end();
    } else sendJson(res, out.status, out.json);
  }
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Bearer token for /_permafrost/ admin endpoints; defaults to the first credential's secret. */
  adminToken?: string;
}

/** Opens the stores, recovers from any crash, starts background tasks and listens. */
export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<Permafrost> {
  const log = opts.logger ?? pino({ level: config.logLevel });
  const startedAt = Date.now();
  await mkdir(config.dataDir, { recursive: true });
  const store = new SqliteMetadataStore(join(config.dataDir, "meta.sqlite"));
  const files = new FsBlobStore(config.dataDir);
  await files.init();
  const blobs = new WithInlineBlobs(files, store.blobs);
  await blobs.recover();
  const svc: Services = { store, blobs, clock: opts.clock ?? systemClock, config, log };
  const orphans = await sweepOrphans(svc, startedAt);
  if (orphans > 0) log.warn({ orphans }, "removed blobs left behind by an interrupted write");
  const scheduler = new Scheduler(svc, tasks);
  scheduler.start();

  const adminToken = config.auth
    ? (opts.adminToken ?? config.adminToken ?? config.credentials[0]?.secretAccessKey)
    : undefined;
  const handler = new RequestHandler(svc, adminToken);
  // highWaterMark: read ahead up to 1 MiB of a body while a chunk is hashed or written, and send
  // downloads in large writes (docs/performance.md); the default 16 KiB stalls the socket.
  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000, highWaterMark: 1024 * 1024 },
    handler.handle,
  );
  // A stalled body (no bytes for this long) fails the request instead of holding it forever.
  server.setTimeout(120_000, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`;
  let closing: Promise<void> | undefined;
  return {
    server,
    svc,
    scheduler,
    url,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await scheduler.stop();
        await store.close();
        await blobs.close();
      })();
      return closing;
    },
  };
}
