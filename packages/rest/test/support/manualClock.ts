import type { Clock } from "@nuwani/util";

/**
 * A clock the test moves by hand, for tests against the fake on real loopback sockets (where
 * faking the timer globals would also stop the HTTP stack's own timers). It records the
 * longest delay ever asked for, so tests can prove no timer reaches 2^31 ms.
 */
export class ManualClock implements Clock {
  /** The longest `setTimeout` delay asked for. */
  longest = 0;
  private time = 1_000_000;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    this.longest = Math.max(this.longest, ms);
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time on by `ms`, firing due timers in order (and letting promises settle between them). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.time = end;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
