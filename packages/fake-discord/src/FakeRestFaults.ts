import { FakeDiscordError } from "./FakeDiscordError.js";

/** A fault the fake REST API applies to one request. */
export type FakeRestFault =
  | { kind: "error"; status: number }
  | { kind: "reset" }
  | {
      kind: "rate-limit";
      /** The 429's JSON body, sent as is (hostile values included). */
      body: Record<string, unknown>;
      /** Its headers, sent as is. */
      headers: Record<string, string>;
    }
  | {
      kind: "headers";
      /** Headers that replace the answer's own (the rate-limit headers included). */
      headers: Record<string, string>;
    }
  | {
      kind: "oversized";
      /** The size of the 200 answer's JSON body, in bytes (sent chunked, without Content-Length). */
      bytes: number;
    };

/** What {@link FakeRestFaults.rateLimitNext} answers. */
export interface FakeRestRateLimitFault {
  /**
   * The body's `retry_after`, sent as is, in the request's unit (v6 ms, v10 s); any JSON value,
   * so hostile ones (`1e9`, `-1`, `"soon"`) can be sent. `undefined` leaves the field out.
   */
  retryAfter?: unknown;
  /** The body's and `X-RateLimit-Global`'s `global`. @defaultValue false */
  global?: boolean;
  /**
   * Headers of the 429, sent as is, e.g. `{ "X-RateLimit-Reset-After": "1e9" }`,
   * `{ "Retry-After": "garbage" }` or `{ "X-RateLimit-Scope": "shared" }`.
   * @defaultValue none besides `X-RateLimit-Global` when `global`
   */
  headers?: Record<string, string>;
}

/**
 * Faults of the fake REST API, on demand: the next requests answer 5xx, have their TCP
 * connection destroyed (a reset), meet a hostile 429 ({@link FakeRestFaults.rateLimitNext}),
 * get garbage headers ({@link FakeRestFaults.headersNext}) or an oversized body
 * ({@link FakeRestFaults.oversizedNext}), and responses can be slowed down. Faults are
 * applied in the order queued, one per request. 5xx answers, resets, hostile 429s and
 * oversized bodies skip routing and rate limits; they are recorded with their `fault`.
 */
export class FakeRestFaults {
  private readonly queue: FakeRestFault[] = [];
  private slowBy = 0;
  private slowCount = 0;

  /** The next `count` requests answer `status` (a 5xx) with Discord's error body. */
  failNext(count = 1, status = 500): void {
    check(count, "count");
    if (!Number.isInteger(status) || status < 500 || status > 599) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `failNext needs a 5xx status, got ${status}`);
    }
    for (let i = 0; i < count; i++) this.queue.push({ kind: "error", status });
  }

  /** The next `count` requests get no answer: their connection is destroyed (`ECONNRESET`). */
  resetNext(count = 1): void {
    check(count, "count");
    for (let i = 0; i < count; i++) this.queue.push({ kind: "reset" });
  }

  /**
   * The next `count` requests answer 429 with the given body fields and headers, sent as is:
   * a hostile server's `retry_after: 1e9`, `X-RateLimit-Reset-After: 1e9`, garbage values, or
   * `X-RateLimit-Scope: shared`.
   */
  rateLimitNext(fault: FakeRestRateLimitFault = {}, count = 1): void {
    check(count, "count");
    const global = fault.global ?? false;
    const body: Record<string, unknown> = { message: "You are being rate limited.", global };
    if (fault.retryAfter !== undefined) body.retry_after = fault.retryAfter;
    const headers: Record<string, string> = { ...(global ? { "X-RateLimit-Global": "true" } : {}), ...fault.headers };
    for (let i = 0; i < count; i++) this.queue.push({ kind: "rate-limit", body: { ...body }, headers: { ...headers } });
  }

  /**
   * The next `count` requests are answered as usual (routes and rate limits apply), but with
   * `headers` replacing the answer's own, e.g. `{ "X-RateLimit-Remaining": "lots" }`.
   */
  headersNext(headers: Record<string, string>, count = 1): void {
    check(count, "count");
    for (let i = 0; i < count; i++) this.queue.push({ kind: "headers", headers: { ...headers } });
  }

  /** The next `count` requests answer 200 with a JSON body of `bytes` bytes, chunked (no Content-Length). */
  oversizedNext(bytes: number, count = 1): void {
    check(count, "count");
    if (!Number.isInteger(bytes) || bytes < 16) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `oversizedNext needs bytes ≥ 16, got ${bytes}`);
    for (let i = 0; i < count; i++) this.queue.push({ kind: "oversized", bytes });
  }

  /**
   * The next `count` responses are delayed by `ms` (by the fake's clock) before they are
   * answered. `slow(0)` turns it off.
   * @defaultValue count: every response until turned off
   */
  slow(ms: number, count = Number.POSITIVE_INFINITY): void {
    if (!Number.isFinite(ms) || ms < 0) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `slow needs a delay ≥ 0, got ${ms}`);
    if (!(count >= 0)) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `slow needs a count ≥ 0, got ${count}`);
    this.slowBy = ms;
    this.slowCount = ms === 0 ? 0 : count;
  }

  /** Removes every pending fault. */
  clear(): void {
    this.queue.length = 0;
    this.slowBy = 0;
    this.slowCount = 0;
  }

  /** How many queued faults (everything but `slow`) are still pending. */
  get pending(): number {
    return this.queue.length;
  }

  /** The fault for the next request, if any (used by the server). */
  takeFault(): FakeRestFault | undefined {
    return this.queue.shift();
  }

  /** The delay for the next response in ms, 0 for none (used by the server). */
  takeDelay(): number {
    if (this.slowCount <= 0) return 0;
    this.slowCount--;
    return this.slowBy;
  }
}

function check(count: number, name: string): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `${name} must be a positive integer, got ${count}`);
  }
}
