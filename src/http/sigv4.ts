import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Caller } from "../api/types.js";
import { amzDate } from "../core/clock.js";
import { type Credential, rootPrincipal, type ServerConfig } from "../core/config.js";
import { type ErrorCode, GlacierError } from "../core/errors.js";
import { CLOCK_SKEW_MS } from "../core/limits.js";
import { canonicalRequest, signatureBytes } from "./sigv4-canonical.js";

const authError = (code: ErrorCode, message: string) => new GlacierError(code, message, { fromAuthLayer: true });

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (commas with or without spaces). */
export function parseAuthorization(value: string): ParsedAuthorization {
  const start = value.length - value.trimStart().length;
  const space = value.slice(start).search(/\s/);
  const algorithm = space < 0 ? value.slice(start) : value.slice(start, start + space);
  if (algorithm !== "AWS4-HMAC-SHA256" || space < 0) {
    throw authError(
      "IncompleteSignatureException",
      `Authorization header requires the AWS4-HMAC-SHA256 algorithm. Authorization=${value}`,
    );
  }
  let credential = "";
  let signedHeaders = "";
  let signature = "";
  // Comma-separated name=value pairs, with or without spaces after the commas; indexOf, not a
  // regex and a Map: this runs on every request.
  const rest = value.slice(start + space + 1);
  for (let at = 0; at < rest.length; ) {
    let end = rest.indexOf(",", at);
    if (end < 0) end = rest.length;
    const eq = rest.indexOf("=", at);
    if (eq > at && eq < end) {
      const name = rest.slice(at, eq).trim();
      const v = rest.slice(eq + 1, end).trim();
      if (name === "Credential") credential = v;
      else if (name === "SignedHeaders") signedHeaders = v;
      else if (name === "Signature") signature = v;
    }
    at = end + 1;
  }
  const missing = (
    [
      ["Credential", credential],
      ["Signature", signature],
      ["SignedHeaders", signedHeaders],
    ] as const
  ).filter(([, v]) => v === "");
  if (missing.length > 0) {
    throw authError(
      "IncompleteSignatureException",
      `${missing.map(([k]) => `Authorization header requires '${k}' parameter.`).join(" ")} Authorization=${value}`,
    );
  }
  const scope = credential.split("/");
  if (scope.length !== 5) {
    throw authError(
      "IncompleteSignatureException",
      `Credential should have exactly 5 slash-separated components: ${credential}`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  const names = signedHeaders.split(";");
  for (let i = 0; i < names.length; i++) names[i] = (names[i] as string).trim().toLowerCase();
  return { accessKeyId, date, region, service, terminator, signedHeaders: names, signature };
}

/** Signing time from x-amz-date (wins) or Date: basic ISO 8601, RFC 1123 or RFC 2822. */
function signingTime(headers: IncomingHttpHeaders): { ms: number; basic: string } | undefined {
  const raw = (headers["x-amz-date"] as string | undefined) ?? headers.date;
  if (!raw) return undefined;
  // Clients sign with a one-second clock: requests of the same second share the parse.
  if (raw === lastTime.raw) return lastTime.parsed;
  const parsed = parseSigningTime(raw);
  if (parsed) lastTime = { raw, parsed };
  return parsed;
}
let lastTime: { raw: string; parsed: { ms: number; basic: string } | undefined } = { raw: "", parsed: undefined };

function parseSigningTime(raw: string): { ms: number; basic: string } | undefined {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(raw);
  const ms = basic
    ? Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!)
    : Date.parse(raw);
  if (Number.isNaN(ms)) return undefined;
  return { ms, basic: basic ? raw : amzDate(ms) };
}

export interface SignedRequest {
  method: string;
  /** Path exactly as received on the wire (still percent-encoded). */
  rawPath: string;
  /** Query string exactly as received (after '?'), still percent-encoded. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** x-amz-content-sha256 when sent, else the SHA-256 of the (buffered) body. */
  payloadHash: string;
  sourceIp: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * Verifies AWS Signature Version 4 as AWS does for Glacier. The canonical request is rebuilt from
 * what arrived (method, raw path, raw query, exactly the signed headers, payload hash); see
 * sigv4-canonical.ts for why this is not delegated to a signing library.
 */
export class SigV4Verifier {
  private readonly byKey = new Map<string, Credential>();

  constructor(private readonly config: ServerConfig) {
    for (const c of config.credentials) this.byKey.set(c.accessKeyId, c);
  }

  private defaultCaller(sourceIp: string, region: string, cred?: Credential): Caller {
    const c = cred ?? this.config.credentials[0];
    const accountId = c?.accountId ?? "000000000000";
    return {
      accountId,
      principalArn: c?.principalArn ?? rootPrincipal(accountId),
      accessKeyId: c?.accessKeyId ?? "",
      region,
      sourceIp,
      authenticated: false,
    };
  }

  private checkScope(auth: ParsedAuthorization, time: { basic: string }): void {
    if (!REGION.test(auth.region)) {
      throw authError(
        "InvalidSignatureException",
        `Credential should be scoped to a valid region, not '${auth.region}'. `,
      );
    }
    if (this.config.region !== undefined && auth.region !== this.config.region) {
      throw authError(
        "InvalidSignatureException",
        `Credential should be scoped to a valid region, not '${auth.region}'. This server serves '${this.config.region}'.`,
      );
    }
    if (auth.service !== "glacier") {
      throw authError("InvalidSignatureException", "Credential should be scoped to correct service: 'glacier'. ");
    }
    if (auth.terminator !== "aws4_request") {
      throw authError(
        "InvalidSignatureException",
        `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'. `,
      );
    }
    if (auth.date !== time.basic.slice(0, 8)) {
      throw authError(
        "InvalidSignatureException",
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${time.basic.slice(0, 8)}', from '${time.basic}'.`,
      );
    }
  }

  async verify(req: SignedRequest, now: number): Promise<Caller> {
    const header = req.headers.authorization;
    if (!this.config.auth) {
      // Auth off: no check, but the scope still picks region and (for known keys) account.
      if (!header) return this.defaultCaller(req.sourceIp, this.config.region ?? this.config.defaultRegion);
      const auth = parseAuthorization(header);
      return this.defaultCaller(
        req.sourceIp,
        REGION.test(auth.region) ? auth.region : this.config.defaultRegion,
        this.byKey.get(auth.accessKeyId),
      );
    }
    if (!header) throw authError("MissingAuthenticationTokenException", "Missing Authentication Token");
    const auth = parseAuthorization(header);
    const time = signingTime(req.headers);
    if (!time) {
      throw authError(
        "IncompleteSignatureException",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    this.checkScope(auth, time);
    const cred = this.byKey.get(auth.accessKeyId);
    if (!cred) throw authError("UnrecognizedClientException", "The security token included in the request is invalid.");
    if (time.ms < now - CLOCK_SKEW_MS) {
      throw authError(
        "InvalidSignatureException",
        `Signature expired: ${time.basic} is now earlier than ${amzDate(now - CLOCK_SKEW_MS)} (${amzDate(now)} - 5 min.)`,
      );
    }
    if (time.ms > now + CLOCK_SKEW_MS) {
      throw authError(
        "InvalidSignatureException",
        `Signature not yet current: ${time.basic} is still later than ${amzDate(now + CLOCK_SKEW_MS)} (${amzDate(now)} + 5 min.)`,
      );
    }
    const want = this.expectedSignature(req, auth, cred, time.basic);
    // A signature is 64 lower-case hex digits; anything else cannot match.
    const given = SIGNATURE.test(auth.signature) ? Buffer.from(auth.signature, "hex") : undefined;
    if (given === undefined || given.length !== want.length || !timingSafeEqual(given, want)) {
      throw authError(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
    }
    return {
      accountId: cred.accountId,
      principalArn: cred.principalArn,
      accessKeyId: cred.accessKeyId,
      region: auth.region,
      sourceIp: req.sourceIp,
      authenticated: true,
    };
  }

  private expectedSignature(
    req: SignedRequest,
    auth: ParsedAuthorization,
    cred: Credential,
    signingTime: string,
  ): Buffer {
    const canonical = canonicalRequest({
      method: req.method,
      rawPath: req.rawPath,
      rawQuery: req.rawQuery,
      headers: req.headers,
      signedHeaders: auth.signedHeaders,
      payloadHash: req.payloadHash,
    });
    return signatureBytes(canonical, signingTime, {
      secret: cred.secretAccessKey,
      date: auth.date,
      region: auth.region,
      service: auth.service,
    });
  }
}
