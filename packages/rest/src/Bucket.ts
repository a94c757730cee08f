import { type Clock, clampDelay } from "@nuwani/util";
import { abortedError, RestError } from "./RestError.js";

/** What a response's `X-RateLimit-*` headers said about its bucket. */
export interface BucketUpdate {
  /** `X-RateLimit-Limit`. */
  limit: number;
  /** `X-RateLimit-Remaining`. */
  remaining: number;
  /** `X-RateLimit-Reset-After`, in milliseconds. */
  resetAfter: number;
  /** `X-RateLimit-Reset` (epoch seconds, the server's clock), which names the window. */
  reset: number | undefined;
}

interface Waiter {
  resolve: (bucket: Bucket) => void;
  reject: (error: Error) => void;
  /** A reserved retry's slot is not granted before this time (on the clock). */
  notBefore: number;
  /** The bucket whose queue holds the waiter (it moves with {@link Bucket.moveWaitersTo}). */
  owner: Bucket;
}

/**
 * One rate-limit bucket: a FIFO queue of requests and what Discord said about the bucket.
 * While the bucket is unknown, one request is in flight at a time; once a response told its
 * limit, up to `remaining` go out together (one at a time in an {@link Bucket.ordered} bucket),
 * and the rest wait for the reset. The reset
 * time comes from `X-RateLimit-Reset-After` measured on the injected clock; the server's
 * `X-RateLimit-Reset` only tells windows apart, so that a late answer from an old window
 * cannot spoil the new one.
 */
export class Bucket {
  /** Whether a response has told the bucket's limit. */
  known = false;
  /** `X-RateLimit-Limit`, once known. */
  limit = 1;
  /** Requests that may still be sent in the current window (our own count, never above Discord's). */
  remaining = 1;
  /** When the current window ends, on the clock; `Infinity` while a new window's end is not yet known. */
  resetAt = 0;
  /** Requests sent and not yet answered. */
  inFlight = 0;
  /**
   * Whether requests leave one at a time, in queue order, each after the previous one was
   * answered (message routes: messages must arrive in the order they were sent).
   */
  ordered = false;

  private readonly clock: Clock;
  private waiters: Waiter[] = [];
  private windowReset = Number.NEGATIVE_INFINITY;
  private expiredReset = Number.NEGATIVE_INFINITY;
  private lastWindow = 1000;
  private timer: unknown;
  private timerAt = Number.NaN;

  /** An unknown bucket: one request at a time until Discord's headers describe it. */
  constructor(clock: Clock) {
    this.clock = clock;
    this.lastUsed = clock.now();
  }

  /** How many requests wait for the bucket. */
  get queued(): number {
    return this.waiters.length;
  }

  /** When the bucket was last asked for a slot or given one back (clock time). */
  lastUsed: number;

  /**
   * Whether the bucket can be forgotten without losing anything: nothing waits or is in
   * flight, and its window is over (or its end was never told).
   */
  get idle(): boolean {
    return this.waiters.length === 0 && this.inFlight === 0 && (this.resetAt <= this.clock.now() || this.resetAt === Number.POSITIVE_INFINITY);
  }

  /**
   * Waits for a slot (at the end of the queue, or at its front for a retry).
   * @returns the bucket that granted it: another one if the waiter was moved there by
   * {@link Bucket.moveWaitersTo}; release the slot on that one
   */
  acquire(front = false, signal?: AbortSignal): Promise<Bucket> {
    this.lastUsed = this.clock.now();
    return this.enqueue(front, 0, signal);
  }

  /**
   * Reserves the next slot at the front of the queue, granted no earlier than `notBefore`
   * (clock time): a retry that keeps its place. Nothing queued behind it goes first; call it
   * before giving the current slot back.
   */
  reserve(notBefore: number, signal?: AbortSignal): Promise<Bucket> {
    return this.enqueue(true, notBefore, signal);
  }

  /**
   * Queues a waiter. When `signal` aborts while it waits, it leaves the queue (its place is
   * freed: the next one may go) and fails with `REST_ABORTED`.
   */
  private enqueue(front: boolean, notBefore: number, signal: AbortSignal | undefined): Promise<Bucket> {
    return new Promise<Bucket>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(abortedError(signal));
        return;
      }
      const onAbort = (): void => {
        const queue = waiter.owner.waiters;
        const index = queue.indexOf(waiter);
        if (index === -1) return; // already granted: the caller sees the abort and releases
        queue.splice(index, 1);
        waiter.reject(abortedError(signal!));
        waiter.owner.pump();
      };
      const waiter: Waiter = {
        resolve: (bucket) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(bucket);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
        notBefore,
        owner: this,
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (front) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Gives a slot back after the answer (with its headers, if it had them). */
  release(update?: BucketUpdate): void {
    this.lastUsed = this.clock.now();
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (update !== undefined) {
      this.update(update);
    } else if (this.resetAt === Number.POSITIVE_INFINITY && this.remaining <= 0 && this.inFlight === 0) {
      // A refilled window whose answers all failed: guess its end rather than wait forever.
      this.resetAt = this.clock.now() + this.lastWindow;
    }
    this.pump();
  }

  /** Learns from a response's headers. */
  update(update: BucketUpdate): void {
    const now = this.clock.now();
    const reset = update.reset ?? (now + update.resetAfter) / 1000;
    if (reset <= this.expiredReset) return; // an answer from a window we already left
    // A limit larger than assumed (say 1, after a 429 on a bucket not yet known) frees the difference.
    if (this.known && update.limit > this.limit && reset >= this.windowReset) this.remaining += update.limit - this.limit;
    this.limit = Math.max(1, update.limit);
    this.lastWindow = Math.max(1, update.resetAfter);
    if (!this.known) {
      this.known = true;
      this.remaining = update.remaining;
      this.resetAt = now + update.resetAfter;
      this.windowReset = reset;
      return;
    }
    this.remaining = Math.min(this.remaining, update.remaining);
    if (reset > this.windowReset) {
      this.windowReset = reset;
      this.resetAt = now + update.resetAfter;
    }
  }

  /** Empties the bucket for `ms` (a 429 for it). */
  block(ms: number): void {
    this.remaining = 0;
    this.resetAt = this.clock.now() + ms; // retry_after is the authority
    this.known = true;
    this.pump();
  }

  /** Hands the waiting requests to another bucket (Discord said both routes share one). */
  moveWaitersTo(target: Bucket): void {
    const waiters = this.waiters;
    this.waiters = [];
    if (this.ordered) target.ordered = true;
    for (const waiter of waiters) waiter.owner = target;
    target.waiters.push(...waiters);
    target.pump();
  }

  /** Rejects every waiting request with `REST_DESTROYED` and stops the timer. */
  destroy(): void {
    this.clearTimer();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new RestError("REST_DESTROYED", "the REST client was destroyed"));
  }

  /** Lets as many waiters go as the bucket allows, and sets a timer for the rest. */
  pump(): void {
    while (this.waiters.length > 0) {
      const now = this.clock.now();
      if (this.ordered && this.inFlight > 0) break;
      const head = this.waiters[0]!;
      if (head.notBefore > now) {
        this.armTimer(head.notBefore - now);
        break;
      }
      if (!this.known) {
        if (this.inFlight > 0) break;
      } else {
        if (now >= this.resetAt) {
          // The window ended: a fresh one allows `limit` requests; its end is told by their answers.
          this.expiredReset = this.windowReset;
          this.remaining = this.limit;
          this.resetAt = Number.POSITIVE_INFINITY;
        }
        if (this.remaining <= 0) {
          if (this.resetAt !== Number.POSITIVE_INFINITY) this.armTimer(this.resetAt - now);
          break;
        }
        this.remaining--;
      }
      this.inFlight++;
      this.waiters.shift()!.resolve(this);
    }
    if (this.waiters.length === 0 || (this.ordered && this.inFlight > 0)) this.clearTimer();
  }

  private armTimer(ms: number): void {
    const at = this.clock.now() + ms;
    if (this.timer !== undefined && this.timerAt === at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.NaN;
      this.pump();
    }, clampDelay(ms)); // a longer wait re-arms when this fires
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.NaN;
  }
}
