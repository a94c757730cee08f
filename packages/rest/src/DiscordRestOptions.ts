import { type Clock, MAX_TIMER_MS, systemClock } from "@nuwani/util";
import type { RateLimit } from "./GlobalLimiter.js";
import { RestError } from "./RestError.js";
import { VERSION } from "./version.js";

/** The API versions the client speaks: 10 (today's Discord, the default) or 6 (deprecated by Discord). */
export type RestVersion = 6 | 10;

/** What {@link DiscordRestOptions.onRateLimited} is told about a 429. */
export interface RateLimitedInfo {
  method: string;
  /** The route with its major parameter (`/channels/123/messages`; other ids are `:id`). */
  route: string;
  /** Whether it was the global limit (everything pauses) rather than the route's bucket. */
  global: boolean;
  /** How long the client waits before retrying, in milliseconds. */
  retryAfter: number;
  /** The `X-RateLimit-Bucket` hash, if given. */
  bucket: string | undefined;
}

/** Options of a `DiscordRest`. */
export interface DiscordRestOptions {
  /** The bot token, with or without the `Bot ` prefix (one is stripped, as the gateway does); sent as `Authorization: Bot <token>` and nowhere else. */
  token: string;
  /**
   * The API version. In v10 `retry_after` is in seconds; in v6 (deprecated by Discord, still
   * fully supported here) it is in milliseconds and the client asks for millisecond reset
   * headers. Message routes take `embeds` in v10 and one `embed` in v6.
   * @defaultValue 10
   */
  version?: RestVersion;
  /**
   * The API base URL, without the version (the fake's `restUrl`, a proxy, …).
   * @defaultValue "https://discord.com/api"
   */
  baseUrl?: string;
  /**
   * How many times a request is retried after a 5xx answer, a network error or a timeout.
   * @defaultValue 3
   */
  retries?: number;
  /**
   * How many 429s one request may receive (waiting `retry_after` each time) before it fails
   * with `REST_RATE_LIMITED`.
   * @defaultValue 5
   */
  rateLimitRetries?: number;
  /**
   * The longest rate-limit wait the client accepts, in ms (at most 2^31 − 1). A 429 asking for
   * a longer wait (`retry_after`, `Retry-After` or `X-RateLimit-Reset-After`) fails the request
   * at once with `REST_RATE_LIMITED` and its `retryAfter`, as does a request whose 429 waits
   * add up to more than this (waits count against the retry budget). What the client
   * remembers of a bucket, a reset or a global pause is never longer than this either: after
   * it, the route is tried again rather than silenced by one hostile answer.
   * @defaultValue 60000
   */
  maxRateLimitWait?: number;
  /**
   * The backoff before retry number `attempt` (1-based) after a 5xx, network error or timeout, in ms.
   * @defaultValue `attempt => Math.min(500 * 2 ** (attempt - 1), 8000)`
   */
  retryDelay?: (attempt: number) => number;
  /**
   * How long one attempt may take (connect, answer and body), in ms (at most 2^31 − 1).
   * @defaultValue 15000
   */
  timeout?: number;
  /**
   * The client-side global limit; `false` leaves only Discord's global 429s.
   * @defaultValue `{ limit: 50, window: 1000 }` (Discord's 50 requests per second)
   */
  globalLimit?: RateLimit | false;
  /**
   * Discord bans an IP after 10,000 invalid answers (401, 403, 429) in 10 minutes. Once
   * `limit` were seen within `window`, requests are refused with `REST_INVALID_REQUEST_LIMIT`.
   * @defaultValue `{ limit: 9000, window: 600000 }`
   */
  invalidRequestLimit?: RateLimit;
  /**
   * How long a rate-limit bucket nobody uses is kept, in ms: idle buckets (nothing queued or
   * in flight, their window over) and route → bucket-hash mappings unused for this long are
   * swept, so memory stays bounded however many channels and routes were ever used.
   * @defaultValue 300000 (5 minutes)
   */
  bucketIdleTimeout?: number;
  /**
   * Text appended to the User-Agent (Discord allows extra text after its required format).
   * @defaultValue none
   */
  userAgentSuffix?: string;
  /**
   * The largest answer body read, in bytes; a larger one (by `Content-Length`, or once that
   * many bytes arrived) fails the request with `REST_RESPONSE_TOO_LARGE`, unread.
   * @defaultValue 8388608 (8 MiB)
   */
  maxResponseBytes?: number;
  /** Called for every 429 received. @defaultValue none */
  onRateLimited?: (info: RateLimitedInfo) => void;
  /** Time source of every wait (rate-limit buckets, the global limit, retry backoff, request timeouts). @defaultValue `systemClock` of `@nuwani/util` */
  clock?: Clock;
  /** The `fetch` to use. @defaultValue the global `fetch`, looked up at call time */
  fetch?: typeof fetch;
}

/** The options of a client, checked and with their defaults filled in. */
export interface ResolvedOptions {
  readonly token: string;
  readonly version: RestVersion;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly retries: number;
  readonly rateLimitRetries: number;
  readonly retryDelay: (attempt: number) => number;
  readonly timeout: number;
  readonly maxRateLimitWait: number;
  readonly maxResponseBytes: number;
  readonly userAgent: string;
  readonly onRateLimited: ((info: RateLimitedInfo) => void) | undefined;
  readonly fetch: typeof fetch | undefined;
  readonly globalLimit: RateLimit | false;
  readonly invalidRequestLimit: RateLimit;
  readonly bucketIdleTimeout: number;
}

const DEFAULT_BASE_URL = "https://discord.com/api";

function defaultRetryDelay(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 8000);
}

/** The token without one `Bot ` prefix; refused when missing or not printable ASCII. */
function checkToken(given: unknown): string {
  // Given with or without the `Bot ` prefix, as the gateway takes it: one is stripped.
  const token = typeof given === "string" ? given.replace(/^Bot\s+/i, "") : given;
  if (typeof token !== "string" || token.trim() === "") {
    throw new RestError("REST_INVALID_ARGUMENT", "a bot token is required");
  }
  // fetch rejects such a header value with an error that quotes it: the token would reach the
  // cause of REST_NETWORK_ERROR. Never quote the token here either.
  if (/[^\x20-\x7e]/.test(token)) {
    throw new RestError("REST_INVALID_ARGUMENT", "the bot token may only contain printable ASCII characters (no line breaks or control characters)");
  }
  return token;
}

function count(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 0) throw new RestError("REST_INVALID_ARGUMENT", `${name} must be an integer ≥ 0`);
  return chosen;
}

function delay(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (typeof chosen !== "number" || !(chosen > 0) || chosen > MAX_TIMER_MS) {
    throw new RestError("REST_INVALID_ARGUMENT", `${name} must be > 0 and at most ${MAX_TIMER_MS} ms`);
  }
  return chosen;
}

function limit(name: string, value: RateLimit): RateLimit {
  // The bounds of util's sliding window: its UtilError must never reach a user.
  if (!Number.isInteger(value.limit) || value.limit < 1 || value.limit > 1_000_000 || !(value.window > 0) || !(value.window <= MAX_TIMER_MS)) {
    throw new RestError("REST_INVALID_ARGUMENT", `${name} needs an integer limit from 1 to 1000000 and a window > 0 ms, at most ${MAX_TIMER_MS} ms`);
  }
  return { limit: value.limit, window: value.window };
}

/**
 * Checks the options of a client and fills in the defaults.
 * @throws {@link RestError} `REST_INVALID_ARGUMENT` when an option is invalid
 */
export function resolveOptions(options: DiscordRestOptions): ResolvedOptions {
  const token = checkToken(options.token);
  const version = options.version ?? 10;
  if (version !== 6 && version !== 10) throw new RestError("REST_INVALID_ARGUMENT", `version must be 6 or 10, got ${String(version)}`);
  const suffix = options.userAgentSuffix === undefined ? "" : ` ${options.userAgentSuffix}`;
  return {
    token,
    version,
    baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    clock: options.clock ?? systemClock,
    retries: count("retries", options.retries, 3),
    rateLimitRetries: count("rateLimitRetries", options.rateLimitRetries, 5),
    retryDelay: options.retryDelay ?? defaultRetryDelay,
    timeout: delay("timeout", options.timeout, 15_000),
    maxRateLimitWait: delay("maxRateLimitWait", options.maxRateLimitWait, 60_000),
    maxResponseBytes: count("maxResponseBytes", options.maxResponseBytes, 8 * 1024 * 1024),
    userAgent: `DiscordBot (https://github.com/LVPlayground/nuwani-discord, ${VERSION})${suffix}`,
    onRateLimited: options.onRateLimited,
    fetch: options.fetch,
    globalLimit: options.globalLimit === false ? false : limit("globalLimit", options.globalLimit ?? { limit: 50, window: 1000 }),
    invalidRequestLimit: limit("invalidRequestLimit", options.invalidRequestLimit ?? { limit: 9000, window: 600_000 }),
    bucketIdleTimeout: delay("bucketIdleTimeout", options.bucketIdleTimeout, 300_000),
  };
}
