/**
 * An injectable time source. Every wait of the REST client (rate-limit buckets, the global
 * limit, retry backoff, request timeouts) goes through it.
 */
export interface Clock {
  /** Milliseconds since some fixed point, like `Date.now()`. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer; harmless for a handle that already fired or was cleared. */
  clearTimeout(handle: unknown): void;
}

/**
 * The default {@link Clock}. It looks up `Date.now`, `setTimeout` and `clearTimeout` on
 * `globalThis` at call time, never at import time, so `vi.useFakeTimers()` (or any other
 * timer fake installed later) controls it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
};

/** The longest delay Node's timers take (2^31 − 1 ms); a longer one fires after 1 ms. No timer here is longer. */
export const MAX_TIMER_DELAY = 2_147_483_647;
