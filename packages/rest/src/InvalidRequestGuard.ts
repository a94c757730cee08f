import type { Clock } from "@nuwani/util";
import type { RateLimit } from "./GlobalLimiter.js";

/**
 * Counts the answers Discord counts as invalid (401, 403 and 429) in a sliding window.
 * Discord bans an IP for a while after 10,000 of them in 10 minutes; the client refuses to
 * send once `limit` were seen within `window`, before that can happen.
 */
export class InvalidRequestGuard {
  private readonly clock: Clock;
  private readonly limit: RateLimit;
  private readonly times: number[] = [];

  /** A guard that refuses once `limit` invalid answers fell in its sliding window. */
  constructor(clock: Clock, limit: RateLimit) {
    this.clock = clock;
    this.limit = limit;
  }

  /** Invalid answers seen within the window. */
  get count(): number {
    this.prune();
    return this.times.length;
  }

  /** Whether the threshold is reached (new requests must be refused). */
  get exhausted(): boolean {
    return this.count >= this.limit.limit;
  }

  /** Milliseconds until the oldest invalid answer leaves the window. */
  get retryAfter(): number {
    this.prune();
    const oldest = this.times[0];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.limit.window - this.clock.now());
  }

  /** Records one answer; counts it if its status is 401, 403 or 429. */
  record(status: number): void {
    if (status === 401 || status === 403 || status === 429) this.times.push(this.clock.now());
  }

  private prune(): void {
    const since = this.clock.now() - this.limit.window;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= since) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }
}
