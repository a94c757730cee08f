import { MAX_TIMER_MS, type Clock } from "@nuwani/util";

/** A timer of any length, from {@link setLongTimeout}. */
export interface LongTimeout {
  /** Cancels it; harmless after it fired. */
  cancel(): void;
}

/**
 * Calls `callback` once after `ms` milliseconds, however long that is: a wait past
 * {@link MAX_TIMER_MS} is a chain of shorter timers, so no timer ever overflows.
 * @internal
 */
export function setLongTimeout(clock: Clock, callback: () => void, ms: number): LongTimeout {
  const deadline = clock.now() + Math.max(0, ms);
  let handle: unknown;
  let done = false;
  const arm = (wait: number): void => {
    handle = clock.setTimeout(() => {
      const left = deadline - clock.now();
      if (left > 0) arm(left);
      else {
        done = true;
        callback();
      }
    }, Math.min(wait, MAX_TIMER_MS));
  };
  arm(Math.max(0, ms));
  return {
    cancel: () => {
      if (done) return;
      done = true;
      clock.clearTimeout(handle);
    },
  };
}
