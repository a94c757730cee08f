import { SocketError } from "./SocketError.js";

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /**
   * The ceiling of the first retry, in milliseconds; each further retry doubles it.
   * @defaultValue 1000
   */
  base?: number;
  /**
   * No delay is ever longer than this, in milliseconds.
   * @defaultValue 60000
   */
  cap?: number;
  /**
   * Random source for the jitter, returning a number in [0, 1).
   * @defaultValue `Math.random`
   */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: the delay before retry number `attempt` (0-based) is
 * `random() × min(cap, base × 2^attempt)`, so it is never negative and never above `cap`.
 * Full jitter spreads out many clients that lost their connection at the same moment.
 *
 * @example
 * ```ts
 * const backoff = new Backoff({ base: 500, cap: 30_000 });
 * backoff.delay(0); // somewhere in [0, 500)
 * backoff.delay(10); // somewhere in [0, 30000)
 * ```
 */
export class Backoff {
  /** The ceiling of the first retry, in milliseconds. */
  readonly base: number;
  /** The largest delay, in milliseconds. */
  readonly cap: number;
  readonly #random: () => number;

  /** @throws {@link SocketError} `SOCKET_INVALID_ARGUMENT` when `base` or `cap` is negative or not finite. */
  constructor(options: BackoffOptions = {}) {
    const { base = 1000, cap = 60_000, random = Math.random } = options;
    if (!Number.isFinite(base) || base < 0) {
      throw new SocketError("SOCKET_INVALID_ARGUMENT", `backoff.base must be a finite number ≥ 0, got ${String(base)}`);
    }
    if (!Number.isFinite(cap) || cap < 0) {
      throw new SocketError("SOCKET_INVALID_ARGUMENT", `backoff.cap must be a finite number ≥ 0, got ${String(cap)}`);
    }
    this.base = base;
    this.cap = cap;
    this.#random = random;
  }

  /** The upper bound of the delay before retry `attempt`: `min(cap, base × 2^attempt)`. */
  ceiling(attempt: number): number {
    // 2 ** 1100 is Infinity, and min() turns that into the cap: no overflow to worry about.
    return Math.min(this.cap, this.base * 2 ** Math.max(0, attempt));
  }

  /** A jittered delay in [0, ceiling(attempt)] for retry number `attempt` (0-based). */
  delay(attempt: number): number {
    const ceiling = this.ceiling(attempt);
    const r = this.#random();
    // A random source outside [0, 1) must not push the delay outside its bounds.
    const jitter = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
    return jitter * ceiling;
  }
}
