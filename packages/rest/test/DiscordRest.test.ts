import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { DiscordRest, rateLimitsOf } from "../src/DiscordRest.js";
import type { DiscordRestOptions } from "../src/DiscordRestOptions.js";
import { VERSION } from "../src/version.js";
import { RestError } from "../src/RestError.js";
import { routeKey } from "../src/routeKey.js";
import { bucketHeaders, json, scriptedFetch, type Step } from "./support/scriptedFetch.js";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";
import { scriptedRest, settle } from "./support/scriptedRest.js";

const TOKEN = "MTIzNDU2Nzg5.secret-token.value";
const CHANNEL = "123456789012345678";

// These tests were written for v6 (retry_after in ms); v10 ones say so. The default is tested on its own.
const client = (steps: Step[], options: Partial<DiscordRestOptions> = {}): ReturnType<typeof scriptedRest> => scriptedRest(TOKEN, steps, { version: 6, ...options });

useFakeTimersPerTest();

describe("DiscordRest: requests", () => {
  it("sends Authorization, Discord's User-Agent, JSON, v6 millisecond precision, the reason and the query", async () => {
    const { rest, calls } = client([json(200, { ok: true })]);
    await expect(rest.request({ method: "PATCH", path: "/guilds/1/members/2", body: { nick: "x" }, query: { a: 1, b: undefined, c: true }, reason: "räson 1" })).resolves.toEqual({ ok: true });
    expect(calls[0]).toMatchObject({
      url: "http://discord.test/api/v6/guilds/1/members/2?a=1&c=true",
      method: "PATCH",
      body: '{"nick":"x"}',
      headers: {
        Authorization: `Bot ${TOKEN}`,
        "User-Agent": `DiscordBot (https://github.com/LVPlayground/nuwani-discord, ${VERSION})`,
        "Content-Type": "application/json",
        "X-RateLimit-Precision": "millisecond",
        "X-Audit-Log-Reason": "r%C3%A4son%201",
      },
    });
    expect(rest.userAgentHeader).toMatch(/^DiscordBot \(https:\/\/github\.com\/LVPlayground\/nuwani-discord, \d+\.\d+\.\d+\)$/);
  });

  it("v10: no precision header, no Content-Type without a body, a User-Agent suffix, 204 → undefined", async () => {
    const { rest, calls } = client([json(204, null)], { version: 10, userAgentSuffix: "LVP/1" });
    await expect(rest.request({ method: "DELETE", path: "/channels/1/messages/2", query: new URLSearchParams() })).resolves.toBeUndefined();
    expect(calls[0]!.url).toBe("http://discord.test/api/v10/channels/1/messages/2");
    expect(calls[0]!.headers).not.toHaveProperty("X-RateLimit-Precision");
    expect(calls[0]!.headers).not.toHaveProperty("Content-Type");
    expect(calls[0]!.headers["User-Agent"]).toMatch(/\) LVP\/1$/);
  });

  it("createMessage sends allowed_mentions { parse: [] } unless the caller gives allowed_mentions", async () => {
    const { rest, calls } = client([json(200, { id: "1", channel_id: CHANNEL, content: "hi" })]);
    await rest.createMessage(CHANNEL, "hi @everyone");
    await rest.createMessage(CHANNEL, { content: "hi", allowed_mentions: { parse: ["users"] } });
    await rest.createMessage(CHANNEL, { embed: { title: "t" } });
    expect(calls.map((call) => JSON.parse(call.body!) as unknown)).toEqual([
      { content: "hi @everyone", allowed_mentions: { parse: [] } },
      { content: "hi", allowed_mentions: { parse: ["users"] } },
      { embed: { title: "t" }, allowed_mentions: { parse: [] } },
    ]);
    expect(calls[0]).toMatchObject({ method: "POST", url: `http://discord.test/api/v6/channels/${CHANNEL}/messages` });
  });

  it("createReaction URL-encodes Unicode emoji and keeps custom name:id", async () => {
    const { rest, calls } = client([json(204, null)]);
    await rest.createReaction(CHANNEL, "2", "👍🏽");
    await rest.createReaction(CHANNEL, "2", "<a:dance:456>");
    expect(calls.map((call) => [call.method, call.url.replace(`http://discord.test/api/v6/channels/${CHANNEL}/messages/2/reactions/`, "")])).toEqual([
      ["PUT", "%F0%9F%91%8D%F0%9F%8F%BD/@me"],
      ["PUT", "dance:456/@me"],
    ]);
  });

  it("getGateway and getGatewayBot", async () => {
    const bot = { url: "wss://x", shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 1, max_concurrency: 1 } };
    const { rest, calls } = client([json(200, { url: "wss://x" }), json(200, bot)]);
    await expect(rest.getGateway()).resolves.toEqual({ url: "wss://x" });
    await expect(rest.getGatewayBot()).resolves.toEqual(bot);
    expect(calls.map((call) => call.url)).toEqual(["http://discord.test/api/v6/gateway", "http://discord.test/api/v6/gateway/bot"]);
  });

  it("rejects bad arguments with REST_INVALID_ARGUMENT", async () => {
    const bad: Array<() => unknown> = [
      () => new DiscordRest({ token: "" }),
      () => new DiscordRest({ token: "t", version: 8 as 6 }),
      () => new DiscordRest({ token: "t", retries: -1 }),
      () => new DiscordRest({ token: "t", timeout: 0 }),
      () => new DiscordRest({ token: "t", globalLimit: { limit: 0, window: 1 } }),
    ];
    for (const make of bad) expect(make).toThrow(expect.objectContaining({ code: "REST_INVALID_ARGUMENT" }) as Error);
    const { rest } = client([json(200, {})]);
    await expect(rest.createMessage("general", "x")).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
    await expect(rest.createReaction(CHANNEL, "1", "")).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
    await expect(rest.request({ method: "GET", path: "gateway" })).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
    await expect(rest.request({ method: "HEAD" as "GET", path: "/gateway" })).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
  });

  it("regression: a body JSON cannot encode (a bigint, a cycle) was rejected with a bare TypeError; now REST_INVALID_ARGUMENT, nothing sent", async () => {
    const { rest, calls } = client([json(200, {})]);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const body of [{ id: 1n }, cycle]) {
      await expect(rest.request({ method: "POST", path: "/channels/1/messages", body })).rejects.toMatchObject({
        name: "RestError",
        code: "REST_INVALID_ARGUMENT",
        method: "POST",
        route: "/channels/1/messages",
      });
    }
    expect(calls).toHaveLength(0);
  });

  it("a globalLimit or invalidRequestLimit outside the sliding window's bounds is REST_INVALID_ARGUMENT, never util's error", () => {
    const limits = [
      { limit: 1_000_001, window: 1000 },
      { limit: 1.5, window: 1000 },
      { limit: 1, window: 2 ** 31 },
      { limit: 1, window: Number.POSITIVE_INFINITY },
      { limit: 1, window: Number.NaN },
    ];
    for (const limit of limits) {
      for (const options of [{ globalLimit: limit }, { invalidRequestLimit: limit }]) {
        expect(() => new DiscordRest({ token: "t", ...options })).toThrow(expect.objectContaining({ name: "RestError", code: "REST_INVALID_ARGUMENT" }) as Error);
      }
    }
    expect(() => new DiscordRest({ token: "t", globalLimit: { limit: 1_000_000, window: 2 ** 31 - 1 } })).not.toThrow();
  });
});

describe("DiscordRest: defaults and Discord's rules", () => {
  it("speaks v10 by default; v6 when asked", async () => {
    const { fetch, calls } = scriptedFetch([json(200, { url: "wss://x" })]);
    const rest = new DiscordRest({ token: TOKEN, baseUrl: "http://discord.test/api", fetch });
    expect(rest.version).toBe(10);
    await rest.getGateway();
    expect(calls[0]!.url).toBe("http://discord.test/api/v10/gateway");
    expect(calls[0]!.headers).not.toHaveProperty("X-RateLimit-Precision");
    const { rest: v6, calls: v6Calls } = client([json(200, { url: "wss://x" })], { version: 6 });
    await v6.getGateway();
    expect(v6Calls[0]!.url).toBe("http://discord.test/api/v6/gateway");
  });

  it("regression: a token given with its `Bot ` prefix was sent as `Bot Bot …`; now handled as the gateway does", async () => {
    for (const token of [TOKEN, `Bot ${TOKEN}`, `bot  ${TOKEN}`]) {
      const { rest, calls } = client([json(200, {})], { token });
      await rest.getGateway();
      expect(calls[0]!.headers.Authorization).toBe(`Bot ${TOKEN}`);
    }
    for (const token of ["Bot ", "Bot   "]) expect(() => new DiscordRest({ token })).toThrow(expect.objectContaining({ code: "REST_INVALID_ARGUMENT" }) as Error);
  });

  it("regression: 429s of a shared resource (X-RateLimit-Scope: shared) counted as invalid requests; now only user and global ones do", async () => {
    const { rest } = client([
      json(429, { retry_after: 10, global: false }, { "X-RateLimit-Scope": "shared" }),
      json(429, { retry_after: 10, global: false }, { "X-RateLimit-Scope": "Shared" }),
      json(429, { retry_after: 10, global: false }, { "X-RateLimit-Scope": "user" }),
      json(200, {}),
    ]);
    const result = rest.getGateway();
    await vi.advanceTimersByTimeAsync(30);
    await result;
    expect(rest.invalidRequestCount).toBe(1);
  });

  it("regression: message length was not checked, or in UTF-16 units; now 2000 code points as Discord counts", async () => {
    const { rest, calls } = client([json(200, { id: "1" })]);
    await rest.createMessage(CHANNEL, "👍".repeat(2000)); // 4000 UTF-16 units: one message for Discord
    await expect(rest.createMessage(CHANNEL, "x".repeat(2001))).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
    await expect(rest.createMessage(CHANNEL, { content: "👍".repeat(2001) })).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
    expect(calls).toHaveLength(1);
  });

  it("sends embeds as the version wants them: v10 `embeds`, v6 one `embed`", async () => {
    const { rest: v10, calls: v10Calls } = client([json(200, { id: "1" })], { version: 10 });
    await v10.createMessage(CHANNEL, { embed: { title: "t" } });
    await v10.createMessage(CHANNEL, { embeds: [{ title: "a" }, { title: "b" }] });
    expect(v10Calls.map((call) => JSON.parse(call.body!) as unknown)).toEqual([
      { embeds: [{ title: "t" }], allowed_mentions: { parse: [] } },
      { embeds: [{ title: "a" }, { title: "b" }], allowed_mentions: { parse: [] } },
    ]);
    const { rest: v6, calls: v6Calls } = client([json(200, { id: "1" })], { version: 6 });
    await v6.createMessage(CHANNEL, { content: "x", embeds: [{ title: "t" }] });
    expect(JSON.parse(v6Calls[0]!.body!)).toEqual({ content: "x", embed: { title: "t" }, allowed_mentions: { parse: [] } });
    await expect(v6.createMessage(CHANNEL, { embeds: [{}, {}] })).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
    await expect(v10.createMessage(CHANNEL, { embed: {}, embeds: [] })).rejects.toMatchObject({ code: "REST_INVALID_ARGUMENT" });
  });
});

describe("DiscordRest: errors", () => {
  it("regression: a token with a line break reached REST_NETWORK_ERROR's cause, since fetch quotes an invalid header value", () => {
    for (const token of [`${TOKEN}\n`, `${TOKEN}\r\nX-Injected: 1`, `${TOKEN}\u0000`, `${TOKEN}Ω`]) {
      let error: unknown;
      try {
        new DiscordRest({ token, baseUrl: "http://127.0.0.1:1/api" });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RestError);
      expect(error).toMatchObject({ code: "REST_INVALID_ARGUMENT" });
      expect(`${inspect(error, { depth: 10, showHidden: true })} ${JSON.stringify(error)}`).not.toContain("secret-token");
    }
  });

  it("carries status, Discord's code and message, method and route, and never the token", async () => {
    const { rest } = client([json(404, { message: "Unknown Channel", code: 10003 })]);
    const { error } = await settle(rest.createMessage(CHANNEL, "x"));
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({
      name: "RestError",
      code: "REST_HTTP_ERROR",
      status: 404,
      discordCode: 10003,
      discordMessage: "Unknown Channel",
      method: "POST",
      route: `/channels/${CHANNEL}/messages`,
      message: `POST /channels/${CHANNEL}/messages: HTTP 404 Unknown Channel (code 10003)`,
    });
    for (const text of [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String((error as Error).stack)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain("secret-token");
    }
    expect(inspect(rest, { depth: 10, showHidden: true })).not.toContain("secret-token");
  });

  it("401 is REST_UNAUTHORIZED; v10 form errors are kept; a 2xx that is not JSON is REST_INVALID_RESPONSE", async () => {
    const form = { message: "Invalid Form Body", code: 50035, errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } };
    const { rest } = client([
      json(401, { message: "401: Unauthorized", code: 0 }),
      json(400, form),
      new Response("<html>", { status: 200 }),
    ]);
    await expect(rest.getGatewayBot()).rejects.toMatchObject({ code: "REST_UNAUTHORIZED", status: 401, discordCode: 0 });
    await expect(rest.createMessage(CHANNEL, "x")).rejects.toMatchObject({ code: "REST_HTTP_ERROR", discordCode: 50035, errors: form.errors });
    await expect(rest.getGateway()).rejects.toMatchObject({ code: "REST_INVALID_RESPONSE", status: 200 });
  });
});

describe("DiscordRest: 429s", () => {
  it("v6: waits retry_after MILLISECONDS, then retries the same request", async () => {
    const seen: unknown[] = [];
    const { rest, calls } = client(
      [json(429, { message: "You are being rate limited.", retry_after: 1500, global: false }, { "Retry-After": "1500" }), json(200, { ok: 1 })],
      { onRateLimited: (info) => seen.push(info) },
    );
    const result = rest.request({ method: "GET", path: `/channels/${CHANNEL}/pins` });
    await vi.advanceTimersByTimeAsync(1499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual({ ok: 1 });
    expect(calls).toHaveLength(2);
    expect(seen).toEqual([{ method: "GET", route: `/channels/${CHANNEL}/pins`, global: false, retryAfter: 1500, bucket: undefined }]);
  });

  it("v10: waits retry_after SECONDS (float)", async () => {
    const { rest, calls } = client([json(429, { message: "You are being rate limited.", retry_after: 1.25, global: false }), json(200, {})], { version: 10 });
    const result = rest.getGatewayBot();
    await vi.advanceTimersByTimeAsync(1249);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await result;
    expect(calls).toHaveLength(2);
  });

  it("falls back on Retry-After (v6 ms, v10 s) when the body has no retry_after", async () => {
    for (const [version, header, wait] of [
      [6, "700", 700],
      [10, "2", 2000],
    ] as const) {
      const { rest, calls } = client([json(429, {}, { "Retry-After": header }), json(200, {})], { version });
      const result = rest.getGateway();
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await result;
    }
  });

  it("a global 429 pauses every route", async () => {
    const { rest, calls } = client([
      json(429, { message: "You are being rate limited.", retry_after: 1000, global: true }, { "X-RateLimit-Global": "true" }),
      json(200, {}),
    ]);
    const first = rest.request({ method: "GET", path: "/channels/1/pins" });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    const second = rest.request({ method: "GET", path: "/guilds/2/roles" });
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    expect(rateLimitsOf(rest).global.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
    expect(calls.map((call) => call.url.split("/v6")[1])).toEqual(["/channels/1/pins", "/channels/1/pins", "/guilds/2/roles"]);
  });

  it("a bucket 429 makes the route's queue wait, other routes go on", async () => {
    const { rest, calls } = client([
      (call) => (call.url.includes("/channels/1/") && !call.url.includes("retried") ? json(429, { retry_after: 500, global: false }, bucketHeaders(5, 0, 0.5)) : json(200, {})),
    ]);
    const limited = rest.request({ method: "GET", path: "/channels/1/pins" });
    await vi.advanceTimersByTimeAsync(0);
    const other = rest.request({ method: "GET", path: "/channels/2/pins" });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    await other;
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    limited.catch(() => undefined);
    rest.destroy();
  });

  it("gives up with REST_RATE_LIMITED after rateLimitRetries 429s", async () => {
    const { rest, calls } = client([json(429, { retry_after: 10, global: false })], { rateLimitRetries: 2 });
    const result = settle(rest.getGateway());
    await vi.advanceTimersByTimeAsync(100);
    expect((await result).error).toMatchObject({ code: "REST_RATE_LIMITED", status: 429 });
    expect(calls).toHaveLength(3);
  });
});

describe("DiscordRest: retries", () => {
  it("retries 5xx with backoff (500, 1000, 2000 ms), then fails with REST_SERVER_ERROR", async () => {
    const { rest, calls } = client([json(502, { message: "502: Bad Gateway", code: 0 })]);
    const result = settle(rest.getGateway());
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(4);
    expect((await result).error).toMatchObject({ code: "REST_SERVER_ERROR", status: 502, method: "GET", route: "/gateway" });
  });

  it("a 5xx followed by success resolves; retries: 0 fails at once", async () => {
    const { rest } = client([json(500, {}), json(200, { ok: true })], { retryDelay: () => 10 });
    const result = rest.getGateway();
    await vi.advanceTimersByTimeAsync(10);
    await expect(result).resolves.toEqual({ ok: true });
    const { rest: once, calls } = client([json(503, {})], { retries: 0 });
    await expect(once.getGateway()).rejects.toMatchObject({ code: "REST_SERVER_ERROR", status: 503 });
    expect(calls).toHaveLength(1);
  });

  it("retries network errors, then fails with REST_NETWORK_ERROR keeping the cause", async () => {
    const reset = new TypeError("fetch failed", { cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) });
    const { rest, calls } = client([reset], { retries: 2, retryDelay: () => 5 });
    const result = settle(rest.getGateway());
    await vi.advanceTimersByTimeAsync(20);
    const { error } = await result;
    expect(error).toMatchObject({ code: "REST_NETWORK_ERROR", status: undefined, cause: reset });
    expect(calls).toHaveLength(3);
  });

  it("aborts an attempt after `timeout` and retries; REST_TIMEOUT when every attempt timed out", async () => {
    const { rest, calls } = client(["hang", json(200, { ok: 1 })], { timeout: 100, retryDelay: () => 50 });
    const result = rest.getGateway();
    await vi.advanceTimersByTimeAsync(99);
    expect(calls[0]!.signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls[0]!.signal!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toEqual({ ok: 1 });

    const { rest: slow, calls: slowCalls } = client(["hang"], { timeout: 100, retries: 1, retryDelay: () => 50 });
    const failed = settle(slow.getGateway());
    await vi.advanceTimersByTimeAsync(250);
    expect((await failed).error).toMatchObject({ code: "REST_TIMEOUT", route: "/gateway" });
    expect(slowCalls).toHaveLength(2);
  });
});

describe("DiscordRest: buckets and the global limit", () => {
  it("sends one request at a time while the bucket is unknown, then as many as it allows", async () => {
    const resolvers: Array<(response: Response) => void> = [];
    const { rest, calls } = client([() => new Promise<Response>((resolve) => resolvers.push(resolve))]);
    // Not a message route: its bucket sends requests side by side.
    const results = Array.from({ length: 5 }, (_, i) => rest.request({ method: "PATCH", path: `/guilds/${CHANNEL}/members/@me`, body: { nick: `m${i}` } }));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    resolvers[0]!(json(200, { id: "0" }, bucketHeaders(3, 2, 1)));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(3); // two more: the bucket allows 2 in this window
    resolvers[1]!(json(200, { id: "1" }, bucketHeaders(3, 1, 0.9)));
    resolvers[2]!(json(200, { id: "2" }, bucketHeaders(3, 0, 0.9)));
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(5); // the window reset: the last two go together
    expect(calls.map((call) => (JSON.parse(call.body!) as { nick: string }).nick)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    resolvers[3]!(json(200, { id: "3" }, bucketHeaders(3, 2, 1, "hash", 1002)));
    resolvers[4]!(json(200, { id: "4" }, bucketHeaders(3, 1, 1, "hash", 1002)));
    await expect(Promise.all(results)).resolves.toHaveLength(5);
  });

  it("regression: message routes sent a bucket's remaining slots at once, so messages could arrive out of order; now one at a time, in order, also across a 5xx retry and a 429", async () => {
    const resolvers: Array<(response: Response) => void> = [];
    const { rest, calls } = client([() => new Promise<Response>((resolve) => resolvers.push(resolve))], { retryDelay: () => 500 });
    const answered: string[] = [];
    const results = Array.from({ length: 5 }, (_, i) => rest.createMessage(CHANNEL, `m${i}`).then(() => answered.push(`m${i}`)));
    const contents = (): string[] => calls.map((call) => (JSON.parse(call.body!) as { content: string }).content);
    await vi.advanceTimersByTimeAsync(0);
    resolvers[0]!(json(200, { id: "0" }, bucketHeaders(5, 4, 5)));
    await vi.advanceTimersByTimeAsync(0);
    expect(contents()).toEqual(["m0", "m1"]); // the bucket allows 4 more, but m1 must be answered before m2 leaves
    resolvers[1]!(json(502, {}, bucketHeaders(5, 3, 4.9)));
    await vi.advanceTimersByTimeAsync(499);
    expect(contents()).toEqual(["m0", "m1"]); // m2 does not overtake m1 during its backoff
    await vi.advanceTimersByTimeAsync(1);
    expect(contents()).toEqual(["m0", "m1", "m1"]);
    resolvers[2]!(json(429, { retry_after: 300, global: false }, bucketHeaders(5, 0, 0.3)));
    await vi.advanceTimersByTimeAsync(299);
    expect(contents()).toEqual(["m0", "m1", "m1"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(contents()).toEqual(["m0", "m1", "m1", "m1"]);
    for (let i = 3; i < 7; i++) {
      resolvers[i]!(json(200, { id: String(i) }, bucketHeaders(5, 7 - i, 5, "hash", 1010)));
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(Math.min(i + 2, 7));
    }
    await Promise.all(results);
    expect(contents()).toEqual(["m0", "m1", "m1", "m1", "m2", "m3", "m4"]);
    expect(answered).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  it("regression: a bucket per channel was kept for ever; idle buckets and hash mappings are swept after bucketIdleTimeout", async () => {
    const { rest, calls } = client([(call) => json(200, {}, bucketHeaders(5, 4, 1, `hash-${call.url.length % 3}`))], { globalLimit: false, bucketIdleTimeout: 60_000 });
    let peak = 0;
    for (let round = 0; round < 3; round++) {
      const ids = Array.from({ length: 500 }, (_, i) => String(100_000_000_000_000_000n + BigInt(round * 500 + i)));
      await Promise.all(ids.map((id) => rest.request({ method: "GET", path: `/channels/${id}/pins` })));
      peak = Math.max(peak, rateLimitsOf(rest).size, rateLimitsOf(rest).learntRoutes);
      await vi.advanceTimersByTimeAsync(60_000);
    }
    expect(calls).toHaveLength(1500);
    expect(peak).toBe(500); // one round's routes, never all of them
    await rest.request({ method: "GET", path: `/channels/${CHANNEL}/pins` });
    expect(rateLimitsOf(rest).size).toBe(1);
    expect(rateLimitsOf(rest).learntRoutes).toBe(1);
  });

  it("a bucket whose window is still running, or with requests queued, is not swept", async () => {
    const resolvers: Array<(response: Response) => void> = [];
    const { rest, calls } = client([json(200, {}, bucketHeaders(1, 0, 50)), () => new Promise<Response>((resolve) => resolvers.push(resolve))], { bucketIdleTimeout: 30_000 });
    await rest.createMessage(CHANNEL, "a"); // the bucket is empty for 50 s
    const other = routeKey("POST", "/channels/1/messages");
    rateLimitsOf(rest).bucketFor(other).block(40_000); // a window running, nothing queued
    const waiting = rest.createMessage(CHANNEL, "b");
    await vi.advanceTimersByTimeAsync(31_000);
    const bucket = rateLimitsOf(rest).bucketFor(routeKey("POST", `/channels/${CHANNEL}/messages`)); // sweeps
    expect(bucket.queued).toBe(1);
    expect(rateLimitsOf(rest).bucketFor(other).remaining).toBe(0);
    expect(rateLimitsOf(rest).size).toBe(2);
    await vi.advanceTimersByTimeAsync(19_000);
    expect(calls).toHaveLength(2);
    resolvers[0]!(json(200, { id: "2" }));
    await expect(waiting).resolves.toEqual({ id: "2" });
  });

  it("keeps under the client-side global limit", async () => {
    const { rest, calls } = client([json(200, {})], { globalLimit: { limit: 3, window: 1000 } });
    const results = Array.from({ length: 5 }, (_, i) => rest.request({ method: "GET", path: `/channels/${i}/pins` }));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(5);
    await Promise.all(results);
  });

  it("refuses with REST_INVALID_REQUEST_LIMIT once the invalid answers reach the threshold", async () => {
    const { rest, calls } = client([json(403, { message: "Missing Access", code: 50001 })], { invalidRequestLimit: { limit: 3, window: 10_000 } });
    for (let i = 0; i < 3; i++) await expect(rest.getGatewayBot()).rejects.toMatchObject({ code: "REST_HTTP_ERROR", status: 403 });
    expect(rest.invalidRequestCount).toBe(3);
    const { error } = await settle(rest.getGatewayBot());
    expect(error).toMatchObject({ code: "REST_INVALID_REQUEST_LIMIT", method: "GET", route: "/gateway/bot" });
    expect((error as Error).message).toContain("retry in 10000 ms");
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(rest.getGatewayBot()).rejects.toMatchObject({ code: "REST_HTTP_ERROR" });
    expect(calls).toHaveLength(4);
  });

  it("destroy() rejects waiting requests, the one in flight (its fetch cancelled) and later ones with REST_DESTROYED, and is idempotent", async () => {
    const { rest, calls } = client(["hang"], { retries: 0 });
    const inFlight = settle(rest.getGateway());
    const queued = settle(rest.getGateway());
    await vi.advanceTimersByTimeAsync(0);
    rest.destroy();
    expect(() => rest.destroy()).not.toThrow();
    expect((await queued).error).toMatchObject({ code: "REST_DESTROYED", method: "GET", route: "/gateway" });
    expect((await inFlight).error).toMatchObject({ code: "REST_DESTROYED", method: "GET", route: "/gateway" });
    expect(calls[0]!.signal?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0); // its timeout timer too
    await expect(rest.getGateway()).rejects.toMatchObject({ code: "REST_DESTROYED" });
    const { rest: sleeping } = client([json(500, {})], { retryDelay: () => 1000 });
    const backoff = settle(sleeping.getGateway());
    await vi.advanceTimersByTimeAsync(0);
    sleeping.destroy();
    expect((await backoff).error).toMatchObject({ code: "REST_DESTROYED" });
  });

  it("learns X-RateLimit-Bucket: routes naming the same hash share one bucket", async () => {
    const { rest } = client([json(204, null, bucketHeaders(1, 0, 0.25, "reactions"))]);
    await rest.createReaction(CHANNEL, "1", "👍");
    await rest.request({ method: "DELETE", path: `/channels/${CHANNEL}/messages/2/reactions/x:1/@me` });
    const put = routeKey("PUT", `/channels/${CHANNEL}/messages/1/reactions/%F0%9F%91%8D/@me`);
    const del = routeKey("DELETE", `/channels/${CHANNEL}/messages/2/reactions/x:1/@me`);
    expect(rateLimitsOf(rest).hashOf(put)).toBe("reactions");
    expect(rateLimitsOf(rest).bucketFor(put)).toBe(rateLimitsOf(rest).bucketFor(del));
    expect(rateLimitsOf(rest).bucketFor(put)).not.toBe(rateLimitsOf(rest).bucketFor(routeKey("PUT", "/channels/9/messages/1/reactions/x:1/@me")));
  });
});
