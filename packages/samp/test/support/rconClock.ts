import type { ManualClock } from "@nuwani/util";

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Moves a query client's `ManualClock` through its RCON waits while the UDP I/O stays real.
 * A `say` (and the include's commands) answers nothing, so after each command the client waits
 * its `rconQuietPeriod`: on the clock, which this moves by exactly that period once the server
 * has the command (never before), instead of the test waiting it out in real time.
 */
export class RconClock {
  /** RCON datagrams the server had when the clock was last moved for one. */
  #handled = 0;

  /**
   * @param clock - the client's clock
   * @param quiet - the client's `rconQuietPeriod`, in ms
   * @param received - how many RCON datagrams the server has received (any password)
   */
  constructor(
    readonly clock: ManualClock,
    readonly quiet: number,
    readonly received: () => number,
  ) {}

  /**
   * Settles `work` (deliveries, mutes; a value is taken as settled): each time one more RCON command has reached the server
   * over loopback UDP, lets an answer (if any) reach the client and moves the clock by the
   * quiet period. Bounded: `maxSteps` quiet periods, and a bounded number of event-loop turns
   * between them (after which the clock moves anyway, for a reply that re-armed the wait).
   */
  async settle<T>(work: T | PromiseLike<T>, maxSteps = 100): Promise<T> {
    let settled = false;
    const result = Promise.resolve(work).finally(() => {
      settled = true;
    });
    result.catch(() => undefined); // the caller gets the rejection from the returned promise
    for (let step = 0; !settled; step++) {
      if (step === maxSteps) throw new Error(`RconClock: not settled after ${maxSteps} quiet periods`);
      for (let turns = 0; turns < 2_000 && !settled && this.received() <= this.#handled; turns++) await turn();
      if (settled) break;
      if (this.received() > this.#handled) this.#handled++;
      for (let turns = 0; turns < 5; turns++) await turn();
      this.clock.advance(this.quiet);
    }
    return result;
  }
}
