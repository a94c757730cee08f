import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultClock } from "../src/Clock.js";

describe("defaultClock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("uses fake timers installed after it was imported", async () => {
    vi.useFakeTimers({ now: 1_000 });
    expect(defaultClock.now()).toBe(1_000);
    const fired = vi.fn();
    defaultClock.setTimeout(fired, 500);
    await vi.advanceTimersByTimeAsync(499);
    expect(fired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toHaveBeenCalledOnce();
    expect(defaultClock.now()).toBe(1_500);
  });

  it("clears a timer", async () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const handle = defaultClock.setTimeout(fired, 10);
    defaultClock.clearTimeout(handle);
    defaultClock.clearTimeout(undefined);
    await vi.advanceTimersByTimeAsync(100);
    expect(fired).not.toHaveBeenCalled();
  });
});
