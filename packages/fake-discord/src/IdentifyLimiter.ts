import { type Clock, SlidingWindow } from "@nuwani/util";
import { FakeDiscordError } from "./FakeDiscordError.js";

/** The daily session start limit (PROTOCOL.md §1, §5). */
export interface SessionStartLimitOptions {
  /** @defaultValue 1000 */
  total?: number;
  /** @defaultValue `total` */
  remaining?: number;
  /** Milliseconds until `remaining` is reset to `total` (then every 24 h). @defaultValue 86400000 */
  resetAfter?: number;
}

/** `session_start_limit` as `GET /gateway/bot` reports it. */
export interface SessionStartLimit {
  total: number;
  remaining: number;
  reset_after: number;
  max_concurrency: number;
}

/** Options of an {@link IdentifyLimiter}. */
export interface IdentifyLimiterOptions {
  /** Identify buckets: one Identify per `window` in each. @defaultValue 1 */
  maxConcurrency?: number;
  /** One Identify per bucket per this many ms; 0 turns the window off. Below 2^31. @defaultValue 5000 */
  window?: number;
  sessionStartLimit?: SessionStartLimitOptions;
  clock: Clock;
}

/** What an Identify attempt gets. */
export type IdentifyVerdict = "allowed" | "rate-limited" | "exhausted";

const DAY = 86_400_000;

/**
 * Discord's Identify limits: `max_concurrency` buckets (`shard_id % max_concurrency`) of one
 * Identify per 5 s each, and the daily session start limit, decremented by every allowed
 * Identify. A refused Identify consumes nothing.
 */
export class IdentifyLimiter {
  readonly maxConcurrency: number;
  readonly window: number;
  private readonly total: number;
  private remaining: number;
  private resetAt: number;
  /** The window of each bucket that was used. */
  private readonly buckets = new Map<number, SlidingWindow>();
  private readonly clock: Clock;

  /**
   * A limiter with a full session start limit.
   * @throws {@link FakeDiscordError} `FAKE_DISCORD_INVALID_ARGUMENT` for a window of 2^31 ms or more
   */
  constructor(options: IdentifyLimiterOptions) {
    this.clock = options.clock;
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency ?? 1));
    this.window = Math.max(0, options.window ?? 5000);
    if (this.window >= 2 ** 31) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "identifyWindow must be below 2^31 ms");
    this.total = options.sessionStartLimit?.total ?? 1000;
    this.remaining = options.sessionStartLimit?.remaining ?? this.total;
    this.resetAt = this.clock.now() + (options.sessionStartLimit?.resetAfter ?? DAY);
  }

  /** Decides an Identify for `shardId` (0 without sharding) and, when allowed, counts it. */
  attempt(shardId: number): IdentifyVerdict {
    const now = this.clock.now();
    this.refresh(now);
    const bucket = this.bucket(shardId % this.maxConcurrency);
    if (bucket?.full === true) return "rate-limited";
    if (this.remaining <= 0) return "exhausted";
    this.remaining--;
    bucket?.record();
    return "allowed";
  }

  /** The current `session_start_limit`. */
  get sessionStartLimit(): SessionStartLimit {
    const now = this.clock.now();
    this.refresh(now);
    return {
      total: this.total,
      remaining: this.remaining,
      reset_after: Math.max(0, this.resetAt - now),
      max_concurrency: this.maxConcurrency,
    };
  }

  /** The window of a bucket, `undefined` when the window is off (0 or NaN). */
  private bucket(id: number): SlidingWindow | undefined {
    if (!(this.window > 0)) return undefined;
    let bucket = this.buckets.get(id);
    if (bucket === undefined) {
      bucket = new SlidingWindow({ limit: 1, window: this.window, clock: this.clock });
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  private refresh(now: number): void {
    if (now < this.resetAt) return;
    this.remaining = this.total;
    this.resetAt = now + DAY;
  }
}
