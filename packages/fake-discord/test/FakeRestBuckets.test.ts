import { describe, expect, it } from "vitest";
import { FakeRestBuckets } from "../src/FakeRestBuckets.js";
import { ManualClock } from "./support/protocol.js";

const key = { bucket: "abc", major: "1", version: 10 as const, precise: true };

describe("FakeRestBuckets", () => {
  it("counts a fixed window per bucket and major parameter, with Discord's headers", () => {
    const clock = new ManualClock();
    const buckets = new FakeRestBuckets({ bucket: { limit: 2, window: 1000 }, global: false, clock });
    const first = buckets.take(key);
    expect(first).toEqual({
      kind: "allowed",
      headers: {
        "X-RateLimit-Limit": "2",
        "X-RateLimit-Remaining": "1",
        "X-RateLimit-Reset": ((clock.now() + 1000) / 1000).toFixed(3),
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": "abc",
      },
    });
    clock.advance(250);
    expect(buckets.take(key)).toMatchObject({ kind: "allowed", headers: { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.750" } });
    expect(buckets.take({ ...key, major: "2" })).toMatchObject({ kind: "allowed", headers: { "X-RateLimit-Remaining": "1" } });
    const limited = buckets.take(key);
    expect(limited).toEqual({
      kind: "limited",
      global: false,
      retryAfter: 750,
      headers: expect.objectContaining({ "X-RateLimit-Remaining": "0", "Retry-After": "1", "X-RateLimit-Scope": "user" }) as unknown,
      body: { message: "You are being rate limited.", retry_after: 0.75, global: false },
    });
    clock.advance(750);
    expect(buckets.take(key)).toMatchObject({ kind: "allowed", headers: { "X-RateLimit-Remaining": "1" } });
  });

  it("v6: whole seconds unless precise, retry_after and Retry-After in milliseconds", () => {
    const clock = new ManualClock();
    const buckets = new FakeRestBuckets({ bucket: { limit: 1, window: 1500 }, global: false, clock });
    const coarse = buckets.take({ ...key, version: 6, precise: false });
    expect(coarse).toMatchObject({ headers: { "X-RateLimit-Reset-After": "2", "X-RateLimit-Reset": String(Math.ceil((clock.now() + 1500) / 1000)) } });
    clock.advance(100);
    expect(buckets.take({ ...key, version: 6, precise: true })).toMatchObject({
      kind: "limited",
      retryAfter: 1400,
      headers: { "X-RateLimit-Reset-After": "1.400", "Retry-After": "1400" },
      body: { retry_after: 1400, global: false },
    });
  });

  it("enforces the global limit over every bucket with X-RateLimit-Global", () => {
    const clock = new ManualClock();
    const buckets = new FakeRestBuckets({ bucket: { limit: 100, window: 1000 }, global: { limit: 3, window: 1000 }, clock });
    for (let i = 0; i < 3; i++) expect(buckets.take({ ...key, major: String(i) }).kind).toBe("allowed");
    clock.advance(400);
    const limited = buckets.take({ ...key, major: "9", version: 6 });
    expect(limited).toMatchObject({
      kind: "limited",
      global: true,
      retryAfter: 600,
      headers: { "X-RateLimit-Global": "true", "Retry-After": "600" },
      body: { message: "You are being rate limited.", retry_after: 600, global: true },
    });
    expect(limited.headers).not.toHaveProperty("X-RateLimit-Bucket");
    clock.advance(600);
    expect(buckets.take({ ...key, major: "9" }).kind).toBe("allowed");
  });

  it("uses a route's own limit, and reset() refills everything", () => {
    const buckets = new FakeRestBuckets({ clock: new ManualClock() });
    expect(buckets.bucket).toEqual({ limit: 5, window: 5000 });
    expect(buckets.global).toEqual({ limit: 50, window: 1000 });
    const own = { ...key, limit: { limit: 1, window: 250 } };
    expect(buckets.take(own).kind).toBe("allowed");
    expect(buckets.take(own).kind).toBe("limited");
    buckets.reset();
    expect(buckets.take(own).kind).toBe("allowed");
  });
});
