import type { RESTPostAPICurrentUserCreateDMChannelResult } from "discord-api-types/v10";
import { EventEmitter } from "node:events";
import { MAX_TIMER_MS } from "@nuwani/util";
import { bucketUpdateOf, describeAnswer, parseJson, rateLimitOf } from "./answers.js";
import { Backoff } from "./Backoff.js";
import type { Bucket } from "./Bucket.js";
import type { DiscordRestEvents } from "./DiscordRestEvents.js";
import { type DiscordRestOptions, type RateLimitedInfo, type ResolvedOptions, resolveOptions, type RestVersion } from "./DiscordRestOptions.js";
import { RateLimitManager } from "./RateLimitManager.js";
import { abortedError, RestError } from "./RestError.js";
import { type Fail, type PreparedRequest, prepareRequest, type RestCallOptions, type RestRequest } from "./RestRequest.js";
import type { RouteKey } from "./routeKey.js";
import {
  type ChannelPermissionOverwrite,
  type CreateMessageBody,
  createDMRequest,
  createMessageRequest,
  createReactionRequest,
  deleteChannelPermissionRequest,
  editChannelPermissionsRequest,
  type GatewayBotInfo,
  type GatewayInfo,
  type RestMessage,
} from "./routes.js";
import { type Answer, type AttemptContext, ResponseTooLarge, sendAttempt, TimeoutSignal } from "./sendAttempt.js";

/** One request on its way through the limits: what is sent, and the retries it used so far. */
interface Call extends PreparedRequest {
  readonly signal: AbortSignal | undefined;
  /** A message route: its bucket sends one request at a time, in order. */
  readonly ordered: boolean;
  /** Retries after a 5xx, a network error or a timeout. */
  failures: number;
  /** Retries after a 429. */
  rateLimited: number;
  /** The 429 waits so far, in ms. */
  waited: number;
  /** Whether the next slot is asked for at the front of the bucket's queue (a retry). */
  front: boolean;
  /** An ordered bucket's retry keeps its place: the slot is asked for before the old one is given back. */
  reserved: Promise<Bucket> | undefined;
}

/** What {@link DiscordRest} does after an answer: try again, or finish with `value`. */
type Outcome = { retry: true } | { retry: false; value: unknown };

const RETRY: Outcome = { retry: true };

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
  private readonly settings: Omit<ResolvedOptions, "token">;
  private readonly attempts: AttemptContext;
  private readonly backoff: Backoff;
  /** Aborted by {@link DiscordRest.destroy}: ends the attempts in flight. */
  private readonly teardown = new AbortController();
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
    const { token, ...settings } = resolveOptions(options);
    this.#token = token;
    this.settings = settings;
    this.version = settings.version;
    this.baseUrl = settings.baseUrl;
    this.attempts = {
      clock: settings.clock,
      timeout: settings.timeout,
      maxResponseBytes: settings.maxResponseBytes,
      fetch: settings.fetch,
      teardown: this.teardown.signal,
    };
    this.backoff = new Backoff(settings.clock);
    this.#rateLimits = new RateLimitManager({
      clock: settings.clock,
      global: settings.globalLimit,
      invalidRequests: settings.invalidRequestLimit,
      idleTimeout: settings.bucketIdleTimeout,
    });
  }

  /** The User-Agent sent: `DiscordBot (https://github.com/LVPlayground/nuwani-discord, <version>)`. */
  get userAgentHeader(): string {
    return this.settings.userAgent;
  }

  /** Invalid answers (401, 403, 429) received within the guard's window (at most `invalidRequestLimit.limit`). */
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
    return this.request<RestMessage>(createMessageRequest(this.version, channelId, body), options);
  }

  /**
   * Adds the bot's reaction to a message. `emoji` is a Unicode emoji (URL-encoded here) or a
   * custom one as `name:id` (also `<:name:id>`/`<a:name:id>`).
   */
  async createReaction(channelId: string, messageId: string, emoji: string, options: RestCallOptions = {}): Promise<void> {
    await this.request(createReactionRequest(channelId, messageId, emoji), options);
  }

  /**
   * `POST /users/@me/channels`: opens (or finds) the direct-message channel with a user, to
   * send to with {@link DiscordRest.createMessage}. Discord answers the same channel each
   * time; callers may cache it per user.
   */
  async createDM(userId: string, options: RestCallOptions = {}): Promise<RESTPostAPICurrentUserCreateDMChannelResult> {
    return this.request<RESTPostAPICurrentUserCreateDMChannelResult>(createDMRequest(userId), options);
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
    await this.request(editChannelPermissionsRequest(this.version, channelId, overwriteId, overwrite, reason), options);
  }

  /** `DELETE /channels/{channelId}/permissions/{overwriteId}`: removes a permission overwrite. Needs MANAGE_ROLES in the channel. */
  async deleteChannelPermission(channelId: string, overwriteId: string, reason?: string, options: RestCallOptions = {}): Promise<void> {
    await this.request(deleteChannelPermissionRequest(channelId, overwriteId, reason), options);
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
    const signal = options.signal;
    const prepared = prepareRequest(request, { baseUrl: this.baseUrl, version: this.version, token: this.#token, userAgent: this.settings.userAgent });
    const { method, route, fail } = prepared;
    try {
      if (signal?.aborted === true) throw abortedError(signal);
      const call: Call = { ...prepared, signal, ordered: isMessageRoute(route), failures: 0, rateLimited: 0, waited: 0, front: false, reserved: undefined };
      return (await this.perform(call)) as T;
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

  /**
   * The final teardown, synchronous and idempotent: requests waiting (in buckets, the global
   * queue or a retry backoff) and in flight (their `fetch` is cancelled) fail with
   * `REST_DESTROYED`, and later requests are refused the same way.
   */
  destroy(): void {
    this.destroyed = true;
    this.teardown.abort();
    this.#rateLimits.destroy();
    this.backoff.destroy();
  }

  /** Attempts until an answer is final: retries 429s, 5xx answers, network errors and timeouts within their budgets. */
  private async perform(call: Call): Promise<unknown> {
    for (;;) {
      const bucket = await this.takeSlot(call);
      const sentAt = this.settings.clock.now();
      let answer: Answer;
      try {
        answer = await sendAttempt(this.attempts, call.url, call.method, call.headers, call.payload, call.signal);
      } catch (error) {
        await this.afterFailedAttempt(call, bucket, error);
        continue;
      }
      const outcome = await this.afterAnswer(call, bucket, answer, sentAt);
      if (!outcome.retry) return outcome.value;
    }
  }

  /** A slot in the route's bucket (or the one reserved for a retry), then one in the global limit. */
  private async takeSlot(call: Call): Promise<Bucket> {
    let bucket: Bucket;
    if (call.reserved === undefined) {
      this.checkUsable(call.fail);
      const own = this.#rateLimits.bucketFor(call.route);
      if (call.ordered) own.ordered = true;
      bucket = await own.acquire(call.front, call.signal);
    } else {
      bucket = await call.reserved; // every path back to the loop's top sets `reserved` anew
    }
    try {
      // Granted, but aborted before this ran: give the slot back unused.
      throwIfAborted(call.signal);
      await this.#rateLimits.global.take(call.signal);
      this.checkUsable(call.fail);
      throwIfAborted(call.signal);
    } catch (error) {
      bucket.release();
      throw error;
    }
    return bucket;
  }

  /** After an attempt without an answer: fails the request (abort, body too large, retries used up) or prepares the retry. */
  private async afterFailedAttempt(call: Call, bucket: Bucket, error: unknown): Promise<void> {
    if (error instanceof RestError) {
      bucket.release(); // aborted or destroyed in flight: the next request may go
      throw error;
    }
    if (error instanceof ResponseTooLarge) {
      bucket.release();
      throw call.fail("REST_RESPONSE_TOO_LARGE", `the answer's body is larger than maxResponseBytes (${this.settings.maxResponseBytes} bytes)`, { status: error.status });
    }
    const { retries, timeout } = this.settings;
    const timedOut = error instanceof TimeoutSignal;
    if (call.failures < retries) {
      const failures = ++call.failures;
      const delay = this.settings.retryDelay(failures);
      this.debug(call, () => `${timedOut ? `no answer within ${timeout} ms` : "network error"}; retry ${failures} of ${retries} in ${describeDelay(delay)}`);
      await this.retry(call, bucket, bucket, delay);
      return;
    }
    bucket.release();
    throw timedOut
      ? call.fail("REST_TIMEOUT", `no answer within ${timeout} ms (${call.failures + 1} attempts)`)
      : call.fail("REST_NETWORK_ERROR", `the request failed (${call.failures + 1} attempts)`, { cause: error });
  }

  /** After an answer: learns from it, reports it, then retries (429, 5xx) or finishes the request. */
  private async afterAnswer(call: Call, bucket: Bucket, answer: Answer, sentAt: number): Promise<Outcome> {
    const { status } = answer;
    const scope = answer.headers.get("x-ratelimit-scope");
    // A 429 of a shared resource's limit is not the bot's fault: Discord does not count it as invalid.
    if (!(status === 429 && scope?.toLowerCase() === "shared")) this.#rateLimits.invalidRequests.record(status);
    const target = this.learn(call.route, bucket, answer.headers);
    if (call.ordered) target.ordered = true;
    const body = parseJson(answer.text);
    const limitedBy = status === 429 ? rateLimitOf(this.version, call.route, answer.headers, body, call.method) : undefined;
    this.emitResponse(call, answer, sentAt, limitedBy);

    if (limitedBy !== undefined) {
      await this.afterRateLimited(call, bucket, target, limitedBy, { status, body });
      return RETRY;
    }
    const { retries } = this.settings;
    if (status >= 500 && call.failures < retries) {
      const failures = ++call.failures;
      const delay = this.settings.retryDelay(failures);
      this.debug(call, () => `HTTP ${status}; retry ${failures} of ${retries} in ${describeDelay(delay)}`);
      await this.retry(call, bucket, target, delay);
      return RETRY;
    }
    this.giveBack(bucket, target);
    const { fail } = call;
    if (status >= 500) throw fail("REST_SERVER_ERROR", `HTTP ${status} (${call.failures + 1} attempts)`, { status, body });
    if (status === 401) throw fail("REST_UNAUTHORIZED", describeAnswer(status, body), { status, body });
    if (status < 200 || status >= 300) throw fail("REST_HTTP_ERROR", describeAnswer(status, body), { status, body });
    if (status === 204 || answer.text === "") return { retry: false, value: undefined };
    if (body === undefined) throw fail("REST_INVALID_RESPONSE", `HTTP ${status} with a body that is not JSON`, { status });
    return { retry: false, value: body };
  }

  /** After a 429: pauses the bucket (or everything), then prepares the retry, or fails with `REST_RATE_LIMITED` past the budgets. */
  private async afterRateLimited(call: Call, bucket: Bucket, target: Bucket, info: RateLimitedInfo, answer: { status: number; body: unknown }): Promise<void> {
    const { maxRateLimitWait, rateLimitRetries } = this.settings;
    // Never remember a wait longer than the maximum: one hostile answer must not silence a route.
    const wait = Math.min(info.retryAfter, maxRateLimitWait);
    if (info.global) this.#rateLimits.global.pause(wait);
    else target.block(wait);
    this.settings.onRateLimited?.(info);
    const limited = { ...answer, retryAfter: info.retryAfter };
    let refusal: RestError | undefined;
    if (info.retryAfter > maxRateLimitWait) {
      refusal = call.fail("REST_RATE_LIMITED", `asked to wait ${Math.ceil(info.retryAfter)} ms, more than maxRateLimitWait (${maxRateLimitWait} ms)`, limited);
    } else if (call.rateLimited >= rateLimitRetries) {
      refusal = call.fail("REST_RATE_LIMITED", `still rate limited after ${call.rateLimited} retries`, limited);
    } else if (call.waited + info.retryAfter > maxRateLimitWait) {
      refusal = call.fail("REST_RATE_LIMITED", `rate-limit waits of ${Math.ceil(call.waited + info.retryAfter)} ms in all, more than maxRateLimitWait (${maxRateLimitWait} ms)`, limited);
    }
    if (refusal !== undefined) {
      this.giveBack(bucket, target);
      this.debug(call, () => `HTTP 429 (${info.global ? "global" : "bucket"}); giving up: ${refusal.message.slice(refusal.message.indexOf(": ") + 2)}`);
      throw refusal;
    }
    this.debug(call, () => `HTTP 429 (${info.global ? "global: every route pauses" : "bucket"}); retry ${call.rateLimited + 1} of ${rateLimitRetries} in ${Math.ceil(info.retryAfter)} ms`);
    call.waited += info.retryAfter;
    call.rateLimited++;
    await this.retry(call, bucket, target, 0);
  }

  /** Emits `response` for an answer (when anyone listens). */
  private emitResponse(call: Call, answer: Answer, sentAt: number, limitedBy: RateLimitedInfo | undefined): void {
    if (this.listenerCount("response") === 0) return;
    const hash = answer.headers.get("x-ratelimit-bucket");
    this.emitSafely("response", {
      method: call.method,
      route: this.redact(call.route.route),
      status: answer.status,
      durationMs: Math.max(0, this.settings.clock.now() - sentAt),
      ...(hash === null || hash === "" ? {} : { bucket: this.redact(hash) }),
      ...(limitedBy === undefined ? {} : { retryAfter: limitedBy.retryAfter }),
    });
  }

  /** Emits `debug` about a request (when anyone listens); the message is built only then. */
  private debug(call: Call, message: () => string): void {
    if (this.listenerCount("debug") > 0) this.emitSafely("debug", this.redact(`${call.method} ${call.route.route}: ${message()}`));
  }

  /** Prepares the next attempt, after `delay` ms, at the front of the queue (see {@link DiscordRest.retryLater}). */
  private async retry(call: Call, bucket: Bucket, target: Bucket, delay: number): Promise<void> {
    call.front = true;
    call.reserved = (await this.retryLater(bucket, target, call.ordered, delay, call.signal))?.slot;
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
      const slot = target.reserve(this.settings.clock.now() + ms, signal);
      slot.catch(() => undefined); // destroy() rejects it; the caller awaits it next
      this.giveBack(bucket, target);
      return { slot };
    }
    this.giveBack(bucket, target);
    await this.backoff.sleep(ms, signal);
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

  private checkUsable(fail: Fail): void {
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
    const update = bucketUpdateOf(headers, this.settings.maxRateLimitWait);
    if (update !== undefined) target.update(update);
    return target;
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

/**
 * The rate-limit state of a client: its buckets, the global limit and the invalid-request
 * guard. For this package's own modules and tests; the package does not export it.
 * @internal
 */
export function rateLimitsOf(rest: DiscordRest): RateLimitManager {
  return readRateLimits(rest);
}
