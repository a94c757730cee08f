import { describe, expect, it, vi } from "vitest";
import { GatewayError } from "../src/GatewayError.js";
import { IdentifyThrottle } from "../src/IdentifyThrottle.js";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";

const HOUR = 3_600_000;

/** Starts an acquire and records when it settled. */
function track(promise: Promise<void>): { at: number | undefined; error: unknown; promise: Promise<void> } {
  const state: { at: number | undefined; error: unknown; promise: Promise<void> } = { at: undefined, error: undefined, promise };
  state.promise = promise.then(
    () => void (state.at = Date.now()),
    (error: unknown) => void (state.error = error),
  );
  return state;
}

describe("IdentifyThrottle", () => {
  useFakeTimersPerTest({ now: 0 });

  it("spaces two connections on one bucket at least 5 s apart", async () => {
    const throttle = new IdentifyThrottle();
    const first = track(throttle.acquire(0));
    const second = track(throttle.acquire(0));
    const third = track(throttle.acquire(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(first.at).toBe(0);
    expect(second.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(second.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(second.at).toBe(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(third.at).toBe(10_000);
    expect(throttle.pending).toBe(0);
  });

  it("with one bucket, every shard waits its turn", async () => {
    const throttle = new IdentifyThrottle();
    const shards = [0, 1, 2].map((id) => track(throttle.acquire(id)));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(shards.map((s) => s.at)).toEqual([0, 5_000, 10_000]);
  });

  it("an identify later than the interval passes at once", async () => {
    const throttle = new IdentifyThrottle();
    await throttle.acquire(0);
    await vi.advanceTimersByTimeAsync(7_000);
    const later = track(throttle.acquire(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(later.at).toBe(7_000);
  });

  it("with max_concurrency 2, shards 0 and 1 identify together and shard 2 waits", async () => {
    const throttle = new IdentifyThrottle({ maxConcurrency: 2 });
    const shards = [0, 1, 2, 3].map((id) => track(throttle.acquire(id)));
    await vi.advanceTimersByTimeAsync(0);
    expect(shards.map((s) => s.at)).toEqual([0, 0, undefined, undefined]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shards.map((s) => s.at)).toEqual([0, 0, 5_000, 5_000]);
  });

  it("setMaxConcurrency() moves waiters to their new buckets without identifying early", async () => {
    const throttle = new IdentifyThrottle();
    const shards = [0, 1, 2, 3].map((id) => track(throttle.acquire(id)));
    await vi.advanceTimersByTimeAsync(1_000);
    throttle.setMaxConcurrency(2);
    expect(throttle.maxConcurrency).toBe(2);
    await vi.advanceTimersByTimeAsync(4_000);
    // Shard 0 identified at 0; nobody may go before 5 s, then one per bucket.
    expect(shards.map((s) => s.at)).toEqual([0, 5_000, 5_000, undefined]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shards[3]?.at).toBe(10_000);
  });

  it("setSessionStartLimit() takes max_concurrency from GET /gateway/bot", async () => {
    const throttle = new IdentifyThrottle();
    throttle.setSessionStartLimit({ total: 1000, remaining: 1000, reset_after: 24 * HOUR, max_concurrency: 4 });
    expect(throttle.maxConcurrency).toBe(4);
    const shards = [0, 1, 2, 3, 4].map((id) => track(throttle.acquire(id)));
    await vi.advanceTimersByTimeAsync(0);
    expect(shards.map((s) => s.at)).toEqual([0, 0, 0, 0, undefined]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shards[4]?.at).toBe(5_000);
    expect(throttle.sessionStartLimit?.remaining).toBe(995);
  });

  it("counts session starts and rejects with GATEWAY_SESSION_LIMIT_EXHAUSTED when none is left", async () => {
    const throttle = new IdentifyThrottle({
      interval: 0,
      sessionStartLimit: { total: 1000, remaining: 2, reset_after: 2 * HOUR + 30 * 60_000 },
    });
    await throttle.acquire(0);
    await throttle.acquire(0);
    expect(throttle.sessionStartLimit).toEqual({ total: 1000, remaining: 0, resetAfter: 2 * HOUR + 30 * 60_000 });
    const error = await throttle.acquire(0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "GATEWAY_SESSION_LIMIT_EXHAUSTED" });
    expect((error as GatewayError).message).toContain("resets in 2h 30m 0s");
  });

  it("rejects every waiter once the budget runs out while they wait", async () => {
    const throttle = new IdentifyThrottle({ sessionStartLimit: { total: 10, remaining: 1, reset_after: HOUR } });
    const first = track(throttle.acquire(0));
    const second = track(throttle.acquire(0));
    const third = track(throttle.acquire(0));
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all([first.promise, second.promise, third.promise]);
    expect(first.at).toBe(0);
    expect(second.error).toMatchObject({ code: "GATEWAY_SESSION_LIMIT_EXHAUSTED" });
    expect(third.error).toMatchObject({ code: "GATEWAY_SESSION_LIMIT_EXHAUSTED" });
    expect(throttle.pending).toBe(0);
  });

  it("restores remaining to total after reset_after", async () => {
    const throttle = new IdentifyThrottle({ sessionStartLimit: { total: 1000, remaining: 0, reset_after: HOUR } });
    await expect(throttle.acquire(0)).rejects.toMatchObject({ code: "GATEWAY_SESSION_LIMIT_EXHAUSTED" });
    await vi.advanceTimersByTimeAsync(HOUR - 1);
    await expect(throttle.acquire(0)).rejects.toMatchObject({ code: "GATEWAY_SESSION_LIMIT_EXHAUSTED" });
    await vi.advanceTimersByTimeAsync(1);
    expect(throttle.sessionStartLimit).toEqual({ total: 1000, remaining: 1000, resetAfter: undefined });
    await expect(throttle.acquire(0)).resolves.toBeUndefined();
    // The next 24-hour period starts with that identify.
    expect(throttle.sessionStartLimit).toEqual({ total: 1000, remaining: 999, resetAfter: 24 * HOUR });
  });

  it("does not track a daily limit until one is set", async () => {
    const throttle = new IdentifyThrottle({ interval: 0 });
    expect(throttle.sessionStartLimit).toBeUndefined();
    for (let i = 0; i < 2000; i++) await throttle.acquire(i);
    expect(throttle.sessionStartLimit).toBeUndefined();
  });

  it("an abort signal cancels a wait, and the next shard keeps its slot", async () => {
    const throttle = new IdentifyThrottle();
    await throttle.acquire(0);
    const controller = new AbortController();
    const aborted = track(throttle.acquire(1, controller.signal));
    const next = track(throttle.acquire(2));
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort(new Error("shard stopped"));
    await aborted.promise;
    expect(aborted.error).toMatchObject({ code: "GATEWAY_ABORTED" });
    expect((aborted.error as GatewayError).cause).toEqual(new Error("shard stopped"));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(next.at).toBe(5_000);
    expect(aborted.at).toBeUndefined();
  });

  it("an aborted acquire consumes no session start", async () => {
    const throttle = new IdentifyThrottle({ sessionStartLimit: { total: 5, remaining: 5, reset_after: HOUR } });
    await throttle.acquire(0);
    const controller = new AbortController();
    const waiting = throttle.acquire(0, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    await expect(throttle.acquire(0, AbortSignal.abort())).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    expect(throttle.sessionStartLimit?.remaining).toBe(4);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancelAll() rejects every waiter with GATEWAY_DISCONNECTED", async () => {
    const throttle = new IdentifyThrottle({ maxConcurrency: 2 });
    await Promise.all([throttle.acquire(0), throttle.acquire(1)]);
    const waiting = [throttle.acquire(2), throttle.acquire(3)];
    throttle.cancelAll();
    for (const promise of waiting) await expect(promise).rejects.toMatchObject({ code: "GATEWAY_DISCONNECTED" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is shared: connections using one instance are paced together", async () => {
    const throttle = new IdentifyThrottle();
    const connection = async (shardId: number) => {
      await throttle.acquire(shardId);
      return Date.now();
    };
    const times = Promise.all([connection(0), connection(1), connection(2), connection(3)]);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(await times).toEqual([0, 5_000, 10_000, 15_000]);
  });

  it("rejects bad arguments with GATEWAY_INVALID_OPTION", async () => {
    const throttle = new IdentifyThrottle();
    await expect(throttle.acquire(-1)).rejects.toMatchObject({ code: "GATEWAY_INVALID_OPTION" });
    await expect(throttle.acquire(1.5)).rejects.toMatchObject({ code: "GATEWAY_INVALID_OPTION" });
    expect(() => throttle.setMaxConcurrency(0)).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
    expect(() => throttle.setSessionStartLimit({ total: 1, remaining: -1, reset_after: 0 })).toThrow(
      expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }),
    );
    expect(() => new IdentifyThrottle({ interval: -1 })).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
  });
});

describe("IdentifyThrottle: the op 9 storm guard", () => {
  useFakeTimersPerTest({ now: 0 });

  it("issue 9: an op 9 storm stops with GATEWAY_IDENTIFY_STORM after `limit` Identifies without READY, long before the daily limit", async () => {
    const throttle = new IdentifyThrottle({ storm: { limit: 4, window: 60_000 } });
    throttle.setSessionStartLimit({ total: 1000, remaining: 1000, reset_after: 86_400_000 });
    const granted: number[] = [];
    for (let i = 0; i < 4; i++) {
      const next = track(throttle.acquire(0));
      await vi.advanceTimersByTimeAsync(5_000);
      await next.promise;
      expect(next.error).toBeUndefined();
      granted.push(next.at!);
    }
    expect(granted).toEqual([0, 5_000, 10_000, 15_000]);
    expect(throttle.unreadyIdentifies()).toBe(4);
    const fifth = track(throttle.acquire(0));
    await vi.advanceTimersByTimeAsync(5_000);
    await fifth.promise;
    expect(GatewayError.is(fifth.error, "GATEWAY_IDENTIFY_STORM")).toBe(true);
    expect((fifth.error as Error).message).toContain("996 of 1000 left today");
    expect(throttle.sessionStartLimit?.remaining).toBe(996);
  });

  it("a READY clears the count: identifies that reached READY never add up to a storm", async () => {
    const throttle = new IdentifyThrottle({ storm: { limit: 2, window: 60_000 } });
    for (let i = 0; i < 6; i++) {
      const next = track(throttle.acquire(0));
      await vi.advanceTimersByTimeAsync(5_000);
      await next.promise;
      expect(next.error).toBeUndefined();
      throttle.sessionReady();
    }
    expect(throttle.unreadyIdentifies()).toBe(0);
  });

  it("waiters queued when the storm trips are all rejected, and identifies outside the window no longer count", async () => {
    const throttle = new IdentifyThrottle({ storm: { limit: 2, window: 30_000 } });
    await throttle.acquire(0);
    const second = track(throttle.acquire(0));
    const third = track(throttle.acquire(0));
    const fourth = track(throttle.acquire(0));
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all([second.promise, third.promise, fourth.promise]);
    expect(second.at).toBe(5_000);
    expect(GatewayError.is(third.error, "GATEWAY_IDENTIFY_STORM")).toBe(true);
    expect(GatewayError.is(fourth.error, "GATEWAY_IDENTIFY_STORM")).toBe(true);
    expect(throttle.pending).toBe(0);
    // 30 s after the first identify it has left the window: one more may go.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(throttle.unreadyIdentifies()).toBe(1);
    const later = track(throttle.acquire(0));
    await vi.advanceTimersByTimeAsync(0);
    await later.promise;
    expect(later.error).toBeUndefined();
  });

  it("counts per shard: one storming shard does not stop the others", async () => {
    const throttle = new IdentifyThrottle({ interval: 0, storm: { limit: 3, window: 60_000 } });
    for (let i = 0; i < 3; i++) await throttle.acquire(0);
    await expect(throttle.acquire(0)).rejects.toMatchObject({ code: "GATEWAY_IDENTIFY_STORM" });
    await throttle.acquire(1);
    expect(throttle.unreadyIdentifies(0)).toBe(3);
    expect(throttle.unreadyIdentifies(1)).toBe(1);
    throttle.sessionReady(0);
    await throttle.acquire(0);
  });

  it("storm: false turns the guard off; bad settings are GATEWAY_INVALID_OPTION", async () => {
    const throttle = new IdentifyThrottle({ storm: false, interval: 0 });
    for (let i = 0; i < 50; i++) await throttle.acquire(0);
    expect(throttle.unreadyIdentifies()).toBe(0);
    expect(() => new IdentifyThrottle({ storm: { limit: 0 } })).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
    expect(() => new IdentifyThrottle({ storm: { window: Number.NaN } })).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
    // The window is a SlidingWindow of @nuwani/util: its bounds surface as the gateway's own error.
    expect(() => new IdentifyThrottle({ storm: { limit: 1_000_001 } })).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
    expect(() => new IdentifyThrottle({ storm: { window: 2 ** 31 } })).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
  });

  it("storm.window 0 holds nothing: no guard", async () => {
    const throttle = new IdentifyThrottle({ storm: { limit: 1, window: 0 }, interval: 0 });
    for (let i = 0; i < 5; i++) await throttle.acquire(0);
    expect(throttle.unreadyIdentifies()).toBe(0);
  });
});
