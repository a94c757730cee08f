import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SlidingWindow, UtilError } from "../src/index.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("SlidingWindow", () => {
  it("lets `limit` events into any window and no more", () => {
    const window = new SlidingWindow({ limit: 3, window: 1000 });
    expect([window.tryTake(), window.tryTake(), window.tryTake(), window.tryTake()]).toEqual([true, true, true, false]);
    expect(window.count).toBe(3);
    expect(window.remaining).toBe(0);
    expect(window.full).toBe(true);
  });

  it("slides: an event leaves exactly `window` ms after it was taken", () => {
    const window = new SlidingWindow({ limit: 2, window: 1000 });
    window.tryTake();
    vi.advanceTimersByTime(400);
    window.tryTake();
    expect(window.retryAfter).toBe(600);
    vi.advanceTimersByTime(599);
    expect(window.tryTake()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(window.retryAfter).toBe(0);
    expect(window.tryTake()).toBe(true);
    // The second event (taken at 400) still holds its place until 1400.
    expect(window.tryTake()).toBe(false);
    expect(window.retryAfter).toBe(400);
  });

  it("never lets more than `limit` events into any interval of `window` ms, wherever it starts", () => {
    const window = new SlidingWindow({ limit: 5, window: 1000 });
    const taken: number[] = [];
    for (let t = 0; t < 10_000; t += 37) {
      if (window.tryTake()) taken.push(Date.now());
      vi.advanceTimersByTime(37);
    }
    for (let i = 5; i < taken.length; i++) expect(taken[i]! - taken[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(taken.length).toBeGreaterThan(40);
  });

  it("record() counts past the limit, forgetting the oldest, so `full` tells a threshold", () => {
    const window = new SlidingWindow({ limit: 3, window: 1000 });
    window.record();
    vi.advanceTimersByTime(500);
    window.record();
    window.record();
    expect(window.full).toBe(true);
    window.record(); // the one at 0 is dropped: the threshold now ends 1000 ms after 500
    expect(window.count).toBe(3);
    vi.advanceTimersByTime(500);
    expect(window.full).toBe(true);
    vi.advanceTimersByTime(500);
    expect(window.count).toBe(0);
  });

  it("reset() forgets every event", () => {
    const window = new SlidingWindow({ limit: 1, window: 1000 });
    window.tryTake();
    window.reset();
    expect(window.tryTake()).toBe(true);
  });

  it("takes an injected clock", () => {
    let now = 0;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
    const window = new SlidingWindow({ limit: 1, window: 10, clock });
    expect(window.tryTake()).toBe(true);
    expect(window.tryTake()).toBe(false);
    now = 10;
    expect(window.tryTake()).toBe(true);
  });

  it.each([
    [{ limit: 0, window: 1000 }],
    [{ limit: 1.5, window: 1000 }],
    [{ limit: 2_000_000, window: 1000 }],
    [{ limit: 1, window: 0 }],
    [{ limit: 1, window: Number.NaN }],
    [{ limit: 1, window: 2 ** 31 }],
    [{ limit: Number.POSITIVE_INFINITY, window: 10 }],
  ])("refuses %o with UTIL_INVALID_OPTION", (options) => {
    expect(() => new SlidingWindow(options)).toThrow(expect.objectContaining({ name: "UtilError", code: "UTIL_INVALID_OPTION" }) as Error);
    expect(() => new SlidingWindow(options)).toThrow(UtilError);
  });
});
