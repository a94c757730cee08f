import { once } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { createBotUser, DEFAULT_BOT_ID } from "../src/createBotUser.js";
import { createGuild } from "../src/createGuild.js";
import { FakeDiscord } from "../src/FakeDiscord.js";
import { Intents } from "../src/Intents.js";
import { ManualClock, type Payload } from "./support/protocol.js";
import { ALL_INTENTS, connect, type GuildCreateData, identified, ids, resumed, startDiscord } from "./support/fakeDiscord.js";

const sessionIdOf = (ready: Payload): string => (ready.d as { session_id: string }).session_id;
const NOT_PRIVILEGED = ALL_INTENTS & ~(Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES | Intents.MESSAGE_CONTENT);

describe("FakeDiscord: READY and GUILD_CREATE", () => {
  it("v6: HELLO, then READY and GUILD_CREATE in the v6 shapes, with $-prefixed properties and no intents", async () => {
    const guild = createGuild();
    const discord = await startDiscord({ guilds: [guild], heartbeatInterval: 45000 });
    const client = connect(discord);
    expect(await client.nextOp(10)).toEqual({ op: 10, d: { heartbeat_interval: 45000, _trace: ["fake-discord"] }, s: null, t: null });
    client.identify();
    const ready = await client.nextOp(0, "READY");
    expect(ready.s).toBe(1);
    expect(ready.d).toMatchObject({
      v: 6,
      user: { id: DEFAULT_BOT_ID, username: "Nuwani", discriminator: "0001", bot: true },
      private_channels: [],
      guilds: [{ id: guild.id, unavailable: true }],
      session_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(ready.d).not.toHaveProperty("resume_gateway_url");
    expect(ready.d).not.toHaveProperty("application");
    expect(ready.d).not.toHaveProperty("shard");

    const create = await client.nextOp(0, "GUILD_CREATE");
    const guildData = create.d as GuildCreateData;
    expect(create.s).toBe(2);
    expect(create.d).toMatchObject({ id: guild.id, name: guild.name, large: false, unavailable: false, member_count: 10, region: "europe" });
    expect(create.d.members).toHaveLength(10);
    expect(create.d.roles[0]).toEqual(expect.objectContaining({ id: guild.id, permissions: expect.any(Number), permissions_new: expect.any(String) }));
    const admin = guildData.channels.find((channel) => channel.name === "admin")!;
    expect(admin.permission_overwrites[0]).toEqual({ id: guild.id, type: "role", allow: 0, allow_new: "0", deny: 1024, deny_new: "1024" });
    expect(admin).not.toHaveProperty("guild_id");

    const session = discord.session(sessionIdOf(ready))!;
    expect(session).toMatchObject({ version: 6, intents: undefined, seq: 2, state: "connected", largeThreshold: 50 });
    expect(session.properties).toEqual({ $os: "linux", $browser: "test", $device: "test" });
    expect(discord.identifies).toEqual([expect.objectContaining({ connectionId: 1, outcome: "ready", sessionId: session.id })]);
  });

  it("v10: READY carries resume_gateway_url and application; GUILD_CREATE has string permissions", async () => {
    const discord = await startDiscord({ applicationId: "777" });
    const { client, ready } = await identified(discord, 10);
    expect(ready.d).toMatchObject({
      v: 10,
      resume_gateway_url: discord.gatewayUrl,
      application: { id: "777", flags: 0 },
      user: { id: DEFAULT_BOT_ID, global_name: null },
    });
    const create = await client.nextOp(0, "GUILD_CREATE");
    const guildData = create.d as GuildCreateData;
    expect(guildData.roles.every((role) => typeof role.permissions === "string")).toBe(true);
    expect(create.d.roles[0]).not.toHaveProperty("permissions_new");
    const admin = guildData.channels.find((channel) => channel.name === "admin")!;
    expect(admin.permission_overwrites[0]).toEqual({ id: create.d.id, type: 0, allow: "0", deny: "1024" });
    expect(create.d).not.toHaveProperty("region");
    expect(discord.sessions[0]).toMatchObject({ version: 10, intents: ALL_INTENTS });
  });

  it("uses the configured bot user, and adds its member to a guild that lacks it", async () => {
    const user = createBotUser({ id: "4242", username: "Other" });
    const guild = createGuild({ members: 3 });
    const discord = await startDiscord({ user, guilds: [guild] });
    expect(guild.members[0]!.user).toBe(user);
    const { client, ready } = await identified(discord);
    expect(ready.d.user).toMatchObject({ id: "4242", username: "Other" });
    expect((await client.nextOp(0, "GUILD_CREATE")).d.member_count).toBe(4);
  });

  it("sends only the guilds of the identified shard, and echoes shard in READY", async () => {
    const onShard = (shard: bigint): string => ((shard << 22n) | 1n).toString();
    const even = createGuild({ id: onShard(4n), seed: 3 });
    const odd = createGuild({ id: onShard(5n), seed: 4 });
    const discord = await startDiscord({ guilds: [even, odd] });
    const { client, ready } = await identified(discord, 6, { shard: [1, 2] });
    expect(ready.d.shard).toEqual([1, 2]);
    expect(ready.d.guilds).toEqual([{ id: odd.id, unavailable: true }]);
    expect((await client.nextOp(0, "GUILD_CREATE")).d.id).toBe(odd.id);
    expect(discord.sessions[0]!.shard).toEqual([1, 2]);
  });

  it("sends a large guild with only online members (and the bot) above large_threshold", async () => {
    const guild = createGuild({ members: 1000, online: 0.1 });
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord, 6, { large_threshold: 250 });
    const create = await client.nextOp(0, "GUILD_CREATE");
    const guildData = create.d as GuildCreateData;
    const online = guild.members.filter((member) => member.status !== "offline").map((member) => member.user.id);
    expect(create.d).toMatchObject({ large: true, member_count: 1000 });
    expect(ids(guildData.members)).toEqual(online);
    expect(ids(guildData.presences)).toEqual(online);
    expect(discord.sessions[0]!.largeThreshold).toBe(250);
  });

  it("clamps large_threshold to 50–250 and sends every member of a guild at or below it", async () => {
    const guild = createGuild({ members: 50, online: 0.1 });
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord, 6, { large_threshold: 2 });
    const create = await client.nextOp(0, "GUILD_CREATE");
    expect(create.d).toMatchObject({ large: false });
    expect(create.d.members).toHaveLength(50);
    expect(discord.sessions[0]!.largeThreshold).toBe(50);
  });

  it("without GUILD_PRESENCES sends only the bot's member and no presences; without GUILDS no GUILD_CREATE", async () => {
    const discord = await startDiscord({ guilds: [createGuild({ online: 1 })] });
    const { client } = await identified(discord, 10, { intents: Intents.GUILDS | Intents.GUILD_MEMBERS });
    const create = await client.nextOp(0, "GUILD_CREATE");
    const guildData = create.d as GuildCreateData;
    expect(ids(guildData.members)).toEqual([DEFAULT_BOT_ID]);
    expect(create.d.presences).toEqual([]);

    const { client: bare } = await identified(discord, 10, { intents: Intents.GUILD_MESSAGES });
    discord.dispatch("USER_UPDATE", { id: DEFAULT_BOT_ID });
    expect((await bare.nextOp(0)).t).toBe("USER_UPDATE");
    expect(bare.dispatches.map((payload) => payload.t)).toEqual(["READY", "USER_UPDATE"]);
  });

  it("sends GUILD_DELETE unavailable for a guild in an outage", async () => {
    const guild = createGuild({ unavailable: true });
    const discord = await startDiscord({ guilds: [guild] });
    const { client, ready } = await identified(discord);
    expect(ready.d.guilds).toEqual([{ id: guild.id, unavailable: true }]);
    expect(await client.nextOp(0)).toMatchObject({ t: "GUILD_DELETE", s: 2, d: { id: guild.id, unavailable: true } });
  });

  it("dispatches GUILD_CREATE for a guild added later, shaped for each session", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client: v6 } = await identified(discord, 6);
    const { client: v10 } = await identified(discord, 10);
    const guild = createGuild({ seed: 9, members: 3 });
    discord.guildCreate(guild);
    expect((await v6.nextOp(0, "GUILD_CREATE")).d.roles[0].permissions_new).toEqual(expect.any(String));
    expect((await v10.nextOp(0, "GUILD_CREATE")).d.roles[0]).not.toHaveProperty("permissions_new");
    expect(discord.guilds).toContain(guild);
  });
});

describe("FakeDiscord: close codes", () => {
  it.each([
    ["v=7&encoding=json", "Invalid API version"],
    ["v=9&encoding=json", "Invalid API version"],
    ["v=6&encoding=etf", "Invalid encoding: this fake speaks json only"],
  ])("closes ?%s with 4012 before HELLO", async (query, reason) => {
    const discord = await startDiscord();
    const client = connect(discord, query);
    expect(await client.closed).toEqual({ code: 4012, reason });
    expect(client.payloads).toEqual([]);
  });

  it("defaults to v6 json when the URL has no query", async () => {
    const discord = await startDiscord();
    const client = connect(discord, "");
    await client.nextOp(10);
    client.identify();
    expect((await client.nextOp(0, "READY")).d.v).toBe(6);
  });

  const cases: Array<[name: string, payload: unknown, code: number]> = [
    ["a payload over 4096 bytes", { op: 1, d: null, pad: "x".repeat(4100) }, 4002],
    ["text that is not JSON", "{not json", 4002],
    ["JSON without an integer op", { d: null }, 4002],
    ["a JSON array", [1, 2], 4002],
    ["an unknown opcode", { op: 5, d: null }, 4001],
    ["a receive-only opcode", { op: 11, d: null }, 4001],
    ["op 8 before Identify", { op: 8, d: { guild_id: "1", query: "", limit: 0 } }, 4003],
    ["op 3 before Identify", { op: 3, d: { status: "online", since: null, game: null, afk: false } }, 4003],
    ["op 4 before Identify", { op: 4, d: { guild_id: "1", channel_id: null, self_mute: false, self_deaf: false } }, 4003],
    ["a bad token", { op: 2, d: { token: "nope", properties: {} } }, 4004],
    ["a token with the Bot prefix", { op: 2, d: { token: "Bot fake-token", properties: {} } }, 4004],
    ["an Identify without properties", { op: 2, d: { token: "fake-token" } }, 4001],
    ["an Identify with a bad shard", { op: 2, d: { token: "fake-token", properties: {}, shard: [2, 2] } }, 4010],
    ["an Identify with a non-array shard", { op: 2, d: { token: "fake-token", properties: {}, shard: 1 } }, 4010],
    ["an unknown intent bit on v6", { op: 2, d: { token: "fake-token", properties: {}, intents: 1 << 15 } }, 4013],
    ["negative intents", { op: 2, d: { token: "fake-token", properties: {}, intents: -1 } }, 4013],
    ["a Resume with a bad token", { op: 6, d: { token: "nope", session_id: "x", seq: 1 } }, 4004],
    ["a malformed Resume", { op: 6, d: { token: "fake-token", seq: 1 } }, 4001],
  ];
  it.each(cases)("closes on %s with %i", async (_name, payload, code) => {
    const discord = await startDiscord();
    const client = connect(discord);
    await client.nextOp(10);
    client.send(payload);
    expect((await client.closed).code).toBe(code);
    expect(discord.closes).toEqual([expect.objectContaining({ connectionId: 1, code })]);
    expect(discord.sessions).toEqual([]);
  });

  it("closes a v10 Identify without intents with 4013, and privileged intents the app lacks with 4014", async () => {
    const discord = await startDiscord({ privilegedIntents: Intents.GUILD_MEMBERS });
    const missing = connect(discord, "v=10&encoding=json");
    await missing.nextOp(10);
    missing.identify();
    expect((await missing.closed).code).toBe(4013);

    const disallowed = connect(discord, "v=10&encoding=json");
    await disallowed.nextOp(10);
    disallowed.identify({ intents: Intents.GUILDS | Intents.GUILD_PRESENCES });
    expect((await disallowed.closed).code).toBe(4014);

    const allowed = await identified(discord, 10, { intents: Intents.GUILDS | Intents.GUILD_MEMBERS });
    expect(allowed.ready.d.v).toBe(10);
    expect(discord.identifies.map((record) => [record.outcome, record.closeCode])).toEqual([
      ["closed", 4013],
      ["closed", 4014],
      ["ready", undefined],
    ]);
  });

  it("accepts a heartbeat before Identify and ACKs it", async () => {
    const discord = await startDiscord();
    const client = connect(discord);
    await client.nextOp(10);
    client.send({ op: 1, d: null });
    expect(await client.nextOp(11)).toMatchObject({ op: 11 });
    expect(discord.closes).toEqual([]);
  });

  it("closes a second Identify, and a Resume after Identify, with 4005", async () => {
    const discord = await startDiscord();
    const first = await identified(discord);
    first.client.identify();
    expect((await first.client.closed).code).toBe(4005);
    const second = await identified(discord);
    second.client.send({ op: 6, d: { token: "fake-token", session_id: second.sessionId, seq: 1 } });
    expect((await second.client.closed).code).toBe(4005);
  });

  it("closes with 4008 after more than `limit` payloads in `window`, counting heartbeats", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock, commandLimit: { limit: 5, window: 60_000 } });
    const client = connect(discord);
    await client.nextOp(10);
    for (let i = 0; i < 5; i++) client.send({ op: 1, d: null });
    await vi.waitFor(() => expect(discord.heartbeats).toHaveLength(5));
    clock.advance(30_000);
    client.send({ op: 1, d: null });
    expect((await client.closed).code).toBe(4008);
    expect(discord.heartbeats).toHaveLength(5);
  });

  it("lets the command window slide: old payloads stop counting", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock, commandLimit: { limit: 3, window: 1000 } });
    const client = connect(discord);
    await client.nextOp(10);
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) client.send({ op: 1, d: null });
      await vi.waitFor(() => expect(discord.heartbeats).toHaveLength(3 * (round + 1)));
      clock.advance(1000);
    }
    expect(discord.closes).toEqual([]);
  });

  it("refuses a command limit the sliding window cannot hold, with FAKE_DISCORD_INVALID_ARGUMENT", () => {
    for (const commandLimit of [{ limit: 0, window: 1000 }, { limit: 1.5, window: 1000 }, { limit: 5, window: 0 }, { limit: 5, window: 2 ** 31 }]) {
      expect(() => new FakeDiscord({ commandLimit })).toThrow(expect.objectContaining({ code: "FAKE_DISCORD_INVALID_ARGUMENT" }));
    }
  });

  it("has no command limit when told so", async () => {
    const discord = await startDiscord({ commandLimit: false });
    const client = connect(discord);
    await client.nextOp(10);
    for (let i = 0; i < 200; i++) client.send({ op: 1, d: null });
    await vi.waitFor(() => expect(discord.heartbeats).toHaveLength(200));
    expect(discord.closes).toEqual([]);
  });
});

describe("FakeDiscord: op 9 on Identify and Resume", () => {
  it("answers an Identify within 5 s of the last one with op 9 false; the connection may Identify again later", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock, identifyWindow: 5000 });
    await identified(discord);
    const client = connect(discord);
    await client.nextOp(10);
    client.identify();
    expect(await client.nextOp(9)).toEqual({ op: 9, d: false, s: null, t: null });
    clock.advance(5000);
    client.identify();
    expect((await client.nextOp(0, "READY")).s).toBe(1);
    expect(discord.identifies.map((record) => record.outcome)).toEqual(["ready", "rate-limited", "ready"]);
  });

  it("allows max_concurrency Identifies at once, one per shard bucket", async () => {
    const discord = await startDiscord({ maxConcurrency: 2, identifyWindow: 5000 });
    await identified(discord, 6, { shard: [0, 4] });
    await identified(discord, 6, { shard: [1, 4] });
    const third = connect(discord);
    await third.nextOp(10);
    third.identify({ shard: [2, 4] });
    expect((await third.nextOp(9)).d).toBe(false);
  });

  it("decrements the session start limit on each Identify and answers op 9 false once it is spent", async () => {
    const discord = await startDiscord({ sessionStartLimit: { total: 10, remaining: 1, resetAfter: 3_600_000 } });
    await identified(discord);
    expect(discord.sessionStartLimit).toMatchObject({ total: 10, remaining: 0 });
    const client = connect(discord);
    await client.nextOp(10);
    client.identify();
    expect((await client.nextOp(9)).d).toBe(false);
    expect(discord.identifies.at(-1)).toMatchObject({ outcome: "session-limit", sessionId: undefined });
    expect(discord.sessionStartLimit.remaining).toBe(0);
  });

  it("answers a Resume of an unknown session with op 9 false", async () => {
    const discord = await startDiscord();
    const client = await resumed(discord, "nope", 3);
    expect((await client.nextOp(9)).d).toBe(false);
    expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "unknown-session", sessionId: "nope", seq: 3 })]);
  });
});

describe("FakeDiscord: sessions and resume", () => {
  it("buffers dispatches while the connection is gone and replays the missed ones in order, then RESUMED", async () => {
    const discord = await startDiscord();
    const { client, ready } = await identified(discord);
    const sessionId = sessionIdOf(ready);
    for (let i = 0; i < 3; i++) discord.dispatch("TYPING_START", { n: i });
    await client.waitForCount(1 + 2 + 3); // HELLO, READY, GUILD_CREATE, 3 dispatches
    expect(client.seq).toBe(5);
    client.close(4000);
    await vi.waitFor(() => expect(discord.session(sessionId)!.state).toBe("disconnected"));
    for (let i = 3; i < 6; i++) expect(discord.dispatch("TYPING_START", { n: i })).toBe(1);

    const next = await resumed(discord, sessionId, 4);
    const replay: Payload[] = [];
    for (let i = 0; i < 5; i++) replay.push(await next.nextOp(0));
    expect(replay.map((payload) => [payload.s, payload.t, (payload.d as { n?: number }).n ?? null])).toEqual([
      [5, "TYPING_START", 2],
      [6, "TYPING_START", 3],
      [7, "TYPING_START", 4],
      [8, "TYPING_START", 5],
      [9, "RESUMED", null],
    ]);
    discord.dispatch("TYPING_START", { n: 6 });
    expect(await next.nextOp(0)).toMatchObject({ s: 10, d: { n: 6 } });
    expect(discord.session(sessionId)).toMatchObject({ state: "connected", seq: 10 });
    expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "resumed", replayed: 4, sessionId, seq: 4 })]);
  });

  it("replays nothing but RESUMED when the client is up to date, and accepts seq null as 0", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client, ready } = await identified(discord);
    client.close(4000);
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("disconnected"));
    const upToDate = await resumed(discord, sessionIdOf(ready), 1);
    expect(await upToDate.nextOp(0)).toMatchObject({ t: "RESUMED", s: 2 });
    upToDate.close(4000);
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("disconnected"));
    const fromNull = await resumed(discord, sessionIdOf(ready), null);
    expect((await fromNull.nextOp(0)).t).toBe("READY"); // everything from seq 0, RESUMED skipped
    expect((await fromNull.nextOp(0)).t).toBe("RESUMED");
  });

  it("takes the session over from a connection that is still attached", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client, ready } = await identified(discord);
    const next = await resumed(discord, sessionIdOf(ready), 1);
    expect((await next.nextOp(0)).t).toBe("RESUMED");
    expect((await client.closed).code).toBe(4000);
    discord.dispatch("TYPING_START", {});
    expect((await next.nextOp(0)).s).toBe(3);
    expect(discord.sessions[0]!.connection?.id).toBe(2);
  });

  it("closes a Resume with a seq ahead of the session with 4007 and ends the session", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client, ready } = await identified(discord);
    client.close(4000);
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("disconnected"));
    const ahead = await resumed(discord, sessionIdOf(ready), 2);
    expect((await ahead.closed).code).toBe(4007);
    expect(discord.sessions[0]!.state).toBe("invalidated");
    const again = await resumed(discord, sessionIdOf(ready), 1);
    expect((await again.nextOp(9)).d).toBe(false);
  });

  it("closes a Resume older than the replay buffer with 4007", async () => {
    const discord = await startDiscord({ guilds: [], replayBufferSize: 10 });
    const { client, ready } = await identified(discord);
    client.close(4000);
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("disconnected"));
    discord.faults.burst(20, "TYPING_START", (i) => ({ i }));
    expect(discord.sessions[0]!.oldestResumableSeq).toBe(11);
    const old = await resumed(discord, sessionIdOf(ready), 10);
    expect((await old.closed).code).toBe(4007);
  });

  it("expires a dropped session after sessionTimeout: a Resume that late gets op 9 d:false, not close 4009", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock, guilds: [], sessionTimeout: 60_000 });
    const { client, ready } = await identified(discord);
    client.close();
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("disconnected"));
    clock.advance(59_999);
    expect(discord.sessions[0]!.state).toBe("disconnected");
    expect(discord.dispatch("TYPING_START", {})).toBe(1);
    clock.advance(1);
    expect(discord.sessions[0]!.state).toBe("expired");
    expect(discord.dispatch("TYPING_START", {})).toBe(0);
    const late = await resumed(discord, sessionIdOf(ready), 1);
    expect((await late.nextOp(9)).d).toBe(false);
    expect(late.ws.readyState).toBe(late.ws.OPEN);
    expect(discord.resumes.at(-1)).toMatchObject({ outcome: "unknown-session", closeCode: undefined });
    expect(discord.closes.map((close) => close.code)).not.toContain(4009);
  });

  it("resets the session timeout when the session resumes", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock, guilds: [], sessionTimeout: 1000 });
    const { client, ready } = await identified(discord);
    client.close(4000);
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("disconnected"));
    clock.advance(900);
    const next = await resumed(discord, sessionIdOf(ready), 1);
    await next.nextOp(0, "RESUMED");
    clock.advance(5000);
    expect(discord.sessions[0]!.state).toBe("connected");
  });

  it.each([1000, 1001])("ends the session when the client closes with %i", async (code) => {
    const discord = await startDiscord({ guilds: [] });
    const { client, ready } = await identified(discord);
    client.close(code);
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("invalidated"));
    const next = await resumed(discord, sessionIdOf(ready), 1);
    expect((await next.nextOp(9)).d).toBe(false);
  });

  it("survives a restart on the same ports: the session can be resumed", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { ready } = await identified(discord);
    const url = discord.gatewayUrl;
    const rest = discord.restUrl;
    await discord.stop();
    expect(discord.sessions[0]!.state).toBe("disconnected");
    discord.dispatch("TYPING_START", { while: "down" });
    await discord.start();
    expect(discord.gatewayUrl).toBe(url);
    expect(discord.restUrl).toBe(rest);
    const next = await resumed(discord, sessionIdOf(ready), 1);
    expect(await next.nextOp(0)).toMatchObject({ t: "TYPING_START", d: { while: "down" } });
    await expect(discord.start()).rejects.toMatchObject({ code: "FAKE_DISCORD_ALREADY_STARTED" });
  });
});

describe("FakeDiscord: heartbeats", () => {
  it("records the d of every heartbeat (null before any dispatch, then the client's last seq)", async () => {
    const discord = await startDiscord();
    const client = connect(discord);
    await client.nextOp(10);
    client.send({ op: 1, d: null });
    await client.nextOp(11);
    client.identify();
    await client.nextOp(0, "GUILD_CREATE");
    client.send({ op: 1, d: client.seq });
    await client.nextOp(11);
    expect(discord.heartbeats.map((record) => [record.connectionId, record.d])).toEqual([
      [1, null],
      [1, 2],
    ]);
    expect(discord.heartbeats[0]!.sessionId).toBeUndefined();
    const session = discord.sessions[0]!;
    expect(discord.heartbeats[1]!.sessionId).toBe(session.id);
    expect(session.heartbeats).toEqual([2]);
    expect(session.lastHeartbeat).toBe(session.seq);
  });

  it("closes a connection whose client stops heartbeating with 4000, leaving the session resumable", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock, guilds: [], heartbeatInterval: 1000, heartbeatTimeout: 1500 });
    expect(discord.heartbeatTimeout).toBe(1500);
    const { client } = await identified(discord);
    clock.advance(1000);
    client.send({ op: 1, d: 1 });
    await vi.waitFor(() => expect(discord.heartbeats).toHaveLength(1));
    clock.advance(1499);
    expect(discord.closes).toEqual([]);
    clock.advance(1);
    expect(await client.closed).toEqual({ code: 4000, reason: "Heartbeat timeout." });
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe("disconnected"));
  });

  it("defaults the heartbeat timeout to interval × 1.5 + 1 s and honours heartbeatTimeoutCode", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock, heartbeatInterval: 2000, heartbeatTimeoutCode: 4009 });
    expect(discord.heartbeatTimeout).toBe(4000);
    const client = connect(discord);
    await client.nextOp(10);
    clock.advance(3999);
    expect(discord.closes).toEqual([]);
    clock.advance(1);
    expect((await client.closed).code).toBe(4009);
  });

  it("sends no HELLO (and starts no heartbeat timer) when sendHello is off", async () => {
    const clock = new ManualClock();
    const discord = await startDiscord({ clock });
    discord.sendHello = false;
    const client = connect(discord);
    await client.opened;
    clock.advance(1_000_000);
    client.identify();
    expect((await client.nextOp(0)).t).toBe("READY");
    expect(client.payloads.some((payload) => payload.op === 10)).toBe(false);
  });

  it("stops ACKing heartbeats when told to", async () => {
    const discord = await startDiscord();
    const client = connect(discord);
    await client.nextOp(10);
    discord.faults.stopAcking();
    client.send({ op: 1, d: null });
    await vi.waitFor(() => expect(discord.heartbeats).toHaveLength(1));
    discord.faults.stopAcking(false);
    client.send({ op: 1, d: null });
    await client.nextOp(11);
    expect(client.payloads.filter((payload) => payload.op === 11)).toHaveLength(1);
  });
});

describe("FakeDiscord: op 8 and op 3", () => {
  it("answers op 8 for 2,500 members with 3 GUILD_MEMBERS_CHUNK dispatches carrying the nonce", async () => {
    const guild = createGuild({ members: 2500, online: 0.2 });
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord, 10, { intents: Intents.GUILDS | Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES });
    const create = await client.nextOp(0, "GUILD_CREATE");
    expect(create.d.large).toBe(true);
    client.send({ op: 8, d: { guild_id: guild.id, query: "", limit: 0, presences: true, nonce: "sync-1" } });
    const chunks = [await client.nextOp(0), await client.nextOp(0), await client.nextOp(0)];
    type Chunk = { chunk_index: number; chunk_count: number; members: unknown[]; presences: unknown[]; nonce: string };
    expect(chunks.map((chunk) => [chunk.t, chunk.s, ...((d: Chunk) => [d.chunk_index, d.chunk_count, d.members.length, d.nonce])(chunk.d as Chunk)])).toEqual([
      ["GUILD_MEMBERS_CHUNK", 3, 0, 3, 1000, "sync-1"],
      ["GUILD_MEMBERS_CHUNK", 4, 1, 3, 1000, "sync-1"],
      ["GUILD_MEMBERS_CHUNK", 5, 2, 3, 500, "sync-1"],
    ]);
    const presences = chunks.flatMap((chunk) => (chunk.d as Chunk).presences);
    expect(presences).toHaveLength(guild.members.filter((member) => member.status !== "offline").length);
    expect(discord.memberRequests).toEqual([expect.objectContaining({ chunks: 3, sessionId: discord.sessions[0]!.id })]);
  });

  it("answers user_ids with not_found, and nothing for a guild the bot is not in", async () => {
    const guild = createGuild({ members: 20 });
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord);
    await client.nextOp(0, "GUILD_CREATE");
    client.send({ op: 8, d: { guild_id: "123", query: "", limit: 0 } });
    client.send({ op: 8, d: { guild_id: guild.id, user_ids: [guild.members[5]!.user.id, "1"], nonce: "x" } });
    const chunk = await client.nextOp(0);
    expect(chunk.d).toMatchObject({ guild_id: guild.id, not_found: ["1"], nonce: "x", chunk_count: 1 });
    expect(chunk.d.members[0].user.id).toBe(guild.members[5]!.user.id);
    expect(discord.memberRequests.map((record) => record.chunks)).toEqual([0, 1]);
  });

  it("closes with 4013 for the whole member list without GUILD_MEMBERS on v10", async () => {
    const guild = createGuild();
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord, 10, { intents: NOT_PRIVILEGED });
    client.send({ op: 8, d: { guild_id: guild.id, query: "", limit: 0 } });
    expect((await client.closed).code).toBe(4013);
  });

  it("closes a malformed op 8 with 4001", async () => {
    const discord = await startDiscord();
    const { client } = await identified(discord);
    client.send({ op: 8, d: { guild_id: "1" } });
    expect((await client.closed).code).toBe(4001);
  });

  it("records op 3 presence updates on the session (Identify's presence first), and op 4 is accepted", async () => {
    const discord = await startDiscord();
    const initial = { status: "online", since: null, game: null, afk: false };
    const { client } = await identified(discord, 6, { presence: initial });
    const update = { status: "dnd", since: null, game: { name: "LVP", type: 0 }, afk: false };
    const seen = once(discord, "presenceUpdate");
    client.send({ op: 3, d: update });
    client.send({ op: 4, d: { guild_id: "1", channel_id: null, self_mute: false, self_deaf: false } });
    const [session, d] = (await seen) as [unknown, unknown];
    expect(d).toEqual(update);
    expect(session).toBe(discord.sessions[0]);
    expect(discord.sessions[0]!.presences).toEqual([initial, update]);
    client.send({ op: 3, d: "bad" });
    expect((await client.closed).code).toBe(4001);
  });
});

describe("FakeDiscord: dispatch and MESSAGE_CREATE", () => {
  it("dispatches to every live session or one, each with its own sequence", async () => {
    const discord = await startDiscord({ guilds: [] });
    const a = await identified(discord);
    const b = await identified(discord);
    expect(discord.dispatch("TYPING_START", { x: 1 })).toBe(2);
    expect(discord.dispatch("TYPING_START", { x: 2 }, { sessionId: b.sessionId })).toBe(1);
    expect(await a.client.nextOp(0, "TYPING_START")).toMatchObject({ s: 2, d: { x: 1 } });
    expect(await b.client.nextOp(0, "TYPING_START")).toMatchObject({ s: 2, d: { x: 1 } });
    expect(await b.client.nextOp(0, "TYPING_START")).toMatchObject({ s: 3, d: { x: 2 } });
    expect(discord.dispatch("TYPING_START", {}, { sessionId: "nope" })).toBe(0);
  });

  it("follows intents and shards unless forced, and always sends the bot's own GUILD_MEMBER_UPDATE", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client } = await identified(discord, 10, { intents: Intents.GUILDS, shard: [0, 2] });
    const onShard1 = ((1n << 22n) | 1n).toString();
    expect(discord.dispatch("MESSAGE_CREATE", { guild_id: "1", content: "no intent" })).toBe(0);
    expect(discord.dispatch("GUILD_UPDATE", { id: onShard1 })).toBe(0);
    expect(discord.dispatch("GUILD_MEMBER_UPDATE", { guild_id: "1", user: { id: "5" } })).toBe(0);
    expect(discord.dispatch("GUILD_MEMBER_UPDATE", { guild_id: "1", user: { id: DEFAULT_BOT_ID } })).toBe(1);
    expect(discord.dispatch("MESSAGE_CREATE", { guild_id: "1", content: "forced" }, { force: true })).toBe(1);
    expect((await client.nextOp(0, "GUILD_MEMBER_UPDATE")).d.user.id).toBe(DEFAULT_BOT_ID);
    expect((await client.nextOp(0, "MESSAGE_CREATE")).d.content).toBe("forced");
  });

  it("takes a function of the session for per-session data, skipping sessions it returns undefined for", async () => {
    const discord = await startDiscord({ guilds: [] });
    const v6 = await identified(discord, 6);
    const v10 = await identified(discord, 10);
    expect(discord.dispatch("USER_UPDATE", (session: { version: number }) => (session.version === 10 ? { v: 10 } : undefined))).toBe(1);
    expect((await v10.client.nextOp(0, "USER_UPDATE")).d).toEqual({ v: 10 });
    discord.dispatch("USER_UPDATE", { v: "all" });
    expect((await v6.client.nextOp(0, "USER_UPDATE")).d).toEqual({ v: "all" });
  });

  it("builds MESSAGE_CREATE in each session's version, finding the guild of the channel", async () => {
    const guild = createGuild();
    const discord = await startDiscord({ guilds: [guild] });
    const v6 = await identified(discord, 6);
    const v10 = await identified(discord, 10);
    const channel = guild.channels.find((candidate) => candidate.name === "general")!;
    const author = guild.members[2]!;
    const message = discord.messageCreate({ channelId: channel.id, author, content: "!help" });
    expect(message).toMatchObject({ guildId: guild.id, id: expect.stringMatching(/^\d+$/), timestamp: expect.any(String) });
    const a = await v6.client.nextOp(0, "MESSAGE_CREATE");
    const b = await v10.client.nextOp(0, "MESSAGE_CREATE");
    expect(a.d).toMatchObject({ id: message.id, channel_id: channel.id, guild_id: guild.id, content: "!help", author: { id: author.user.id } });
    expect(a.d.member.roles).toEqual(author.roles);
    expect(a.d).not.toHaveProperty("components");
    expect(b.d.components).toEqual([]);
    expect(b.d.author.global_name).toBeNull();

    const dm = discord.messageCreate({ channelId: "999", author: author.user, content: "dm" });
    expect(dm.guildId).toBeNull();
    expect((await v6.client.nextOp(0, "MESSAGE_CREATE")).d).not.toHaveProperty("guild_id");
  });

  it("streams 2,000 messages to a connected client in order", async () => {
    const guild = createGuild();
    const discord = await startDiscord({ guilds: [guild] });
    const { client } = await identified(discord, 6);
    await client.nextOp(0, "GUILD_CREATE");
    const author = guild.members[1]!;
    const channelId = guild.channels[1]!.id;
    for (let i = 0; i < 2000; i++) discord.messageCreate({ channelId, author, content: `line ${i}` });
    await client.waitForCount(3 + 2000);
    const messages = client.dispatches.slice(2);
    expect(messages.every((payload, i) => payload.s === i + 3 && payload.d.content === `line ${i}`)).toBe(true);
  });
});

describe("FakeDiscord: REST", () => {
  it("serves GET /gateway on v6 and v10 without auth", async () => {
    const discord = await startDiscord();
    for (const version of [6, 10]) {
      const response = await fetch(`${discord.restUrl}/v${version}/gateway`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ url: discord.gatewayUrl });
    }
  });

  it("serves GET /gateway/bot with the session start limit, only with the bot token", async () => {
    const discord = await startDiscord({ maxConcurrency: 4, sessionStartLimit: { total: 1000, remaining: 900, resetAfter: 60_000 } });
    await identified(discord);
    const unauthorized = await fetch(`${discord.restUrl}/v10/gateway/bot`);
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    const response = await fetch(`${discord.restUrl}/v6/gateway/bot`, { headers: { Authorization: "Bot fake-token" } });
    const body = (await response.json()) as { session_start_limit: { reset_after: number } };
    expect(body).toEqual({
      url: discord.gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 899, reset_after: expect.any(Number), max_concurrency: 4 },
    });
    expect(body.session_start_limit.reset_after).toBeLessThanOrEqual(60_000);
  });

  it("answers 404 with Discord's body for unknown routes", async () => {
    const discord = await startDiscord();
    const response = await fetch(`${discord.restUrl}/v6/channels/1/unknown-route`, { method: "POST", headers: { Authorization: "Bot fake-token" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: "404: Not Found", code: 0 });
  });

  it("uses the configured token for REST too", async () => {
    const discord = await startDiscord({ token: "s3cret" });
    expect((await fetch(`${discord.restUrl}/v6/gateway/bot`, { headers: { Authorization: "Bot fake-token" } })).status).toBe(401);
    expect((await fetch(`${discord.restUrl}/v6/gateway/bot`, { headers: { Authorization: "Bot s3cret" } })).status).toBe(200);
  });
});

describe("FakeDiscord: lifecycle", () => {
  it("builds one default guild with the bot in it, and stops cleanly before it was started", async () => {
    const discord = new FakeDiscord();
    expect(discord.guilds).toHaveLength(1);
    expect(discord.guilds[0]!.members[0]!.user.id).toBe(DEFAULT_BOT_ID);
    await discord.stop();
    expect(() => discord.gatewayUrl).toThrow();
  });
});
