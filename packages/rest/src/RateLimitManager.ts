import { Bucket } from "./Bucket.js";
import type { Clock } from "@nuwani/util";
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
  /**
   * How long an idle bucket (and a learnt route → hash mapping) is kept after its last use,
   * in ms; idle ones are swept while buckets are asked for, at most once per this period.
   * @defaultValue 300000 (5 minutes)
   */
  idleTimeout?: number;
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
  private readonly hashes = new Map<string, { hash: string; major: string; used: number }>();
  private readonly idleTimeout: number;
  private lastSweep: number;

  /** The buckets, the global limit and the invalid-request guard of one client, all empty. */
  constructor(options: RateLimitManagerOptions) {
    this.clock = options.clock;
    this.idleTimeout = options.idleTimeout ?? 300_000;
    this.lastSweep = options.clock.now();
    this.global = new GlobalLimiter(options.clock, options.global);
    this.invalidRequests = new InvalidRequestGuard(options.clock, options.invalidRequests);
  }

  /** How many buckets exist. */
  get size(): number {
    return this.buckets.size;
  }

  /** How many routes have a learnt `X-RateLimit-Bucket` hash. */
  get learntRoutes(): number {
    return this.hashes.size;
  }

  /** The `X-RateLimit-Bucket` hash learnt for a route, if any. */
  hashOf(route: RouteKey): string | undefined {
    return this.hashes.get(route.key)?.hash;
  }

  /** The bucket of a route (created on first use). Sweeps idle buckets first, now and then. */
  bucketFor(route: RouteKey): Bucket {
    this.sweep();
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
    if (this.hashes.get(route.key)?.hash === hash) return this.bucketFor(route);
    const previousId = this.idOf(route);
    this.hashes.set(route.key, { hash, major: route.major, used: this.clock.now() });
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

  /**
   * Forgets buckets idle for `idleTimeout` and route → hash mappings unused as long, so that
   * memory follows the routes in use, not every route ever used (20,000 channels, …). A
   * forgotten route is learnt again from its next answer.
   */
  sweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < this.idleTimeout) return;
    this.lastSweep = now;
    for (const [id, bucket] of this.buckets) {
      if (bucket.idle && now - bucket.lastUsed >= this.idleTimeout) {
        bucket.destroy(); // nothing waits; stops a timer, if any
        this.buckets.delete(id);
      }
    }
    for (const [key, entry] of this.hashes) {
      if (now - entry.used >= this.idleTimeout && !this.buckets.has(`${entry.hash}:${entry.major}`)) this.hashes.delete(key);
    }
  }

  private idOf(route: RouteKey): string {
    const entry = this.hashes.get(route.key);
    if (entry === undefined) return `route ${route.key}`;
    entry.used = this.clock.now();
    return `${entry.hash}:${route.major}`;
  }
}
