import { describe, expect, it, vi } from "vitest";
import type { FakeDiscord } from "../src/FakeDiscord.js";
import type { ChannelFixture, GuildFixture, RoleFixture } from "../src/GuildFixture.js";
import { Permissions } from "../src/Permissions.js";
import { isEmoji, REACTIONS_BUCKET } from "../src/restRoutes.js";
import { identified, startDiscord } from "./support/fakeDiscord.js";
import { ManualClock } from "./support/protocol.js";

const AUTH = { Authorization: "Bot fake-token", "Content-Type": "application/json" };

function channel(discord: FakeDiscord, name: string): string {
  return discord.guilds[0]!.channels.find((candidate) => candidate.name === name)!.id;
}

function post(discord: FakeDiscord, path: string, body: unknown, version = 6, headers: Record<string, string> = AUTH): Promise<Response> {
  return fetch(`${discord.restUrl}/v${version}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

describe("fake REST: Create Message", () => {
  it("creates the message, records it, returns it and dispatches MESSAGE_CREATE authored by the bot", async () => {
    const discord = await startDiscord();
    const { client } = await identified(discord, 10, { intents: 1 << 9 });
    const general = channel(discord, "general");
    const body = { content: "hello <@1>", allowed_mentions: { parse: [] }, nonce: "n1" };
    const response = await post(discord, `/channels/${general}/messages`, body, 10);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-ratelimit-limit")).toBe("5");
    expect(response.headers.get("x-ratelimit-remaining")).toBe("4");
    const message = (await response.json()) as Record<string, unknown>;
    expect(message).toMatchObject({ content: "hello <@1>", channel_id: general, guild_id: discord.guilds[0]!.id, author: { id: discord.user.id }, nonce: "n1" });
    const dispatch = await client.nextOp(0, "MESSAGE_CREATE");
    expect(dispatch.d).toMatchObject({ id: message.id, content: "hello <@1>", channel_id: general });
    expect(discord.postedMessages).toEqual([
      { id: message.id, channelId: general, guildId: discord.guilds[0]!.id, content: "hello <@1>", body, version: 10 },
    ]);
    const record = discord.rest.requests.at(-1)!;
    expect(record).toMatchObject({ method: "POST", path: `/channels/${general}/messages`, route: "/channels/:channelId/messages", body, status: 200 });
    expect(record.headers).not.toHaveProperty("authorization");
    expect(JSON.stringify(discord.rest.requests)).not.toContain("fake-token");
  });

  it("validates like Discord: 401 code 0, 404 code 10003, 400 codes 50006, 50035 and 50008", async () => {
    const discord = await startDiscord({ rest: false });
    const general = channel(discord, "general");
    const cases: Array<[string, unknown, Record<string, string>, number, number]> = [
      [general, { content: "x" }, { "Content-Type": "application/json" }, 401, 0],
      ["1", { content: "x" }, AUTH, 404, 10003],
      [general, { content: "" }, AUTH, 400, 50006],
      [general, {}, AUTH, 400, 50006],
      [general, { content: "x".repeat(2001) }, AUTH, 400, 50035],
      [general, { content: 5 }, AUTH, 400, 50035],
      [channel(discord, "Lounge"), { content: "x" }, AUTH, 400, 50008],
    ];
    for (const [id, body, headers, status, code] of cases) {
      const response = await post(discord, `/channels/${id}/messages`, body, 6, headers);
      expect([response.status, ((await response.json()) as { code: number }).code]).toEqual([status, code]);
    }
    const long = await post(discord, `/channels/${general}/messages`, { content: "y".repeat(2001) }, 10);
    expect(await long.json()).toMatchObject({ code: 50035, errors: { content: { _errors: [expect.objectContaining({ message: "Must be 2000 or fewer in length." })] } } });
    expect((await post(discord, `/channels/${general}/messages`, { content: "y".repeat(2000) })).status).toBe(200);
    expect((await post(discord, `/channels/${general}/messages`, { embed: { title: "t" } })).status).toBe(200);
    expect(discord.postedMessages).toHaveLength(2);
  });
});

describe("fake REST: Create Message fidelity", () => {
  it("regression: v10 accepted `embed`; now only `embeds` (400 50035 for `embed`), v6 only `embed`", async () => {
    const discord = await startDiscord({ rest: false });
    const general = channel(discord, "general");
    const v10Embed = await post(discord, `/channels/${general}/messages`, { embed: { title: "t" } }, 10);
    expect([v10Embed.status, await v10Embed.json()]).toEqual([
      400,
      { message: "Invalid Form Body", code: 50035, errors: { embed: { _errors: [{ code: "UNKNOWN_FIELD", message: "v10 takes embeds, not embed." }] } } },
    ]);
    expect((await post(discord, `/channels/${general}/messages`, { embeds: [{ title: "t" }] }, 10)).status).toBe(200);
    const v6Embeds = await post(discord, `/channels/${general}/messages`, { embeds: [{ title: "t" }] }, 6);
    expect([v6Embeds.status, ((await v6Embeds.json()) as { code: number }).code]).toEqual([400, 50006]);
    expect((await post(discord, `/channels/${general}/messages`, { embed: { title: "t" } }, 6)).status).toBe(200);
    expect(discord.postedMessages).toHaveLength(2);
  });

  it("regression: lengths were counted in UTF-16 units; now in code points, so 2000 emoji are one message", async () => {
    const discord = await startDiscord({ rest: false });
    const general = channel(discord, "general");
    expect((await post(discord, `/channels/${general}/messages`, { content: "👍".repeat(2000) }, 10)).status).toBe(200);
    const long = await post(discord, `/channels/${general}/messages`, { content: "👍".repeat(2001) }, 10);
    expect([long.status, ((await long.json()) as { code: number }).code]).toEqual([400, 50035]);
  });

  it("regression: allowed_mentions was not validated; now like Discord (parse + users conflict, unknown types, bad ids, > 100)", async () => {
    const discord = await startDiscord({ rest: false });
    const general = channel(discord, "general");
    const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => String(100_000_000_000_000_000n + BigInt(i)));
    const cases: Array<[unknown, Record<string, unknown> | undefined]> = [
      [{ parse: ["users"], users: ["123"] }, { allowed_mentions: { _errors: [{ code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", message: 'parse:["users"] and users: [ids...] are mutually exclusive.' }] } }],
      [{ parse: ["roles"], roles: ["123"] }, { allowed_mentions: { _errors: [expect.objectContaining({ code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE" })] } }],
      [{ parse: ["users", "here"] }, { allowed_mentions: { parse: { 1: { _errors: [expect.objectContaining({ code: "BASE_TYPE_CHOICES" })] } } } }],
      [{ parse: "users" }, { allowed_mentions: { parse: { _errors: [expect.objectContaining({ code: "BASE_TYPE_LIST" })] } } }],
      [{ users: ["nobody"] }, { allowed_mentions: { users: { 0: { _errors: [expect.objectContaining({ code: "NUMBER_TYPE_COERCE" })] } } } }],
      [{ roles: ids(101) }, { allowed_mentions: { roles: { _errors: [expect.objectContaining({ code: "BASE_TYPE_MAX_LENGTH" })] } } }],
      [{ replied_user: "yes" }, { allowed_mentions: { replied_user: { _errors: [expect.objectContaining({ code: "BASE_TYPE_BOOLEAN" })] } } }],
      ["everyone", { allowed_mentions: { _errors: [expect.objectContaining({ code: "MODEL_TYPE_CONVERT" })] } }],
      [{ parse: [] }, undefined],
      [{ parse: ["users", "roles", "everyone"], replied_user: false }, undefined],
      [{ parse: ["everyone"], users: ids(100), roles: [] }, undefined],
      [{ parse: ["users"], users: [] }, undefined],
    ];
    for (const [mentions, errors] of cases) {
      const response = await post(discord, `/channels/${general}/messages`, { content: "hi", allowed_mentions: mentions }, 10);
      if (errors === undefined) {
        expect(response.status).toBe(200);
      } else {
        expect([response.status, await response.json()]).toEqual([400, { message: "Invalid Form Body", code: 50035, errors }]);
      }
    }
    const v6 = await post(discord, `/channels/${general}/messages`, { content: "hi", allowed_mentions: { parse: ["users"], users: ["1"] } }, 6);
    expect([v6.status, await v6.json()]).toEqual([400, { message: "Invalid Form Body", code: 50035 }]);
    expect(discord.postedMessages).toHaveLength(4);
  });
});

describe("fake REST: reactions", () => {
  it("PUT/DELETE …/reactions/:emoji/@me → 204 for Unicode and name:id, 10014 for a badly encoded emoji", async () => {
    const discord = await startDiscord({ rest: false });
    const general = channel(discord, "general");
    const react = (emoji: string, method = "PUT"): Promise<Response> =>
      fetch(`${discord.restUrl}/v6/channels/${general}/messages/99/reactions/${emoji}/@me`, { method, headers: AUTH });
    expect((await react(encodeURIComponent("👍"))).status).toBe(204);
    expect((await react("lvp:123456789012345678")).status).toBe(204);
    expect((await react(encodeURIComponent("👍"), "DELETE")).status).toBe(204);
    const twice = await react(encodeURIComponent(encodeURIComponent("👍")));
    expect([twice.status, await twice.json()]).toEqual([400, { message: "Unknown Emoji", code: 10014 }]);
    expect((await react("smile")).status).toBe(400);
    expect((await fetch(`${discord.restUrl}/v6/channels/1/messages/99/reactions/${encodeURIComponent("👍")}/@me`, { method: "PUT", headers: AUTH })).status).toBe(404);
    expect(discord.reactions).toEqual([
      { method: "PUT", channelId: general, messageId: "99", emoji: "👍" },
      { method: "PUT", channelId: general, messageId: "99", emoji: "lvp:123456789012345678" },
      { method: "DELETE", channelId: general, messageId: "99", emoji: "👍" },
    ]);
  });

  it("isEmoji accepts emoji sequences and custom emoji only", () => {
    for (const good of ["👍", "👍🏽", "🇳🇱", "1️⃣", "👨‍👩‍👧", "❤️", "a_b:1"]) expect(isEmoji(good)).toBe(true);
    for (const bad of ["", "a", "1", "#", "<:a:1>", "%F0%9F%91%8D", "a:b", "👍x"]) expect(isEmoji(bad)).toBe(false);
  });
});

describe("fake REST: rate limits and faults over HTTP", () => {
  it("answers 429 with Discord's body and headers when a bucket is spent, per channel, and counts them", async () => {
    const discord = await startDiscord({ rest: { bucket: { limit: 2, window: 60_000 }, global: false } });
    const general = channel(discord, "general");
    const admin = channel(discord, "admin");
    for (let i = 0; i < 2; i++) expect((await post(discord, `/channels/${general}/messages`, { content: "x" })).status).toBe(200);
    expect((await post(discord, `/channels/${admin}/messages`, { content: "x" })).status).toBe(200);
    const v6 = await post(discord, `/channels/${general}/messages`, { content: "x" });
    expect(v6.status).toBe(429);
    expect(v6.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(v6.headers.get("x-ratelimit-reset-after")).toMatch(/^\d+$/); // v6 without precision: whole seconds
    const body6 = (await v6.json()) as { retry_after: number };
    expect(body6).toMatchObject({ message: "You are being rate limited.", global: false });
    expect(body6.retry_after).toBeGreaterThan(1000); // milliseconds
    expect(Number(v6.headers.get("retry-after"))).toBe(body6.retry_after);
    const v10 = await post(discord, `/channels/${general}/messages`, { content: "x" }, 10);
    const body10 = (await v10.json()) as { retry_after: number };
    expect(body10.retry_after).toBeLessThanOrEqual(60); // seconds
    expect(v10.headers.get("x-ratelimit-reset-after")).toMatch(/^\d+\.\d{3}$/);
    const precise = await post(discord, `/channels/${general}/messages`, { content: "x" }, 6, { ...AUTH, "X-RateLimit-Precision": "millisecond" });
    expect(precise.headers.get("x-ratelimit-reset-after")).toMatch(/^\d+\.\d{3}$/);
    expect(discord.rest.rateLimitedCount).toBe(3);
    expect(discord.rest.requests.filter((record) => record.rateLimited === "bucket")).toHaveLength(3);
    expect(discord.postedMessages).toHaveLength(3);
  });

  it("shares one bucket between the reaction routes, and enforces the global limit", async () => {
    const discord = await startDiscord({ rest: { bucket: { limit: 2, window: 60_000 }, global: { limit: 4, window: 60_000 } } });
    const general = channel(discord, "general");
    const url = `${discord.restUrl}/v10/channels/${general}/messages/1/reactions/${encodeURIComponent("👍")}/@me`;
    const put = await fetch(url, { method: "PUT", headers: AUTH });
    expect(put.headers.get("x-ratelimit-bucket")).toBe(REACTIONS_BUCKET);
    expect((await fetch(url, { method: "DELETE", headers: AUTH })).headers.get("x-ratelimit-remaining")).toBe("0");
    expect((await fetch(url, { method: "PUT", headers: AUTH })).status).toBe(429);
    expect((await fetch(`${discord.restUrl}/v10/gateway/bot`, { headers: AUTH })).status).toBe(200);
    const global = await fetch(`${discord.restUrl}/v10/gateway/bot`, { headers: AUTH });
    expect(global.status).toBe(429);
    expect(global.headers.get("x-ratelimit-global")).toBe("true");
    expect(await global.json()).toMatchObject({ global: true, message: "You are being rate limited." });
    expect([discord.rest.rateLimitedCount, discord.rest.globalRateLimitedCount]).toEqual([2, 1]);
  });

  it("injects 5xx answers, connection resets and slow responses on demand", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock });
    const bot = (): Promise<Response> => fetch(`${discord.restUrl}/v6/gateway/bot`, { headers: AUTH });
    discord.rest.faults.failNext(1, 502);
    discord.rest.faults.resetNext(1);
    const failed = await bot();
    expect([failed.status, await failed.json()]).toEqual([502, { message: "502: Bad Gateway", code: 0 }]);
    await expect(bot()).rejects.toThrow();
    discord.rest.faults.slow(30, 1);
    let answered = false;
    const slowed = bot().then((response) => {
      answered = true;
      return response;
    });
    // Held on the fake's clock, not on real time: nothing before 30 ms have passed on it.
    await vi.waitFor(() => expect(discord.rest.slowed).toBe(1));
    clock.advance(29);
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    clock.advance(1);
    expect((await slowed).status).toBe(200);
    expect(discord.rest.requests.map((record) => [record.status, record.fault])).toEqual([
      [502, "error"],
      [0, "reset"],
      [200, undefined],
    ]);
  });

  it("stop() releases a slowed response", async () => {
    const discord = await startDiscord();
    discord.rest.faults.slow(60_000);
    const pending = fetch(`${discord.restUrl}/v6/gateway`).catch((error: unknown) => error);
    while (discord.rest.slowed === 0) await new Promise((resolve) => setImmediate(resolve));
    await discord.stop();
    expect(await pending).toBeInstanceOf(Error);
  });
});

function request(discord: FakeDiscord, method: string, path: string, body?: unknown, version = 10): Promise<Response> {
  return fetch(`${discord.restUrl}/v${version}${path}`, { method, headers: AUTH, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

describe("fake REST: direct messages", () => {
  it("POST /users/@me/channels opens one DM channel (type 1) per user; messages to it are recorded and dispatched", async () => {
    const discord = await startDiscord();
    const { client } = await identified(discord, 10, { intents: 1 << 12 });
    const member = discord.guilds[0]!.members[3]!;
    const opened = await request(discord, "POST", "/users/@me/channels", { recipient_id: member.user.id });
    expect(opened.status).toBe(200);
    expect(opened.headers.get("x-ratelimit-bucket")).not.toBeNull();
    const dm = (await opened.json()) as { id: string; type: number; recipients: Array<{ id: string }> };
    expect(dm).toMatchObject({ type: 1, recipients: [{ id: member.user.id, username: member.user.username }] });
    const again = (await (await request(discord, "POST", "/users/@me/channels", { recipient_id: member.user.id })).json()) as { id: string };
    expect(again.id).toBe(dm.id);
    expect(discord.dmChannels.get(member.user.id)).toEqual({ id: dm.id, recipient: member.user });

    const sent = await request(discord, "POST", `/channels/${dm.id}/messages`, { content: "psst", allowed_mentions: { parse: [] } });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ channel_id: dm.id, content: "psst", author: { id: discord.user.id } });
    expect(discord.postedMessages.at(-1)).toMatchObject({ channelId: dm.id, guildId: null, content: "psst" });
    const dispatch = await client.nextOp(0, "MESSAGE_CREATE");
    expect(dispatch.d).toMatchObject({ channel_id: dm.id, content: "psst" });
    expect(dispatch.d).not.toHaveProperty("guild_id");
  });

  it("refuses like Discord: a bad recipient_id 50035, an unknown user 10013, the bot itself 50007", async () => {
    const discord = await startDiscord({ rest: false });
    const cases: Array<[unknown, number, number]> = [
      [{ recipient_id: "nope" }, 400, 50035],
      [{}, 400, 50035],
      [{ recipient_id: "123456789012345678" }, 404, 10013],
      [{ recipient_id: discord.user.id }, 400, 50007],
    ];
    for (const [body, status, code] of cases) {
      const response = await request(discord, "POST", "/users/@me/channels", body);
      expect([response.status, ((await response.json()) as { code: number }).code]).toEqual([status, code]);
    }
    expect(discord.dmChannels.size).toBe(0);
  });

  it("rate-limits the DM route with its own bucket, like the other routes", async () => {
    const discord = await startDiscord({ rest: { bucket: { limit: 2, window: 60_000 }, global: false } });
    const recipient = { recipient_id: discord.guilds[0]!.members[2]!.user.id };
    for (let i = 0; i < 2; i++) expect((await request(discord, "POST", "/users/@me/channels", recipient)).status).toBe(200);
    const limited = await request(discord, "POST", "/users/@me/channels", recipient);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ message: "You are being rate limited.", global: false });
    expect((await post(discord, `/channels/${channel(discord, "general")}/messages`, { content: "x" })).status).toBe(200);
  });
});

describe("fake REST: channel permission overwrites", () => {
  function manageRoles(discord: FakeDiscord): void {
    const guild = discord.guilds[0]!;
    const bot = guild.members.find((member) => member.user.id === discord.user.id)!;
    const role = guild.roles.find((entry) => bot.roles.includes(entry.id))!;
    role.permissions |= Permissions.MANAGE_ROLES;
  }

  it("PUT creates or replaces an overwrite, DELETE removes it; each dispatches CHANNEL_UPDATE in the session's shape", async () => {
    const discord = await startDiscord();
    manageRoles(discord);
    const guild = discord.guilds[0]!;
    const general = guild.channels.find((entry) => entry.name === "general")!;
    const { client } = await identified(discord, 10, { intents: 1 });
    const v6 = await identified(discord, 6);
    const path = `/channels/${general.id}/permissions/${guild.id}`;
    expect((await request(discord, "PUT", path, { type: 0, allow: "0", deny: String(Permissions.SEND_MESSAGES) })).status).toBe(204);
    expect(general.overwrites).toContainEqual({ id: guild.id, type: "role", allow: 0n, deny: Permissions.SEND_MESSAGES });
    const update = await client.nextOp(0, "CHANNEL_UPDATE");
    expect(update.d).toMatchObject({ id: general.id, guild_id: guild.id });
    expect((update.d as { permission_overwrites: unknown[] }).permission_overwrites).toContainEqual({ id: guild.id, type: 0, allow: "0", deny: "2048" });
    const old = await v6.client.nextOp(0, "CHANNEL_UPDATE");
    expect((old.d as { permission_overwrites: unknown[] }).permission_overwrites).toContainEqual(expect.objectContaining({ id: guild.id, type: "role", deny: 2048 }));

    // v6 takes "role" and numbers; a second PUT replaces the first.
    expect((await request(discord, "PUT", path, { type: "role", allow: 1024, deny: 2048 }, 6)).status).toBe(204);
    expect(general.overwrites.filter((entry) => entry.id === guild.id)).toEqual([{ id: guild.id, type: "role", allow: 1024n, deny: 2048n }]);
    await client.nextOp(0, "CHANNEL_UPDATE");

    expect((await request(discord, "DELETE", path)).status).toBe(204);
    expect(general.overwrites.some((entry) => entry.id === guild.id)).toBe(false);
    const removed = await client.nextOp(0, "CHANNEL_UPDATE");
    expect((removed.d as { permission_overwrites: Array<{ id: string }> }).permission_overwrites.map((entry) => entry.id)).not.toContain(guild.id);
    const again = await request(discord, "DELETE", path);
    expect([again.status, ((await again.json()) as { code: number }).code]).toEqual([404, 10009]);
  });

  it("refuses like Discord: no MANAGE_ROLES 50013, unknown channel 10003, unknown role 10011, a bad body 50035", async () => {
    const discord = await startDiscord({ rest: false });
    const guild = discord.guilds[0]!;
    const general = channel(discord, "general");
    const denied = await request(discord, "PUT", `/channels/${general}/permissions/${guild.id}`, { type: 0, deny: "2048" });
    expect([denied.status, ((await denied.json()) as { code: number }).code]).toEqual([403, 50013]);
    expect((await request(discord, "DELETE", `/channels/${general}/permissions/${guild.id}`)).status).toBe(403);
    manageRoles(discord);
    const cases: Array<[string, unknown, number, number]> = [
      [`/channels/1/permissions/${guild.id}`, { type: 0 }, 404, 10003],
      [`/channels/${general}/permissions/123456789012345678`, { type: 0 }, 404, 10011],
      [`/channels/${general}/permissions/${guild.id}`, { type: 7 }, 400, 50035],
      [`/channels/${general}/permissions/${guild.id}`, { type: 0, deny: "lots" }, 400, 50035],
    ];
    for (const [path, body, status, code] of cases) {
      const response = await request(discord, "PUT", path, body);
      expect([response.status, ((await response.json()) as { code: number }).code]).toEqual([status, code]);
    }
  });

  // Discord (discord-api-docs, Edit Channel Permissions): "Only permissions your bot has in the guild or parent channel
  // (if applicable) can be allowed/denied (unless your bot has a MANAGE_ROLES overwrite in the channel)".
  describe("only bits the bot holds may change", () => {
    function setup(discord: FakeDiscord): { guild: GuildFixture; general: ChannelFixture; botRole: RoleFixture; path: string } {
      const guild = discord.guilds[0]!;
      const general = guild.channels.find((entry) => entry.name === "general")!;
      const bot = guild.members.find((member) => member.user.id === discord.user.id)!;
      const botRole = guild.roles.find((entry) => bot.roles.includes(entry.id))!;
      return { guild, general, botRole, path: `/channels/${general.id}/permissions/${guild.id}` };
    }

    async function status(response: Promise<Response>): Promise<[number, number | undefined]> {
      const answer = await response;
      return [answer.status, answer.status === 204 ? undefined : ((await answer.json()) as { code: number }).code];
    }

    it("PUT allowing or denying a bit the bot lacks guild-wide was accepted: now 403 50013, the overwrite unchanged, no CHANNEL_UPDATE", async () => {
      const discord = await startDiscord();
      manageRoles(discord);
      const { general, path } = setup(discord);
      const { client } = await identified(discord, 10, { intents: 1 });
      const before = structuredClone(general.overwrites);
      // The bot's role has neither MANAGE_GUILD nor KICK_MEMBERS.
      expect(await status(request(discord, "PUT", path, { type: 0, deny: String(Permissions.SEND_MESSAGES | Permissions.MANAGE_GUILD) }))).toEqual([403, 50013]);
      expect(await status(request(discord, "PUT", path, { type: 0, allow: String(Permissions.KICK_MEMBERS) }))).toEqual([403, 50013]);
      expect(general.overwrites).toEqual(before);
      // Bits it holds go through; the CHANNEL_UPDATE that follows is the first the session sees.
      expect(await status(request(discord, "PUT", path, { type: 0, deny: String(Permissions.SEND_MESSAGES) }))).toEqual([204, undefined]);
      const update = await client.nextOp(0, "CHANNEL_UPDATE");
      expect((update.d as { permission_overwrites: unknown[] }).permission_overwrites).toContainEqual({ id: discord.guilds[0]!.id, type: 0, allow: "0", deny: "2048" });
    });

    it("checks only the bits that change: an overwrite's other bits may be sent back as they are, not altered", async () => {
      const discord = await startDiscord();
      manageRoles(discord);
      const { guild, general, path } = setup(discord);
      general.overwrites.push({ id: guild.id, type: "role", allow: Permissions.KICK_MEMBERS, deny: Permissions.MANAGE_GUILD });
      const kept = { type: 0, allow: String(Permissions.KICK_MEMBERS) };
      expect(await status(request(discord, "PUT", path, { ...kept, deny: String(Permissions.MANAGE_GUILD | Permissions.SEND_MESSAGES) }))).toEqual([204, undefined]);
      expect(general.overwrites.find((entry) => entry.id === guild.id)).toEqual({ id: guild.id, type: "role", allow: Permissions.KICK_MEMBERS, deny: Permissions.MANAGE_GUILD | Permissions.SEND_MESSAGES });
      // Dropping MANAGE_GUILD from deny changes it: refused.
      expect(await status(request(discord, "PUT", path, { ...kept, deny: String(Permissions.SEND_MESSAGES) }))).toEqual([403, 50013]);
      // A new overwrite changes all of its bits.
      const vip = guild.roles.find((role) => role.name === "VIP")!;
      expect(await status(request(discord, "PUT", `/channels/${general.id}/permissions/${vip.id}`, { type: 0, allow: String(Permissions.KICK_MEMBERS) }))).toEqual([403, 50013]);
      expect(general.overwrites.some((entry) => entry.id === vip.id)).toBe(false);
    });

    it("a bit held only through the channel's own overwrites does not count (discord-api-docs#3450)", async () => {
      const discord = await startDiscord();
      manageRoles(discord);
      const { general, path } = setup(discord);
      general.overwrites.push({ id: discord.user.id, type: "member", allow: Permissions.KICK_MEMBERS, deny: 0n });
      expect(await status(request(discord, "PUT", path, { type: 0, deny: String(Permissions.KICK_MEMBERS) }))).toEqual([403, 50013]);
    });

    it("the parent category's permissions count where there is one, the guild's where there is none", async () => {
      const discord = await startDiscord();
      manageRoles(discord);
      const { guild, general, botRole, path } = setup(discord);
      const category = guild.channels.find((entry) => entry.id === general.parentId)!;
      expect(category.type).toBe(4);
      // In the category neither @everyone nor the bot's role may send.
      category.overwrites.push({ id: guild.id, type: "role", allow: 0n, deny: Permissions.SEND_MESSAGES });
      const deny = { type: 0, deny: String(Permissions.SEND_MESSAGES) };
      expect(await status(request(discord, "PUT", path, deny))).toEqual([403, 50013]);
      category.overwrites.push({ id: botRole.id, type: "role", allow: Permissions.SEND_MESSAGES, deny: 0n });
      expect(await status(request(discord, "PUT", path, deny))).toEqual([204, undefined]);
      // A category may grant what the guild does not.
      category.overwrites.push({ id: discord.user.id, type: "member", allow: Permissions.MANAGE_GUILD, deny: 0n });
      expect(await status(request(discord, "PUT", path, { type: 0, deny: String(Permissions.SEND_MESSAGES | Permissions.MANAGE_GUILD) }))).toEqual([204, undefined]);
      // Without a parent the guild-wide permissions count.
      general.parentId = null;
      expect(await status(request(discord, "PUT", path, { type: 0, deny: String(Permissions.SEND_MESSAGES) }))).toEqual([403, 50013]);
    });

    it("ADMINISTRATOR, the owner, and a MANAGE_ROLES overwrite in the channel may change any bit", async () => {
      const discord = await startDiscord();
      const { guild, general, botRole, path } = setup(discord);
      const body = { type: 0, allow: String(Permissions.KICK_MEMBERS), deny: String(Permissions.MANAGE_GUILD | Permissions.BAN_MEMBERS) };
      // MANAGE_ROLES only through an overwrite on the bot's role in this channel: no guild-wide bits needed.
      general.overwrites.push({ id: botRole.id, type: "role", allow: Permissions.MANAGE_ROLES, deny: 0n });
      expect(await status(request(discord, "PUT", path, body))).toEqual([204, undefined]);
      general.overwrites.splice(general.overwrites.findIndex((entry) => entry.id === botRole.id), 1);
      expect(await status(request(discord, "PUT", path, { type: 0 }))).toEqual([403, 50013]); // no MANAGE_ROLES at all
      botRole.permissions |= Permissions.ADMINISTRATOR;
      expect(await status(request(discord, "PUT", path, { ...body, allow: String(Permissions.MANAGE_WEBHOOKS) }))).toEqual([204, undefined]);
      botRole.permissions &= ~Permissions.ADMINISTRATOR;
      guild.ownerId = discord.user.id;
      expect(await status(request(discord, "PUT", path, { ...body, allow: String(Permissions.MANAGE_EMOJIS) }))).toEqual([204, undefined]);
    });

    it("DELETE needs only MANAGE_ROLES, as documented, even when the overwrite holds bits the bot lacks", async () => {
      const discord = await startDiscord();
      manageRoles(discord);
      const { guild, general, path } = setup(discord);
      general.overwrites.push({ id: guild.id, type: "role", allow: Permissions.KICK_MEMBERS, deny: Permissions.MANAGE_GUILD });
      expect(await status(request(discord, "DELETE", path))).toEqual([204, undefined]);
      expect(general.overwrites.some((entry) => entry.id === guild.id)).toBe(false);
    });
  });
});
