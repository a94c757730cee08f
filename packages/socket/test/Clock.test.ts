import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../src/Clock.js";

describe("systemClock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("follows fake timers installed after it was imported", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const fired: number[] = [];
    systemClock.setTimeout(() => fired.push(systemClock.now()), 500);
    const cancelled = systemClock.setTimeout(() => fired.push(-1), 600);
    systemClock.clearTimeout(cancelled);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([1_000_500]);
    expect(systemClock.now()).toBe(1_001_000);
  });

  it("uses the real timers otherwise", async () => {
    const before = systemClock.now();
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
  });
});
