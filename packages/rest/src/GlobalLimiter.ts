import { type Clock, RateLimiter } from "@nuwani/util";
import { abortedError, RestError } from "./RestError.js";

/** A limit of `limit` requests per `window` milliseconds. */
export interface RateLimit {
  /** How many requests (or answers) the window may hold. */
  limit: number;
  /** The window's length in milliseconds. */
  window: number;
}

/**
 * The client side of Discord's global limit (50 requests per second per bot): util's
 * {@link RateLimiter} (a sliding window with a strict FIFO of waiting requests) that pauses
 * everything after a global 429, and speaks this package's errors: an aborted wait fails with
 * `REST_ABORTED`, {@link GlobalLimiter.destroy} rejects the waiters with `REST_DESTROYED`.
 */
export class GlobalLimiter extends RateLimiter {
  /** A limiter of `limit` requests per window (`false`: no client-side limit, only pauses), not paused. */
  constructor(clock: Clock, limit: RateLimit | false) {
    super({
      clock,
      limit: limit === false ? false : limit.limit,
      window: limit === false ? 1 : limit.window,
      abortError: abortedError,
    });
  }

  /** Rejects every waiting request with `REST_DESTROYED` and stops the timer. */
  destroy(): void {
    this.cancelAll(new RestError("REST_DESTROYED", "the REST client was destroyed"));
  }
}
