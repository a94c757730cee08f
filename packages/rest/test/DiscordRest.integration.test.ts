import { inspect } from "node:util";
import { REACTIONS_BUCKET } from "@nuwani/fake-discord";
import { createSeededRandom } from "@nuwani/util";
import { describe, expect, it } from "vitest";
import { rateLimitsOf } from "../src/DiscordRest.js";
import type { RateLimitedInfo } from "../src/DiscordRestOptions.js";
import { RestError } from "../src/RestError.js";
import { routeKey } from "../src/routeKey.js";
import { addChannel, channelId, onManualClock, restFor, startFake } from "./support/fake.js";

const SMALL = { bucket: { limit: 5, window: 200 }, global: false as const };

describe("DiscordRest against the fake Discord (loopback HTTP)", () => {
  for (const version of [6, 10] as const) {
    it(`v${version}: learns the bucket and sends 17 parallel messages over a 5-per-200-ms bucket without a single 429`, async () => {
      const { discord, client, run } = await onManualClock({ rest: SMALL });
      const rest = client({ version });
      const general = channelId(discord);
      const messages = await run(Promise.all(Array.from({ length: 17 }, (_, i) => rest.createMessage(general, `message ${i}`))));
      expect(messages.map((message) => message.content)).toEqual(Array.from({ length: 17 }, (_, i) => `message ${i}`));
      expect(discord.rest.rateLimitedCount).toBe(0);
      expect(discord.postedMessages.map((message) => message.content)).toEqual(messages.map((message) => message.content));
      const bucket = rateLimitsOf(rest).bucketFor(routeKey("POST", `/channels/${general}/messages`));
      expect([bucket.known, bucket.limit]).toEqual([true, 5]);
      const sent = discord.rest.requests.at(-1)!;
      expect(sent.headers["user-agent"]).toMatch(/^DiscordBot \(https:\/\/github\.com\/LVPlayground\/nuwani-discord, /);
      expect(sent.headers["x-ratelimit-precision"]).toBe(version === 6 ? "millisecond" : undefined);
    });
  }

  for (const version of [6, 10] as const) {
    it(`regression v${version}: with a fetch adding 0–3 ms of jitter, 20 messages to one channel were posted out of order; now in submission order`, async () => {
      const random = createSeededRandom(20_241_129); // the same jitter on every run
      // Network jitter: 0–3 ms of real latency before each request (the windows run on the manual clock).
      const jittering: typeof fetch = async (input, init) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)));
        return fetch(input, init);
      };
      const { discord, client, run } = await onManualClock({ rest: SMALL }, jittering);
      const rest = client({ version });
      const general = channelId(discord);
      const answered: number[] = [];
      await run(Promise.all(Array.from({ length: 20 }, (_, i) => rest.createMessage(general, `line ${i}`).then(() => answered.push(i)))));
      const order = Array.from({ length: 20 }, (_, i) => i);
      expect(discord.postedMessages.map((message) => Number(message.content.slice(5)))).toEqual(order);
      expect(answered).toEqual(order);
      expect(discord.rest.rateLimitedCount).toBe(0);
    });
  }

  it("keeps independent buckets per channel: one channel's full bucket does not hold up another", async () => {
    const discord = await startFake({ rest: { bucket: { limit: 2, window: 60_000 }, global: false } });
    const rest = restFor(discord);
    const general = channelId(discord);
    const other = addChannel(discord, "900000000000000001", "other");
    await Promise.all([rest.createMessage(general, "a1"), rest.createMessage(general, "a2")]);
    const waiting = rest.createMessage(general, "a3");
    waiting.catch(() => undefined);
    await Promise.all([rest.createMessage(other, "b1"), rest.createMessage(other, "b2")]);
    expect(discord.postedMessages.map((message) => message.content).sort()).toEqual(["a1", "a2", "b1", "b2"]);
    expect(rateLimitsOf(rest).bucketFor(routeKey("POST", `/channels/${general}/messages`)).queued).toBe(1);
    expect(discord.rest.rateLimitedCount).toBe(0);
    rest.destroy();
    await expect(waiting).rejects.toMatchObject({ code: "REST_DESTROYED" });
  });

  it("shares a bucket between routes that name the same X-RateLimit-Bucket (reactions)", async () => {
    const { discord, client, run } = await onManualClock({ rest: { bucket: { limit: 2, window: 200 }, global: false } });
    const rest = client();
    const general = channelId(discord);
    const unlike = (): Promise<unknown> =>
      rest.request({ method: "DELETE", path: `/channels/${general}/messages/1/reactions/${encodeURIComponent("👍")}/@me` });
    // One of each first, so that the client learns both routes name the same bucket…
    await run(rest.createReaction(general, "1", "👍"));
    await run(unlike());
    // …then both routes queue in that one bucket: no 429 even with 2 per window.
    const calls = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? rest.createReaction(general, "1", "👍")
        : unlike(),
    );
    await run(Promise.all(calls));
    const put = routeKey("PUT", `/channels/${general}/messages/1/reactions/x/@me`);
    const del = routeKey("DELETE", `/channels/${general}/messages/1/reactions/x/@me`);
    expect(rateLimitsOf(rest).hashOf(put)).toBe(REACTIONS_BUCKET);
    expect(rateLimitsOf(rest).bucketFor(put)).toBe(rateLimitsOf(rest).bucketFor(del));
    expect(discord.reactions).toHaveLength(10);
    expect(discord.rest.rateLimitedCount).toBe(0);
  });

  for (const [version, unit] of [
    [6, "milliseconds"],
    [10, "seconds"],
  ] as const) {
    it(`v${version}: a 429 is waited out (retry_after in ${unit}) and retried once`, async () => {
      const { discord, client, run } = await onManualClock({ rest: { bucket: { limit: 1, window: 300 }, global: false } });
      const seen: RateLimitedInfo[] = [];
      const rest = client({ version, onRateLimited: (info) => seen.push(info) });
      const general = channelId(discord);
      // Another client spends the bucket, so this one's first request meets a 429.
      const spent = await fetch(`${discord.restUrl}/v${version}/channels/${general}/messages`, {
        method: "POST",
        headers: { Authorization: `Bot ${discord.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ content: "elsewhere" }),
      });
      expect(spent.status).toBe(200);
      await expect(run(rest.createMessage(general, "after the wait"))).resolves.toMatchObject({ content: "after the wait" });
      expect(discord.rest.rateLimitedCount).toBe(1); // a misread unit would have hit the limit again
      expect(seen).toHaveLength(1);
      expect(seen[0]!.global).toBe(false);
      expect(seen[0]!.retryAfter).toBeGreaterThan(0);
      expect(seen[0]!.retryAfter).toBeLessThanOrEqual(300);
    });
  }

  it("a global 429 pauses every route; the client-side global limit avoids it", async () => {
    const { discord, client, run } = await onManualClock({ rest: { bucket: { limit: 50, window: 1000 }, global: { limit: 3, window: 300 } } });
    const channels = Array.from({ length: 5 }, (_, i) => addChannel(discord, `90000000000000010${i}`, `c${i}`));
    const seen: RateLimitedInfo[] = [];
    const unguarded = client({ globalLimit: false, onRateLimited: (info) => seen.push(info) });
    await run(Promise.all(channels.map((id) => unguarded.createMessage(id, "x"))));
    expect(discord.rest.globalRateLimitedCount).toBeGreaterThanOrEqual(1);
    expect(seen.every((info) => info.global)).toBe(true);
    expect(discord.postedMessages).toHaveLength(5);

    const before = discord.rest.rateLimitedCount;
    discord.rest.rateLimits!.reset();
    // A sliding window on send times never puts more than `limit` into one of the fake's fixed
    // windows of the same length: on one clock no margin for loopback latency is needed.
    const guarded = client({ globalLimit: { limit: 3, window: 300 } });
    await run(Promise.all(channels.map((id) => guarded.createMessage(id, "y"))));
    expect(discord.rest.rateLimitedCount).toBe(before);
    expect(discord.postedMessages).toHaveLength(10);
  });

  it("retries 5xx answers, then fails with REST_SERVER_ERROR after `retries`", async () => {
    const discord = await startFake();
    const rest = restFor(discord);
    discord.rest.faults.failNext(2, 502);
    await expect(rest.getGatewayBot()).resolves.toMatchObject({ url: discord.gatewayUrl, shards: 1 });
    expect(discord.rest.requests.map((record) => record.status)).toEqual([502, 502, 200]);
    discord.rest.faults.failNext(4);
    await expect(rest.getGatewayBot()).rejects.toMatchObject({ code: "REST_SERVER_ERROR", status: 500, method: "GET", route: "/gateway/bot" });
    expect(discord.rest.requests).toHaveLength(7);
  });

  it("retries connection resets, then fails with REST_NETWORK_ERROR", async () => {
    const discord = await startFake();
    const rest = restFor(discord, { retries: 2 });
    discord.rest.faults.resetNext(1);
    await expect(rest.getGateway()).resolves.toEqual({ url: discord.gatewayUrl });
    discord.rest.faults.resetNext(3);
    const error = await rest.getGateway().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "REST_NETWORK_ERROR", route: "/gateway" });
    expect((error as RestError).cause).toBeInstanceOf(Error);
    expect(discord.rest.requests.filter((record) => record.fault === "reset")).toHaveLength(4);
  });

  it("times out a slow answer and retries; REST_TIMEOUT when every attempt is slow", async () => {
    const { discord, client, run, clock } = await onManualClock();
    const rest = client({ timeout: 100, retries: 1 });
    discord.rest.faults.slow(5000, 1);
    const started = clock.now();
    await expect(run(rest.getGateway())).resolves.toEqual({ url: discord.gatewayUrl });
    expect(clock.now() - started).toBeLessThan(5000); // the retry was answered, not the slow attempt
    discord.rest.faults.slow(5000, 2);
    await expect(run(rest.getGateway())).rejects.toMatchObject({ code: "REST_TIMEOUT", method: "GET", route: "/gateway" });
  });

  it("stops before the invalid-request limit: REST_INVALID_REQUEST_LIMIT, nothing more sent", async () => {
    const discord = await startFake();
    const rest = restFor(discord, { token: "wrong-token", invalidRequestLimit: { limit: 3, window: 600_000 } });
    for (let i = 0; i < 3; i++) await expect(rest.getGatewayBot()).rejects.toMatchObject({ code: "REST_UNAUTHORIZED", status: 401, discordCode: 0 });
    await expect(rest.getGatewayBot()).rejects.toMatchObject({ code: "REST_INVALID_REQUEST_LIMIT" });
    expect(discord.rest.requests).toHaveLength(3);
  });

  it("errors carry status, Discord's code, method and route, but never the token", async () => {
    const discord = await startFake({ token: "Nzk.very-secret.token" });
    const rest = restFor(discord);
    const unknown = (await rest.createMessage("1", "x").catch((caught: unknown) => caught)) as RestError;
    expect(unknown).toMatchObject({ code: "REST_HTTP_ERROR", status: 404, discordCode: 10003, discordMessage: "Unknown Channel", method: "POST", route: "/channels/1/messages" });
    const long = (await rest.request({ method: "POST", path: `/channels/${channelId(discord)}/messages`, body: { content: "x".repeat(2001) } }).catch((caught: unknown) => caught)) as RestError;
    expect(long).toMatchObject({ status: 400, discordCode: 50035 });
    const empty = (await rest.createMessage(channelId(discord), "").catch((caught: unknown) => caught)) as RestError;
    expect(empty).toMatchObject({ status: 400, discordCode: 50006 });
    const badEmoji = (await rest.createReaction(channelId(discord), "1", "%F0%9F%91%8D").catch((caught: unknown) => caught)) as RestError;
    expect(badEmoji).toMatchObject({ status: 400, discordCode: 10014, method: "PUT" });
    for (const error of [unknown, long, empty, badEmoji]) {
      expect(error).toBeInstanceOf(RestError);
      expect(`${inspect(error, { showHidden: true, depth: 10 })} ${JSON.stringify(error)} ${error.stack}`).not.toContain("very-secret");
    }
    expect(JSON.stringify(discord.rest.requests)).not.toContain("very-secret");
  });

  it("sends allowed_mentions { parse: [] } by default and encodes reaction emoji", async () => {
    const discord = await startFake();
    const rest = restFor(discord);
    const general = channelId(discord);
    await rest.createMessage(general, "@everyone look");
    await rest.createMessage(general, { content: "<@1>", allowed_mentions: { users: ["1"] } });
    expect(discord.postedMessages.map((message) => message.body.allowed_mentions)).toEqual([{ parse: [] }, { users: ["1"] }]);
    await rest.createReaction(general, "5", "👍🏽");
    await rest.createReaction(general, "5", "lvp:123456789012345678");
    await rest.createReaction(general, "5", "<a:dance:123456789012345679>");
    await rest.createReaction(general, "5", "🇳🇱");
    expect(discord.reactions.map((reaction) => reaction.emoji)).toEqual(["👍🏽", "lvp:123456789012345678", "dance:123456789012345679", "🇳🇱"]);
  });

  it("embeds reach the fake as each version wants them (v10 embeds, v6 embed)", async () => {
    const discord = await startFake();
    const general = channelId(discord);
    for (const version of [10, 6] as const) {
      const rest = restFor(discord, { version });
      await rest.createMessage(general, { embed: { title: `v${version}` } });
      await rest.createMessage(general, { content: "x", embeds: [{ title: `v${version} list` }] });
    }
    expect(discord.postedMessages.map((message) => [message.version, message.body.embeds ?? message.body.embed])).toEqual([
      [10, [{ title: "v10" }]],
      [10, [{ title: "v10 list" }]],
      [6, { title: "v6" }],
      [6, { title: "v6 list" }],
    ]);
  });

  it("getGateway and getGatewayBot against the fake", async () => {
    const discord = await startFake();
    const rest = restFor(discord, { version: 10 });
    await expect(rest.getGateway()).resolves.toEqual({ url: discord.gatewayUrl });
    await expect(rest.getGatewayBot()).resolves.toMatchObject({ url: discord.gatewayUrl, session_start_limit: { total: 1000 } });
  });
});
