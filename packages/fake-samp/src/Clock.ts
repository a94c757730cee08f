/**
 * Injectable time source. The default ({@link systemClock}) looks the globals up on every
 * call, so `vi.useFakeTimers()` installed after construction still takes effect.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A {@link Clock} over `Date.now`, `setTimeout` and `clearTimeout`, resolved lazily. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
};
