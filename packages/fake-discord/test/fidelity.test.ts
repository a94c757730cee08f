// What Discord does that a client must survive: the fake behaves the same, so client tests
// fail where Discord would (discord-api-docs: Gateway "Request Guild Members", change log
// 2025-08-14 "Introducing Rate Limit When Requesting All Guild Members", "Message Content
// Intent", close code 4011, threads, and the v6 privileged-intent switch of 2020-10).
import { describe, expect, it, vi } from "vitest";
import { createBotUser, DEFAULT_BOT_ID } from "../src/createBotUser.js";
import { createGuild } from "../src/createGuild.js";
import { FakeDiscord } from "../src/FakeDiscord.js";
import { FakeDiscordError } from "../src/FakeDiscordError.js";
import type { GuildFixture } from "../src/GuildFixture.js";
import { GuildMembersRateLimit } from "../src/GuildMembersRateLimit.js";
import { Intents } from "../src/Intents.js";
import { serializeMember } from "../src/serializeGuild.js";
import { connect, identified, startDiscord } from "./support/fakeDiscord.js";
import { ManualClock, type Payload } from "./support/protocol.js";

const MEMBERS = Intents.GUILDS | Intents.GUILD_MEMBERS;
const everyMember = (guild: GuildFixture, nonce?: string): unknown => ({
  op: 8,
  d: { guild_id: guild.id, query: "", limit: 0, ...(nonce === undefined ? {} : { nonce }) },
});

describe("op 8: Discord's limit on requesting every member of a guild", () => {
  it("answers a second request for the same guild within 30 s with RATE_LIMITED (retry_after in seconds, meta with guild and nonce), and chunks again after", async () => {
    const clock = new ManualClock();
    const guild = createGuild({ seed: 1, members: 20 });
    const other = createGuild({ seed: 2, members: 5 });
    const discord = await startDiscord({ clock, guilds: [guild, other] });
    const { client } = await identified(discord, 10, { intents: MEMBERS });
    client.send(everyMember(guild, "first"));
    expect((await client.nextOp(0, "GUILD_MEMBERS_CHUNK")).d).toMatchObject({ guild_id: guild.id, nonce: "first" });

    clock.advance(12_500);
    client.send(everyMember(guild, "second"));
    const limited = await client.next((payload) => payload.op === 0 && payload.t !== "GUILD_CREATE");
    expect(limited).toMatchObject({
      op: 0,
      t: "RATE_LIMITED",
      d: { opcode: 8, retry_after: 17.5, meta: { guild_id: guild.id, nonce: "second" } },
    });
    expect(typeof limited.s).toBe("number");
    expect(discord.memberRequests.at(-1)).toMatchObject({ outcome: "rate-limited", retryAfter: 17.5, chunks: 0 });

    // Another guild, a prefix query and user_ids are not limited.
    client.send(everyMember(other, "other"));
    expect((await client.nextOp(0, "GUILD_MEMBERS_CHUNK")).d).toMatchObject({ guild_id: other.id, nonce: "other" });
    client.send({ op: 8, d: { guild_id: guild.id, query: "a", limit: 10, nonce: "prefix" } });
    expect((await client.nextOp(0, "GUILD_MEMBERS_CHUNK")).d).toMatchObject({ nonce: "prefix" });
    client.send({ op: 8, d: { guild_id: guild.id, user_ids: [DEFAULT_BOT_ID], nonce: "ids" } });
    expect((await client.nextOp(0, "GUILD_MEMBERS_CHUNK")).d).toMatchObject({ nonce: "ids" });

    clock.advance(17_499);
    client.send(everyMember(guild, "early"));
    expect((await client.nextOp(0, "RATE_LIMITED")).d).toMatchObject({ retry_after: 0.001, meta: { nonce: "early" } });
    clock.advance(1);
    client.send(everyMember(guild, "third"));
    expect((await client.nextOp(0, "GUILD_MEMBERS_CHUNK")).d).toMatchObject({ guild_id: guild.id, nonce: "third" });
    expect(discord.memberRequests.map((record) => record.outcome)).toEqual([
      "answered",
      "rate-limited",
      "answered",
      "answered",
      "answered",
      "rate-limited",
      "answered",
    ]);
  });

  it("limits per guild for the bot, across sessions; meta has no nonce when none was sent", async () => {
    const clock = new ManualClock();
    const guild = createGuild({ members: 5 });
    const discord = await startDiscord({ clock, guilds: [guild] });
    const a = await identified(discord, 10, { intents: MEMBERS });
    const b = await identified(discord, 10, { intents: MEMBERS });
    a.client.send(everyMember(guild));
    await a.client.nextOp(0, "GUILD_MEMBERS_CHUNK");
    b.client.send(everyMember(guild));
    const limited = await b.client.nextOp(0, "RATE_LIMITED");
    expect(limited.d).toEqual({ opcode: 8, retry_after: 30, meta: { guild_id: guild.id } });
  });

  it("does not limit v6 sessions (v6 has no RATE_LIMITED event), nor anyone with memberRequestWindow: false", async () => {
    const guild = createGuild({ members: 5 });
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord, 6);
    for (let i = 0; i < 3; i++) client.send(everyMember(guild, `n${i}`));
    for (let i = 0; i < 3; i++) expect((await client.nextOp(0, "GUILD_MEMBERS_CHUNK")).d.nonce).toBe(`n${i}`);

    const off = await startDiscord({ guilds: [guild], memberRequestWindow: false });
    const v10 = await identified(off, 10, { intents: MEMBERS });
    for (let i = 0; i < 3; i++) v10.client.send(everyMember(guild, `m${i}`));
    for (let i = 0; i < 3; i++) expect((await v10.client.nextOp(0, "GUILD_MEMBERS_CHUNK")).d.nonce).toBe(`m${i}`);
    expect(v10.client.dispatches.some((payload) => payload.t === "RATE_LIMITED")).toBe(false);
  });

  it("refuses a negative op 8 window and a maxGuildsPerSession below 1", () => {
    expect(() => new GuildMembersRateLimit({ clock: new ManualClock(), window: -1 })).toThrow(FakeDiscordError);
    expect(() => new GuildMembersRateLimit({ clock: new ManualClock(), window: 2 ** 31 })).toThrow(FakeDiscordError);
    expect(() => new FakeDiscord({ memberRequestWindow: Number.NaN })).toThrow(FakeDiscordError);
    expect(() => new FakeDiscord({ maxGuildsPerSession: 0 })).toThrow(FakeDiscordError);
  });

  it("closes an op 8 with an array of guild ids with 4001, on v10 and on v6", async () => {
    const guild = createGuild({ members: 5 });
    const discord = await startDiscord({ guilds: [guild] });
    for (const version of [10, 6] as const) {
      const { client } = await identified(discord, version, version === 10 ? { intents: MEMBERS } : {});
      client.send({ op: 8, d: { guild_id: [guild.id], query: "", limit: 0 } });
      expect((await client.closed).code).toBe(4001);
    }
  });

  it("answers presences: true without GUILD_PRESENCES without presences, and keeps the connection (no 4013)", async () => {
    const guild = createGuild({ members: 20, online: 1 });
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord, 10, { intents: MEMBERS });
    client.send({ op: 8, d: { guild_id: guild.id, query: "", limit: 0, presences: true, nonce: "p" } });
    const chunk = await client.nextOp(0, "GUILD_MEMBERS_CHUNK");
    expect(chunk.d.members).toHaveLength(20);
    expect(chunk.d).not.toHaveProperty("presences");
    client.send({ op: 1, d: chunk.s });
    await client.nextOp(11);
    expect(discord.closes).toEqual([]);
  });
});

describe("v6 sessions and privileged intents", () => {
  it("gives a v6 session without intents presences and member events only when the application may use them", async () => {
    const guild = createGuild({ members: 10, online: 1 });
    const member = { ...serializeMember(guild.members[3]!, 6), guild_id: guild.id };
    const presence = { user: { id: guild.members[3]!.user.id }, status: "idle", guild_id: guild.id };

    const denied = await startDiscord({ guilds: [guild], privilegedIntents: Intents.MESSAGE_CONTENT });
    const { client } = await identified(denied, 6);
    const create = await client.nextOp(0, "GUILD_CREATE");
    expect((create.d.members as Array<{ user: { id: string } }>).map((entry) => entry.user.id)).toEqual([DEFAULT_BOT_ID]);
    expect(create.d.presences).toEqual([]);
    expect(denied.dispatch("PRESENCE_UPDATE", presence)).toBe(0);
    expect(denied.dispatch("GUILD_MEMBER_ADD", member)).toBe(0);
    expect(denied.dispatch("TYPING_START", { channel_id: "1", user_id: "2", timestamp: 0 })).toBe(1);
    client.send({ op: 8, d: { guild_id: guild.id, query: "", limit: 0, presences: true, nonce: "v6" } });
    const chunk = await client.nextOp(0, "GUILD_MEMBERS_CHUNK");
    expect(chunk.d).not.toHaveProperty("presences");

    const allowed = await startDiscord({ guilds: [guild] });
    const other = await identified(allowed, 6);
    expect((await other.client.nextOp(0, "GUILD_CREATE")).d.presences).toHaveLength(10);
    expect(allowed.dispatch("PRESENCE_UPDATE", presence)).toBe(1);
    expect(allowed.dispatch("GUILD_MEMBER_ADD", member)).toBe(1);
  });
});

describe("MESSAGE_CREATE without the MESSAGE_CONTENT intent (v10)", () => {
  it("has empty content in guilds, except messages that mention the bot and the bot's own; DMs and v6 keep it", async () => {
    const guild = createGuild({ members: 5 });
    const general = guild.channels.find((channel) => channel.name === "general")!;
    const author = guild.members[2]!;
    const bot = createBotUser();
    const discord = await startDiscord({ guilds: [guild] });
    const without = await identified(discord, 10, { intents: Intents.GUILDS | Intents.GUILD_MESSAGES | Intents.DIRECT_MESSAGES });
    const withContent = await identified(discord, 10, { intents: Intents.GUILDS | Intents.GUILD_MESSAGES | Intents.MESSAGE_CONTENT });
    const v6 = await identified(discord, 6);

    discord.messageCreate({ channelId: general.id, author, content: "secret plans" });
    discord.messageCreate({ channelId: general.id, author, content: "hey <@bot>", mentions: [bot] });
    discord.messageCreate({ channelId: general.id, author: discord.user, content: "from the bot" });
    discord.messageCreate({ channelId: "555", guildId: null, author: author.user, content: "a DM" });

    const contents = async (client: typeof v6.client, count: number): Promise<string[]> => {
      const out: Payload[] = [];
      for (let i = 0; i < count; i++) out.push(await client.nextOp(0, "MESSAGE_CREATE"));
      return out.map((payload) => payload.d.content as string);
    };
    expect(await contents(without.client, 4)).toEqual(["", "hey <@bot>", "from the bot", "a DM"]);
    const redacted = without.client.dispatches.find((payload) => payload.t === "MESSAGE_CREATE")!;
    expect(redacted.d).toMatchObject({ embeds: [], attachments: [], components: [], author: { id: author.user.id } });
    expect(await contents(withContent.client, 3)).toEqual(["secret plans", "hey <@bot>", "from the bot"]);
    expect(await contents(v6.client, 4)).toEqual(["secret plans", "hey <@bot>", "from the bot", "a DM"]);
  });
});

describe("close 4011: sharding required", () => {
  it("closes an Identify whose session would hold more guilds than allowed, unless sharded below it", async () => {
    const guilds = Array.from({ length: 4 }, (_, i) => createGuild({ seed: i + 1, id: String((BigInt(i) << 22n) + 1n), members: 1 }));
    const discord = await startDiscord({ guilds, maxGuildsPerSession: 2 });
    const client = connect(discord, "v=10&encoding=json");
    await client.nextOp(10);
    client.identify({ intents: Intents.GUILDS, properties: { os: "linux", browser: "t", device: "t" } });
    expect(await client.closed).toMatchObject({ code: 4011 });
    expect(discord.identifies.at(-1)).toMatchObject({ outcome: "closed", closeCode: 4011 });

    const shard = await identified(discord, 10, { intents: Intents.GUILDS, shard: [1, 2] });
    expect(shard.ready.d.guilds).toHaveLength(2);
  });

  it("allows 2,500 guilds unsharded by default and closes at 2,501", async () => {
    const template = createGuild({ members: 1 });
    const guilds = (count: number): GuildFixture[] =>
      Array.from({ length: count }, (_, i) => ({ ...template, id: String(1_000_000 + i), members: [...template.members] }));
    const full = await startDiscord({ guilds: guilds(2500) });
    const ok = await identified(full, 10, { intents: Intents.GUILD_MESSAGES });
    expect(ok.ready.d.guilds).toHaveLength(2500);
    const over = await startDiscord({ guilds: guilds(2501) });
    const client = connect(over, "v=10&encoding=json");
    await client.nextOp(10);
    client.identify({ intents: Intents.GUILD_MESSAGES, properties: { os: "linux", browser: "t", device: "t" } });
    expect((await client.closed).code).toBe(4011);
  });
});

describe("members timed out (v10)", () => {
  it("sends communication_disabled_until on v10 only", () => {
    const guild = createGuild({ members: 3 });
    const member = guild.members[1]!;
    expect(serializeMember(member, 10).communication_disabled_until).toBeNull();
    member.communicationDisabledUntil = "2030-01-01T00:00:00.000Z";
    expect(serializeMember(member, 10).communication_disabled_until).toBe("2030-01-01T00:00:00.000Z");
    expect(serializeMember(member, 6)).not.toHaveProperty("communication_disabled_until");
  });
});

describe("threads (v10)", () => {
  const setup = async () => {
    const guild = createGuild({ members: 5 });
    const general = guild.channels.find((channel) => channel.name === "general")!;
    guild.threads = [
      {
        id: "900",
        type: 11,
        name: "active",
        parentId: general.id,
        ownerId: guild.members[1]!.user.id,
        archived: false,
        locked: false,
        invitable: true,
        autoArchiveDuration: 1440,
        archiveTimestamp: "2026-01-01T00:00:00.000Z",
        memberCount: 2,
        messageCount: 3,
        rateLimitPerUser: 0,
      },
      {
        id: "901",
        type: 11,
        name: "old",
        parentId: general.id,
        ownerId: guild.members[1]!.user.id,
        archived: true,
        locked: false,
        invitable: true,
        autoArchiveDuration: 60,
        archiveTimestamp: "2025-01-01T00:00:00.000Z",
        memberCount: 1,
        messageCount: 0,
        rateLimitPerUser: 0,
      },
    ];
    const discord = await startDiscord({ guilds: [guild] });
    const v10 = await identified(discord, 10, { intents: Intents.GUILDS | Intents.GUILD_MEMBERS });
    const v6 = await identified(discord, 6);
    return { guild, general, discord, v10: v10.client, v6: v6.client };
  };

  it("lists the active threads in GUILD_CREATE on v10, with parent_id and thread_metadata; v6 has none", async () => {
    const { guild, general, v10, v6 } = await setup();
    const create = await v10.nextOp(0, "GUILD_CREATE");
    expect(create.d.threads).toEqual([
      expect.objectContaining({
        id: "900",
        type: 11,
        guild_id: guild.id,
        parent_id: general.id,
        owner_id: guild.members[1]!.user.id,
        thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: "2026-01-01T00:00:00.000Z", locked: false },
      }),
    ]);
    expect((await v6.nextOp(0, "GUILD_CREATE")).d).not.toHaveProperty("threads");
  });

  it("dispatches THREAD_CREATE/UPDATE/LIST_SYNC/MEMBER_UPDATE/MEMBERS_UPDATE/DELETE to v10 sessions only", async () => {
    const { guild, general, discord, v10, v6 } = await setup();
    const thread = discord.threads.create(guild.id, { id: "902", type: 12, name: "private", parentId: general.id, invitable: false });
    const created = await v10.nextOp(0, "THREAD_CREATE");
    expect(created.d).toMatchObject({ id: "902", type: 12, parent_id: general.id, owner_id: DEFAULT_BOT_ID, newly_created: true });
    expect(created.d.thread_metadata).toMatchObject({ invitable: false });

    thread.archived = true;
    discord.threads.update(guild.id, "902");
    expect((await v10.nextOp(0, "THREAD_UPDATE")).d.thread_metadata.archived).toBe(true);

    discord.threads.listSync(guild.id, { joined: ["900"] });
    expect((await v10.nextOp(0, "THREAD_LIST_SYNC")).d).toMatchObject({
      guild_id: guild.id,
      threads: [expect.objectContaining({ id: "900" })],
      members: [expect.objectContaining({ id: "900", user_id: DEFAULT_BOT_ID })],
    });

    discord.threads.memberUpdate(guild.id, "900");
    expect((await v10.nextOp(0, "THREAD_MEMBER_UPDATE")).d).toMatchObject({ id: "900", user_id: DEFAULT_BOT_ID, guild_id: guild.id });

    const joiner = guild.members[2]!.user.id;
    discord.threads.membersUpdate(guild.id, "900", { added: [joiner], removed: [guild.members[1]!.user.id] });
    expect((await v10.nextOp(0, "THREAD_MEMBERS_UPDATE")).d).toMatchObject({
      id: "900",
      guild_id: guild.id,
      member_count: 2,
      added_members: [expect.objectContaining({ user_id: joiner, member: expect.objectContaining({ user: expect.objectContaining({ id: joiner }) }) })],
      removed_member_ids: [guild.members[1]!.user.id],
    });

    discord.threads.delete(guild.id, "902");
    expect((await v10.nextOp(0, "THREAD_DELETE")).d).toEqual({ id: "902", guild_id: guild.id, parent_id: general.id, type: 12 });
    expect(guild.threads!.map((entry) => entry.id)).toEqual(["900", "901"]);

    discord.dispatch("TYPING_START", { channel_id: general.id, user_id: joiner, timestamp: 0 });
    await v6.nextOp(0, "TYPING_START");
    expect(v6.dispatches.map((payload) => payload.t).filter((t) => t?.startsWith("THREAD_"))).toEqual([]);
  });

  it("routes MESSAGE_CREATE in a thread to the thread's guild", async () => {
    const { guild, discord } = await setup();
    const created = discord.messageCreate({ channelId: "900", author: guild.members[1]!, content: "in a thread" });
    expect(created.guildId).toBe(guild.id);
  });

  it("refuses a thread of another type, an unknown parent or guild, or a used id", async () => {
    const { guild, general, discord } = await setup();
    const invalid = (fn: () => unknown): void => expect(fn).toThrow(expect.objectContaining({ code: "FAKE_DISCORD_INVALID_ARGUMENT" }));
    invalid(() => discord.threads.create(guild.id, { id: "1", type: 0 as 11, name: "x", parentId: general.id }));
    invalid(() => discord.threads.create(guild.id, { id: "1", name: "x", parentId: "404" }));
    invalid(() => discord.threads.create("404", { id: "1", name: "x", parentId: general.id }));
    invalid(() => discord.threads.create(guild.id, { id: "900", name: "x", parentId: general.id }));
    invalid(() => discord.threads.update(guild.id, "404"));
    await vi.waitFor(() => expect(discord.sessions).toHaveLength(2));
  });
});
