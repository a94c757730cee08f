import { isRecord } from "@nuwani/util";
import type { BucketUpdate } from "./Bucket.js";
import type { RateLimitedInfo, RestVersion } from "./DiscordRestOptions.js";
import type { RouteKey } from "./routeKey.js";

/** A header's value as a finite number ≥ 0; `undefined` when absent or garbage. */
export function headerNumber(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/** The body as JSON; `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What the `X-RateLimit-*` headers say about the answer's bucket (the reset never further
 * away than `maxWait` ms); `undefined` unless limit, remaining and reset-after are all given.
 */
export function bucketUpdateOf(headers: Headers, maxWait: number): BucketUpdate | undefined {
  const limit = headerNumber(headers, "x-ratelimit-limit");
  const remaining = headerNumber(headers, "x-ratelimit-remaining");
  const resetAfter = headerNumber(headers, "x-ratelimit-reset-after");
  if (limit === undefined || remaining === undefined || resetAfter === undefined) return undefined;
  return { limit, remaining, resetAfter: Math.min(resetAfter * 1000, maxWait), reset: headerNumber(headers, "x-ratelimit-reset") };
}

/**
 * What a 429 says: global or not, and how long to wait (in ms) from `retry_after` (seconds in
 * v10, ms in v6), else `Retry-After`, else `X-RateLimit-Reset-After`, else 1 s.
 */
export function rateLimitOf(version: RestVersion, route: RouteKey, headers: Headers, body: unknown, method: string): RateLimitedInfo {
  const fields = isRecord(body) ? body : {};
  let retryAfter: number | undefined;
  if (typeof fields.retry_after === "number" && Number.isFinite(fields.retry_after) && fields.retry_after >= 0) {
    retryAfter = version === 6 ? fields.retry_after : fields.retry_after * 1000;
  } else {
    const header = headerNumber(headers, "retry-after");
    if (header !== undefined) retryAfter = version === 6 ? header : header * 1000;
    else {
      const resetAfter = headerNumber(headers, "x-ratelimit-reset-after");
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

/** `HTTP 404 Unknown Channel (code 10003)` from Discord's JSON error body, else `HTTP 404`. */
export function describeAnswer(status: number, body: unknown): string {
  if (isRecord(body) && typeof body.message === "string") {
    return `HTTP ${status} ${body.message}${typeof body.code === "number" ? ` (code ${body.code})` : ""}`;
  }
  return `HTTP ${status}`;
}
