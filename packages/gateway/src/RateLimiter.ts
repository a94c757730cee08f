import { MAX_TIMER_MS, systemClock, type Clock } from "@nuwani/util";
import { GatewayError } from "./GatewayError.js";

/** Options of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** How many takes any window may hold; a positive integer. */
  limit: number;
  /** The window length in milliseconds; positive and finite. */
  window: number;
  /** @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily) */
  clock?: Clock;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A sliding-window rate limiter: no interval of `window` milliseconds ever holds more than
 * `limit` takes, wherever that interval starts.
 *
 * Sliding, not fixed: Discord words its limits as "N per T" without saying where a window
 * starts, and a client-side fixed window is not aligned with the server's, so it could put up
 * to 2 × `limit` into one server window. A sliding log is safe however the server counts. It
 * keeps the times of the last `limit` takes in a ring buffer (one `Float64Array`, no
 * allocation per take).
 *
 * `take()` waits in strict FIFO order; `tryTake()` never jumps that queue.
 */
export class RateLimiter {
  /** How many takes any window may hold. */
  public readonly limit: number;
  /** The window length in milliseconds. */
  public readonly window: number;

  readonly #clock: Clock;
  readonly #times: Float64Array;
  #start = 0;
  #count = 0;
  readonly #queue: Waiter[] = [];
  #timer: unknown = undefined;
  #armed = false;

  /** An empty window of `options.limit` sends per `options.window` ms. */
  public constructor(options: RateLimiterOptions) {
    const { limit, window } = options;
    // The ring buffer has `limit` slots; a million covers any sane limit.
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) {
      throw GatewayError.invalidOption("limit", "an integer from 1 to 1000000", limit);
    }
    if (!Number.isFinite(window) || window <= 0) throw GatewayError.invalidOption("window", "a positive number of milliseconds", window);
    this.limit = options.limit;
    this.window = options.window;
    this.#clock = options.clock ?? systemClock;
    this.#times = new Float64Array(options.limit);
  }

  /** How many takes would succeed right now, ignoring the queue. */
  public get remaining(): number {
    this.#prune(this.#clock.now());
    return this.limit - this.#count;
  }

  /** Milliseconds until a slot frees (0 when one is free now), ignoring the queue. */
  public get retryAfter(): number {
    const now = this.#clock.now();
    this.#prune(now);
    if (this.#count < this.limit) return 0;
    return (this.#times[this.#start] ?? now) + this.window - now;
  }

  /** How many `take()` calls are waiting. */
  public get pending(): number {
    return this.#queue.length;
  }

  /** Takes a slot if one is free and nobody is queued; returns whether it did. */
  public tryTake(): boolean {
    return this.#queue.length === 0 && this.#takeAt(this.#clock.now());
  }

  /**
   * Resolves once a slot is taken for the caller, in FIFO order. Rejects when `signal` aborts
   * ({@link GatewayError.fromAbort}) or on {@link RateLimiter.cancelAll}.
   */
  public take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(GatewayError.fromAbort(signal));
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.#queue.indexOf(waiter);
          if (index === -1) return;
          this.#queue.splice(index, 1);
          if (this.#queue.length === 0) this.#disarm();
          reject(GatewayError.fromAbort(signal));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#schedule();
    });
  }

  /**
   * Rejects every waiting `take()` with `error` (e.g. when the connection closed). Slots
   * already taken stay counted.
   * @param error - @defaultValue a `GATEWAY_DISCONNECTED` {@link GatewayError}
   */
  public cancelAll(error: Error = new GatewayError("GATEWAY_DISCONNECTED", "Disconnected; the queued send was cancelled.")): void {
    this.#disarm();
    const waiters = this.#queue.splice(0);
    for (const waiter of waiters) {
      RateLimiter.#release(waiter);
      waiter.reject(error);
    }
  }

  /** Forgets every take (e.g. for a new connection); waiters are then served as slots allow. */
  public reset(): void {
    this.#start = 0;
    this.#count = 0;
    this.#disarm();
    this.#drain();
  }

  #prune(now: number): void {
    const times = this.#times;
    while (this.#count > 0 && now - (times[this.#start] ?? now) >= this.window) {
      this.#start = this.#start + 1 === this.limit ? 0 : this.#start + 1;
      this.#count--;
    }
  }

  #takeAt(now: number): boolean {
    this.#prune(now);
    if (this.#count >= this.limit) return false;
    let slot = this.#start + this.#count;
    if (slot >= this.limit) slot -= this.limit;
    this.#times[slot] = now;
    this.#count++;
    return true;
  }

  #drain(): void {
    const now = this.#clock.now();
    while (this.#queue.length > 0 && this.#takeAt(now)) {
      const waiter = this.#queue.shift() as Waiter;
      RateLimiter.#release(waiter);
      waiter.resolve();
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#queue.length === 0) {
      this.#disarm();
      return;
    }
    if (this.#armed) return;
    this.#armed = true;
    // At least 1 ms, so a clock whose timers fire a little early cannot spin.
    this.#timer = this.#clock.setTimeout(() => {
      this.#armed = false;
      this.#drain();
      // Capped (a longer Node timer fires at once); #drain checks the time, so early is safe.
    }, Math.min(Math.max(1, this.retryAfter), MAX_TIMER_MS));
  }

  #disarm(): void {
    if (!this.#armed) return;
    this.#armed = false;
    this.#clock.clearTimeout(this.#timer);
  }

  static #release(waiter: Waiter): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
  }
}
