import { describe, expect, it, vi } from "vitest";
import { systemClock } from "@nuwani/util";
import { InvalidRequestGuard } from "../src/InvalidRequestGuard.js";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";

useFakeTimersPerTest({ now: 0 });

describe("InvalidRequestGuard", () => {
  it("counts 401, 403 and 429 in a sliding window and reports exhaustion at the threshold", () => {
    const guard = new InvalidRequestGuard(systemClock, { limit: 3, window: 10_000 });
    for (const status of [200, 204, 400, 404, 500]) guard.record(status);
    expect(guard.count).toBe(0);
    guard.record(401);
    vi.advanceTimersByTime(4000);
    guard.record(403);
    guard.record(429);
    expect([guard.count, guard.exhausted, guard.retryAfter]).toEqual([3, true, 6000]);
    vi.advanceTimersByTime(6000);
    expect([guard.count, guard.exhausted]).toEqual([2, false]);
    vi.advanceTimersByTime(4000);
    expect([guard.count, guard.retryAfter]).toEqual([0, 0]);
  });

  it("past the threshold (answers of requests already in flight) it stays exhausted until the oldest of the last `limit` answers leaves", () => {
    const guard = new InvalidRequestGuard(systemClock, { limit: 2, window: 10_000 });
    guard.record(401);
    vi.advanceTimersByTime(1000);
    guard.record(401);
    vi.advanceTimersByTime(1000);
    guard.record(429);
    expect([guard.count, guard.exhausted, guard.retryAfter]).toEqual([2, true, 9000]);
    vi.advanceTimersByTime(8999);
    expect(guard.exhausted).toBe(true);
    vi.advanceTimersByTime(1);
    expect([guard.count, guard.exhausted, guard.retryAfter]).toEqual([1, false, 0]);
  });
});
