import { type Clock, MAX_TIMER_MS, systemClock } from "./Clock.js";
import { SlidingWindow } from "./SlidingWindow.js";
import { UtilError } from "./UtilError.js";

/** Options of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * How many takes any window of `window` ms may hold (an integer from 1 to 1,000,000), or
   * `false` for no window: takes then wait only for a {@link RateLimiter.pause}.
   */
  readonly limit: number | false;
  /** The window length in milliseconds (positive, below 2^31); ignored when `limit` is `false`. */
  readonly window: number;
  /** Time source. @defaultValue {@link systemClock} */
  readonly clock?: Clock;
  /**
   * The error a waiting {@link RateLimiter.take} rejects with when its signal aborts, so a
   * package can keep its own error type. @defaultValue a {@link UtilError} `UTIL_ABORTED`
   * with the signal's reason as its `cause`
   */
  readonly abortError?: (signal: AbortSignal) => Error;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

function defaultAbortError(signal: AbortSignal): Error {
  return new UtilError("UTIL_ABORTED", "The wait for a rate limit slot was aborted.", { cause: signal.reason });
}

/**
 * An asynchronous rate limiter: a {@link SlidingWindow} with a strict FIFO of waiting takes,
 * and a pause that holds everything back (for a server's "slow down", such as a global 429).
 *
 * `take()` resolves once the caller holds a slot; waiters are served in the order they came,
 * and `tryTake()` never jumps that queue. One timer at a time, re-armed for the moment the
 * first waiter can go, never longer than 2^31 − 1 ms and never shorter than 1 ms (a clock
 * whose timers fire a little early cannot spin).
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #window: SlidingWindow | undefined;
  readonly #abortError: (signal: AbortSignal) => Error;
  readonly #queue: Waiter[] = [];
  #pausedUntil = 0;
  #timer: unknown = undefined;
  #armed = false;

  /** A limiter with an empty window, not paused. Throws `UTIL_INVALID_OPTION` for bad options. */
  public constructor(options: RateLimiterOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#window =
      options.limit === false ? undefined : new SlidingWindow({ limit: options.limit, window: options.window, clock: this.#clock });
    this.#abortError = options.abortError ?? defaultAbortError;
  }

  /** How many takes any window may hold (`false`: no window). */
  public get limit(): number | false {
    return this.#window?.limit ?? false;
  }

  /** How many `take()` calls are waiting. */
  public get pending(): number {
    return this.#queue.length;
  }

  /** Whether a {@link RateLimiter.pause} holds every take back now. */
  public get paused(): boolean {
    return this.#clock.now() < this.#pausedUntil;
  }

  /** How many takes the window would allow now, ignoring the queue and any pause. */
  public get remaining(): number {
    return this.#window?.remaining ?? Number.POSITIVE_INFINITY;
  }

  /** Milliseconds until a take could go (window and pause), ignoring the queue; 0 for now. */
  public get retryAfter(): number {
    const pause = Math.max(0, this.#pausedUntil - this.#clock.now());
    return Math.max(pause, this.#window?.retryAfter ?? 0);
  }

  /** Takes a slot if one is free now, nobody waits and no pause holds; returns whether it did. */
  public tryTake(): boolean {
    if (this.#queue.length > 0 || this.paused) return false;
    return this.#window === undefined || this.#window.tryTake();
  }

  /**
   * Resolves once a slot is taken for the caller, in FIFO order. Rejects with
   * `abortError(signal)` when `signal` aborts first (the waiter then leaves the queue), or with
   * the error given to {@link RateLimiter.cancelAll}.
   */
  public take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(this.#abortError(signal));
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = this.#queue.indexOf(waiter);
          if (index === -1) return;
          this.#queue.splice(index, 1);
          reject(this.#abortError(signal));
          // The first waiter may have left: the next one may go now.
          this.#disarm();
          this.#drain();
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#schedule();
    });
  }

  /** Holds every take back for `ms` milliseconds from now; the longest pause wins. */
  public pause(ms: number): void {
    if (!(ms > 0)) return;
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + Math.min(ms, Number.MAX_SAFE_INTEGER));
    this.#disarm();
    this.#schedule();
  }

  /** Rejects every waiting take with `error` and stops the timer. Slots already taken stay counted. */
  public cancelAll(error: Error): void {
    this.#disarm();
    for (const waiter of this.#queue.splice(0)) {
      RateLimiter.#release(waiter);
      waiter.reject(error);
    }
  }

  /** Forgets every take and any pause (e.g. for a new connection); waiters then go as slots allow. */
  public reset(): void {
    this.#window?.reset();
    this.#pausedUntil = 0;
    this.#disarm();
    this.#drain();
  }

  #drain(): void {
    while (this.#queue.length > 0 && !this.paused && (this.#window === undefined || this.#window.tryTake())) {
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
    // #drain checks the time itself, so a timer capped at MAX_TIMER_MS (or firing early) is safe.
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#armed = false;
        this.#drain();
      },
      Math.min(Math.max(1, this.retryAfter), MAX_TIMER_MS),
    );
  }

  #disarm(): void {
    if (!this.#armed) return;
    this.#armed = false;
    this.#clock.clearTimeout(this.#timer);
  }

  static #release(waiter: Waiter): void {
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener("abort", waiter.onAbort);
  }
}
