import { isRecord } from "@nuwani/util";
import type { RestVersion } from "./DiscordRestOptions.js";
import { RestError, type RestErrorCode } from "./RestError.js";
import { type RouteKey, routeKey } from "./routeKey.js";

/** The HTTP methods Discord's API uses. */
export type RestMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const METHODS: ReadonlySet<string> = new Set<RestMethod>(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** A request for `DiscordRest.request`. */
export interface RestRequest {
  method: RestMethod;
  /** The path after `/api/v{N}`, e.g. `/channels/123/messages`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Appended as a query string (`undefined` values are left out). */
  query?: Record<string, string | number | boolean | undefined> | URLSearchParams;
  /** The audit log reason (`X-Audit-Log-Reason`, URL-encoded). */
  reason?: string;
}

/** Per-call options of every `DiscordRest` method. */
export interface RestCallOptions {
  /**
   * Aborts the request: before it is sent, while it waits (in its bucket's queue, the global
   * limit or a retry backoff) or in flight. It then fails with `REST_ABORTED` (`cause`: the
   * signal's `reason`), and its place in the bucket is freed for the next request.
   * @defaultValue none
   */
  signal?: AbortSignal | undefined;
}

/** What a failure may tell beyond its code and message. */
export interface FailDetails {
  status?: number;
  cause?: unknown;
  body?: unknown;
  retryAfter?: number;
}

/** Makes the {@link RestError} of one request: its method and route, and what Discord's JSON body said. */
export type Fail = (code: RestErrorCode, message: string, details?: FailDetails) => RestError;

/** A request checked and ready to send: its route, URL, headers and JSON payload. */
export interface PreparedRequest {
  readonly method: RestMethod;
  readonly route: RouteKey;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload: string | undefined;
  readonly fail: Fail;
}

/** What the client adds to every request. */
export interface RequestContext {
  readonly baseUrl: string;
  readonly version: RestVersion;
  readonly token: string;
  readonly userAgent: string;
}

/**
 * Checks a request and builds what is sent: the URL with its query string, the headers
 * (`Authorization`, `User-Agent`, v6's millisecond precision, the audit log reason) and the
 * JSON body.
 * @throws {@link RestError} `REST_INVALID_ARGUMENT` for an unknown method, a path not starting
 * with `/`, or a body JSON cannot encode (a `bigint`, a cycle)
 */
export function prepareRequest(request: RestRequest, context: RequestContext): PreparedRequest {
  const method = request.method;
  if (!METHODS.has(method)) throw new RestError("REST_INVALID_ARGUMENT", `unsupported method ${String(method)}`);
  if (typeof request.path !== "string" || !request.path.startsWith("/")) throw new RestError("REST_INVALID_ARGUMENT", "path must start with /");
  const route = routeKey(method, request.path);
  const fail = failFor(method, route);
  const url = requestUrl(context, request);
  const headers: Record<string, string> = { Authorization: `Bot ${context.token}`, "User-Agent": context.userAgent };
  if (context.version === 6) headers["X-RateLimit-Precision"] = "millisecond";
  if (request.reason !== undefined) headers["X-Audit-Log-Reason"] = encodeURIComponent(request.reason);
  let payload: string | undefined;
  if (request.body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = encodeBody(request.body, fail);
  }
  return { method, route, url, headers, payload, fail };
}

function encodeBody(body: unknown, fail: Fail): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw fail("REST_INVALID_ARGUMENT", "the body cannot be sent as JSON (a bigint or a cycle?)", { cause: error });
  }
}

function failFor(method: RestMethod, route: RouteKey): Fail {
  return (code, message, details = {}) => {
    const body = isRecord(details.body) ? details.body : {};
    return new RestError(code, `${method} ${route.route}: ${message}`, {
      status: details.status,
      discordCode: typeof body.code === "number" ? body.code : undefined,
      discordMessage: typeof body.message === "string" ? body.message : undefined,
      errors: body.errors,
      method,
      route: route.route,
      cause: details.cause,
      retryAfter: details.retryAfter,
    });
  };
}

function requestUrl(context: RequestContext, request: RestRequest): string {
  let url = `${context.baseUrl}/v${context.version}${request.path}`;
  if (request.query !== undefined) {
    const query = request.query instanceof URLSearchParams ? new URLSearchParams(request.query) : new URLSearchParams();
    if (!(request.query instanceof URLSearchParams)) {
      for (const [name, value] of Object.entries(request.query)) if (value !== undefined) query.append(name, String(value));
    }
    const text = query.toString();
    if (text !== "") url += `?${text}`;
  }
  return url;
}
