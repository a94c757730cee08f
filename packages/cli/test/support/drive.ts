import type { ManualClock } from "@nuwani/util";

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
