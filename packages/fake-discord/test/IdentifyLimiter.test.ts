import { describe, expect, it } from "vitest";
import { IdentifyLimiter } from "../src/IdentifyLimiter.js";
import { ManualClock } from "./support/protocol.js";

describe("IdentifyLimiter", () => {
  it("allows one Identify per 5 s per bucket", () => {
    const clock = new ManualClock();
    const limiter = new IdentifyLimiter({ clock });
    expect(limiter.attempt(0)).toBe("allowed");
    clock.advance(4999);
    expect(limiter.attempt(0)).toBe("rate-limited");
    clock.advance(1);
    expect(limiter.attempt(0)).toBe("allowed");
  });

  it("has max_concurrency buckets keyed by shard_id % max_concurrency", () => {
    const clock = new ManualClock();
    const limiter = new IdentifyLimiter({ clock, maxConcurrency: 2 });
    expect(limiter.attempt(0)).toBe("allowed");
    expect(limiter.attempt(1)).toBe("allowed");
    expect(limiter.attempt(2)).toBe("rate-limited");
    expect(limiter.attempt(3)).toBe("rate-limited");
  });

  it("decrements the session start limit, refuses when spent, and resets after reset_after", () => {
    const clock = new ManualClock();
    const limiter = new IdentifyLimiter({ clock, window: 0, sessionStartLimit: { total: 5, remaining: 2, resetAfter: 60_000 } });
    expect(limiter.sessionStartLimit).toEqual({ total: 5, remaining: 2, reset_after: 60_000, max_concurrency: 1 });
    expect(limiter.attempt(0)).toBe("allowed");
    expect(limiter.attempt(0)).toBe("allowed");
    expect(limiter.attempt(0)).toBe("exhausted");
    clock.advance(10_000);
    expect(limiter.sessionStartLimit).toMatchObject({ remaining: 0, reset_after: 50_000 });
    clock.advance(50_000);
    expect(limiter.sessionStartLimit).toMatchObject({ remaining: 5, reset_after: 86_400_000 });
    expect(limiter.attempt(0)).toBe("allowed");
  });

  it("has no window with window 0, and refuses a window of 2^31 ms or more", () => {
    const clock = new ManualClock();
    const limiter = new IdentifyLimiter({ clock, window: 0 });
    expect([limiter.attempt(0), limiter.attempt(0), limiter.attempt(0)]).toEqual(["allowed", "allowed", "allowed"]);
    expect(() => new IdentifyLimiter({ clock, window: 2 ** 31 })).toThrow(expect.objectContaining({ code: "FAKE_DISCORD_INVALID_ARGUMENT" }));
  });

  it("does not spend the session start limit on a rate-limited Identify", () => {
    const clock = new ManualClock();
    const limiter = new IdentifyLimiter({ clock, sessionStartLimit: { total: 2 } });
    expect(limiter.attempt(0)).toBe("allowed");
    expect(limiter.attempt(0)).toBe("rate-limited");
    expect(limiter.sessionStartLimit.remaining).toBe(1);
    clock.advance(5000);
    expect(limiter.attempt(0)).toBe("allowed");
    expect(limiter.attempt(1)).toBe("rate-limited");
    clock.advance(5000);
    expect(limiter.attempt(0)).toBe("exhausted");
  });
});
