import { describe, expect, it, vi } from "vitest";
import { systemClock } from "@nuwani/util";
import { GlobalLimiter } from "../src/GlobalLimiter.js";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";

useFakeTimersPerTest({ now: 0 });

describe("GlobalLimiter", () => {
  it("allows `limit` per sliding `window`, in FIFO order", async () => {
    const limiter = new GlobalLimiter(systemClock, { limit: 2, window: 1000 });
    const order: number[] = [];
    for (let i = 0; i < 5; i++) void limiter.take().then(() => order.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(order).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("pause() holds everything back, even without a limit", async () => {
    const limiter = new GlobalLimiter(systemClock, false);
    limiter.pause(500);
    expect(limiter.paused).toBe(true);
    let done = false;
    void limiter.take().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect([done, limiter.paused]).toEqual([true, false]);
  });

  it("an abort while waiting fails with REST_ABORTED (the signal's reason as cause) and lets the next waiter go", async () => {
    const limiter = new GlobalLimiter(systemClock, { limit: 1, window: 1000 });
    await limiter.take();
    const controller = new AbortController();
    const aborted = limiter.take(controller.signal);
    let next = false;
    void limiter.take().then(() => (next = true));
    const reason = new Error("the player left");
    controller.abort(reason);
    await expect(aborted).rejects.toMatchObject({ name: "RestError", code: "REST_ABORTED", cause: reason });
    await vi.advanceTimersByTimeAsync(1000);
    expect(next).toBe(true);
    expect(limiter.pending).toBe(0);
  });

  it("destroy() rejects the waiters", async () => {
    const limiter = new GlobalLimiter(systemClock, { limit: 1, window: 1000 });
    await limiter.take();
    const waiting = limiter.take();
    limiter.destroy();
    await expect(waiting).rejects.toMatchObject({ code: "REST_DESTROYED" });
  });
});
