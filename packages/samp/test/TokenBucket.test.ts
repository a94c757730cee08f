import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenBucket } from "../src/TokenBucket.js";
import { systemClock } from "@nuwani/util";

afterEach(() => {
  vi.useRealTimers();
});

describe("TokenBucket (fake timers)", () => {
  it("gives a burst at once, then one token per 1/rate s, in call order", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const bucket = new TokenBucket({ rate: 4, burst: 2, maxQueued: 10, clock: systemClock });
    const order: number[] = [];
    const takes = Array.from({ length: 5 }, (_, index) => bucket.take().then(() => order.push(index)));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(249);
    expect(order).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(500);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    await Promise.all(takes);
  });

  it("refills while idle, never above the burst", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const bucket = new TokenBucket({ rate: 10, burst: 3, maxQueued: 10, clock: systemClock });
    for (let i = 0; i < 3; i++) await bucket.take();
    await vi.advanceTimersByTimeAsync(60_000);
    let taken = 0;
    const destroyed: string[] = [];
    for (let i = 0; i < 5; i++) void bucket.take().then(() => taken++, (error: { code: string }) => destroyed.push(error.code));
    await vi.advanceTimersByTimeAsync(0);
    expect(taken).toBe(3);
    bucket.destroy();
    await vi.advanceTimersByTimeAsync(0);
    expect(destroyed).toEqual(["SAMP_DESTROYED", "SAMP_DESTROYED"]);
  });

  it("refuses bad options", () => {
    expect(() => new TokenBucket({ rate: 0, burst: 1, maxQueued: 1, clock: systemClock })).toThrow(expect.objectContaining({ code: "SAMP_INVALID_ARGUMENT" }));
    expect(() => new TokenBucket({ rate: 1, burst: 0, maxQueued: 1, clock: systemClock })).toThrow(expect.objectContaining({ code: "SAMP_INVALID_ARGUMENT" }));
  });
});
