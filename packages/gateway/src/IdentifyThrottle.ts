import type { APIGatewaySessionStartLimit } from "discord-api-types/v10";
import { MAX_TIMER_MS, SlidingWindow, systemClock, type Clock } from "@nuwani/util";
import { GatewayError } from "./GatewayError.js";

/**
 * The `session_start_limit` of `GET /gateway/bot`. `max_concurrency` is optional because the
 * v6 API documented it late (PROTOCOL.md §1).
 */
export type SessionStartLimit = Omit<APIGatewaySessionStartLimit, "max_concurrency"> & { max_concurrency?: number };

/** The daily session start budget as an {@link IdentifyThrottle} currently sees it. */
export interface SessionStartLimitState {
  /** Session starts allowed per period. */
  readonly total: number;
  /** Session starts left in this period. */
  readonly remaining: number;
  /**
   * Milliseconds until `remaining` returns to `total`, or `undefined` when the period has
   * reset and the next one starts with the next identify.
   */
  readonly resetAfter: number | undefined;
}

/**
 * The op 9 storm guard of an {@link IdentifyThrottle}: at most `limit` Identifies within
 * `window` ms may go without a READY; the next one is refused with `GATEWAY_IDENTIFY_STORM`.
 */
export interface IdentifyStormGuard {
  /** Identifies without READY allowed within `window`, from 1 to 1000000. @defaultValue 8 */
  limit?: number;
  /** The window, in ms, below 2^31; 0 turns the guard off. @defaultValue 600000 (10 minutes) */
  window?: number;
}

/** Options of an {@link IdentifyThrottle}. */
export interface IdentifyThrottleOptions {
  /** Identifies allowed together, one per bucket `shardId % maxConcurrency`. @defaultValue 1 */
  maxConcurrency?: number;
  /** Milliseconds between two identifies of one bucket. @defaultValue 5000 */
  interval?: number;
  /**
   * The daily session start limit; see {@link IdentifyThrottle.setSessionStartLimit}.
   * @defaultValue undefined (not tracked until set)
   */
  sessionStartLimit?: SessionStartLimit;
  /**
   * The op 9 storm guard (see {@link IdentifyStormGuard}), or `false` for none. READY is
   * reported with {@link IdentifyThrottle.sessionReady} (`GatewayConnection` does); without it every Identify counts, so
   * the guard is then a plain cap of `limit` Identifies per `window`.
   * @defaultValue `{ limit: 8, window: 600000 }`
   */
  storm?: IdentifyStormGuard | false;
  /** @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily) */
  clock?: Clock;
}

interface Waiter {
  seq: number;
  shardId: number;
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Bucket {
  /** When this bucket last identified. */
  last: number;
  readonly queue: Waiter[];
  timer: unknown;
  armed: boolean;
}

/** How long a session start period lasts once it starts anew (Discord: 24 hours). */
const DAY = 86_400_000;

/**
 * Paces Identify payloads (PROTOCOL.md §5): one per `interval` (5 s) per bucket
 * `shardId % maxConcurrency`, and no more session starts than the daily
 * `session_start_limit` allows. Share one instance among all connections (shards) of a
 * process. Resumes do not count; only acquire for Identify.
 *
 * When the daily budget is used up, {@link IdentifyThrottle.acquire} rejects with
 * `GATEWAY_SESSION_LIMIT_EXHAUSTED` instead of letting the identify through: going over the
 * real limit makes Discord reset the bot's token. Until
 * {@link IdentifyThrottle.setSessionStartLimit} is called the daily budget is not tracked.
 *
 * An op 9 storm (Discord answering every Identify with Invalid Session) would otherwise spend
 * that budget at one Identify per `interval` for hours: after `storm.limit` Identifies within
 * `storm.window` without a READY ({@link IdentifyThrottle.sessionReady}), `acquire()` rejects
 * with `GATEWAY_IDENTIFY_STORM`, which stops the connection.
 */
export class IdentifyThrottle {
  /** Milliseconds between two identifies of one bucket. */
  public readonly interval: number;

  readonly #clock: Clock;
  #maxConcurrency: number;
  #buckets = new Map<number, Bucket>();
  #seq = 0;
  #total: number | undefined = undefined;
  #remaining = 0;
  #resetAt: number | undefined = undefined;
  readonly #stormLimit: number;
  readonly #stormWindow: number;
  /** Per shard: the Identifies granted since its last READY, within the storm window. */
  readonly #unready = new Map<number, SlidingWindow>();

  /** A throttle that knows no session start limit until it is given one. */
  public constructor(options: IdentifyThrottleOptions = {}) {
    const interval = options.interval ?? 5_000;
    if (!Number.isFinite(interval) || interval < 0) throw GatewayError.invalidOption("interval", "a non-negative number of milliseconds", interval);
    const maxConcurrency = options.maxConcurrency ?? 1;
    IdentifyThrottle.#checkConcurrency(maxConcurrency);
    this.interval = interval;
    this.#maxConcurrency = maxConcurrency;
    this.#clock = options.clock ?? systemClock;
    const storm = options.storm ?? {};
    const stormLimit = storm === false ? Number.POSITIVE_INFINITY : (storm.limit ?? 8);
    const stormWindow = storm === false ? 0 : (storm.window ?? 600_000);
    if (storm !== false && (!Number.isInteger(stormLimit) || stormLimit < 1 || stormLimit > 1_000_000)) {
      throw GatewayError.invalidOption("storm.limit", "an integer from 1 to 1000000", stormLimit);
    }
    if (!Number.isFinite(stormWindow) || stormWindow < 0 || stormWindow > MAX_TIMER_MS) {
      throw GatewayError.invalidOption("storm.window", "a non-negative number of milliseconds below 2^31", stormWindow);
    }
    // A window of 0 holds nothing: no guard, as with `storm: false`.
    this.#stormLimit = stormWindow === 0 ? Number.POSITIVE_INFINITY : stormLimit;
    this.#stormWindow = stormWindow;
    if (options.sessionStartLimit) this.setSessionStartLimit(options.sessionStartLimit);
  }

  /** Identifies allowed together; shard `n` uses bucket `n % maxConcurrency`. */
  public get maxConcurrency(): number {
    return this.#maxConcurrency;
  }

  /** The daily budget, or `undefined` while it is not tracked. */
  public get sessionStartLimit(): SessionStartLimitState | undefined {
    if (this.#total === undefined) return undefined;
    const now = this.#clock.now();
    this.#refresh(now);
    return {
      total: this.#total,
      remaining: this.#remaining,
      resetAfter: this.#resetAt === undefined ? undefined : this.#resetAt - now,
    };
  }

  /** Identifies of shard `shardId` granted within the storm window that have not reached READY. */
  public unreadyIdentifies(shardId = 0): number {
    return this.#unreadyCount(shardId);
  }

  /**
   * Reports that shard `shardId`'s session reached READY: its Identifies before it no longer
   * count towards the storm guard. `GatewayConnection` calls it on every READY.
   */
  public sessionReady(shardId = 0): void {
    this.#unready.delete(shardId);
  }

  /** How many `acquire()` calls are waiting. */
  public get pending(): number {
    let count = 0;
    for (const bucket of this.#buckets.values()) count += bucket.queue.length;
    return count;
  }

  /**
   * Changes `max_concurrency`. Waiting shards move to their new buckets in their order; every
   * new bucket counts as having identified when the latest old one did, so no bucket can
   * identify early across the change (at worst one wait of `interval` too many).
   */
  public setMaxConcurrency(maxConcurrency: number): void {
    IdentifyThrottle.#checkConcurrency(maxConcurrency);
    if (maxConcurrency === this.#maxConcurrency) return;
    let last = Number.NEGATIVE_INFINITY;
    const waiters: Waiter[] = [];
    for (const bucket of this.#buckets.values()) {
      last = Math.max(last, bucket.last);
      this.#disarm(bucket);
      waiters.push(...bucket.queue);
    }
    waiters.sort((a, b) => a.seq - b.seq);
    this.#maxConcurrency = maxConcurrency;
    this.#buckets = new Map();
    if (last !== Number.NEGATIVE_INFINITY) {
      for (let key = 0; key < maxConcurrency; key++) this.#buckets.set(key, { last, queue: [], timer: undefined, armed: false });
    }
    for (const waiter of waiters) this.#bucketOf(waiter.shardId).queue.push(waiter);
    for (const bucket of this.#buckets.values()) this.#drain(bucket);
  }

  /**
   * Sets the daily session start budget from `GET /gateway/bot`'s `session_start_limit`:
   * `remaining` starts now and returns to `total` after `reset_after` ms; from then on a new
   * 24 h period starts with the next identify. A `max_concurrency` also sets
   * {@link IdentifyThrottle.maxConcurrency}.
   */
  public setSessionStartLimit(limit: SessionStartLimit): void {
    const { total, remaining, reset_after: resetAfter, max_concurrency: maxConcurrency } = limit;
    if (!Number.isInteger(total) || total < 0) throw GatewayError.invalidOption("session_start_limit.total", "a non-negative integer", total);
    if (!Number.isInteger(remaining) || remaining < 0) {
      throw GatewayError.invalidOption("session_start_limit.remaining", "a non-negative integer", remaining);
    }
    if (!Number.isFinite(resetAfter) || resetAfter < 0) {
      throw GatewayError.invalidOption("session_start_limit.reset_after", "a non-negative number of milliseconds", resetAfter);
    }
    if (maxConcurrency !== undefined) IdentifyThrottle.#checkConcurrency(maxConcurrency);
    this.#total = total;
    this.#remaining = Math.min(remaining, total);
    this.#resetAt = this.#clock.now() + resetAfter;
    if (maxConcurrency !== undefined) this.setMaxConcurrency(maxConcurrency);
  }

  /**
   * Resolves when shard `shardId` may send Identify now, and counts one session start. Waiters
   * of one bucket are served in order, `interval` apart. Rejects with
   * `GATEWAY_SESSION_LIMIT_EXHAUSTED` when no session start is left (the message says when the
   * budget resets), with `GATEWAY_IDENTIFY_STORM` when `storm.limit` Identifies within
   * `storm.window` went without READY, with {@link GatewayError.fromAbort} when `signal` aborts, with
   * `GATEWAY_INVALID_OPTION` for a bad `shardId`, and on {@link IdentifyThrottle.cancelAll}.
   */
  public acquire(shardId: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(shardId) || shardId < 0) return Promise.reject(GatewayError.invalidOption("shardId", "a non-negative integer", shardId));
    if (signal?.aborted) return Promise.reject(GatewayError.fromAbort(signal));
    const now = this.#clock.now();
    const exhausted = this.#stormError(shardId, now) ?? this.#exhaustedError(now);
    if (exhausted) return Promise.reject(exhausted);
    const bucket = this.#bucketOf(shardId);
    if (bucket.queue.length === 0 && now - bucket.last >= this.interval) {
      this.#grant(bucket, shardId, now);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { seq: this.#seq++, shardId, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          // Look the bucket up again: setMaxConcurrency may have moved the waiter.
          const current = this.#bucketOf(shardId);
          const index = current.queue.indexOf(waiter);
          if (index === -1) return;
          current.queue.splice(index, 1);
          if (current.queue.length === 0) this.#disarm(current);
          reject(GatewayError.fromAbort(signal));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      bucket.queue.push(waiter);
      this.#schedule(bucket, now);
    });
  }

  /**
   * Rejects every waiting `acquire()` with `error`.
   * @param error - @defaultValue a `GATEWAY_DISCONNECTED` {@link GatewayError}
   */
  public cancelAll(error: Error = new GatewayError("GATEWAY_DISCONNECTED", "Disconnected; the queued identify was cancelled.")): void {
    for (const bucket of this.#buckets.values()) this.#rejectAll(bucket, error);
  }

  #bucketOf(shardId: number): Bucket {
    const key = shardId % this.#maxConcurrency;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { last: Number.NEGATIVE_INFINITY, queue: [], timer: undefined, armed: false };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** A new period begins once the old one has run out; it starts with the next identify. */
  #refresh(now: number): void {
    if (this.#total !== undefined && this.#resetAt !== undefined && now >= this.#resetAt) {
      this.#remaining = this.#total;
      this.#resetAt = undefined;
    }
  }

  /** Identifies of `shardId` without READY within the storm window; forgets a shard with none. */
  #unreadyCount(shardId: number): number {
    const window = this.#unready.get(shardId);
    if (window === undefined) return 0;
    const count = window.count;
    if (count === 0) this.#unready.delete(shardId);
    return count;
  }

  /** Whether shard `shardId` is in an identify storm: too many Identifies without READY. */
  #stormError(shardId: number, now: number): GatewayError | undefined {
    const count = this.#unreadyCount(shardId);
    if (count < this.#stormLimit) return undefined;
    this.#refresh(now);
    const left = this.#total === undefined ? "" : ` (${this.#remaining} of ${this.#total} left today)`;
    return new GatewayError(
      "GATEWAY_IDENTIFY_STORM",
      `${count} Identifies of shard ${shardId} within ${formatDuration(this.#stormWindow)} did not reach READY (an op 9 storm?); ` +
        `stopped identifying to spare the daily session start limit${left}.`,
    );
  }

  #exhaustedError(now: number): GatewayError | undefined {
    if (this.#total === undefined) return undefined;
    this.#refresh(now);
    if (this.#remaining > 0) return undefined;
    const resetAfter = this.#resetAt === undefined ? 0 : this.#resetAt - now;
    return new GatewayError(
      "GATEWAY_SESSION_LIMIT_EXHAUSTED",
      `The daily session start limit (${this.#total}) is used up; it resets in ${formatDuration(resetAfter)}. ` +
        "Not identifying, since going over it would make Discord reset the bot's token.",
    );
  }

  #grant(bucket: Bucket, shardId: number, now: number): void {
    bucket.last = now;
    if (this.#stormLimit !== Number.POSITIVE_INFINITY) {
      let window = this.#unready.get(shardId);
      if (window === undefined) {
        window = new SlidingWindow({ limit: this.#stormLimit, window: this.#stormWindow, clock: this.#clock });
        this.#unready.set(shardId, window);
      }
      window.record();
    }
    if (this.#total === undefined) return;
    this.#remaining--;
    this.#resetAt ??= now + DAY;
  }

  #drain(bucket: Bucket): void {
    const now = this.#clock.now();
    const waiter = bucket.queue[0];
    if (waiter !== undefined && now - bucket.last >= this.interval) {
      const exhausted = this.#exhaustedError(now);
      if (exhausted) {
        // Nobody can identify any more: reject every waiter, not only this bucket's.
        for (const other of this.#buckets.values()) this.#rejectAll(other, exhausted);
        return;
      }
      const storm = this.#stormError(waiter.shardId, now);
      if (storm) {
        // This shard is storming: its waiters go; the others keep their turn (without waiting
        // an interval, since nothing was sent).
        for (const other of bucket.queue.filter((queued) => queued.shardId === waiter.shardId)) {
          bucket.queue.splice(bucket.queue.indexOf(other), 1);
          IdentifyThrottle.#release(other);
          other.reject(storm);
        }
        this.#drain(bucket);
        return;
      }
      bucket.queue.shift();
      IdentifyThrottle.#release(waiter);
      this.#grant(bucket, waiter.shardId, now);
      waiter.resolve();
    }
    this.#schedule(bucket, now);
  }

  #schedule(bucket: Bucket, now: number): void {
    if (bucket.queue.length === 0) {
      this.#disarm(bucket);
      return;
    }
    if (bucket.armed) return;
    bucket.armed = true;
    const wait = bucket.last + this.interval - now;
    bucket.timer = this.#clock.setTimeout(
      () => {
        bucket.armed = false;
        this.#drain(bucket);
      },
      // At least 1 ms, so a clock whose timers fire a little early cannot spin; at most the
      // longest Node timer (#drain checks the time, so firing early is safe).
      Math.min(Math.max(1, wait), MAX_TIMER_MS),
    );
  }

  #disarm(bucket: Bucket): void {
    if (!bucket.armed) return;
    bucket.armed = false;
    this.#clock.clearTimeout(bucket.timer);
  }

  #rejectAll(bucket: Bucket, error: Error): void {
    this.#disarm(bucket);
    for (const waiter of bucket.queue.splice(0)) {
      IdentifyThrottle.#release(waiter);
      waiter.reject(error);
    }
  }

  static #checkConcurrency(maxConcurrency: number): void {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 1024) {
      throw GatewayError.invalidOption("maxConcurrency", "an integer from 1 to 1024", maxConcurrency);
    }
  }

  static #release(waiter: Waiter): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
  }
}

/** `3h 12m 5s`, `12m 0s`, `5s`: for messages only. */
function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
