import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandLimiter } from "../src/CommandLimiter.js";
import { IdentifyThrottle } from "../src/IdentifyThrottle.js";
import { setLongTimeout } from "../src/longTimeout.js";
import { MemberChunkCollector } from "../src/MemberChunkCollector.js";
import { MAX_TIMER_MS, systemClock } from "@nuwani/util";

const LONG = 3_000_000_000; // past 2^31 − 1 ms: Node would fire such a timer after 1 ms

let longest = 0;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  longest = 0;
  const real = globalThis.setTimeout;
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms?: number) => {
    longest = Math.max(longest, ms ?? 0);
    return real(callback, ms);
  }));
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("no timer of 2^31 ms or more", () => {
  it("setLongTimeout chains timers and fires once, at the deadline", async () => {
    const fired: number[] = [];
    setLongTimeout(systemClock, () => fired.push(Date.now()), LONG);
    await vi.advanceTimersByTimeAsync(LONG - 1);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([LONG]);
    expect(longest).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it("setLongTimeout can be cancelled before and after it fired", async () => {
    const fired: number[] = [];
    const timer = setLongTimeout(systemClock, () => fired.push(Date.now()), LONG);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 10);
    timer.cancel();
    await vi.advanceTimersByTimeAsync(LONG);
    expect(fired).toEqual([]);
    timer.cancel();
  });

  it("regression: a CommandLimiter window past 2^31 ms released the command after 1 ms; it is refused now, and the longest one holds", async () => {
    expect(() => new CommandLimiter({ limit: 2, reserve: 1, window: LONG })).toThrow(
      expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }) as Error,
    );
    expect(() => new CommandLimiter({ presenceWindow: LONG })).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }) as Error);
    const limiter = new CommandLimiter({ limit: 2, reserve: 1, window: MAX_TIMER_MS });
    await limiter.send("normal");
    let released = false;
    void limiter.send("normal").then(() => (released = true));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(released).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(released).toBe(true);
    expect(longest).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it("regression: an IdentifyThrottle interval past 2^31 ms let the next identify through after 1 ms", async () => {
    const throttle = new IdentifyThrottle({ interval: LONG });
    await throttle.acquire(0);
    let granted = false;
    void throttle.acquire(0).then(() => (granted = true));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(LONG);
    expect(granted).toBe(true);
    expect(longest).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it("regression: a member request timeout past 2^31 ms rejected the request after 1 ms", async () => {
    const collector = new MemberChunkCollector();
    const request = collector.begin(undefined, { timeout: LONG });
    let settled = false;
    request.promise.catch(() => undefined).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(LONG);
    expect(settled).toBe(true);
    expect(longest).toBeLessThanOrEqual(MAX_TIMER_MS);
  });
});
