/**
 * The error catalogue: every code Permafrost can answer with, its HTTP status and AWS `type`.
 * Domain code throws GlacierError; only the HTTP edge turns it into {"code","message","type"}.
 */
export const ERROR_CATALOGUE = {
  InvalidParameterValueException: { status: 400, type: "Client" },
  MissingParameterValueException: { status: 400, type: "Client" },
  ResourceNotFoundException: { status: 404, type: "Client" },
  LimitExceededException: { status: 400, type: "Client" },
  PolicyEnforcedException: { status: 400, type: "Client" },
  // The guide documents 503/Server (the model says 400); 503 makes clients back off and retry.
  InsufficientCapacityException: { status: 503, type: "Server" },
  RequestTimeoutException: { status: 408, type: "Client" },
  ServiceUnavailableException: { status: 500, type: "Server" },
  NoLongerSupportedException: { status: 400, type: "Client" },
  AccessDeniedException: { status: 403, type: "Client" },
  InvalidSignatureException: { status: 403, type: "Client" },
  IncompleteSignatureException: { status: 400, type: "Client" },
  MissingAuthenticationTokenException: { status: 403, type: "Client" },
  UnrecognizedClientException: { status: 400, type: "Client" },
  ExpiredTokenException: { status: 403, type: "Client" },
  SerializationException: { status: 400, type: "Client" },
  ThrottlingException: { status: 400, type: "Client" },
  UnknownOperationException: { status: 400, type: "Client" },
  BadRequest: { status: 400, type: "Client" },
} as const satisfies Record<string, { status: number; type: "Client" | "Server" }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class GlacierError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: "Client" | "Server";
  /** Authentication-layer errors put `message` first on AWS; kept for fidelity. */
  readonly fromAuthLayer: boolean;

  constructor(code: ErrorCode, message: string, opts: { fromAuthLayer?: boolean } = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.type = ERROR_CATALOGUE[code].type;
    this.fromAuthLayer = opts.fromAuthLayer ?? false;
  }
}

/** Shorthands for the errors every family throws, with AWS's exact wording where it is known. */
export const Errors = {
  invalid: (message: string) => new GlacierError("InvalidParameterValueException", message),
  missing: (message: string) => new GlacierError("MissingParameterValueException", message),
  missingParameter: (name: string) =>
    new GlacierError("MissingParameterValueException", `Required parameter missing: ${name}`),
  notFound: (message: string) => new GlacierError("ResourceNotFoundException", message),
  vaultNotFound: (vaultArnOrName: string) =>
    new GlacierError("ResourceNotFoundException", `Vault not found for ARN: ${vaultArnOrName}`),
  accessDenied: (message: string) => new GlacierError("AccessDeniedException", message),
  limitExceeded: (message: string) => new GlacierError("LimitExceededException", message),
};
