/**
 * An injectable time source. Code that waits takes one, so tests drive time with
 * `vi.useFakeTimers()` or a hand-written clock instead of sleeping.
 */
export interface Clock {
  /** The current time in milliseconds, like `Date.now()`. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer started with `setTimeout`; harmless for one that fired or was cleared. */
  clearTimeout(handle: unknown): void;
}

/** The longest delay a Node timer honours (2^31 − 1 ms); a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The default {@link Clock}: looks `Date.now`, `setTimeout` and `clearTimeout` up on
 * `globalThis` at call time, so `vi.useFakeTimers()` installed after construction still takes
 * effect. Delays are clamped to `[0, MAX_TIMER_MS]` (a non-finite delay counts as the longest).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, clampDelay(ms)),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
};

/** `ms` clamped to what a timer honours: `[0, MAX_TIMER_MS]`, NaN as 0. */
export function clampDelay(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}
