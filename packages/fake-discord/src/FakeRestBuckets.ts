import { type Clock, systemClock } from "@nuwani/util";
import type { FakeRestVersion } from "./FakeRestRouter.js";

/** A rate limit: `limit` requests per `window` milliseconds. */
export interface FakeRestLimit {
  limit: number;
  window: number;
}

/** How the fake REST API rate-limits (see {@link FakeRestBuckets}). */
export interface FakeRestRateLimitOptions {
  /**
   * The size and window of every per-route bucket (a route with its own limit overrides it).
   * Discord's own sizes vary by route; 5 per 5 s is typical of Create Message.
   * @defaultValue `{ limit: 5, window: 5000 }`
   */
  bucket?: FakeRestLimit;
  /**
   * The global limit over every authorised request; `false` turns it off.
   * @defaultValue `{ limit: 50, window: 1000 }`
   */
  global?: FakeRestLimit | false;
}

/** What a request is limited by: its bucket (shared routes share a hash) and major parameter. */
export interface FakeRestLimitKey {
  /** The `X-RateLimit-Bucket` hash of the route. */
  bucket: string;
  /** The major parameter (`channel_id`, `guild_id`, `webhook_id`), or `""`. */
  major: string;
  /** The route's own limit, instead of the default bucket size. */
  limit?: FakeRestLimit | undefined;
  version: FakeRestVersion;
  /** Whether the request sent `X-RateLimit-Precision: millisecond` (v6 only; v10 is always precise). */
  precise: boolean;
}

/** The verdict of {@link FakeRestBuckets.take}. */
export type FakeRestLimitVerdict =
  | { kind: "allowed"; headers: Record<string, string> }
  | {
      kind: "limited";
      global: boolean;
      /** Milliseconds until the request would be allowed. */
      retryAfter: number;
      headers: Record<string, string>;
      /** Discord's 429 body, `retry_after` in the version's unit. */
      body: { message: string; retry_after: number; global: boolean };
    };

interface Window {
  start: number;
  count: number;
}

/**
 * Discord's REST rate limits, as the fake enforces them: fixed windows per bucket hash and
 * major parameter (opened by the first request, closed `window` ms later), and one global
 * window. Allowed requests get `X-RateLimit-Limit`/`-Remaining`/`-Reset` (epoch seconds)/
 * `-Reset-After` (seconds)/`-Bucket`; in v6 the times are rounded up to whole seconds unless
 * the client sent `X-RateLimit-Precision: millisecond`, in v10 they are always decimals. A
 * request over a limit gets a 429 verdict: `retry_after` in milliseconds (v6) or seconds
 * (v10), `Retry-After` likewise (v10: whole seconds, rounded up), and for the global limit
 * `X-RateLimit-Global: true` and `global: true`.
 */
export class FakeRestBuckets {
  /** The default bucket size; changeable at run time. */
  bucket: FakeRestLimit;
  /** The global limit; changeable at run time. */
  global: FakeRestLimit | false;

  private readonly clock: Clock;
  private readonly windows = new Map<string, Window>();
  private globalWindow: Window | undefined;

  /** Rate limits with the given bucket and global windows, all empty. */
  constructor(options: FakeRestRateLimitOptions & { clock?: Clock } = {}) {
    this.bucket = options.bucket ?? { limit: 5, window: 5000 };
    this.global = options.global ?? { limit: 50, window: 1000 };
    this.clock = options.clock ?? systemClock;
  }

  /** Counts one request against the global limit and its bucket. */
  take(key: FakeRestLimitKey): FakeRestLimitVerdict {
    const now = this.clock.now();
    if (this.global !== false) {
      const global = this.global;
      const window = this.current(this.globalWindow, global, now);
      this.globalWindow = window;
      if (window.count >= global.limit) {
        const retryAfter = window.start + global.window - now;
        return limited(key.version, retryAfter, true, { "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global" });
      }
      window.count++;
    }
    const limit = key.limit ?? this.bucket;
    const id = `${key.bucket}:${key.major}`;
    const window = this.current(this.windows.get(id), limit, now);
    this.windows.set(id, window);
    const resetAt = window.start + limit.window;
    const precise = key.version >= 10 || key.precise;
    const seconds = (ms: number): string => (precise ? (ms / 1000).toFixed(3) : String(Math.ceil(ms / 1000)));
    const headers = (remaining: number): Record<string, string> => ({
      "X-RateLimit-Limit": String(limit.limit),
      "X-RateLimit-Remaining": String(remaining),
      "X-RateLimit-Reset": seconds(resetAt),
      "X-RateLimit-Reset-After": seconds(resetAt - now),
      "X-RateLimit-Bucket": key.bucket,
    });
    if (window.count >= limit.limit) {
      return limited(key.version, resetAt - now, false, { ...headers(0), "X-RateLimit-Scope": "user" });
    }
    window.count++;
    return { kind: "allowed", headers: headers(limit.limit - window.count) };
  }

  /** Forgets every window (all buckets full again). */
  reset(): void {
    this.windows.clear();
    this.globalWindow = undefined;
  }

  private current(window: Window | undefined, limit: FakeRestLimit, now: number): Window {
    if (window === undefined || now >= window.start + limit.window) return { start: now, count: 0 };
    return window;
  }
}

function limited(version: FakeRestVersion, ms: number, global: boolean, headers: Record<string, string>): FakeRestLimitVerdict {
  const retryAfter = Math.max(1, Math.ceil(ms));
  const inUnit = version >= 10 ? Math.ceil(retryAfter) / 1000 : retryAfter;
  return {
    kind: "limited",
    global,
    retryAfter,
    headers: { ...headers, "Retry-After": String(version >= 10 ? Math.ceil(retryAfter / 1000) : retryAfter) },
    body: { message: "You are being rate limited.", retry_after: inUnit, global },
  };
}
