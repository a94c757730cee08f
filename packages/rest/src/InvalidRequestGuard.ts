import { type Clock, SlidingWindow } from "@nuwani/util";
import type { RateLimit } from "./GlobalLimiter.js";

/** The statuses Discord counts as invalid requests. */
const INVALID = new Set([401, 403, 429]);

/**
 * Counts the answers Discord counts as invalid (401, 403 and 429) in util's
 * {@link SlidingWindow}. Discord bans an IP for a while after 10,000 of them in 10 minutes; the
 * client refuses to send once `limit` were seen within `window`, before that can happen.
 */
export class InvalidRequestGuard {
  readonly #window: SlidingWindow;

  /** A guard that refuses once `limit` invalid answers fell in its sliding window. */
  constructor(clock: Clock, limit: RateLimit) {
    this.#window = new SlidingWindow({ limit: limit.limit, window: limit.window, clock });
  }

  /** Invalid answers seen within the window (at most `limit`: past it, the oldest are forgotten). */
  get count(): number {
    return this.#window.count;
  }

  /** Whether the threshold is reached (new requests must be refused). */
  get exhausted(): boolean {
    return this.#window.full;
  }

  /** Milliseconds until the guard lets requests through again (0 when it does now). */
  get retryAfter(): number {
    return this.#window.retryAfter;
  }

  /** Records one answer; counts it if its status is 401, 403 or 429. */
  record(status: number): void {
    if (INVALID.has(status)) this.#window.record();
  }
}
