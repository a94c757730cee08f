import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, clampDelay, systemClock } from "../src/index.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("systemClock", () => {
  it("follows fake timers installed after it was created", () => {
    vi.useFakeTimers({ now: 1_000 });
    const fired: number[] = [];
    systemClock.setTimeout(() => fired.push(systemClock.now()), 50);
    expect(systemClock.now()).toBe(1_000);
    vi.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([1_050]);
  });

  it("cancels a timer with clearTimeout, and clearing twice is harmless", () => {
    vi.useFakeTimers();
    const callback = vi.fn();
    const handle = systemClock.setTimeout(callback, 10);
    systemClock.clearTimeout(handle);
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(100);
    expect(callback).not.toHaveBeenCalled();
  });

  it("caps a delay beyond 2^31 - 1 ms instead of firing it at once", () => {
    vi.useFakeTimers();
    const callback = vi.fn();
    systemClock.setTimeout(callback, 2 ** 40);
    vi.advanceTimersByTime(1_000);
    expect(callback).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_MS - 1_000);
    expect(callback).toHaveBeenCalledOnce();
  });
});

describe("clampDelay", () => {
  it("clamps into [0, 2^31 - 1]", () => {
    expect([clampDelay(-5), clampDelay(0), clampDelay(1.5), clampDelay(2 ** 31), clampDelay(Infinity), clampDelay(Number.NaN)]).toEqual([
      0,
      0,
      1.5,
      MAX_TIMER_MS,
      MAX_TIMER_MS,
      0,
    ]);
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
  });
});
