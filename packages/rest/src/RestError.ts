/**
 * Stable codes of {@link RestError}. Match on these, never on the message.
 *
 * | code | when |
 * |---|---|
 * | `REST_INVALID_ARGUMENT` | an option or argument is unusable (no token, a bad `version`, an empty channel id, …) |
 * | `REST_HTTP_ERROR` | Discord answered a 4xx other than 401 and 429 (`status`, `discordCode`) |
 * | `REST_UNAUTHORIZED` | Discord answered 401: the token is wrong |
 * | `REST_RATE_LIMITED` | rate limited beyond what the client may wait: still 429 after `rateLimitRetries` waits, a wait longer than `maxRateLimitWait` asked for (a 429's `retry_after`/`Retry-After`/`X-RateLimit-Reset-After`), or this request's waits together longer than that; `retryAfter` tells how long Discord asked to wait |
 * | `REST_SERVER_ERROR` | still 5xx after `retries` retries |
 * | `REST_NETWORK_ERROR` | the connection failed (refused, reset, …) on every attempt |
 * | `REST_TIMEOUT` | no answer within `timeout` on every attempt |
 * | `REST_INVALID_REQUEST_LIMIT` | refused before sending: too many 401/403/429 answers in the window, a Cloudflare ban was near |
 * | `REST_INVALID_RESPONSE` | a 2xx answer whose body is not JSON |
 * | `REST_RESPONSE_TOO_LARGE` | the answer's body is larger than `maxResponseBytes` (it is not read, nor retried) |
 * | `REST_DESTROYED` | the client was destroyed while the request waited or was in flight, or before it was made |
 * | `REST_ABORTED` | the request's `signal` aborted it (before sending, while it waited in a queue or a backoff, or in flight); `cause` is the signal's `reason` |
 */
export type RestErrorCode =
  | "REST_INVALID_ARGUMENT"
  | "REST_HTTP_ERROR"
  | "REST_UNAUTHORIZED"
  | "REST_RATE_LIMITED"
  | "REST_SERVER_ERROR"
  | "REST_NETWORK_ERROR"
  | "REST_TIMEOUT"
  | "REST_INVALID_REQUEST_LIMIT"
  | "REST_INVALID_RESPONSE"
  | "REST_RESPONSE_TOO_LARGE"
  | "REST_DESTROYED"
  | "REST_ABORTED";

const CODES: ReadonlySet<string> = new Set<RestErrorCode>([
  "REST_INVALID_ARGUMENT",
  "REST_HTTP_ERROR",
  "REST_UNAUTHORIZED",
  "REST_RATE_LIMITED",
  "REST_SERVER_ERROR",
  "REST_NETWORK_ERROR",
  "REST_TIMEOUT",
  "REST_INVALID_REQUEST_LIMIT",
  "REST_INVALID_RESPONSE",
  "REST_RESPONSE_TOO_LARGE",
  "REST_DESTROYED",
  "REST_ABORTED",
]);

/** What a {@link RestError} knows about the request that failed. */
export interface RestErrorDetails {
  /** The HTTP status of the last answer, if there was one. */
  status?: number | undefined;
  /** Discord's JSON error `code` (10003 unknown channel, 50035 invalid form body, …). */
  discordCode?: number | undefined;
  /** Discord's JSON error `message`. */
  discordMessage?: string | undefined;
  /** Discord's nested form `errors` (v8+), when given. */
  errors?: unknown;
  /** The HTTP method. */
  method?: string | undefined;
  /** The route with its major parameter, e.g. `/channels/123/messages` (ids other than the major one, and webhook tokens, are placeholders). */
  route?: string | undefined;
  /** The original error (a network error, an abort). */
  cause?: unknown;
  /** `REST_RATE_LIMITED`: how long Discord asked to wait before trying again, in milliseconds. */
  retryAfter?: number | undefined;
}

/**
 * The one error class of `@nuwani/rest`; match on {@link RestError.code}. It carries the
 * HTTP `status`, Discord's `discordCode` and `discordMessage`, the `method` and the `route`,
 * and never the token or any header.
 */
export class RestError extends Error {
  override readonly name = "RestError";
  /** What went wrong; stable across versions. */
  readonly code: RestErrorCode;
  /** The HTTP status of the last answer, if there was one. */
  readonly status: number | undefined;
  /** Discord's JSON error `code`, if the answer had one. */
  readonly discordCode: number | undefined;
  /** Discord's JSON error `message`, if the answer had one. */
  readonly discordMessage: string | undefined;
  /** Discord's nested form `errors` (v8+), if the answer had them. */
  readonly errors: unknown;
  /** The HTTP method of the request. */
  readonly method: string | undefined;
  /** The route of the request (see {@link RestErrorDetails.route}). */
  readonly route: string | undefined;
  /** `REST_RATE_LIMITED`: how long Discord asked to wait before trying again, in milliseconds. */
  readonly retryAfter: number | undefined;

  /**
   * Whether `value` is a {@link RestError} (with the given `code`, if one is given). It checks
   * the shape (an `Error` named `"RestError"` with a known string `code`), not only
   * `instanceof`, so it also recognises errors of another copy of this package (two versions
   * in one `node_modules`, or a CommonJS and an ESM copy).
   *
   * @example
   * ```ts
   * try {
   *   await rest.createMessage(channelId, "hi");
   * } catch (error) {
   *   if (RestError.is(error, "REST_RATE_LIMITED")) console.log("retry in", error.retryAfter, "ms");
   *   else throw error;
   * }
   * ```
   */
  static is(value: unknown, code?: RestErrorCode): value is RestError {
    if (value instanceof RestError) return code === undefined || value.code === code;
    if (!(value instanceof Error) && (typeof value !== "object" || value === null)) return false;
    const candidate = value as { name?: unknown; code?: unknown };
    if (candidate.name !== "RestError" || typeof candidate.code !== "string" || !CODES.has(candidate.code)) return false;
    return code === undefined || candidate.code === code;
  }

  /** An error with its stable `code`, a message (never with the token) and the details of the request that failed. */
  constructor(code: RestErrorCode, message: string, details: RestErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.discordCode = details.discordCode;
    this.discordMessage = details.discordMessage;
    this.errors = details.errors;
    this.method = details.method;
    this.route = details.route;
    this.retryAfter = details.retryAfter;
  }
}

/** The `REST_ABORTED` error of an aborted signal (its `reason` as the cause); the request's details are added by the client. */
export function abortedError(signal: AbortSignal): RestError {
  return new RestError("REST_ABORTED", "the request was aborted", { cause: signal.reason });
}
