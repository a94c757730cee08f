/**
 * An injectable time source. Every wait of this package (query timeouts, pacing, RCON quiet
 * periods, log polling, the watchdog) goes through it.
 */
export interface Clock {
  /** Milliseconds since some fixed point, like `Date.now()`. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer; harmless for a handle that already fired or was cleared. */
  clearTimeout(handle: unknown): void;
}

/** The longest timer Node honours (2^31 − 1 ms); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The default {@link Clock}: looks `Date.now`, `setTimeout` and `clearTimeout` up on
 * `globalThis` at call time, so `vi.useFakeTimers()` installed later controls it. Timers are
 * unref'd so that a pending poll never keeps a process alive, and capped below 2^31 ms.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = globalThis.setTimeout(callback, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
};
