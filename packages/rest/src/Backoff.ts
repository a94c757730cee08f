import { type Clock, MAX_TIMER_MS } from "@nuwani/util";
import { abortedError, RestError } from "./RestError.js";

interface Sleep {
  handle: unknown;
  reject: (error: Error) => void;
}

/** The retry backoffs of one client: sleeps that `destroy()` ends with `REST_DESTROYED` and a signal with `REST_ABORTED`. */
export class Backoff {
  private readonly clock: Clock;
  private readonly sleeps = new Set<Sleep>();

  /** No sleep running. */
  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Resolves after `requested` ms (at once for 0 or less, after at most 2^31 − 1 ms for more). */
  sleep(requested: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal));
    if (!(requested > 0)) return Promise.resolve();
    const ms = Math.min(requested, MAX_TIMER_MS); // a retryDelay of days is cut, never wrapped to 1 ms
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.clock.clearTimeout(sleep.handle);
        this.sleeps.delete(sleep);
        reject(abortedError(signal!));
      };
      const sleep: Sleep = {
        handle: undefined,
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      sleep.handle = this.clock.setTimeout(() => {
        this.sleeps.delete(sleep);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      this.sleeps.add(sleep);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Ends every sleep with `REST_DESTROYED`. */
  destroy(): void {
    for (const sleep of this.sleeps) {
      this.clock.clearTimeout(sleep.handle);
      sleep.reject(new RestError("REST_DESTROYED", "the REST client was destroyed"));
    }
    this.sleeps.clear();
  }
}
