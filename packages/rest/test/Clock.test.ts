import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../src/Clock.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("systemClock", () => {
  it("looks the timer globals up at call time, so fake timers installed later control it", () => {
    vi.useFakeTimers({ now: 1_000 });
    const fired: number[] = [];
    systemClock.setTimeout(() => fired.push(systemClock.now()), 50);
    const cancelled = systemClock.setTimeout(() => fired.push(-1), 60);
    systemClock.clearTimeout(cancelled);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([1_050]);
  });
});
