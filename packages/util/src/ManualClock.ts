import { type Clock, MAX_TIMER_MS } from "./Clock.js";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A {@link Clock} that moves only when told to, for tests: timers run inside
 * {@link ManualClock.advance}, in time order and, at the same time, in the order they were set.
 * Use it where faking the timer globals would also stop real I/O's own timers (tests against
 * loopback sockets); elsewhere `vi.useFakeTimers()` with `systemClock` does the same.
 *
 * Like Node, it runs a delay above 2^31 − 1 ms (or a NaN one) after 1 ms, so code that forgets
 * to cap a timer misbehaves here as it would in production; {@link ManualClock.longest}
 * records the longest delay ever asked for, so a test can prove none went over.
 */
export class ManualClock implements Clock {
  /** The longest delay passed to `setTimeout` so far (as asked, before any overflow rule). */
  public longest = 0;

  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, Timer>();

  /** A clock standing at `start` ms. @param start - @defaultValue 1_000_000 */
  public constructor(start = 1_000_000) {
    this.#now = start;
  }

  /** The clock's time. */
  public now(): number {
    return this.#now;
  }

  /** Sets a timer `ms` from now; returns its handle. */
  public setTimeout(callback: () => void, ms: number): unknown {
    if (ms > this.longest) this.longest = ms;
    const delay = !(ms <= MAX_TIMER_MS) ? 1 : Math.max(0, ms);
    const seq = ++this.#seq;
    this.#timers.set(seq, { at: this.#now + delay, seq, callback });
    return seq;
  }

  /** Cancels a timer; harmless for one that ran or was cancelled. */
  public clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** How many timers are waiting. */
  public get pending(): number {
    return this.#timers.size;
  }

  /** Moves time on by `ms`, running every timer that falls due on the way (and those they set). */
  public advance(ms: number): void {
    const end = this.#now + Math.max(0, ms);
    for (let timer = this.#next(end); timer !== undefined; timer = this.#next(end)) this.#run(timer);
    this.#now = end;
  }

  /**
   * Like {@link ManualClock.advance}, but lets the event loop turn (`setImmediate`) after each
   * timer and at the end, so promises and ready loopback I/O settle in between.
   */
  public async advanceAsync(ms: number): Promise<void> {
    const end = this.#now + Math.max(0, ms);
    for (let timer = this.#next(end); timer !== undefined; timer = this.#next(end)) {
      this.#run(timer);
      await turn();
    }
    this.#now = end;
    await turn();
  }

  #next(end: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.at > end) continue;
      if (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) next = timer;
    }
    return next;
  }

  #run(timer: Timer): void {
    this.#timers.delete(timer.seq);
    if (timer.at > this.#now) this.#now = timer.at;
    timer.callback();
  }
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
