import type { ManualClock } from "@nuwani/util";

/** Statuses whose answer has no body (a `Response` refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/** A `fetch` that counts the attempts on loopback, from the call until the body is read. */
export interface CountedFetch {
  readonly fetch: typeof fetch;
  /** Attempts whose answer has not been read to its end yet. */
  readonly inFlight: number;
}

/**
 * Wraps `inner` (the global `fetch` by default) so that a test knows when the loopback I/O of
 * every attempt is done: the body is read inside the wrapper and handed on in a new `Response`.
 */
export function countedFetch(inner: typeof fetch = (input, init) => globalThis.fetch(input, init)): CountedFetch {
  let inFlight = 0;
  const counted: typeof fetch = async (input, init) => {
    inFlight++;
    try {
      const response = await inner(input, init);
      const body = await response.arrayBuffer();
      return new Response(NO_BODY.has(response.status) ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      inFlight--;
    }
  };
  return {
    fetch: counted,
    get inFlight() {
      return inFlight;
    },
  };
}

/**
 * Turns the event loop (never waiting on time) until every attempt in flight is answered or
 * held by the server until a later time (`held`), then a few turns more for the client to act.
 */
async function settleIo(io: CountedFetch, held: () => number): Promise<void> {
  const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
  for (let turns = 0; io.inFlight > held(); turns++) {
    if (turns > 200_000) throw new Error("settleIo: an attempt stayed in flight");
    await turn();
  }
  for (let i = 0; i < 5; i++) await turn();
}

/**
 * Runs `work` to its end on a manual clock shared by the fake Discord and the client: whenever
 * no attempt is in flight on loopback (or only ones the server `held` until later), time moves
 * on by `step` ms. So every window, reset,
 * `retry_after` and timeout is measured on one clock that moves only between answers, and no
 * test waits on real time for it. Fails after `maxSteps` steps rather than hanging.
 */
export async function runOnClock<T>(
  clock: ManualClock,
  io: CountedFetch,
  work: Promise<T>,
  { step = 10, maxSteps = 10_000, held = () => 0 }: { step?: number; maxSteps?: number; held?: () => number } = {},
): Promise<T> {
  let settled = false;
  const watched = work.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let steps = 0; !settled; steps++) {
    if (steps >= maxSteps) throw new Error(`runOnClock: the work did not settle within ${maxSteps} steps of ${step} ms`);
    await settleIo(io, held);
    if (!settled) await clock.advanceAsync(step);
  }
  await watched;
  return work;
}
