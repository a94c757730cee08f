import type { Clock } from "@nuwani/util";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/** A clock that moves only when the test says so; timers fire in time order, then in order of creation. */
export class ManualClock implements Clock {
  #now = 1_000_000;
  #seq = 0;
  readonly #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), seq: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves `ms` forward, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, Timer] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at > end) continue;
        if (next === undefined || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq)) next = entry;
      }
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].callback();
    }
    this.#now = end;
  }
}

/** One turn of the event loop: lets loopback I/O that is ready run. */
export function ioTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A real millisecond for loopback I/O that goes through the thread pool or the kernel (files,
 * UDP): not a wait for time to pass, but room for answers already on their way, so that the
 * clock's timeouts (query, RCON, REST) cannot outrun them.
 */
export function ioPause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * Advances `clock` in `step` ms increments, letting I/O run between them, until `run` settles;
 * resolves with its result. Bounded by `limit` ms of clock time. `pace: "io"` also gives real
 * loopback I/O (files, UDP) a millisecond between steps (see {@link ioPause}).
 */
export async function driveUntilSettled<T>(run: Promise<T>, clock: ManualClock, step = 100, limit = 120_000, pace: "turns" | "io" = "turns"): Promise<T> {
  let settled = false;
  const result = run.finally(() => {
    settled = true;
  });
  for (let elapsed = 0; !settled && elapsed < limit; elapsed += step) {
    clock.advance(step);
    if (pace === "io") await ioPause();
    for (let turn = 0; turn < 5 && !settled; turn++) await ioTurn();
  }
  if (!settled) throw new Error(`did not settle within ${limit} ms of clock time`);
  return result;
}
