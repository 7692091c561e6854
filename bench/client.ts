import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { Agent, type IncomingHttpHeaders, request } from "node:http";
import type { Readable } from "node:stream";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";

export interface BenchCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

export const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, unless `discard` was asked for (then only its length is kept). */
  body: Buffer;
  bytes: number;
}

/**
 * A minimal Glacier client: SigV4 via the SDK's own signer (@smithy/signature-v4), bodies streamed
 * from files, payload and tree hashes precomputed so that no client-side hashing is timed.
 */
export class GlacierRaw {
  readonly url: URL;
  private readonly signer: SignatureV4;
  readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(url: string, cred: BenchCredential, region = "us-east-1") {
    this.url = new URL(url);
    this.signer = new SignatureV4({
      credentials: cred,
      region,
      service: "glacier",
      sha256: Hash.bind(null, "sha256"),
      uriEscapePath: true,
      applyChecksum: false,
    });
  }

  /** Signed headers for a request; the signature stays valid for the server's ±5 min skew. */
  async sign(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    payloadHash = EMPTY_SHA256,
  ): Promise<Record<string, string>> {
    const [p, q] = path.split("?", 2) as [string, string | undefined];
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(q ?? "")) query[k] = v;
    const signed = await this.signer.sign({
      method,
      protocol: "http:",
      hostname: this.url.hostname,
      port: Number(this.url.port),
      path: p,
      query,
      headers: {
        host: this.url.host,
        "x-amz-glacier-version": "2012-06-01",
        "x-amz-content-sha256": payloadHash,
        ...headers,
      },
    });
    return signed.headers;
  }

  async call(
    method: string,
    path: string,
    opts: {
      headers?: Record<string, string>;
      body?: Buffer | Readable;
      payloadHash?: string;
      discard?: boolean;
    } = {},
  ): Promise<Response> {
    const body = opts.body;
    const headers = { ...opts.headers };
    let payloadHash = opts.payloadHash;
    if (Buffer.isBuffer(body)) {
      headers["content-length"] = String(body.length);
      payloadHash ??= createHash("sha256").update(body).digest("hex");
    }
    const signed = await this.sign(method, path, headers, payloadHash ?? EMPTY_SHA256);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        { host: this.url.hostname, port: this.url.port, method, path, headers: signed, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on("data", (c: Buffer) => {
            bytes += c.length;
            if (!opts.discard) chunks.push(c);
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), bytes }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.on("error", (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }

  /** Like call(), but fails unless the status is 2xx. */
  async ok(method: string, path: string, opts: Parameters<GlacierRaw["call"]>[2] = {}): Promise<Response> {
    const r = await this.call(method, path, opts);
    if (r.status < 200 || r.status > 299) {
      throw new Error(`${method} ${path} → ${r.status} ${r.body.toString("utf8").slice(0, 500)}`);
    }
    return r;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface CurlResult {
  status: number;
  bytes: number;
  /** The value of the header asked for ("" when absent). */
  header: string;
  seconds: number;
}

/**
 * One request with curl (a real, well-kept client that costs little CPU, so it takes less of the two
 * cores from the server than a Node client would). The response body goes to /dev/null; `upload`
 * streams a file as the request body (`-T`, read in curl's own chunks). Wall time from process start
 * to exit.
 */
export function curl(
  method: string,
  url: string,
  headers: Record<string, string>,
  headerName: string,
  upload?: string,
): Promise<CurlResult> {
  const args = [
    "-s",
    "-S",
    "-X",
    method,
    "-o",
    "/dev/null",
    "-w",
    `%{http_code} %{size_download} %header{${headerName}}`,
  ];
  // No "Expect: 100-continue" round trip: the request is signed and the server answers it anyway.
  if (upload !== undefined) args.push("-T", upload, "-H", "Expect:");
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== "host") args.push("-H", `${k}: ${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn("curl", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString("utf8");
    });
    child.on("error", reject);
    // "close", not "exit": only then has all of stdout (the -w line) been read.
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const [status, bytes, header] = out.trim().split(" ");
      if (code !== 0) reject(new Error(`curl exited ${code}: ${err}`));
      else resolve({ status: Number(status), bytes: Number(bytes), header: header ?? "", seconds });
    });
  });
}
