import { describe, expect, it, vi } from "vitest";
import { DiscordRest, rateLimitsOf } from "../src/DiscordRest.js";
import type { RestError } from "../src/RestError.js";
import { routeKey } from "../src/routeKey.js";
import { channelId, restFor, startFake } from "./support/fake.js";
import { ManualClock } from "@nuwani/util";
import { json, scriptedFetch } from "./support/scriptedFetch.js";

const TIMER_LIMIT = 2 ** 31;

async function failure(promise: Promise<unknown>): Promise<RestError> {
  return (await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  )) as RestError;
}

describe("DiscordRest against hostile rate-limit answers (the fake on loopback, a manual clock)", () => {
  for (const [version, retryAfter] of [
    [6, 1e9],
    [10, 1e12],
  ] as const) {
    it(`regression v${version}: a 429 with retry_after 1e9 waited for ever (or spun on a timer Node cut to 1 ms); now REST_RATE_LIMITED at once, and the channel still works after maxRateLimitWait`, { timeout: 10_000 }, async () => {
      const discord = await startFake({ rest: { global: false } });
      const clock = new ManualClock();
      const rest = restFor(discord, { version, clock, maxRateLimitWait: 60_000 });
      const general = channelId(discord);
      discord.rest.faults.rateLimitNext({ retryAfter: 1e9 });
      const error = await failure(rest.createMessage(general, "hostile"));
      expect(error).toMatchObject({ code: "REST_RATE_LIMITED", status: 429, retryAfter, method: "POST", route: `/channels/${general}/messages` });
      expect(discord.rest.requests).toHaveLength(1);

      const later = rest.createMessage(general, "later");
      await clock.advanceAsync(59_999);
      expect(discord.rest.requests).toHaveLength(1); // the bucket is blocked for maxRateLimitWait, not for 1e9
      await clock.advanceAsync(1);
      await expect(later).resolves.toMatchObject({ content: "later" });
      expect(discord.postedMessages.map((message) => message.content)).toEqual(["later"]);
      expect(clock.longest).toBeLessThan(TIMER_LIMIT);
    });
  }

  it("regression: a 429 with X-RateLimit-Reset-After 1e9 and no retry_after: REST_RATE_LIMITED with retryAfter in ms", { timeout: 10_000 }, async () => {
    const discord = await startFake({ rest: { global: false } });
    const clock = new ManualClock();
    const rest = restFor(discord, { version: 10, clock, maxRateLimitWait: 5000 });
    discord.rest.faults.rateLimitNext({ headers: { "X-RateLimit-Reset-After": "1e9", "X-RateLimit-Bucket": "b" } });
    const error = await failure(rest.getGatewayBot());
    expect(error).toMatchObject({ code: "REST_RATE_LIMITED", retryAfter: 1e12 });
    expect(clock.longest).toBeLessThan(TIMER_LIMIT);
  });

  it("a global 429 with retry_after 1e9 pauses every route for maxRateLimitWait only", { timeout: 10_000 }, async () => {
    const discord = await startFake({ rest: { global: false } });
    const clock = new ManualClock();
    const rest = restFor(discord, { version: 10, clock, maxRateLimitWait: 2000 });
    discord.rest.faults.rateLimitNext({ retryAfter: 1e9, global: true });
    expect(await failure(rest.createMessage(channelId(discord), "x"))).toMatchObject({ code: "REST_RATE_LIMITED", retryAfter: 1e12 });
    expect(rateLimitsOf(rest).global.paused).toBe(true);
    const other = rest.getGatewayBot();
    await clock.advanceAsync(2000);
    await expect(other).resolves.toMatchObject({ shards: 1 });
    expect(clock.longest).toBeLessThan(TIMER_LIMIT);
  });

  it("garbage rate-limit values are ignored: a 429 falls back to 1 s, bad bucket headers leave the bucket alone", { timeout: 10_000 }, async () => {
    const discord = await startFake({ rest: { global: false } });
    const clock = new ManualClock();
    let limited = 0;
    const rest = restFor(discord, { version: 10, clock, onRateLimited: () => limited++ });
    const general = channelId(discord);
    discord.rest.faults.rateLimitNext({ retryAfter: "soon", headers: { "Retry-After": "garbage", "X-RateLimit-Reset-After": "-5" } });
    const first = rest.createMessage(general, "first");
    await until(() => limited === 1);
    await clock.advanceAsync(999);
    expect(discord.rest.requests).toHaveLength(1);
    await clock.advanceAsync(1);
    await expect(first).resolves.toMatchObject({ content: "first" });
    await clock.advanceAsync(5000); // the window the answer told
    discord.rest.faults.headersNext({ "X-RateLimit-Remaining": "lots", "X-RateLimit-Limit": "-3", "X-RateLimit-Reset-After": "NaN" });
    await expect(rest.createMessage(general, "second")).resolves.toMatchObject({ content: "second" });
    await expect(rest.createMessage(general, "third")).resolves.toMatchObject({ content: "third" });
    const bucket = rateLimitsOf(rest).bucketFor(routeKey("POST", `/channels/${general}/messages`));
    expect(bucket.limit).toBe(5);
  });

  it("waits count against the retry budget: 429 waits adding up to more than maxRateLimitWait fail with REST_RATE_LIMITED", { timeout: 10_000 }, async () => {
    const discord = await startFake({ rest: { global: false } });
    const clock = new ManualClock();
    let limited = 0;
    const rest = restFor(discord, { version: 6, clock, maxRateLimitWait: 1000, onRateLimited: () => limited++ });
    discord.rest.faults.rateLimitNext({ retryAfter: 600 }, 2);
    const result = failure(rest.getGateway());
    await until(() => limited === 1);
    await clock.advanceAsync(600);
    const error = await result;
    expect(error).toMatchObject({ code: "REST_RATE_LIMITED", retryAfter: 600 });
    expect(error.message).toContain("1200 ms in all");
    expect(discord.rest.requests).toHaveLength(2);
  });
});

describe("DiscordRest: response size cap", () => {
  it("an oversized body (chunked, no Content-Length) fails with REST_RESPONSE_TOO_LARGE, unread and not retried; the client goes on", async () => {
    const discord = await startFake({ rest: { global: false } });
    const rest = restFor(discord, { version: 10, maxResponseBytes: 100_000 });
    discord.rest.faults.oversizedNext(5_000_000);
    const error = await failure(rest.getGatewayBot());
    expect(error).toMatchObject({ code: "REST_RESPONSE_TOO_LARGE", status: 200, method: "GET", route: "/gateway/bot" });
    expect(discord.rest.requests).toHaveLength(1);
    await expect(rest.getGatewayBot()).resolves.toMatchObject({ shards: 1 });
  });

  it("a declared Content-Length over the cap is refused before reading; maxResponseBytes must be an integer ≥ 0", async () => {
    const { fetch } = scriptedFetch([new Response("x".repeat(2000), { status: 200, headers: { "Content-Length": "2000" } }), json(200, { ok: true })]);
    const rest = new DiscordRest({ token: "t", baseUrl: "http://discord.test/api", fetch, maxResponseBytes: 1000 });
    await expect(rest.getGateway()).rejects.toMatchObject({ code: "REST_RESPONSE_TOO_LARGE" });
    await expect(rest.getGateway()).resolves.toEqual({ ok: true });
    expect(() => new DiscordRest({ token: "t", maxResponseBytes: -1 })).toThrow(expect.objectContaining({ code: "REST_INVALID_ARGUMENT" }) as Error);
  });
});

describe("DiscordRest: no timer of 2^31 ms or more", () => {
  it("refuses timeout and maxRateLimitWait beyond 2^31 − 1 ms, and cuts a retryDelay of days to the longest timer", async () => {
    for (const options of [{ timeout: TIMER_LIMIT }, { maxRateLimitWait: TIMER_LIMIT }, { maxRateLimitWait: 0 }, { maxRateLimitWait: Number.NaN }]) {
      expect(() => new DiscordRest({ token: "t", ...options })).toThrow(expect.objectContaining({ code: "REST_INVALID_ARGUMENT" }) as Error);
    }
    const clock = new ManualClock();
    const { fetch, calls } = scriptedFetch([json(500, {}), json(200, { ok: true })]);
    const rest = new DiscordRest({ token: "t", baseUrl: "http://discord.test/api", fetch, clock, retryDelay: () => 1e12 });
    const result = rest.getGateway();
    await until(() => clock.longest > 15_000);
    expect(clock.longest).toBe(TIMER_LIMIT - 1);
    await clock.advanceAsync(TIMER_LIMIT - 1);
    await expect(result).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });
});

/** Waits (polling on real time, for loopback I/O) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => {
    if (!condition()) throw new Error("not yet");
  });
}
