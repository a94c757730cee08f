import { type Clock, clampDelay } from "@nuwani/util";
import { abortedError, RestError } from "./RestError.js";

/** A limit of `limit` requests per `window` milliseconds. */
export interface RateLimit {
  limit: number;
  window: number;
}

/**
 * The client side of Discord's global limit (50 requests per second per bot): a sliding
 * window over the times requests were sent, with a FIFO of waiting requests, and a pause
 * of everything after a global 429.
 */
export class GlobalLimiter {
  private readonly clock: Clock;
  private readonly limit: RateLimit | false;
  private readonly sent: number[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private pausedUntil = 0;
  private timer: unknown;
  private timerAt = Number.NaN;

  /** A limiter of `limit` requests per window (`false`: no client-side limit), not paused. */
  constructor(clock: Clock, limit: RateLimit | false) {
    this.clock = clock;
    this.limit = limit;
  }

  /** Whether requests are paused by a global 429 right now. */
  get paused(): boolean {
    return this.clock.now() < this.pausedUntil;
  }

  /**
   * Waits for a slot in the global window (and for the end of any pause). When `signal`
   * aborts first, the request leaves the queue and fails with `REST_ABORTED`.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(abortedError(signal));
        return;
      }
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index === -1) return;
        this.waiters.splice(index, 1);
        waiter.reject(abortedError(signal!));
        this.pump();
      };
      const waiter = {
        resolve: (): void => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (error: Error): void => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Pauses every request for `ms` (a global 429). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    this.pump();
  }

  /** Rejects every waiting request with `REST_DESTROYED` and stops the timer. */
  destroy(): void {
    this.clearTimer();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new RestError("REST_DESTROYED", "the REST client was destroyed"));
  }

  private pump(): void {
    while (this.waiters.length > 0) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        this.armTimer(this.pausedUntil);
        return;
      }
      if (this.limit !== false) {
        while (this.sent.length > 0 && this.sent[0]! <= now - this.limit.window) this.sent.shift();
        if (this.sent.length >= this.limit.limit) {
          this.armTimer(this.sent[0]! + this.limit.window);
          return;
        }
        this.sent.push(now);
      }
      this.waiters.shift()!.resolve();
    }
    this.clearTimer();
  }

  private armTimer(at: number): void {
    if (this.timer !== undefined && this.timerAt === at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.NaN;
        this.pump();
      },
      clampDelay(at - this.clock.now()), // a longer wait re-arms when this fires
    );
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.NaN;
  }
}
