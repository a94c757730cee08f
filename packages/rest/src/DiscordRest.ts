import type {
  AllowedMentionsTypes,
  APIAllowedMentions,
  APIEmbed,
  APIMessage,
  RESTGetAPIGatewayBotResult,
  RESTGetAPIGatewayResult,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPICurrentUserCreateDMChannelJSONBody,
  RESTPostAPICurrentUserCreateDMChannelResult,
  RESTPutAPIChannelPermissionJSONBody,
} from "discord-api-types/v10";
import { EventEmitter } from "node:events";
import packageJson from "../package.json" with { type: "json" };
import type { Bucket } from "./Bucket.js";
import { type Clock, MAX_TIMER_MS, isRecord, systemClock } from "@nuwani/util";
import { encodeEmoji } from "./encodeEmoji.js";
import { codePointLength } from "./splitMessage.js";
import type { RateLimit } from "./GlobalLimiter.js";
import { RateLimitManager } from "./RateLimitManager.js";
import { abortedError, RestError, type RestErrorCode } from "./RestError.js";
import { type RouteKey, routeKey } from "./routeKey.js";

/** The HTTP methods Discord's API uses. */
export type RestMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The API versions the client speaks: 10 (today's Discord, the default) or 6 (deprecated by Discord). */
export type RestVersion = 6 | 10;

/** A request for {@link DiscordRest.request}. */
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

/** Per-call options of every {@link DiscordRest} method. */
export interface RestCallOptions {
  /**
   * Aborts the request: before it is sent, while it waits (in its bucket's queue, the global
   * limit or a retry backoff) or in flight. It then fails with `REST_ABORTED` (`cause`: the
   * signal's `reason`), and its place in the bucket is freed for the next request.
   * @defaultValue none
   */
  signal?: AbortSignal | undefined;
}

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

/** What the {@link DiscordRestEvents.response | response} event tells about one answer. */
export interface RestResponseInfo {
  /** The HTTP method. */
  method: string;
  /** The route with its major parameter (`/channels/123/messages`; other ids are `:id`, webhook tokens `:token`). */
  route: string;
  /** The HTTP status Discord answered. */
  status: number;
  /** How long the attempt took, from sending to the whole body read, in ms on the client's clock. */
  durationMs: number;
  /** The `X-RateLimit-Bucket` hash, if given. */
  bucket?: string;
  /** A 429's wait before the retry, in ms. */
  retryAfter?: number;
}

/**
 * Events of a {@link DiscordRest}. They never contain the token (nor a header, a body or a
 * query string): any text equal to the token is replaced by `[token]`. A listener that throws
 * does not disturb the request; its error is thrown again on a microtask.
 */
export interface DiscordRestEvents {
  /** Every answer Discord gave, retried ones (429, 5xx) included. */
  response: [info: RestResponseInfo];
  /** What the client does and why: retries, rate-limit waits, aborts. For humans; the text may change. */
  debug: [message: string];
}

/** Options of a {@link DiscordRest}. */
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

/**
 * `allowed_mentions` of a message: Discord's `APIAllowedMentions` (`discord-api-types` v10),
 * whose `parse` also takes the plain strings (`"users"`, not only the `AllowedMentionsTypes` enum).
 */
export type AllowedMentions = Omit<APIAllowedMentions, "parse"> & {
  /** Which mentions in the content ping: `"roles"`, `"users"`, `"everyone"`. */
  parse?: Array<`${AllowedMentionsTypes}`> | undefined;
};

/**
 * The body of Create Message: Discord's `RESTPostAPIChannelMessageJSONBody`
 * (`discord-api-types` v10; JSON fields only, uploads are not supported), plus v6's single
 * `embed`. It has no index signature: a misspelled field is a compile error.
 * `allowed_mentions` defaults to `{ parse: [] }` here: nobody is pinged unless you say so.
 */
export type CreateMessageBody = Omit<RESTPostAPIChannelMessageJSONBody, "allowed_mentions"> & {
  /** @defaultValue `{ parse: [] }` */
  allowed_mentions?: AllowedMentions | undefined;
  /** v6's single embed (sent as `embeds: [embed]` in v10). */
  embed?: APIEmbed | undefined;
};

/** The Message Discord returns: `APIMessage` (`discord-api-types` v10). */
export type RestMessage = APIMessage;

/** The body of {@link DiscordRest.editChannelPermissions} (Discord's `RESTPutAPIChannelPermissionJSONBody`, bits also as `bigint`). */
export interface ChannelPermissionOverwrite {
  /** 0 a role (`@everyone`'s id is the guild's), 1 a member. */
  type: 0 | 1;
  /** The allowed bits. @defaultValue "0" */
  allow?: string | bigint | null;
  /** The denied bits. @defaultValue "0" */
  deny?: string | bigint | null;
}

/** `GET /gateway`: `RESTGetAPIGatewayResult` (`discord-api-types` v10). */
export type GatewayInfo = RESTGetAPIGatewayResult;

/** `GET /gateway/bot`: `RESTGetAPIGatewayBotResult` (`discord-api-types` v10). */
export type GatewayBotInfo = RESTGetAPIGatewayBotResult;

/** The package version, in the User-Agent. */
export const VERSION: string = packageJson.version;

const DEFAULT_BASE_URL = "https://discord.com/api";
/** Discord's limit on a message's `content`, in code points. */
const MAX_MESSAGE_LENGTH = 2000;
const SNOWFLAKE = /^\d{1,20}$/;

interface FailDetails {
  status?: number;
  cause?: unknown;
  body?: unknown;
  retryAfter?: number;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

function defaultRetryDelay(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 8000);
}

/** A header's value as a finite number ≥ 0; `undefined` when absent or garbage. */
function number(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

let readRateLimits: (rest: DiscordRest) => RateLimitManager;

/**
 * A small Discord REST client on Node's own `fetch`. It sends `Authorization: Bot <token>`
 * and Discord's User-Agent, keeps one rate-limit bucket per route and major parameter
 * (learnt from `X-RateLimit-*`, shared when Discord names the same `X-RateLimit-Bucket`),
 * queues requests in FIFO order instead of sending them to fail (message routes one at a
 * time, so messages arrive in the order submitted), keeps under the global limit and pauses
 * everything after a global 429, waits `retry_after` after a 429 (up to `maxRateLimitWait`;
 * a longer wait fails with `REST_RATE_LIMITED` and its `retryAfter`), retries 5xx answers,
 * network errors and timeouts with backoff, sweeps idle buckets, caps answer bodies, and
 * refuses to send before the invalid-request limit could get the IP banned. Failures are
 * {@link RestError}s, which never contain the token. Every call takes an `AbortSignal`
 * ({@link RestCallOptions}), and the client emits typed `response` and `debug` events
 * ({@link DiscordRestEvents}).
 *
 * @example
 * ```ts
 * const rest = new DiscordRest({ token: process.env.DISCORD_TOKEN! }); // API v10
 * const message = await rest.createMessage("123456789012345678", "Hello from the game!");
 * await rest.createReaction(message.channel_id, message.id, "👍");
 * ```
 */
export class DiscordRest extends EventEmitter<DiscordRestEvents> {
  /** The API version spoken. */
  readonly version: RestVersion;
  /** The base URL (without the version). */
  readonly baseUrl: string;
  readonly #token: string;
  /** The rate-limit state (buckets, the global limit, the invalid-request guard); see {@link rateLimitsOf}. */
  readonly #rateLimits: RateLimitManager;
  private readonly clock: Clock;
  private readonly retries: number;
  private readonly rateLimitRetries: number;
  private readonly maxRateLimitWait: number;
  private readonly maxResponseBytes: number;
  private readonly retryDelay: (attempt: number) => number;
  private readonly timeout: number;
  private readonly userAgent: string;
  private readonly onRateLimited: ((info: RateLimitedInfo) => void) | undefined;
  private readonly fetchOption: typeof fetch | undefined;
  private readonly sleeps = new Set<{ handle: unknown; reject: (error: Error) => void }>();
  private destroyed = false;

  static {
    readRateLimits = (rest) => rest.#rateLimits;
  }

  /**
   * Checks the options; nothing is sent until a request is made.
   * @throws {@link RestError} `REST_INVALID_ARGUMENT` when an option is invalid.
   */
  constructor(options: DiscordRestOptions) {
    super();
    // Given with or without the `Bot ` prefix, as the gateway takes it: one is stripped.
    const token = typeof options.token === "string" ? options.token.replace(/^Bot\s+/i, "") : options.token;
    if (typeof token !== "string" || token.trim() === "") {
      throw new RestError("REST_INVALID_ARGUMENT", "a bot token is required");
    }
    // fetch rejects such a header value with an error that quotes it: the token would reach the
    // cause of REST_NETWORK_ERROR. Never quote the token here either.
    if (/[^\x20-\x7e]/.test(token)) {
      throw new RestError("REST_INVALID_ARGUMENT", "the bot token may only contain printable ASCII characters (no line breaks or control characters)");
    }
    const version = options.version ?? 10;
    if (version !== 6 && version !== 10) throw new RestError("REST_INVALID_ARGUMENT", `version must be 6 or 10, got ${String(version)}`);
    const count = (name: string, value: number | undefined, fallback: number): number => {
      const chosen = value ?? fallback;
      if (!Number.isInteger(chosen) || chosen < 0) throw new RestError("REST_INVALID_ARGUMENT", `${name} must be an integer ≥ 0`);
      return chosen;
    };
    const limit = (name: string, value: RateLimit): RateLimit => {
      // The bounds of util's sliding window: its UtilError must never reach a user.
      if (!Number.isInteger(value.limit) || value.limit < 1 || value.limit > 1_000_000 || !(value.window > 0) || !(value.window <= MAX_TIMER_MS)) {
        throw new RestError("REST_INVALID_ARGUMENT", `${name} needs an integer limit from 1 to 1000000 and a window > 0 ms, at most ${MAX_TIMER_MS} ms`);
      }
      return { limit: value.limit, window: value.window };
    };
    this.#token = token;
    this.version = version;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.clock = options.clock ?? systemClock;
    this.retries = count("retries", options.retries, 3);
    this.rateLimitRetries = count("rateLimitRetries", options.rateLimitRetries, 5);
    this.retryDelay = options.retryDelay ?? defaultRetryDelay;
    const delay = (name: string, value: number | undefined, fallback: number): number => {
      const chosen = value ?? fallback;
      if (typeof chosen !== "number" || !(chosen > 0) || chosen > MAX_TIMER_MS) {
        throw new RestError("REST_INVALID_ARGUMENT", `${name} must be > 0 and at most ${MAX_TIMER_MS} ms`);
      }
      return chosen;
    };
    this.timeout = delay("timeout", options.timeout, 15_000);
    this.maxRateLimitWait = delay("maxRateLimitWait", options.maxRateLimitWait, 60_000);
    this.maxResponseBytes = count("maxResponseBytes", options.maxResponseBytes, 8 * 1024 * 1024);
    this.userAgent = `DiscordBot (https://github.com/LVPlayground/nuwani-discord, ${VERSION})${
      options.userAgentSuffix === undefined ? "" : ` ${options.userAgentSuffix}`
    }`;
    this.onRateLimited = options.onRateLimited;
    this.fetchOption = options.fetch;
    this.#rateLimits = new RateLimitManager({
      clock: this.clock,
      global: options.globalLimit === false ? false : limit("globalLimit", options.globalLimit ?? { limit: 50, window: 1000 }),
      invalidRequests: limit("invalidRequestLimit", options.invalidRequestLimit ?? { limit: 9000, window: 600_000 }),
      idleTimeout: delay("bucketIdleTimeout", options.bucketIdleTimeout, 300_000),
    });
  }

  /** The User-Agent sent: `DiscordBot (https://github.com/LVPlayground/nuwani-discord, <version>)`. */
  get userAgentHeader(): string {
    return this.userAgent;
  }

  /** Invalid answers (401, 403, 429) received within the guard's window. */
  get invalidRequestCount(): number {
    return this.#rateLimits.invalidRequests.count;
  }

  /**
   * Sends a message. A string is the `content`. Unless `allowed_mentions` is given it is
   * `{ parse: [] }`, so the message pings nobody (not `@everyone`, not a role, not a user).
   * Content over 2000 code points (Discord counts code points: 2000 emoji fit) is refused
   * with `REST_INVALID_ARGUMENT` before sending; see {@link splitMessage}. Embeds are sent as
   * the version wants them: v10 takes `embeds` (an `embed` given is sent as `embeds: [embed]`),
   * v6 takes one `embed` (`embeds` with one element is sent as `embed`).
   */
  async createMessage(channelId: string, body: string | CreateMessageBody, options: RestCallOptions = {}): Promise<RestMessage> {
    checkId("channelId", channelId);
    const fields: CreateMessageBody = typeof body === "string" ? { content: body } : { ...body };
    if (typeof fields.content === "string") {
      const length = codePointLength(fields.content);
      if (length > MAX_MESSAGE_LENGTH) {
        throw new RestError("REST_INVALID_ARGUMENT", `content is ${length} code points; Discord allows ${MAX_MESSAGE_LENGTH} (see splitMessage)`);
      }
    }
    if (fields.embed !== undefined && fields.embeds !== undefined) throw new RestError("REST_INVALID_ARGUMENT", "give embed or embeds, not both");
    if (this.version === 10 && fields.embed !== undefined) {
      const { embed, ...rest } = fields;
      return this.createMessage(channelId, { ...rest, embeds: [embed] }, options);
    }
    if (this.version === 6 && fields.embeds !== undefined) {
      const { embeds, ...rest } = fields;
      if (!Array.isArray(embeds) || embeds.length > 1) throw new RestError("REST_INVALID_ARGUMENT", "v6 sends at most one embed");
      const [embed] = embeds;
      return this.createMessage(channelId, embed === undefined ? rest : { ...rest, embed }, options);
    }
    if (!("allowed_mentions" in fields)) fields.allowed_mentions = { parse: [] };
    return this.request<RestMessage>({ method: "POST", path: `/channels/${channelId}/messages`, body: fields }, options);
  }

  /**
   * Adds the bot's reaction to a message. `emoji` is a Unicode emoji (URL-encoded here) or a
   * custom one as `name:id` (also `<:name:id>`/`<a:name:id>`).
   */
  async createReaction(channelId: string, messageId: string, emoji: string, options: RestCallOptions = {}): Promise<void> {
    checkId("channelId", channelId);
    checkId("messageId", messageId);
    if (typeof emoji !== "string" || emoji === "") throw new RestError("REST_INVALID_ARGUMENT", "emoji must be a non-empty string");
    await this.request({ method: "PUT", path: `/channels/${channelId}/messages/${messageId}/reactions/${encodeEmoji(emoji)}/@me` }, options);
  }

  /**
   * `POST /users/@me/channels`: opens (or finds) the direct-message channel with a user, to
   * send to with {@link DiscordRest.createMessage}. Discord answers the same channel each
   * time; callers may cache it per user.
   */
  async createDM(userId: string, options: RestCallOptions = {}): Promise<RESTPostAPICurrentUserCreateDMChannelResult> {
    checkId("userId", userId);
    const body: RESTPostAPICurrentUserCreateDMChannelJSONBody = { recipient_id: userId };
    return this.request<RESTPostAPICurrentUserCreateDMChannelResult>({ method: "POST", path: "/users/@me/channels", body }, options);
  }

  /**
   * `PUT /channels/{channelId}/permissions/{overwriteId}`: creates or replaces the permission
   * overwrite of a role (`type: 0`; `@everyone` is the guild id) or a member (`type: 1`) in a
   * channel. `allow`/`deny` are permission bit strings (a `bigint` is accepted too). In v6 the
   * body is sent as v6 takes it (`type` `"role"`/`"member"`, the bits as numbers). Needs
   * MANAGE_ROLES in the channel.
   */
  async editChannelPermissions(
    channelId: string,
    overwriteId: string,
    overwrite: ChannelPermissionOverwrite,
    reason?: string,
    options: RestCallOptions = {},
  ): Promise<void> {
    checkId("channelId", channelId);
    checkId("overwriteId", overwriteId);
    if (overwrite.type !== 0 && overwrite.type !== 1) throw new RestError("REST_INVALID_ARGUMENT", "overwrite.type must be 0 (role) or 1 (member)");
    const bits = (name: string, value: string | bigint | null | undefined): string => {
      if (value === undefined || value === null) return "0";
      const text = typeof value === "bigint" ? value.toString() : value;
      if (typeof text !== "string" || !/^\d{1,40}$/.test(text)) throw new RestError("REST_INVALID_ARGUMENT", `overwrite.${name} must be a permission bit string`);
      return text;
    };
    const allow = bits("allow", overwrite.allow);
    const deny = bits("deny", overwrite.deny);
    const body =
      this.version === 6
        ? { type: overwrite.type === 0 ? "role" : "member", allow: Number(allow), deny: Number(deny) }
        : ({ type: overwrite.type, allow, deny } satisfies RESTPutAPIChannelPermissionJSONBody);
    await this.request({ method: "PUT", path: `/channels/${channelId}/permissions/${overwriteId}`, body, ...(reason === undefined ? {} : { reason }) }, options);
  }

  /** `DELETE /channels/{channelId}/permissions/{overwriteId}`: removes a permission overwrite. Needs MANAGE_ROLES in the channel. */
  async deleteChannelPermission(channelId: string, overwriteId: string, reason?: string, options: RestCallOptions = {}): Promise<void> {
    checkId("channelId", channelId);
    checkId("overwriteId", overwriteId);
    await this.request({ method: "DELETE", path: `/channels/${channelId}/permissions/${overwriteId}`, ...(reason === undefined ? {} : { reason }) }, options);
  }

  /** `GET /gateway/bot`: the gateway URL, recommended shards and the session start limit. */
  getGatewayBot(options: RestCallOptions = {}): Promise<GatewayBotInfo> {
    return this.request<GatewayBotInfo>({ method: "GET", path: "/gateway/bot" }, options);
  }

  /** `GET /gateway`: the gateway URL. */
  getGateway(options: RestCallOptions = {}): Promise<GatewayInfo> {
    return this.request<GatewayInfo>({ method: "GET", path: "/gateway" }, options);
  }

  /**
   * Sends any request through the rate limits and retries. `options.signal` aborts it
   * (`REST_ABORTED`) before sending, while it waits or in flight; see {@link RestCallOptions}.
   * @returns the parsed JSON answer, or `undefined` for 204
   */
  async request<T = unknown>(request: RestRequest, options: RestCallOptions = {}): Promise<T> {
    const method = request.method;
    const signal = options.signal;
    if (!["GET", "POST", "PUT", "PATCH", "DELETE"].includes(method)) throw new RestError("REST_INVALID_ARGUMENT", `unsupported method ${String(method)}`);
    if (typeof request.path !== "string" || !request.path.startsWith("/")) throw new RestError("REST_INVALID_ARGUMENT", "path must start with /");
    const route = routeKey(method, request.path);
    const url = this.url(request);
    const headers: Record<string, string> = { Authorization: `Bot ${this.#token}`, "User-Agent": this.userAgent };
    if (this.version === 6) headers["X-RateLimit-Precision"] = "millisecond";
    if (request.reason !== undefined) headers["X-Audit-Log-Reason"] = encodeURIComponent(request.reason);
    let payload: string | undefined;
    if (request.body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(request.body);
    }
    const fail = (code: RestErrorCode, message: string, details: FailDetails = {}): RestError => {
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

    try {
      if (signal?.aborted === true) throw abortedError(signal);
      return await this.perform<T>(route, url, method, headers, payload, fail, signal);
    } catch (error) {
      // Waits cut short by destroy() or the signal fail without the request's details; add them.
      if (error instanceof RestError && error.code === "REST_DESTROYED" && error.route === undefined) throw fail("REST_DESTROYED", "the REST client was destroyed");
      if (error instanceof RestError && error.code === "REST_ABORTED") {
        if (this.listenerCount("debug") > 0) this.emitSafely("debug", this.redact(`${method} ${route.route}: aborted`));
        if (error.route === undefined) throw fail("REST_ABORTED", "the request was aborted", { cause: error.cause });
      }
      throw error;
    }
  }

  private async perform<T>(
    route: RouteKey,
    url: string,
    method: RestMethod,
    headers: Record<string, string>,
    payload: string | undefined,
    fail: (code: RestErrorCode, message: string, details?: FailDetails) => RestError,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const ordered = isMessageRoute(route);
    const debug = (message: () => string): void => {
      if (this.listenerCount("debug") > 0) this.emitSafely("debug", this.redact(`${method} ${route.route}: ${message()}`));
    };
    let failures = 0;
    let rateLimited = 0;
    let waited = 0;
    let front = false;
    // An ordered bucket's retry keeps its place: the slot is asked for before the old one is given back.
    let reserved: Promise<Bucket> | undefined;
    for (;;) {
      let bucket: Bucket;
      if (reserved === undefined) {
        this.checkUsable(fail);
        const own = this.#rateLimits.bucketFor(route);
        if (ordered) own.ordered = true;
        bucket = await own.acquire(front, signal);
      } else {
        bucket = await reserved; // every path back to the loop's top sets `reserved` anew
      }
      try {
        // Granted, but aborted before this ran: give the slot back unused.
        throwIfAborted(signal);
        await this.#rateLimits.global.take(signal);
        this.checkUsable(fail);
        throwIfAborted(signal);
      } catch (error) {
        bucket.release();
        throw error;
      }
      let answer: Answer;
      const sentAt = this.clock.now();
      try {
        answer = await this.send(url, method, headers, payload, signal);
      } catch (error) {
        if (error instanceof RestError) {
          bucket.release(); // aborted in flight: the next request may go
          throw error;
        }
        if (error instanceof ResponseTooLarge) {
          bucket.release();
          throw fail("REST_RESPONSE_TOO_LARGE", `the answer's body is larger than maxResponseBytes (${this.maxResponseBytes} bytes)`, { status: error.status });
        }
        const timedOut = error instanceof TimeoutSignal;
        if (failures < this.retries) {
          failures++;
          const delay = this.retryDelay(failures);
          debug(() => `${timedOut ? `no answer within ${this.timeout} ms` : "network error"}; retry ${failures} of ${this.retries} in ${describeDelay(delay)}`);
          front = true;
          reserved = (await this.retryLater(bucket, bucket, ordered, delay, signal))?.slot;
          continue;
        }
        bucket.release();
        throw timedOut
          ? fail("REST_TIMEOUT", `no answer within ${this.timeout} ms (${failures + 1} attempts)`)
          : fail("REST_NETWORK_ERROR", `the request failed (${failures + 1} attempts)`, { cause: error });
      }

      const { status } = answer;
      const scope = answer.headers.get("x-ratelimit-scope");
      // A 429 of a shared resource's limit is not the bot's fault: Discord does not count it as invalid.
      if (!(status === 429 && scope?.toLowerCase() === "shared")) this.#rateLimits.invalidRequests.record(status);
      const target = this.learn(route, bucket, answer.headers);
      if (ordered) target.ordered = true;
      const body = parseJson(answer.text);
      const limitedBy = status === 429 ? this.rateLimitOf(route, answer.headers, body, method) : undefined;
      if (this.listenerCount("response") > 0) {
        const hash = answer.headers.get("x-ratelimit-bucket");
        this.emitSafely("response", {
          method,
          route: this.redact(route.route),
          status,
          durationMs: Math.max(0, this.clock.now() - sentAt),
          ...(hash === null || hash === "" ? {} : { bucket: this.redact(hash) }),
          ...(limitedBy === undefined ? {} : { retryAfter: limitedBy.retryAfter }),
        });
      }

      if (limitedBy !== undefined) {
        const info = limitedBy;
        // Never remember a wait longer than the maximum: one hostile answer must not silence a route.
        const wait = Math.min(info.retryAfter, this.maxRateLimitWait);
        if (info.global) this.#rateLimits.global.pause(wait);
        else target.block(wait);
        this.onRateLimited?.(info);
        const limited = { status, body, retryAfter: info.retryAfter };
        let refusal: RestError | undefined;
        if (info.retryAfter > this.maxRateLimitWait) {
          refusal = fail("REST_RATE_LIMITED", `asked to wait ${Math.ceil(info.retryAfter)} ms, more than maxRateLimitWait (${this.maxRateLimitWait} ms)`, limited);
        } else if (rateLimited >= this.rateLimitRetries) {
          refusal = fail("REST_RATE_LIMITED", `still rate limited after ${rateLimited} retries`, limited);
        } else if (waited + info.retryAfter > this.maxRateLimitWait) {
          refusal = fail("REST_RATE_LIMITED", `rate-limit waits of ${Math.ceil(waited + info.retryAfter)} ms in all, more than maxRateLimitWait (${this.maxRateLimitWait} ms)`, limited);
        }
        if (refusal !== undefined) {
          this.giveBack(bucket, target);
          debug(() => `HTTP 429 (${info.global ? "global" : "bucket"}); giving up: ${refusal.message.slice(refusal.message.indexOf(": ") + 2)}`);
          throw refusal;
        }
        debug(() => `HTTP 429 (${info.global ? "global: every route pauses" : "bucket"}); retry ${rateLimited + 1} of ${this.rateLimitRetries} in ${Math.ceil(info.retryAfter)} ms`);
        waited += info.retryAfter;
        rateLimited++;
        front = true;
        reserved = (await this.retryLater(bucket, target, ordered, 0, signal))?.slot;
        continue;
      }
      if (status >= 500 && failures < this.retries) {
        failures++;
        const delay = this.retryDelay(failures);
        debug(() => `HTTP ${status}; retry ${failures} of ${this.retries} in ${describeDelay(delay)}`);
        front = true;
        reserved = (await this.retryLater(bucket, target, ordered, delay, signal))?.slot;
        continue;
      }
      this.giveBack(bucket, target);
      if (status >= 500) throw fail("REST_SERVER_ERROR", `HTTP ${status} (${failures + 1} attempts)`, { status, body });
      if (status === 401) throw fail("REST_UNAUTHORIZED", describeAnswer(status, body), { status, body });
      if (status < 200 || status >= 300) throw fail("REST_HTTP_ERROR", describeAnswer(status, body), { status, body });
      if (status === 204 || answer.text === "") return undefined as T;
      if (body === undefined) throw fail("REST_INVALID_RESPONSE", `HTTP ${status} with a body that is not JSON`, { status });
      return body as T;
    }
  }

  /**
   * Gives the slot back for a retry after `delay` ms. An ordered bucket keeps the request's
   * place: its next slot is reserved at the front, not before `delay`, so nothing queued
   * behind it overtakes it; elsewhere the request sleeps and queues at the front again.
   * @returns the reserved slot, or `undefined` when the caller should acquire one
   */
  private async retryLater(
    bucket: Bucket,
    target: Bucket,
    ordered: boolean,
    delay: number,
    signal: AbortSignal | undefined,
  ): Promise<{ slot: Promise<Bucket> } | undefined> {
    const ms = Number.isFinite(delay) && delay > 0 ? Math.min(delay, MAX_TIMER_MS) : 0;
    if (ordered) {
      const slot = target.reserve(this.clock.now() + ms, signal);
      slot.catch(() => undefined); // destroy() rejects it; the caller awaits it next
      this.giveBack(bucket, target);
      return { slot };
    }
    this.giveBack(bucket, target);
    await this.sleep(ms, signal);
    return undefined;
  }

  /** Emits an event; a listener's error cannot break the request (it is thrown again on a microtask). */
  private emitSafely<K extends keyof DiscordRestEvents>(event: K, ...args: DiscordRestEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: DiscordRestEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** `text` with the token replaced by `[token]`. */
  private redact(text: string): string {
    return text.includes(this.#token) ? text.split(this.#token).join("[token]") : text;
  }

  /** Gives the slot taken in `bucket` back; `target` is the route's bucket from now on. */
  private giveBack(bucket: Bucket, target: Bucket): void {
    bucket.release();
    if (target !== bucket) target.pump();
  }

  /**
   * Stops the client: waiting requests (in buckets, the global queue or a retry backoff)
   * fail with `REST_DESTROYED`, and later requests are refused the same way.
   */
  destroy(): void {
    this.destroyed = true;
    this.#rateLimits.destroy();
    for (const sleep of this.sleeps) {
      this.clock.clearTimeout(sleep.handle);
      sleep.reject(new RestError("REST_DESTROYED", "the REST client was destroyed"));
    }
    this.sleeps.clear();
  }

  private checkUsable(fail: (code: RestErrorCode, message: string) => RestError): void {
    if (this.destroyed) throw fail("REST_DESTROYED", "the REST client was destroyed");
    const guard = this.#rateLimits.invalidRequests;
    if (guard.exhausted) {
      throw fail(
        "REST_INVALID_REQUEST_LIMIT",
        `refused: ${guard.count} invalid answers (401/403/429) in the window; retry in ${Math.ceil(guard.retryAfter)} ms`,
      );
    }
  }

  /** Learns from the answer's headers (the bucket hash and window); returns the route's bucket from now on. */
  private learn(route: RouteKey, bucket: Bucket, headers: Headers): Bucket {
    const hash = headers.get("x-ratelimit-bucket");
    const target = hash === null || hash === "" ? bucket : this.#rateLimits.learn(route, hash, bucket);
    const limit = number(headers, "x-ratelimit-limit");
    const remaining = number(headers, "x-ratelimit-remaining");
    const resetAfter = number(headers, "x-ratelimit-reset-after");
    if (limit !== undefined && remaining !== undefined && resetAfter !== undefined) {
      target.update({ limit, remaining, resetAfter: Math.min(resetAfter * 1000, this.maxRateLimitWait), reset: number(headers, "x-ratelimit-reset") });
    }
    return target;
  }

  private rateLimitOf(route: RouteKey, headers: Headers, body: unknown, method: string): RateLimitedInfo {
    const fields = isRecord(body) ? body : {};
    let retryAfter: number | undefined;
    if (typeof fields.retry_after === "number" && Number.isFinite(fields.retry_after) && fields.retry_after >= 0) {
      retryAfter = this.version === 6 ? fields.retry_after : fields.retry_after * 1000;
    } else {
      const header = number(headers, "retry-after");
      if (header !== undefined) retryAfter = this.version === 6 ? header : header * 1000;
      else {
        const resetAfter = number(headers, "x-ratelimit-reset-after");
        retryAfter = resetAfter === undefined ? 1000 : resetAfter * 1000;
      }
    }
    return {
      method,
      route: route.route,
      global: fields.global === true || headers.get("x-ratelimit-global") === "true",
      retryAfter: Math.min(Math.max(0, retryAfter), Number.MAX_SAFE_INTEGER),
      bucket: headers.get("x-ratelimit-bucket") ?? undefined,
    };
  }

  private url(request: RestRequest): string {
    let url = `${this.baseUrl}/v${this.version}${request.path}`;
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

  /** One attempt. Throws `REST_ABORTED` (a {@link RestError}) when `signal` aborted it, {@link TimeoutSignal} on a timeout. */
  private async send(url: string, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<Answer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeout);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const doFetch = this.fetchOption ?? globalThis.fetch;
      const response = await doFetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: controller.signal });
      const text = await this.readBody(response, controller);
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      if (timedOut) throw new TimeoutSignal();
      if (signal?.aborted === true) throw abortedError(signal);
      throw error;
    } finally {
      this.clock.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The body as text, refused past `maxResponseBytes` (declared or streamed) without reading the rest. */
  private async readBody(response: Response, controller: AbortController): Promise<string> {
    const declared = number(response.headers, "content-length");
    const tooLarge = (): ResponseTooLarge => {
      controller.abort();
      return new ResponseTooLarge(response.status);
    };
    if (declared !== undefined && declared > this.maxResponseBytes) {
      // Not awaited: cancelling one branch of a tee'd body waits for the other.
      response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (response.body === null) return "";
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxResponseBytes) {
        reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, size).toString("utf8");
  }

  /** A retry backoff; `destroy()` ends it with `REST_DESTROYED`, the signal with `REST_ABORTED`. */
  private sleep(requested: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal));
    if (!(requested > 0)) return Promise.resolve();
    const ms = Math.min(requested, MAX_TIMER_MS); // a retryDelay of days is cut, never wrapped to 1 ms
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.clock.clearTimeout(sleep.handle);
        this.sleeps.delete(sleep);
        reject(abortedError(signal!));
      };
      const sleep: { handle: unknown; reject: (error: Error) => void } = {
        handle: undefined,
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      sleep.handle = this.clock.setTimeout(() => {
        this.sleeps.delete(sleep);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      this.sleeps.add(sleep);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** Thrown inside `send` when our own timer aborted the attempt. */
class TimeoutSignal extends Error {}

/** Thrown inside `send` when the answer's body passed `maxResponseBytes`. */
class ResponseTooLarge extends Error {
  constructor(readonly status: number) {
    super("response too large");
  }
}

const MESSAGE_ROUTE = /^\/channels\/[^/]+\/messages(?:\/:id)?$/;

/** Create, edit and delete message: their bucket keeps order (one request at a time). */
function isMessageRoute(route: RouteKey): boolean {
  return MESSAGE_ROUTE.test(route.route);
}

function describeDelay(delay: number): string {
  return Number.isFinite(delay) && delay > 0 ? `${Math.ceil(Math.min(delay, MAX_TIMER_MS))} ms` : "0 ms";
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortedError(signal);
}

function checkId(name: string, value: string): void {
  if (typeof value !== "string" || !SNOWFLAKE.test(value)) throw new RestError("REST_INVALID_ARGUMENT", `${name} must be a snowflake string`);
}

function describeAnswer(status: number, body: unknown): string {
  if (isRecord(body) && typeof body.message === "string") {
    return `HTTP ${status} ${body.message}${typeof body.code === "number" ? ` (code ${body.code})` : ""}`;
  }
  return `HTTP ${status}`;
}

/**
 * The rate-limit state of a client: its buckets, the global limit and the invalid-request
 * guard. For this package's own modules and tests; the package does not export it.
 * @internal
 */
export function rateLimitsOf(rest: DiscordRest): RateLimitManager {
  return readRateLimits(rest);
}
