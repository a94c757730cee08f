import { SampError } from "./SampError.js";
import { unrefTimer } from "./unrefTimer.js";
import type { Clock } from "@nuwani/util";

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly rate: number;
  /** Most tokens kept (the burst). */
  readonly burst: number;
  /** Most callers waiting; one more is refused with `SAMP_QUEUE_FULL`. */
  readonly maxQueued: number;
  readonly clock: Clock;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: SampError) => void;
}

/**
 * Paces datagrams under the server's query limit: {@link TokenBucket.take} resolves when a
 * token is free, in call order. Waiting is bounded by `maxQueued` and by `destroy()`.
 */
export class TokenBucket {
  readonly #options: TokenBucketOptions;
  #tokens: number;
  #refilledAt: number;
  readonly #waiters: Waiter[] = [];
  #timer: unknown = undefined;
  #destroyed = false;

  constructor(options: TokenBucketOptions) {
    if (!(options.rate > 0) || !Number.isFinite(options.rate)) throw new SampError("SAMP_INVALID_ARGUMENT", "rate must be a positive number");
    if (!Number.isInteger(options.burst) || options.burst < 1) throw new SampError("SAMP_INVALID_ARGUMENT", "burst must be an integer of at least 1");
    this.#options = options;
    this.#tokens = options.burst;
    this.#refilledAt = options.clock.now();
  }

  /** Callers waiting now. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Resolves when a token is taken. @throws {@link SampError} `SAMP_QUEUE_FULL`, `SAMP_DESTROYED` */
  take(): Promise<void> {
    if (this.#destroyed) return Promise.reject(new SampError("SAMP_DESTROYED", "the query client was destroyed"));
    this.#refill();
    if (this.#waiters.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return Promise.resolve();
    }
    if (this.#waiters.length >= this.#options.maxQueued) {
      return Promise.reject(new SampError("SAMP_QUEUE_FULL", `more than ${this.#options.maxQueued} queries wait for pacing`));
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#schedule();
    });
  }

  /** Rejects every waiter with `SAMP_DESTROYED` and refuses new ones. Idempotent. */
  destroy(): void {
    this.#destroyed = true;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new SampError("SAMP_DESTROYED", "the query client was destroyed"));
  }

  #refill(): void {
    const now = this.#options.clock.now();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(this.#options.burst, this.#tokens + (elapsed * this.#options.rate) / 1000);
    this.#refilledAt = now;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#waiters.length === 0) return;
    const wait = Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#options.rate));
    this.#timer = unrefTimer(
      this.#options.clock.setTimeout(() => {
        this.#timer = undefined;
        this.#refill();
        while (this.#waiters.length > 0 && this.#tokens >= 1) {
          this.#tokens -= 1;
          this.#waiters.shift()!.resolve();
        }
        this.#schedule();
      }, wait),
    );
  }
}
