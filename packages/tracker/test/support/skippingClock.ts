// A clock for loopback tests whose sockets run on real timers, but where one wait is not what
// the test is about (e.g. the 1–5 s the gateway waits after op 9): the test lets that one wait
// pass at once instead of sleeping through it.
import { systemClock } from "@nuwani/util";
import type { Clock } from "@nuwani/util";

/** Real timers, except that the test can make the next timer of a given delay fire at once, as if its time had passed. */
export class SkippingClock implements Clock {
  #offset = 0;
  #skip: { ms: number; resolve: () => void } | undefined;

  /** `Date.now()`, plus the time skipped so far. */
  now = (): number => Date.now() + this.#offset;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const skip = this.#skip;
    if (skip === undefined || ms !== skip.ms) return systemClock.setTimeout(callback, ms);
    this.#skip = undefined;
    this.#offset += ms;
    skip.resolve();
    return systemClock.setTimeout(callback, 0);
  };

  clearTimeout = (handle: unknown): void => systemClock.clearTimeout(handle);

  /**
   * The next timer of exactly `ms` fires at once and moves `now()` on by `ms`; resolves once
   * that timer is set. (Other timers run as usual meanwhile.)
   */
  skipNext(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#skip = { ms, resolve };
    });
  }
}
