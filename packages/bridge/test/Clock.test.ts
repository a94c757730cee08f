import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../src/Clock.js";

describe("systemClock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("follows fake timers installed after import", () => {
    vi.useFakeTimers({ now: 1000 });
    const fired = vi.fn();
    systemClock.setTimeout(fired, 50);
    const cancelled = vi.fn();
    systemClock.clearTimeout(systemClock.setTimeout(cancelled, 10));
    vi.advanceTimersByTime(50);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
    expect(systemClock.now()).toBe(1050);
  });
});
