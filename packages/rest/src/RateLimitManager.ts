import { Bucket } from "./Bucket.js";
import type { Clock } from "./Clock.js";
import { GlobalLimiter, type RateLimit } from "./GlobalLimiter.js";
import { InvalidRequestGuard } from "./InvalidRequestGuard.js";
import type { RouteKey } from "./routeKey.js";

/** Options of a {@link RateLimitManager}. */
export interface RateLimitManagerOptions {
  clock: Clock;
  /** The client-side global limit, or `false` for none. */
  global: RateLimit | false;
  /** The invalid-request threshold and its window. */
  invalidRequests: RateLimit;
}

/**
 * Every rate-limit structure of one client: a {@link Bucket} per route (keyed by method,
 * route and major parameter until Discord names the bucket with `X-RateLimit-Bucket`, then
 * by that hash and the major parameter, so routes that share a bucket share its queue),
 * the {@link GlobalLimiter} and the {@link InvalidRequestGuard}.
 */
export class RateLimitManager {
  /** The global limit. */
  readonly global: GlobalLimiter;
  /** The invalid-request guard. */
  readonly invalidRequests: InvalidRequestGuard;

  private readonly clock: Clock;
  private readonly buckets = new Map<string, Bucket>();
  private readonly hashes = new Map<string, string>();

  /** The buckets, the global limit and the invalid-request guard of one client, all empty. */
  constructor(options: RateLimitManagerOptions) {
    this.clock = options.clock;
    this.global = new GlobalLimiter(options.clock, options.global);
    this.invalidRequests = new InvalidRequestGuard(options.clock, options.invalidRequests);
  }

  /** How many buckets exist. */
  get size(): number {
    return this.buckets.size;
  }

  /** The `X-RateLimit-Bucket` hash learnt for a route, if any. */
  hashOf(route: RouteKey): string | undefined {
    return this.hashes.get(route.key);
  }

  /** The bucket of a route (created on first use). */
  bucketFor(route: RouteKey): Bucket {
    const id = this.idOf(route);
    let bucket = this.buckets.get(id);
    if (bucket === undefined) {
      bucket = new Bucket(this.clock);
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  /**
   * Records that `route` belongs to the bucket `hash`. If another route already uses that
   * bucket (for the same major parameter), the requests waiting in `current` move to it.
   * @returns the bucket the route uses from now on
   */
  learn(route: RouteKey, hash: string, current: Bucket): Bucket {
    if (this.hashes.get(route.key) === hash) return this.bucketFor(route);
    const previousId = this.idOf(route);
    this.hashes.set(route.key, hash);
    const id = this.idOf(route);
    const existing = this.buckets.get(id);
    if (this.buckets.get(previousId) === current) this.buckets.delete(previousId);
    if (existing === undefined || existing === current) {
      this.buckets.set(id, current);
      return current;
    }
    current.moveWaitersTo(existing);
    return existing;
  }

  /** Rejects every waiting request and stops every timer. */
  destroy(): void {
    for (const bucket of this.buckets.values()) bucket.destroy();
    this.global.destroy();
  }

  private idOf(route: RouteKey): string {
    const hash = this.hashes.get(route.key);
    return hash === undefined ? `route ${route.key}` : `${hash}:${route.major}`;
  }
}
