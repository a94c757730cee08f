import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, RateLimiter, UtilError } from "../src/index.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts `count` takes and records the time each resolves (or the code it rejects with). */
function takeAll(limiter: RateLimiter, count: number, signal?: AbortSignal): Array<number | string | undefined> {
  const results: Array<number | string | undefined> = Array.from({ length: count }, () => undefined);
  for (let i = 0; i < count; i++) {
    limiter.take(signal).then(
      () => (results[i] = Date.now()),
      (error: { code?: string }) => (results[i] = error.code ?? "error"),
    );
  }
  return results;
}

describe("RateLimiter", () => {
  it("serves waiters in FIFO order as the window slides", async () => {
    const limiter = new RateLimiter({ limit: 2, window: 1000 });
    const results = takeAll(limiter, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([0, 0, undefined, undefined, undefined]);
    expect(limiter.pending).toBe(3);
    await vi.advanceTimersByTimeAsync(2000);
    expect(results).toEqual([0, 0, 1000, 1000, 2000]);
    expect(limiter.pending).toBe(0);
  });

  it("tryTake never jumps the queue", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 100 });
    expect(limiter.tryTake()).toBe(true);
    const results = takeAll(limiter, 1);
    await vi.advanceTimersByTimeAsync(100);
    expect(limiter.tryTake()).toBe(false); // the waiter took the slot at 100
    expect(results).toEqual([100]);
  });

  it("pause holds every take back; the longest pause wins", async () => {
    const limiter = new RateLimiter({ limit: 10, window: 1000 });
    limiter.pause(500);
    limiter.pause(200);
    expect(limiter.paused).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.retryAfter).toBe(500);
    const results = takeAll(limiter, 2);
    await vi.advanceTimersByTimeAsync(499);
    expect(results).toEqual([undefined, undefined]);
    await vi.advanceTimersByTimeAsync(1);
    expect(results).toEqual([500, 500]);
  });

  it("with limit false only pauses hold takes back", async () => {
    const limiter = new RateLimiter({ limit: false, window: 0 });
    expect(limiter.limit).toBe(false);
    for (let i = 0; i < 1000; i++) expect(limiter.tryTake()).toBe(true);
    expect(limiter.remaining).toBe(Number.POSITIVE_INFINITY);
    limiter.pause(50);
    const results = takeAll(limiter, 3);
    await vi.advanceTimersByTimeAsync(50);
    expect(results).toEqual([50, 50, 50]);
  });

  it("an aborted waiter leaves the queue with abortError(signal) and the next one moves up", async () => {
    const limiter = new RateLimiter({
      limit: 1,
      window: 1000,
      abortError: (signal) => Object.assign(new Error("gone"), { code: "MINE_ABORTED", cause: signal.reason as unknown }),
    });
    limiter.tryTake();
    const controller = new AbortController();
    const first = takeAll(limiter, 1, controller.signal);
    const second = takeAll(limiter, 1);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(first).toEqual(["MINE_ABORTED"]);
    expect(limiter.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(second).toEqual([1000]);
  });

  it("rejects at once for an already aborted signal, by default with UTIL_ABORTED carrying the reason", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 1000 });
    const reason = new Error("stop");
    const error = await limiter.take(AbortSignal.abort(reason)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UtilError);
    expect(error).toMatchObject({ code: "UTIL_ABORTED", cause: reason });
    expect(limiter.remaining).toBe(1); // nothing was taken
  });

  it("cancelAll rejects every waiter with the given error and leaves no timer behind", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 1000 });
    limiter.tryTake();
    const results = takeAll(limiter, 3);
    limiter.cancelAll(Object.assign(new Error("closed"), { code: "CLOSED" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual(["CLOSED", "CLOSED", "CLOSED"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reset forgets takes and pauses and serves the waiters at once", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 1000 });
    limiter.tryTake();
    limiter.pause(10_000);
    const results = takeAll(limiter, 1);
    limiter.reset();
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([0]);
  });

  it("keeps every timer below 2^31 ms, however long the pause", async () => {
    const delays: number[] = [];
    const clock = {
      now: () => Date.now(),
      setTimeout: (callback: () => void, ms: number) => {
        delays.push(ms);
        return setTimeout(callback, ms);
      },
      clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    const limiter = new RateLimiter({ limit: 1, window: 1000, clock });
    limiter.pause(10 * MAX_TIMER_MS);
    const results = takeAll(limiter, 1);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(results).toEqual([undefined]); // woke early, checked the time, re-armed
    expect(delays.length).toBeGreaterThanOrEqual(2);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(MAX_TIMER_MS);
    limiter.cancelAll(new Error("done"));
    await vi.advanceTimersByTimeAsync(0);
  });

  it("refuses a bad window with UTIL_INVALID_OPTION", () => {
    expect(() => new RateLimiter({ limit: 0, window: 1000 })).toThrow(expect.objectContaining({ code: "UTIL_INVALID_OPTION" }) as Error);
  });
});
