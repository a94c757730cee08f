import { EventEmitter } from "node:events";
import { createBotUser, createGuild, FakeDiscord, type GuildFixture, type MemberFixture } from "@nuwani/fake-discord";
import { DiscordRest } from "@nuwani/rest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bridge } from "../src/Bridge.js";
import type { BridgeOptions } from "../src/BridgeOptions.js";
import type { BridgeError } from "../src/BridgeError.js";
import { parseConfig, type EnabledBridgeConfig } from "../src/config.js";
import type { DeliveryTarget, GameServer, GameServerEvents, Player } from "@nuwani/game";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";
import { TOKEN } from "./support/harness.js";

const SECRET = "lvp-client-secret-NEVER-PRINT";
const wait = { timeout: 5000, interval: 5 };

interface Lvp {
  discord: FakeDiscord;
  guilds: GuildFixture[];
  /** The simulated game (unless the test gave its own). */
  game: SimulatedGameServer;
  bridge: Bridge;
  config: EnabledBridgeConfig;
  errors: BridgeError[];
  log: string[];
  channel(name: string, guild?: GuildFixture): string;
  member(index: number, guild?: GuildFixture): MemberFixture;
  posted(channelId: string): string[];
}

let running: { bridge: Bridge; discord: FakeDiscord; rest: DiscordRest } | undefined;
afterEach(async () => {
  if (running === undefined) return;
  await running.bridge.stop();
  running.rest.destroy();
  await running.discord.stop();
  running = undefined;
});

/** LVP's four channels, as a guild would name them, plus one that is not LVP's. */
const LVP_CHANNELS = [{ name: "general" }, { name: "echo" }, { name: "crew" }, { name: "management" }, { name: "vip" }];

/**
 * A fake Discord and a bridge configured with LVP's `discord` section as LVP writes it: only
 * `clientId`, `clientSecret`, `endpoint` (here the fake's, with `?v=6`) and `token`. The REST
 * client is given (LVP's section has no REST URL; Discord's own would be used).
 */
async function startLvp(
  options: { guilds?: GuildFixture[]; start?: boolean; game?: GameServer; bridge?: Partial<BridgeOptions> } = {},
): Promise<Lvp & { started: Promise<unknown> }> {
  const bot = createBotUser();
  const guilds = options.guilds ?? [createGuild({ seed: 21, members: 12, bot, channels: LVP_CHANNELS })];
  const discord = new FakeDiscord({ token: TOKEN, user: bot, guilds, identifyWindow: 50, rest: { bucket: { limit: 50, window: 1000 }, global: false } });
  await discord.start();
  const endpoint = new URL(discord.gatewayUrl);
  endpoint.searchParams.set("v", "6");
  endpoint.searchParams.set("encoding", "json");
  const parsed = parseConfig({ discord: { clientId: bot.id, clientSecret: SECRET, endpoint: endpoint.href, token: TOKEN } }, {});
  if (!parsed.enabled) throw new Error("LVP's section enables Discord");
  const rest = new DiscordRest({ token: TOKEN, version: 6, baseUrl: discord.restUrl, retryDelay: () => 20 });
  const game = options.game ?? new SimulatedGameServer({ seed: 5 });
  const bridge = new Bridge({
    config: parsed,
    game,
    rest,
    gatewayOptions: { backoff: { base: 20, cap: 100 } },
    outbox: { rate: { limit: 50, window: 1000 }, retryDelay: () => 50 },
    commandRateLimit: { limit: 100, window: 1000 },
    flood: { perUser: { limit: 1000, window: 1000 }, overall: { limit: 1000, window: 1000 } },
    ...options.bridge,
  });
  running = { bridge, discord, rest };
  const errors: BridgeError[] = [];
  const log: string[] = [];
  bridge.on("error", (error) => errors.push(error));
  bridge.on("debug", (message) => log.push(message));
  const guild0 = guilds[0]!;
  let started: Promise<unknown> = Promise.resolve();
  if (options.start !== false) {
    const ready = new Promise((resolve) => bridge.once("guildReady", resolve));
    started = bridge.start();
    await started;
    await ready;
  }
  return {
    discord,
    guilds,
    game: game instanceof SimulatedGameServer ? game : new SimulatedGameServer(),
    bridge,
    config: parsed,
    errors,
    log,
    started,
    channel: (name, guild = guild0) => guild.channels.find((entry) => entry.name === name)!.id,
    member: (index, guild = guild0) => guild.members[index]!,
    posted: (channelId) => discord.postedMessages.filter((message) => message.channelId === channelId).map((message) => message.content),
  };
}

function roleId(guild: GuildFixture, name: string, nth = 0): string {
  return guild.roles.filter((role) => role.name === name)[nth]!.id;
}

describe("Bridge: LVP's discord section as written", () => {
  it("connects on gateway v6 (the endpoint's ?v=6), serves the bot's only guild, and finds #echo, #crew, #management and #vip", async () => {
    const lvp = await startLvp();
    const [guild] = lvp.guilds as [GuildFixture];
    expect(lvp.config.version).toBe(6);
    expect(lvp.bridge.guild).toBe(guild.id);
    expect((lvp.discord.identifies[0]?.d as { intents?: unknown }).intents).toBeUndefined();
    expect(Object.fromEntries(lvp.bridge.channels!)).toEqual({
      echo: lvp.channel("echo"),
      admin: lvp.channel("crew"),
      management: lvp.channel("management"),
      vip: lvp.channel("vip"),
      reports: lvp.channel("crew"),
      announcements: lvp.channel("echo"),
    });
    expect(lvp.errors).toEqual([]);
  });

  it("relays each LVP channel to its audience in game, and the game's echo to #echo", async () => {
    const lvp = await startLvp();
    const author = lvp.member(4);
    author.roles = [];
    for (const name of ["echo", "crew", "management", "vip", "general"]) {
      lvp.discord.messageCreate({ channelId: lvp.channel(name), author, content: `hello ${name}` });
    }
    await vi.waitFor(() => expect(lvp.game.delivered).toHaveLength(4), wait);
    expect(lvp.game.delivered.map(({ to, text }) => [to, text.replace(/ \S+: /, " NAME: ")])).toEqual([
      ["all", "[Discord] NAME: hello echo"],
      ["administrators", "[Discord admin] NAME: hello crew"],
      ["management", "[Discord management] NAME: hello management"],
      ["vips", "[Discord VIP] NAME: hello vip"],
    ]);
    lvp.game.addPlayer("Gunther");
    await vi.waitFor(() => expect(lvp.posted(lvp.channel("echo"))).toEqual([expect.stringContaining("Gunther")]), wait);
  });

  it("posts the game watchdog's down and up to the crew channel", async () => {
    const lvp = await startLvp();
    lvp.game.setHealth("down", "no query answer for 30 s");
    lvp.game.setHealth("up", "answering again");
    await vi.waitFor(() => expect(lvp.posted(lvp.channel("crew")).join("\n")).toMatch(/unreachable: no query answer for 30 s[\s\S]*reachable again: answering again/), wait);
  });

  it("names a missing channel and lists the text channels that exist", async () => {
    const bot = createBotUser();
    const guild = createGuild({ seed: 22, members: 8, bot, channels: [{ name: "general" }, { name: "echo" }, { name: "admin" }, { name: "Lounge", type: 2 }] });
    const lvp = await startLvp({ guilds: [guild] });
    expect(lvp.errors.map((error) => [error.code, error.field])).toEqual([
      ["BRIDGE_CHANNEL_UNRESOLVED", "discord.channels.management"],
      ["BRIDGE_CHANNEL_UNRESOLVED", "discord.channels.vip"],
    ]);
    expect(lvp.errors[0]!.message).toContain("has no text channel #management");
    expect(lvp.errors[0]!.message).toContain("Text channels: #general, #echo, #admin");
    expect(lvp.errors[1]!.message).toContain("set discord.channels.vip to a channel name or id");
    expect(lvp.bridge.channels!.get("admin")).toBe(lvp.channel("admin", guild));
  });

  it("refuses to guess between several guilds: start() rejects naming them and asking for discord.guild", async () => {
    const bot = createBotUser();
    const guilds = [createGuild({ seed: 31, members: 5, bot, name: "Las Venturas Playground" }), createGuild({ seed: 32, members: 5, bot, name: "LVP Test" })];
    const lvp = await startLvp({ guilds, start: false });
    const error = (await lvp.bridge.start().then(
      () => undefined,
      (caught: unknown) => caught,
    )) as BridgeError;
    expect(error).toMatchObject({ code: "BRIDGE_GUILD_UNRESOLVED", field: "discord.guild" });
    expect(error.message).toContain(`Las Venturas Playground (${guilds[0]!.id})`);
    expect(error.message).toContain(`LVP Test (${guilds[1]!.id})`);
    expect(error.message).toContain("set discord.guild");
    expect(lvp.bridge.running).toBe(false);
  });

  it("reports a configured discord.guild the bot is not in, naming the guilds it is in", async () => {
    const lvp = await startLvp({ start: false });
    const [guild] = lvp.guilds as [GuildFixture];
    const bridge = new Bridge({ config: { ...lvp.config, guild: "123456789012345678" }, game: new SimulatedGameServer(), rest: running!.rest });
    const errors: BridgeError[] = [];
    bridge.on("error", (error) => errors.push(error));
    try {
      await bridge.start();
      await vi.waitFor(() => expect(errors.map((error) => error.code)).toContain("BRIDGE_GUILD_UNRESOLVED"), wait);
      expect(errors[0]!.message).toBe(`discord.guild 123456789012345678 is not a guild the bot is in (it is in: ${guild.id}); nothing is relayed`);
    } finally {
      await bridge.stop();
    }
  });

  it("never shows the token or the client secret", async () => {
    const lvp = await startLvp();
    const text = `${JSON.stringify(lvp.config)} ${lvp.log.join("\n")} ${lvp.errors.map(String).join()}`;
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
  });
});

describe("Bridge: role → level mapping by id or exact name only", () => {
  it("regression: a role differing only in case gained a level; two roles with the configured name refuse the mapping", async () => {
    const bot = createBotUser();
    const guild = createGuild({
      seed: 23,
      members: 10,
      bot,
      channels: LVP_CHANNELS,
      roles: [{ name: "Nuwani", managed: true }, { name: "Management" }, { name: "management" }, { name: "Administrator" }, { name: "VIP" }, { name: "VIP" }],
    });
    const [, manager, lookalike, admin, vipA, vipB] = guild.members;
    manager!.roles = [roleId(guild, "Management")];
    lookalike!.roles = [roleId(guild, "management")];
    admin!.roles = [roleId(guild, "Administrator")];
    vipA!.roles = [roleId(guild, "VIP", 0)];
    vipB!.roles = [roleId(guild, "VIP", 1)];
    const lvp = await startLvp({ guilds: [guild] });
    const levels: string[] = [];
    lvp.bridge.on("command", (event) => levels.push(`${event.level} ${event.outcome}`));
    for (const member of [manager!, lookalike!, admin!, vipA!, vipB!]) {
      const before = levels.length;
      lvp.discord.messageCreate({ channelId: lvp.channel("echo"), author: member, content: "!say hi" });
      await vi.waitFor(() => expect(levels.length).toBe(before + 1), wait);
    }
    expect(levels).toEqual(["management ran", "player denied", "administrator ran", "player denied", "player denied"]);
    const warnings = lvp.errors.filter((error) => error.code === "BRIDGE_CONFIG_INVALID");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ field: "discord.levels.VIP" });
    expect(warnings[0]!.message).toBe('2 roles of the guild are named "VIP": the mapping to level vip is refused; map the role by id in discord.levels');
  });
  it("regression: with no role named exactly Management, a role named management gained the management level", async () => {
    const bot = createBotUser();
    const guild = createGuild({ seed: 24, members: 6, bot, channels: LVP_CHANNELS, roles: [{ name: "Nuwani", managed: true }, { name: "management" }] });
    const member = guild.members[1]!;
    member.roles = [roleId(guild, "management")];
    const lvp = await startLvp({ guilds: [guild] });
    const events: string[] = [];
    lvp.bridge.on("command", (event) => events.push(`${event.level} ${event.outcome}`));
    lvp.discord.messageCreate({ channelId: lvp.channel("echo"), author: member, content: "!announce hi" });
    await vi.waitFor(() => expect(events).toEqual(["player denied"]), wait);
    expect(lvp.game.announced).toEqual([]);
  });
});

describe("Bridge: Discord → game flood control and injection", () => {
  it("refuses messages beyond the per-user and overall line rates, whole, and counts them", async () => {
    let now = 1_000_000;
    const clock = { now: () => now, setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms), clearTimeout: (timer: unknown) => clearTimeout(timer as NodeJS.Timeout) };
    const lvp = await startLvp({ bridge: { clock, flood: { perUser: { limit: 2, window: 1000 }, overall: { limit: 3, window: 1000 } } } });
    const [a, b] = [lvp.member(4), lvp.member(5)];
    a.roles = [];
    b.roles = [];
    const echo = lvp.channel("echo");
    const say = async (author: MemberFixture, content: string): Promise<void> => {
      const before = lvp.log.length;
      lvp.discord.messageCreate({ channelId: echo, author, content });
      // Each message ends in a delivery or in a flood-control line of the log.
      await vi.waitFor(() => expect(lvp.game.delivered.some((d) => d.text.endsWith(content)) || lvp.log.slice(before).some((line) => line.startsWith("flood control"))).toBe(true), wait);
    };
    await say(a, "a1");
    await say(a, "a2");
    await say(a, "a3"); // over a's 2 lines a second
    await say(b, "b1");
    await say(b, "b2"); // over the overall 3 lines a second
    expect(lvp.game.delivered.map((d) => d.text.slice(-2))).toEqual(["a1", "a2", "b1"]);
    expect(lvp.bridge.summary().discordToGame).toEqual({ messages: 3, lines: 3, flooded: { user: 1, overall: 1 }, muted: 0 });
    now += 1000;
    await say(a, "a4");
    expect(lvp.game.delivered.map((d) => d.text.slice(-2))).toEqual(["a1", "a2", "b1", "a4"]);
  });

  it("LVP's mute-echo (+m) pauses the echo channel's relay for people below VIP; unmute-echo (-m) undoes it", async () => {
    const lvp = await startLvp();
    const [guild] = lvp.guilds as [GuildFixture];
    const player = lvp.member(4);
    player.roles = [];
    const vip = lvp.member(5);
    vip.roles = [roleId(guild, "VIP")];
    const modes: string[] = [];
    lvp.bridge.on("channelMode", ({ channel, muted }) => modes.push(`${channel} ${muted}`));
    const echo = lvp.channel("echo");
    const say = async (author: MemberFixture, content: string): Promise<void> => {
      const before = lvp.log.length;
      lvp.discord.messageCreate({ channelId: echo, author, content });
      await vi.waitFor(() => expect(lvp.game.delivered.some((d) => d.text.endsWith(content)) || lvp.log.slice(before).some((line) => line.includes("is muted (+m)"))).toBe(true), wait);
    };
    lvp.game.emit("echo", "mute-echo", []);
    await say(player, "while muted");
    await say(vip, "voiced");
    lvp.game.emit("echo", "unmute-echo", []);
    await say(player, "after unmute");
    expect(lvp.game.delivered.map((d) => d.text.replace(/^.*: /, ""))).toEqual(["voiced", "after unmute"]);
    expect(modes).toEqual(["echo true", "echo false"]);
    expect(lvp.bridge.summary().discordToGame.muted).toBe(1);
    expect(lvp.bridge.summary().gameToDiscord.emitted).toBe(0);
  });

  it("strips zero-width, bidi and control characters and colour codes hidden by them", async () => {
    const lvp = await startLvp();
    const author = lvp.member(4);
    author.roles = [];
    const hidden = "{FF\u200B0000}red \u202Egnp.exe\u202C ad\u00ADmin\u2060 \uFEFFtag\u{E0041} \u200Dx\u001b[2J";
    lvp.discord.messageCreate({ channelId: lvp.channel("echo"), author, content: hidden });
    await vi.waitFor(() => expect(lvp.game.delivered).toHaveLength(1), wait);
    const text = lvp.game.delivered[0]!.text;
    expect(text).toMatch(/: red gnp\.exe admin tag x\[2J$/);
    // eslint-disable-next-line no-control-regex -- the characters under test
    expect(text).not.toMatch(/[\u0000-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|\{[0-9A-Fa-f]{6}\}|\u{E0041}/u);
  });

  it("reports a game whose deliver rejects (BRIDGE_GAME_FAILED) and goes on", async () => {
    const simulated = new SimulatedGameServer();
    let calls = 0;
    // An out-of-process game whose first delivery fails (an RCON timeout).
    class RconGame extends EventEmitter<GameServerEvents> implements GameServer {
      players = (): readonly Player[] => simulated.players();
      announce = (text: string): void => simulated.announce(text);
      async deliver(to: DeliveryTarget, text: string): Promise<void> {
        calls++;
        await Promise.resolve();
        if (calls === 1) throw new Error("RCON timed out");
        simulated.deliver(to, text);
      }
    }
    const game = new RconGame();
    const lvp = await startLvp({ game });
    const author = lvp.member(4);
    author.roles = [];
    lvp.discord.messageCreate({ channelId: lvp.channel("echo"), author, content: "first" });
    lvp.discord.messageCreate({ channelId: lvp.channel("echo"), author, content: "second" });
    await vi.waitFor(() => expect(simulated.delivered).toHaveLength(1), wait);
    await vi.waitFor(() => expect(lvp.errors.map((error) => error.code)).toEqual(["BRIDGE_GAME_FAILED"]), wait);
    expect(lvp.errors[0]!.message).toContain("RCON timed out");
    expect(simulated.delivered[0]!.text).toMatch(/second$/);
  });
});
