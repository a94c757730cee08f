import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "@nuwani/util";
import { GatewayError } from "../src/GatewayError.js";
import { RateLimiter } from "../src/RateLimiter.js";
import { maxInWindow } from "./support/maxInWindow.js";

describe("RateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("tryTake() allows `limit` per window and frees slots as they age out", async () => {
    const limiter = new RateLimiter({ limit: 3, window: 1000 });
    expect(limiter.remaining).toBe(3);
    expect(limiter.tryTake()).toBe(true);
    await vi.advanceTimersByTimeAsync(400);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.remaining).toBe(0);
    expect(limiter.retryAfter).toBe(600);
    await vi.advanceTimersByTimeAsync(599);
    expect(limiter.tryTake()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(limiter.remaining).toBe(1);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.retryAfter).toBe(400);
  });

  it("is a sliding window: no burst of 2 × limit across a window boundary", async () => {
    const limiter = new RateLimiter({ limit: 2, window: 1000 });
    await vi.advanceTimersByTimeAsync(900);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(true);
    await vi.advanceTimersByTimeAsync(200); // t = 1100: a fixed window would have reset at 1000
    expect(limiter.tryTake()).toBe(false);
    await vi.advanceTimersByTimeAsync(700); // t = 1800 (= 900 + 1000 - 100)
    expect(limiter.tryTake()).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(limiter.tryTake()).toBe(true);
  });

  it("take() waits and resolves in FIFO order, never exceeding the limit", async () => {
    const limiter = new RateLimiter({ limit: 5, window: 1000 });
    const order: number[] = [];
    const times: number[] = [];
    const all = Array.from({ length: 23 }, (_, i) =>
      limiter.take().then(() => {
        order.push(i);
        times.push(Date.now());
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(limiter.pending).toBe(18);
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(all);
    expect(order).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(maxInWindow(times, 1000)).toBe(5);
    expect(times.at(-1)).toBe(4000);
  });

  it("tryTake() does not jump the queue", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 100 });
    expect(limiter.tryTake()).toBe(true);
    const waiting = limiter.take();
    await vi.advanceTimersByTimeAsync(100);
    await waiting;
    // The slot that freed at 100 went to the waiter.
    expect(limiter.tryTake()).toBe(false);
    const second = limiter.take();
    await vi.advanceTimersByTimeAsync(50);
    expect(limiter.tryTake()).toBe(false); // not free yet, and someone waits
    await vi.advanceTimersByTimeAsync(50);
    await second;
  });

  it("never exceeds the limit over a long, bursty run", async () => {
    const limiter = new RateLimiter({ limit: 120, window: 60_000 });
    const times: number[] = [];
    const waits: Promise<void>[] = [];
    for (let second = 0; second < 600; second++) {
      const burst = second % 37 === 0 ? 90 : second % 5;
      for (let i = 0; i < burst; i++) {
        if (i % 2 === 0 && limiter.tryTake()) times.push(Date.now());
        else waits.push(limiter.take().then(() => void times.push(Date.now())));
      }
      await vi.advanceTimersByTimeAsync(1000);
    }
    limiter.cancelAll();
    await Promise.allSettled(waits);
    expect(times.length).toBeGreaterThan(1000);
    expect(maxInWindow(times, 60_000)).toBe(120);
  });

  it("cancelAll() rejects every waiter with GATEWAY_DISCONNECTED by default", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 1000 });
    await limiter.take();
    const first = limiter.take();
    const second = limiter.take();
    limiter.cancelAll();
    await expect(first).rejects.toMatchObject({ code: "GATEWAY_DISCONNECTED" });
    await expect(second).rejects.toBeInstanceOf(GatewayError);
    expect(limiter.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancelAll(error) rejects with the given error", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 1000 });
    limiter.tryTake();
    const waiting = limiter.take();
    const error = new Error("closing");
    limiter.cancelAll(error);
    await expect(waiting).rejects.toBe(error);
  });

  it("an aborted take() leaves the queue, and later waiters keep their turn", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 1000 });
    limiter.tryTake();
    const controller = new AbortController();
    const aborted = limiter.take(controller.signal);
    const after = vi.fn();
    const next = limiter.take().then(after);
    controller.abort(new Error("no longer needed"));
    await expect(aborted).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    expect(limiter.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    await next;
    expect(after).toHaveBeenCalledOnce();
  });

  it("take() with an already aborted signal rejects at once", async () => {
    const limiter = new RateLimiter({ limit: 1, window: 1000 });
    await expect(limiter.take(AbortSignal.abort())).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    expect(limiter.remaining).toBe(1);
  });

  it("reset() forgets takes and serves waiters", async () => {
    const limiter = new RateLimiter({ limit: 2, window: 10_000 });
    limiter.tryTake();
    limiter.tryTake();
    const resolved = vi.fn();
    const waits = [limiter.take().then(resolved), limiter.take().then(resolved), limiter.take().then(resolved)];
    limiter.reset();
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toHaveBeenCalledTimes(2);
    expect(limiter.remaining).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(waits);
    expect(resolved).toHaveBeenCalledTimes(3);
  });

  it("works with an injected clock", () => {
    let now = 0;
    const timers: { at: number; callback: () => void }[] = [];
    const clock: Clock = {
      now: () => now,
      setTimeout: (callback, ms) => timers.push({ at: now + ms, callback }),
      clearTimeout: () => undefined,
    };
    const limiter = new RateLimiter({ limit: 1, window: 50, clock });
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    now = 50;
    expect(limiter.tryTake()).toBe(true);
  });

  it.each([
    [{ limit: 0, window: 1000 }],
    [{ limit: 1.5, window: 1000 }],
    [{ limit: 1, window: 0 }],
    [{ limit: 1, window: Number.POSITIVE_INFINITY }],
    [{ limit: 1, window: Number.NaN }],
  ])("rejects invalid options %o", (options) => {
    expect(() => new RateLimiter(options)).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
  });
});
