import { type Clock, systemClock } from "./Clock.js";
import { UtilError } from "./UtilError.js";

/** Options of a {@link SlidingWindow}. */
export interface SlidingWindowOptions {
  /** How many events any window may hold; an integer from 1 to 1,000,000. */
  readonly limit: number;
  /** The window length in milliseconds; positive, finite and below 2^31. */
  readonly window: number;
  /** Time source. @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

/** Throws `UTIL_INVALID_OPTION` unless `limit`/`window` make a usable window. */
export function checkWindow(limit: number, window: number): void {
  // The ring buffer has `limit` slots; a million covers any sane limit.
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) {
    throw new UtilError("UTIL_INVALID_OPTION", `limit must be an integer from 1 to 1000000, got ${String(limit)}`);
  }
  if (typeof window !== "number" || !Number.isFinite(window) || window <= 0 || window >= 2 ** 31) {
    throw new UtilError("UTIL_INVALID_OPTION", `window must be a positive number of milliseconds below 2^31, got ${String(window)}`);
  }
}

/**
 * A sliding-window log: no interval of `window` milliseconds, wherever it starts, holds more
 * than `limit` taken events. Sliding, not fixed, because a client's fixed windows are not
 * aligned with a server's and could put 2 × `limit` into one of the server's windows.
 *
 * It keeps the times of the last `limit` events in a ring buffer (one `Float64Array`, no
 * allocation per event). An event is outside the window once `window` ms have passed since it.
 *
 * - {@link SlidingWindow.tryTake} records an event only when one fits (a rate limit);
 * - {@link SlidingWindow.record} records one regardless (a counter of, say, invalid answers:
 *   {@link SlidingWindow.full} then tells whether `limit` of them fell within the window).
 */
export class SlidingWindow {
  /** How many events any window may hold. */
  public readonly limit: number;
  /** The window length in milliseconds. */
  public readonly window: number;

  readonly #clock: Clock;
  readonly #times: Float64Array;
  #start = 0;
  #count = 0;

  /** An empty window. Throws `UTIL_INVALID_OPTION` for a bad `limit` or `window`. */
  public constructor(options: SlidingWindowOptions) {
    checkWindow(options.limit, options.window);
    this.limit = options.limit;
    this.window = options.window;
    this.#clock = options.clock ?? systemClock;
    this.#times = new Float64Array(options.limit);
  }

  /** Events within the window now (at most `limit`). */
  public get count(): number {
    this.#prune(this.#clock.now());
    return this.#count;
  }

  /** How many events would fit now. */
  public get remaining(): number {
    return this.limit - this.count;
  }

  /** Whether the window holds `limit` events now (a {@link SlidingWindow.tryTake} would fail). */
  public get full(): boolean {
    return this.count >= this.limit;
  }

  /** Milliseconds until an event fits again (0 when one fits now). */
  public get retryAfter(): number {
    const now = this.#clock.now();
    this.#prune(now);
    if (this.#count < this.limit) return 0;
    return Math.max(0, (this.#times[this.#start] ?? now) + this.window - now);
  }

  /** Records an event if one fits now; returns whether it did. */
  public tryTake(): boolean {
    const now = this.#clock.now();
    this.#prune(now);
    if (this.#count >= this.limit) return false;
    this.#push(now);
    return true;
  }

  /** Records an event now even when the window is full (the oldest one is then forgotten). */
  public record(): void {
    const now = this.#clock.now();
    this.#prune(now);
    if (this.#count >= this.limit) {
      this.#start = this.#start + 1 === this.limit ? 0 : this.#start + 1;
      this.#count--;
    }
    this.#push(now);
  }

  /** Forgets every event. */
  public reset(): void {
    this.#start = 0;
    this.#count = 0;
  }

  #push(now: number): void {
    let slot = this.#start + this.#count;
    if (slot >= this.limit) slot -= this.limit;
    this.#times[slot] = now;
    this.#count++;
  }

  #prune(now: number): void {
    const times = this.#times;
    while (this.#count > 0 && now - (times[this.#start] ?? now) >= this.window) {
      this.#start = this.#start + 1 === this.limit ? 0 : this.#start + 1;
      this.#count--;
    }
  }
}
