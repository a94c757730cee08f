import { describe, expect, it, vi } from "vitest";
import { Bucket } from "../src/Bucket.js";
import { systemClock } from "@nuwani/util";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";

useFakeTimersPerTest({ now: 0 });

/** Acquires `count` slots and reports how many were granted so far. */
function acquireAll(bucket: Bucket, count: number): { granted: () => number; all: Promise<Bucket[]> } {
  let granted = 0;
  const all = Promise.all(
    Array.from({ length: count }, () =>
      bucket.acquire().then((owner) => {
        granted++;
        return owner;
      }),
    ),
  );
  return { granted: () => granted, all };
}

describe("Bucket", () => {
  it("lets one request through while unknown, then `remaining`, then waits for the reset", async () => {
    const bucket = new Bucket(systemClock);
    const { granted, all } = acquireAll(bucket, 6);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted()).toBe(1);
    bucket.release({ limit: 3, remaining: 2, resetAfter: 1000, reset: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(granted()).toBe(3);
    expect(bucket).toMatchObject({ known: true, limit: 3, remaining: 0, inFlight: 2, queued: 3 });
    bucket.release({ limit: 3, remaining: 1, resetAfter: 900, reset: 1 });
    bucket.release({ limit: 3, remaining: 0, resetAfter: 900, reset: 1 });
    await vi.advanceTimersByTimeAsync(999);
    expect(granted()).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted()).toBe(6);
    expect(bucket.resetAt).toBe(Number.POSITIVE_INFINITY); // a new window whose end the answers will tell
    await expect(all).resolves.toEqual(Array(6).fill(bucket));
  });

  it("never trusts a count above its own, and ignores late answers from a window it left", async () => {
    const bucket = new Bucket(systemClock);
    await bucket.acquire();
    bucket.release({ limit: 2, remaining: 0, resetAfter: 100, reset: 5 });
    const { granted } = acquireAll(bucket, 3);
    await vi.advanceTimersByTimeAsync(100);
    expect(granted()).toBe(2);
    bucket.update({ limit: 2, remaining: 0, resetAfter: 0, reset: 5 }); // stale: the old window
    expect(bucket.remaining).toBe(0);
    bucket.release({ limit: 2, remaining: 5, resetAfter: 200, reset: 6 }); // a new window, a count above ours
    expect([bucket.remaining, bucket.resetAt]).toEqual([0, 300]);
    await vi.advanceTimersByTimeAsync(200);
    expect(granted()).toBe(3);
  });

  it("block() empties the bucket for retry_after, and a retry goes to the front of the queue", async () => {
    const bucket = new Bucket(systemClock);
    await bucket.acquire();
    bucket.release({ limit: 5, remaining: 4, resetAfter: 1000, reset: 1 });
    bucket.block(300);
    const order: string[] = [];
    void bucket.acquire().then(() => order.push("queued"));
    void bucket.acquire(true).then(() => order.push("retry"));
    await vi.advanceTimersByTimeAsync(299);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(["retry", "queued"]);
  });

  it("guesses the end of a refilled window whose answers all failed, instead of waiting forever", async () => {
    const bucket = new Bucket(systemClock);
    await bucket.acquire();
    bucket.release({ limit: 1, remaining: 0, resetAfter: 100, reset: 1 });
    await vi.advanceTimersByTimeAsync(100);
    await bucket.acquire(); // the new window's one request
    let next = false;
    void bucket.acquire().then(() => (next = true));
    bucket.release(); // it failed without headers
    await vi.advanceTimersByTimeAsync(99);
    expect(next).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next).toBe(true);
  });

  it("moveWaitersTo hands queued requests over, and they release on the new bucket", async () => {
    const from = new Bucket(systemClock);
    const to = new Bucket(systemClock);
    await from.acquire();
    const moved = from.acquire();
    from.moveWaitersTo(to);
    await expect(moved).resolves.toBe(to);
    expect([from.queued, to.inFlight]).toEqual([0, 1]);
  });

  it("destroy() rejects the waiters with REST_DESTROYED", async () => {
    const bucket = new Bucket(systemClock);
    await bucket.acquire();
    const waiting = bucket.acquire();
    bucket.destroy();
    await expect(waiting).rejects.toMatchObject({ code: "REST_DESTROYED" });
  });

  it("regression: after a 429 on a bucket not yet known, its real limit was never used until the next reset", async () => {
    const bucket = new Bucket(systemClock);
    const first = await bucket.acquire();
    first.release();
    bucket.block(1000); // a 429 before any X-RateLimit-* was seen: one request per window assumed
    const { granted } = acquireAll(bucket, 5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(granted()).toBe(1);
    bucket.release({ limit: 5, remaining: 4, resetAfter: 5000, reset: 10 });
    await vi.advanceTimersByTimeAsync(0);
    expect(granted()).toBe(5); // the 4 the answer allows, not one more window of waiting
  });

  it("a waiter aborted after moving to a shared bucket leaves that bucket's queue, and the next one is granted", async () => {
    const first = new Bucket(systemClock);
    const shared = new Bucket(systemClock);
    const held = await shared.acquire(); // shared's only slot is taken
    await first.acquire(); // first's in-flight slot: the next ones wait in first
    const controller = new AbortController();
    const aborted = first.acquire(false, controller.signal).catch((error: unknown) => error);
    const next = first.acquire();
    first.moveWaitersTo(shared);
    expect(shared.queued).toBe(2);
    controller.abort("gone");
    await expect(aborted).resolves.toMatchObject({ code: "REST_ABORTED", cause: "gone" });
    expect(shared.queued).toBe(1);
    held.release();
    await expect(next).resolves.toBe(shared);
  });

  it("an already aborted signal is refused at once without taking a place", async () => {
    const bucket = new Bucket(systemClock);
    await expect(bucket.acquire(false, AbortSignal.abort())).rejects.toMatchObject({ code: "REST_ABORTED" });
    expect([bucket.queued, bucket.inFlight]).toEqual([0, 0]);
  });
});
