/**
 * Injectable time source for every timing component of the gateway.
 *
 * Structurally identical to the `Clock` of `@nuwani/socket`, so one object can be passed to
 * both layers.
 */
export interface Clock {
  /** Milliseconds since an arbitrary epoch; only differences are used. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer made by {@link Clock.setTimeout}; unknown or spent handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The default {@link Clock}: `Date.now`, `setTimeout` and `clearTimeout` of `globalThis`,
 * looked up at every call (not captured at import), so `vi.useFakeTimers()` installed after
 * this module loaded still takes effect.
 */
export const defaultClock: Clock = {
  now: () => globalThis.Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout> | undefined);
  },
};
