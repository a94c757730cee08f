import { describe, expect, it } from "vitest";
import { systemClock } from "@nuwani/util";
import { RateLimitManager } from "../src/RateLimitManager.js";
import { routeKey } from "../src/routeKey.js";

function manager(): RateLimitManager {
  return new RateLimitManager({ clock: systemClock, global: { limit: 50, window: 1000 }, invalidRequests: { limit: 9000, window: 600_000 } });
}

describe("RateLimitManager", () => {
  it("keeps one bucket per route and major parameter until Discord names the bucket", () => {
    const limits = manager();
    const a = routeKey("POST", "/channels/1/messages");
    const b = routeKey("POST", "/channels/2/messages");
    expect(limits.bucketFor(a)).toBe(limits.bucketFor(a));
    expect(limits.bucketFor(a)).not.toBe(limits.bucketFor(b));
    expect(limits.size).toBe(2);
  });

  it("merges routes that name the same hash for the same major parameter, moving the waiters", async () => {
    const limits = manager();
    const put = routeKey("PUT", "/channels/1/messages/2/reactions/x/@me");
    const del = routeKey("DELETE", "/channels/1/messages/2/reactions/x/@me");
    const putBucket = limits.bucketFor(put);
    expect(limits.learn(put, "r", putBucket)).toBe(putBucket);
    expect(limits.learn(put, "r", putBucket)).toBe(putBucket);
    const delBucket = limits.bucketFor(del);
    await delBucket.acquire();
    const waiting = delBucket.acquire();
    expect(limits.learn(del, "r", delBucket)).toBe(putBucket);
    expect(limits.bucketFor(del)).toBe(putBucket);
    await expect(waiting).resolves.toBe(putBucket);
    expect(limits.hashOf(del)).toBe("r");
    // Another channel: same hash, another major parameter, another bucket.
    const other = routeKey("PUT", "/channels/9/messages/2/reactions/x/@me");
    expect(limits.learn(other, "r", limits.bucketFor(other))).not.toBe(putBucket);
    limits.destroy();
  });

  it("regression: memory grew with every route ever used; with 24,000 routes it stays bounded by the routes of the last idleTimeout", async () => {
    let now = 0;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
    const limits = new RateLimitManager({ clock, global: false, invalidRequests: { limit: 9000, window: 600_000 }, idleTimeout: 60_000 });
    let peak = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 6000; i++) {
        const route = routeKey("POST", `/channels/${100_000_000_000_000_000n + BigInt(round * 6000 + i)}/messages`);
        const bucket = await limits.bucketFor(route).acquire();
        const target = limits.learn(route, "create-message", bucket);
        target.update({ limit: 5, remaining: 4, resetAfter: 5000, reset: undefined });
        target.release();
        peak = Math.max(peak, limits.size, limits.learntRoutes);
        now += 1;
      }
      now += 60_000;
    }
    expect(peak).toBeLessThanOrEqual(6001);
    limits.bucketFor(routeKey("GET", "/gateway"));
    expect([limits.size, limits.learntRoutes]).toEqual([1, 0]);
  });
});
