import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bridge, STOP_WAIT } from "../src/Bridge.js";
import { isRetryableSendError } from "../src/BridgeContext.js";
import { BridgeError } from "../src/BridgeError.js";
import { parseConfig } from "../src/config.js";
import { parseFormats } from "../src/formats.js";
import type { DiscordRest } from "@nuwani/rest";
import { ManualClock, Secret } from "@nuwani/util";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";
import { startHarness, TOKEN, type Harness } from "./support/harness.js";

const wait = { timeout: 8000, interval: 10 };
/** The REST routes a stand-in does not expect to be called. */
const unusedRest = {
  createDM: () => Promise.reject(new Error("not expected")),
  editChannelPermissions: () => Promise.reject(new Error("not expected")),
  deleteChannelPermission: () => Promise.reject(new Error("not expected")),
};
let harness: Harness | undefined;

/** The smallest enabled configuration: guild "2", #echo "a", #admin "b". */
function minimalConfig(): never {
  return parseConfig({ discord: { token: "t", clientId: "1", guild: "2", channels: { echo: "a", admin: "b" } } }, {}) as never;
}

/** A gateway stand-in in `state`; a test emits its dispatches by hand. */
function standInGateway(state: "connecting" | "ready") {
  return Object.assign(new EventEmitter(), {
    state,
    connect: () => Promise.resolve(),
    destroy: () => undefined,
    requestGuildMembers: () => Promise.resolve({ members: [], notFound: [] }),
  });
}

/** READY for bot 10 in guild 2, then a message from user 11 that mentions the bot (so the bridge reacts to it). */
function readyThenMention(gateway: EventEmitter): void {
  const bot = { id: "10", username: "Nuwani", discriminator: "0001", bot: true };
  gateway.emit("dispatch", { op: 0, s: 1, t: "READY", d: { v: 6, user: bot, session_id: "s", guilds: [{ id: "2", unavailable: true }] } });
  gateway.emit("dispatch", {
    op: 0,
    s: 2,
    t: "MESSAGE_CREATE",
    d: { id: "12", channel_id: "13", guild_id: "2", author: { id: "11", username: "Player" }, content: "<@10> hi", mentions: [bot] },
  });
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function balanced(h: Harness): void {
  const lines = h.bridge.summary().gameToDiscord;
  expect(lines.emitted).toBe(lines.delivered + lines.coalesced + lines.dropped + lines.queued);
}

describe("Bridge: game → Discord", () => {
  it("formats echo lines into the resolved channels, mention-proof", async () => {
    const h = (harness = await startHarness());
    expect(h.bridge.channels?.get("echo")).toBe(h.echo);
    expect(h.bridge.channels?.get("reports")).toBe(h.admin);
    h.game.emit("echo", "join", [3, "Gunther"]);
    h.game.emit("echo", "chat-admin", [4, "Luce", "checking that report"]);
    h.game.emit("echo", "report", ["Gunther", 3, "Xanland", 5, "cheating"]);
    await vi.waitFor(() => expect(h.posted(h.echo).join("\n")).toContain("➡️ **Gunther** joined the server"), wait);
    await vi.waitFor(() => expect(h.posted(h.admin).join("\n")).toContain("reported **Xanland**"), wait);
    expect(h.posted(h.admin).join("\n")).toContain("🛡️ **Luce**: checking that report");
    for (const message of h.discord.postedMessages) expect(message.body.allowed_mentions).toEqual({ parse: [] });
    // The fake records a message before it answers; the outbox counts it once the answer is in.
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord).toMatchObject({ emitted: 3, delivered: 3, queued: 0 }), wait);
    balanced(h);
  });

  it("shares one queue between roles that resolve to the same channel", async () => {
    const h = (harness = await startHarness({ discord: { channels: { echo: "echo", admin: "admin", reports: "#admin" } } }));
    expect(h.bridge.channels?.get("reports")).toBe(h.bridge.channels?.get("admin"));
    h.game.emit("echo", "chat-admin", [4, "Luce", "one"]);
    h.game.emit("echo", "report", ["Gunther", 3, "Xanland", 5, "two"]);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord.delivered).toBe(2), wait);
    expect(h.posted(h.admin).join("\n")).toMatch(/one[\s\S]*two/);
  });

  it("neutralises injection attempts from the game: mentions, @everyone, markdown, colour codes, controls, 5,000 characters", async () => {
    const h = (harness = await startHarness());
    const evil = `@everyone @here <@${h.management.user.id}> <@&${h.guild.id}> <#${h.echo}> **bold** __u__ \`code\` {FF0000}red\u0007\u001b[31m ${"x".repeat(5000)}`;
    h.game.emit("echo", "chat", [1, "**Evil**{00FF00}", evil]);
    h.game.emit("echo", "chat-admin", [1, "@everyone", "y".repeat(5000)]);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord.queued).toBe(0), wait);
    expect(h.bridge.summary().gameToDiscord.delivered).toBe(2);
    const all = h.discord.postedMessages;
    expect(all.length).toBeGreaterThanOrEqual(4); // each 5,000-character line needs three messages
    for (const message of all) {
      expect(message.content.length).toBeLessThanOrEqual(2000);
      expect(message.content).not.toMatch(/@(everyone|here)/);
      expect(message.content).not.toMatch(/<[@#]/);
      expect(message.content).not.toMatch(/\{[0-9A-Fa-f]{6}\}/);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(message.content).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
      expect(message.body.allowed_mentions).toEqual({ parse: [] });
    }
    expect(h.posted(h.echo)[0]).toContain("\\*\\*Evil\\*\\*");
  });

  it("holds lines emitted before the guild is known and sends them once it is", async () => {
    const h = (harness = await startHarness({ start: false }));
    const { bridge, game } = h;
    const ready = new Promise((resolve) => bridge.once("guildReady", resolve));
    const starting = bridge.start();
    game.emit("echo", "chat-admin", [1, "Early", "before connecting"]);
    expect(bridge.summary().gameToDiscord).toMatchObject({ emitted: 1, queued: 1 });
    await starting;
    await ready;
    await vi.waitFor(() => expect(h.posted(h.admin).join("\n")).toContain("before connecting"), wait);
    await vi.waitFor(() => expect(bridge.summary().gameToDiscord).toMatchObject({ emitted: 1, delivered: 1, queued: 0 }), wait);
  });

  it("drops (and counts) lines for a channel role that is not configured", async () => {
    const h = (harness = await startHarness({
      bridge: { formats: parseFormats({ kill: { channel: "kills", template: "%{2}s killed %{0}s", priority: "low" } }) },
    }));
    h.game.emit("echo", "kill", ["b", 2, "a", 1]);
    h.game.emit("echo", "unknownTag", [1]);
    expect(h.bridge.summary().gameToDiscord).toMatchObject({ emitted: 1, dropped: 1 });
    expect(h.log.join("\n")).toContain('no channel for role "kills"');
    balanced(h);
  });
});

describe("Bridge: Discord → game", () => {
  it("relays the echo channel to every player and the admin channel to administrators, mentions as names", async () => {
    const h = (harness = await startHarness());
    const relayed = vi.fn();
    h.bridge.on("discordToGame", relayed);
    h.discord.messageCreate({
      channelId: h.echo,
      author: h.player,
      content: `hi <@${h.management.user.id}> in <#${h.general}> and <@&${h.guild.roles[2]!.id}>`,
      mentions: [h.management.user],
    });
    h.discord.messageCreate({ channelId: h.admin, author: h.administrator, content: "spectating id 3" });
    h.discord.messageCreate({ channelId: h.general, author: h.player, content: "not relayed" });
    await vi.waitFor(() => expect(h.game.delivered).toHaveLength(2), wait);
    const name = (member: typeof h.player): string => member.nick ?? member.user.username;
    expect(h.game.delivered[0]).toMatchObject({
      to: "all",
      text: `[Discord] ${name(h.player)}: hi @${name(h.management)} in #general and @${h.guild.roles[2]!.name}`,
    });
    expect(h.game.delivered[1]).toMatchObject({ to: "administrators", text: `[Discord admin] ${name(h.administrator)}: spectating id 3` });
    expect(relayed).toHaveBeenCalledTimes(2);
    expect(h.bridge.summary().discordToGame).toEqual({ messages: 2, lines: 2, flooded: { user: 0, overall: 0 }, muted: 0 });
  });

  it("ignores its own messages, other bots and webhooks", async () => {
    const h = (harness = await startHarness());
    h.game.emit("echo", "chat", [1, "Russell", "from the game"]);
    await vi.waitFor(() => expect(h.posted(h.echo)).toHaveLength(1), wait);
    h.discord.messageCreate({ channelId: h.echo, author: { ...h.player.user, id: "999999999999999999", bot: true }, content: "a bot" });
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "a webhook", webhookId: "888888888888888888" });
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "a person" });
    await vi.waitFor(() => expect(h.game.delivered).toHaveLength(1), wait);
    expect(h.game.delivered[0]!.text).toContain("a person");
  });

  it("neutralises injection attempts from Discord: colour codes, controls, 5,000 characters", async () => {
    const h = (harness = await startHarness());
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: `{FF0000}red {FF{00FF00}0000}x\u0000\u001b[2J\n/kick 1 @everyone ${"z ".repeat(2500)}` });
    await vi.waitFor(() => expect(h.game.delivered.length).toBeGreaterThan(0), wait);
    await h.bridge.stop();
    expect(h.game.delivered.length).toBeLessThanOrEqual(4);
    for (const { text: message } of h.game.delivered) {
      expect(message.length).toBeLessThanOrEqual(144);
      expect(message).not.toMatch(/\{[0-9A-Fa-f]{6}\}/);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(message).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
    expect(h.game.delivered[0]!.text).toMatch(/^\[Discord\] [^:]+: red x\[2J \/kick 1 @everyone z z/);
  });

  it("reacts to messages that mention the bot", async () => {
    const h = (harness = await startHarness());
    const mention = vi.fn();
    h.bridge.on("mention", mention);
    const created = h.discord.messageCreate({ channelId: h.general, author: h.player, content: `hey <@${h.bot.user.id}>`, mentions: [h.bot.user] });
    await vi.waitFor(() => expect(h.discord.reactions).toHaveLength(1), wait);
    expect(h.discord.reactions[0]).toMatchObject({ method: "PUT", channelId: h.general, messageId: created.id, emoji: "👋" });
    await vi.waitFor(() => expect(mention).toHaveBeenCalledOnce(), wait);
    expect(h.bridge.summary().reactions).toBe(1);
  });
});

describe("Bridge: commands", () => {
  async function run(h: Harness, author: typeof h.player, content: string, channelId = h.general): Promise<string> {
    const before = h.posted(channelId).length;
    h.discord.messageCreate({ channelId, author, content });
    await vi.waitFor(() => expect(h.posted(channelId).length).toBeGreaterThan(before), wait);
    return h.posted(channelId)[before]!;
  }

  it("answers at each level: player, VIP, administrator, management; denied and unknown commands get a reply", async () => {
    const h = (harness = await startHarness());
    h.game.emitBurst(6);
    const players = h.game.players();
    expect(await run(h, h.player, "!players")).toBe(`${players.length} online: ${players.map((p) => p.name).join(", ")}`);
    expect(await run(h, h.player, "!say hello")).toBe("`!say` is for administrators only.");
    expect(await run(h, h.vip, "!say hello")).toBe("`!say` is for administrators only.");
    expect(await run(h, h.administrator, "!say Event at the ship")).toBe("The message has been published.");
    expect(await run(h, h.management, "!say Welcome")).toBe("The message has been published.");
    expect(await run(h, h.player, "!admin someone is cheating")).toBe("`!admin` is for administrators only.");
    expect(await run(h, h.player, "!frobnicate")).toBe("Unknown command !frobnicate. Try `!help`.");
    const playerHelp = await run(h, h.player, "!help");
    expect(playerHelp).toContain("`!players`");
    expect(playerHelp).not.toContain("`!say");
    expect(await run(h, h.administrator, "!help")).toContain("`!say <message>`");
    const said = h.game.delivered.filter((message) => message.to === "all").map((message) => message.text);
    expect(said).toEqual([
      `* [Discord] Message from ${h.administrator.nick ?? h.administrator.user.username}: Event at the ship`,
      `* [Discord] Message from ${h.management.nick ?? h.management.user.username}: Welcome`,
    ]);
    expect(h.bridge.summary().commands).toEqual({ total: 9, ran: 5, denied: 3, unknown: 1, limited: 0, failed: 0 });
  });

  it("runs each of LVP's commands at each level end to end, with LVP's level rules and a reply on every denial", async () => {
    const h = (harness = await startHarness());
    const gunther = h.game.addPlayer("Gunther");
    const commands: [content: string, required: number][] = [
      ["!msg hello", 0],
      [`!pm ${gunther.id} hello`, 0],
      ["!vip hello", 1],
      ["!admin hello", 2],
      ["!say hello", 2],
      ["!announce hello", 2],
      [`!mute ${gunther.id}`, 2],
      ["!muted", 2],
      [`!unmute ${gunther.id}`, 2],
    ];
    const events: { author: string; level: string; content: string; outcome: string; replies: readonly string[] }[] = [];
    h.bridge.on("command", (event) => events.push(event));
    const members = [h.player, h.vip, h.administrator, h.management];
    for (const [rank, member] of members.entries()) {
      for (const [content] of commands) {
        const before = events.length;
        h.discord.messageCreate({ channelId: h.echo, author: member, content });
        await vi.waitFor(() => expect(events.length).toBe(before + 1), wait);
      }
      expect(events.slice(-commands.length).map((event) => event.level)).toEqual(commands.map(() => ["player", "vip", "administrator", "management"][rank]));
    }
    for (const [index, event] of events.entries()) {
      const rank = Math.floor(index / commands.length);
      const [content, required] = commands[index % commands.length]!;
      expect([content, rank, event.outcome]).toEqual([content, rank, rank >= required ? "ran" : "denied"]);
      if (rank < required) expect(event.replies).toEqual([expect.stringMatching(/^`!\w+` is for (VIPs|administrators) only\.$/)]);
    }
    expect(h.game.announced).toEqual(["hello", "hello"]);
    const to = (target: string): number => h.game.delivered.filter((message) => JSON.stringify(message.to) === JSON.stringify(target)).length;
    expect([to("all"), to("vips"), to({ player: gunther.id } as never)]).toEqual([4 + 2, 3, 4]);
    expect(await h.game.mutes.list()).toEqual([]);
    expect(h.bridge.summary().commands).toMatchObject({ total: 36, ran: 4 + 4 + 3 + 6 * 2, denied: 36 - 23, failed: 0 });
  });

  it("runs commands in the echo channel without relaying them as chat", async () => {
    const h = (harness = await startHarness());
    const command = vi.fn();
    h.bridge.on("command", command);
    expect(await run(h, h.player, "!players", h.echo)).toMatch(/online/);
    expect(h.game.delivered).toEqual([]);
    expect(command).toHaveBeenCalledWith(expect.objectContaining({ outcome: "ran", name: "players", level: "player" }));
  });

  it("relays a message that only looks like a command (a bare prefix) as chat", async () => {
    const h = (harness = await startHarness());
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "! !" });
    await vi.waitFor(() => expect(h.game.delivered).toHaveLength(1), wait);
    expect(h.game.delivered[0]!.text).toMatch(/: ! !$/);
    expect(h.bridge.summary().commands.total).toBe(0);
  });

  it("rate-limits commands per user with one warning", async () => {
    const h = (harness = await startHarness({ bridge: { commandRateLimit: { limit: 2, window: 60_000 } } }));
    await run(h, h.player, "!players");
    await run(h, h.player, "!players");
    expect(await run(h, h.player, "!players")).toMatch(/^Slow down/);
    expect(h.bridge.summary().commands.limited).toBe(1);
  });
});

describe("Bridge: outages", () => {
  it("loses no admin line through a gateway drop and REST 5xx answers mid-stream", async () => {
    const h = (harness = await startHarness());
    const reconnect = vi.fn();
    h.bridge.on("reconnect", reconnect);
    const emitAdmin = (from: number, count: number): void => {
      for (let i = from; i < from + count; i++) h.game.emit("echo", "chat-admin", [1, "Luce", `admin line ${i}`]);
    };
    emitAdmin(0, 20);
    h.discord.gateway.faults.dropAll();
    h.discord.rest.faults.failNext(4, 503);
    emitAdmin(20, 20);
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "sent while the bot was away" });
    await vi.waitFor(() => expect(reconnect).toHaveBeenCalled(), wait);
    emitAdmin(40, 20);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord.adminLines.delivered).toBe(60), wait);
    const posted = h.posted(h.admin).join("\n");
    for (let i = 0; i < 60; i++) expect(posted).toContain(`admin line ${i}\n`.trimEnd());
    expect(reconnect).toHaveBeenCalledWith({ kind: "resumed", count: 1 });
    expect(h.bridge.summary().reconnects).toBe(1);
    await vi.waitFor(() => expect(h.game.delivered.map((m) => m.text).join()).toContain("sent while the bot was away"), wait);
    balanced(h);
  });

  it("regression: one REST 429 with retry_after 1e9 silenced a channel for good; now the line is retried within maxRateLimitWait and later lines flow", async () => {
    const h = (harness = await startHarness({
      bridge: {
        restOptions: { retryDelay: () => 20, maxRateLimitWait: 200 },
        outbox: { rate: { limit: 50, window: 1000 }, retryDelay: () => 50, maxRetryAfter: 200 },
      },
    }));
    const failures: unknown[] = [];
    h.bridge.outbox.on("failure", (error) => failures.push(error.cause));
    h.discord.rest.faults.rateLimitNext({ retryAfter: 1e9 });
    h.game.emit("echo", "chat-admin", [1, "Luce", "admin line 0"]);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord.adminLines.delivered).toBe(1), wait);
    expect(failures).toEqual([expect.objectContaining({ code: "REST_RATE_LIMITED", retryAfter: 1e12 })]);
    h.game.emit("echo", "chat-admin", [1, "Luce", "admin line 1"]);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord.adminLines.delivered).toBe(2), wait);
    const posted = h.posted(h.admin).join("\n");
    expect(posted).toContain("admin line 0");
    expect(posted).toContain("admin line 1");
    expect(h.discord.rest.requests.filter((record) => record.fault === "rate-limit")).toHaveLength(1);
    balanced(h);
  });

  it("pauses the outbox while the gateway is down", async () => {
    const h = (harness = await startHarness());
    expect(h.bridge.outbox.paused).toBe(false);
    const paused = new Promise<void>((resolve) => h.bridge.once("state", () => resolve()));
    h.discord.gateway.faults.dropAll();
    await paused;
    expect(h.bridge.outbox.paused).toBe(true);
    await vi.waitFor(() => expect(h.bridge.outbox.paused).toBe(false), wait);
  });

  it("drops lines Discord refuses with a 4xx instead of retrying them forever", () => {
    expect(isRetryableSendError({ status: 403, code: "REST_HTTP_ERROR" })).toBe(false);
    expect(isRetryableSendError({ status: 404 })).toBe(false);
    expect(isRetryableSendError({ code: "REST_UNAUTHORIZED", status: 401 })).toBe(false);
    expect(isRetryableSendError({ status: 429, code: "REST_RATE_LIMITED" })).toBe(true);
    expect(isRetryableSendError({ status: 502, code: "REST_SERVER_ERROR" })).toBe(true);
    expect(isRetryableSendError({ code: "REST_TIMEOUT" })).toBe(true);
    expect(isRetryableSendError(new Error("ECONNRESET"))).toBe(true);
    expect(isRetryableSendError(null)).toBe(true);
  });
});

describe("Bridge: lifecycle and secrets", () => {
  it("works on gateway and REST version 6", async () => {
    const h = (harness = await startHarness({ version: 6 }));
    h.game.emit("echo", "join", [3, "Gunther"]);
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "v6 hello" });
    await vi.waitFor(() => expect(h.posted(h.echo)).toHaveLength(1), wait);
    await vi.waitFor(() => expect(h.game.delivered).toHaveLength(1), wait);
    expect(h.discord.postedMessages[0]!.version).toBe(6);
  });

  it("syncs the members of a large guild and reports progress", async () => {
    const sync = vi.fn();
    const h = (harness = await startHarness({ members: 2500, bridge: {} }));
    h.bridge.on("sync", sync);
    await vi.waitFor(() => expect(h.bridge.tracker.getGuild(h.guild.id)?.synced).toBe(true), wait);
    expect(h.bridge.tracker.getGuild(h.guild.id)?.trackedMembers).toBe(2500);
  });

  it("does not sync members when the configured v10 intents lack GUILD_MEMBERS (Discord would close with 4013)", async () => {
    const intents = (1 << 0) | (1 << 9) | (1 << 15); // GUILDS, GUILD_MESSAGES, MESSAGE_CONTENT
    const h = (harness = await startHarness({ members: 2500, discord: { intents } }));
    expect((h.discord.identifies[0]?.d as { intents?: number } | undefined)?.intents).toBe(intents);
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "still relayed" });
    await vi.waitFor(() => expect(h.game.delivered).toHaveLength(1), wait);
    expect(h.discord.memberRequests).toEqual([]);
    expect(h.discord.closes).toEqual([]);
  });

  it("fails to start with BRIDGE_CONNECT_FAILED on a wrong token, without printing it", async () => {
    const h = (harness = await startHarness());
    const config = { ...h.config, token: new Secret("wrong.Token-0000-NEVER-PRINT") };
    const bridge = new Bridge({ config, game: new SimulatedGameServer() });
    const error = await bridge.start().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: "BRIDGE_CONNECT_FAILED" });
    expect((error as Error).message).toContain("GATEWAY_AUTHENTICATION_FAILED");
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain("wrong.Token");
    expect(bridge.running).toBe(false);
  });

  it("does not report a gateway error the connection recovers from (a refused reconnect) as BRIDGE_CONNECT_FAILED", async () => {
    // The fault window and the reconnect backoff run on one clock shared by the fake and the
    // bridge, moved by hand over the real loopback sockets: no real waiting.
    const clock = new ManualClock();
    const h = (harness = await startHarness({ clock }));
    const planned: number[] = [];
    const recovered: string[] = [];
    h.bridge.on("reconnecting", (info) => planned.push(info.delay));
    h.bridge.on("reconnect", (event) => recovered.push(event.kind));
    h.discord.gateway.faults.refuseConnections(300);
    h.discord.gateway.faults.dropAll();
    // The drop arrives over the wire; the clock stands still until the reconnect is planned.
    await vi.waitFor(() => expect(planned).toHaveLength(1), wait);
    const delay = planned[0]!;
    expect(delay).toBeLessThanOrEqual(100); // the harness's backoff cap: well inside the window
    await clock.advanceAsync(delay);
    // The attempt inside the 300 ms window is refused (503), which the gateway recovers from.
    await vi.waitFor(() => expect(h.log.some((line) => line.includes("GATEWAY_SOCKET_ERROR"))).toBe(true), wait);
    expect(h.discord.gateway.faults.refusing).toBe(true);
    expect(recovered).toEqual([]);
    // Past the window, a later attempt gets through and the session resumes: one outage.
    await vi.waitFor(async () => {
      await clock.advanceAsync(25);
      expect(recovered).toEqual(["resumed"]);
    }, wait);
    expect(h.discord.gateway.faults.refusing).toBe(false);
    expect(planned.length).toBeGreaterThanOrEqual(2);
    expect(h.bridge.summary().reconnects).toBe(1);
    expect(h.log.filter((line) => line.startsWith("BRIDGE_CONNECT_FAILED"))).toEqual([]);
  });

  it("regression: the gateway, tracker and REST client the bridge made kept the system clock; its one clock now drives them", async () => {
    const clock = new ManualClock();
    const h = (harness = await startHarness({
      clock,
      version: 10,
      fake: { heartbeatInterval: 60_000 },
      bridge: { restOptions: { retryDelay: () => 30_000 } },
      // Timed out until an hour after the clock's start (1970): only the bridge's clock says that is still to come.
      prepare: (_guild, { player }) => {
        player.communicationDisabledUntil = new Date(clock.now() + 3_600_000).toISOString();
      },
    }));
    // The tracker: a member timed out keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY.
    const SEND_MESSAGES = 1n << 11n;
    expect(h.bridge.tracker.permissionsOf(h.general, h.player.user.id) & SEND_MESSAGES).toBe(0n);
    expect(h.bridge.tracker.permissionsOf(h.general, h.vip.user.id) & SEND_MESSAGES).toBe(SEND_MESSAGES);
    // The gateway: heartbeats every heartbeat_interval of the clock (within the first one after HELLO).
    const beats = h.discord.heartbeats.length;
    await clock.advanceAsync(60_000);
    await vi.waitFor(() => expect(h.discord.heartbeats.length).toBeGreaterThan(beats), wait);
    // The REST client: a 500 is retried after retryDelay of the clock.
    const restDebug: string[] = [];
    (h.bridge.rest as DiscordRest).on("debug", (line) => restDebug.push(line));
    h.discord.rest.faults.failNext(1, 500);
    h.game.emit("echo", "chat-admin", [4, "Luce", "after one retry"]);
    const posts = (): number => h.discord.rest.requests.filter((request) => request.method === "POST" && request.path.endsWith("/messages")).length;
    // The 500 comes back over the wire; the retry is then planned 30 s of the clock ahead.
    await vi.waitFor(() => expect(restDebug.some((line) => line.includes("HTTP 500; retry 1"))).toBe(true), wait);
    expect(posts()).toBe(1);
    expect(h.posted(h.admin).join("\n")).not.toContain("after one retry");
    await clock.advanceAsync(30_000);
    await vi.waitFor(async () => {
      await clock.advanceAsync(1);
      expect(h.posted(h.admin).join("\n")).toContain("after one retry");
    }, wait);
    expect(posts()).toBe(2);
    expect(clock.longest).toBeLessThan(2 ** 31);
  });

  it("gives the REST client it makes restOptions.clock when there is one, else its own clock", async () => {
    // Nothing listens on 127.0.0.1:1: each request fails at once and waits its retry on a clock.
    const config = parseConfig({ discord: { token: "t", clientId: "1", guild: "2", api: "http://127.0.0.1:1", channels: { echo: "a", admin: "b" } } }, {});
    for (const own of [true, false]) {
      const bridgeClock = new ManualClock();
      const restClock = new ManualClock();
      const bridge = new Bridge({
        config: config as never,
        game: new SimulatedGameServer(),
        clock: bridgeClock,
        restOptions: { retryDelay: () => 123_456, ...(own ? { clock: restClock } : {}) },
      });
      const sending = bridge.rest.createMessage("3", { content: "hi", allowed_mentions: { parse: [] } }).catch((error: unknown) => error);
      const used = own ? restClock : bridgeClock;
      await vi.waitFor(() => expect(used.longest).toBe(123_456), wait);
      expect((own ? bridgeClock : restClock).longest).toBeLessThan(123_456);
      await bridge.stop();
      expect(await sending).toMatchObject({ code: "REST_DESTROYED" });
    }
  });

  it("never shows the token in debug output, errors, posted messages or the summary", async () => {
    const h = (harness = await startHarness());
    h.game.start();
    h.discord.gateway.faults.dropAll();
    h.discord.rest.faults.failNext(2, 500);
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "!players" });
    await vi.waitFor(() => expect(h.bridge.summary().reconnects).toBe(1), wait);
    await vi.waitFor(() => expect(h.bridge.summary().commands.total).toBe(1), wait);
    h.game.stop();
    expect(h.log.length).toBeGreaterThan(5);
    const everything = [...h.log, JSON.stringify(h.bridge.summary()), ...h.discord.postedMessages.map((m) => m.content)].join("\n");
    expect(everything).not.toContain(TOKEN);
  });

  it("regression: admin lines were dropped while the pending lines (channels not known yet) were full of low ones", async () => {
    const config = minimalConfig();
    const gateway = standInGateway("connecting");
    const rest = { ...unusedRest, createMessage: () => Promise.resolve(), createReaction: () => Promise.resolve() };
    const game = new SimulatedGameServer();
    const bridge = new Bridge({ config, game, gateway, rest, maxPending: 3 });
    await bridge.start();
    const echo = (tag: string, params: readonly (string | number)[]): void => {
      game.emit("echo", tag, params);
    };
    for (let i = 0; i < 3; i++) echo("join", [i, `Player${i}`]);
    echo("chat-admin", [9, "Admin", "keep me"]);
    echo("notice-announce", ["and me"]);
    echo("report", ["Admin", 9, "Player1", 1, "me too"]);
    echo("join", [5, "Late"]); // full of higher ones: this one goes
    const lines = bridge.summary().gameToDiscord;
    expect(lines.adminLines).toMatchObject({ emitted: 2, queued: 2, dropped: 0 });
    expect(lines).toMatchObject({ emitted: 7, queued: 3, dropped: 4 });
    await bridge.stop();
  });

  it("regression: an error listener that threw on a failed reaction became an unhandled rejection, and stop() rejected", async () => {
    const config = minimalConfig();
    const gateway = standInGateway("ready");
    const rest = {
      ...unusedRest,
      createMessage: () => Promise.resolve(),
      createReaction: () => Promise.reject(new Error("403 Missing Permissions")),
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const bridge = new Bridge({ config, game: new SimulatedGameServer(), gateway, rest });
      const errors: string[] = [];
      bridge.on("error", (error) => {
        errors.push(error.code);
        throw new Error("the error listener failed");
      });
      await bridge.start();
      readyThenMention(gateway);
      await vi.waitFor(() => expect(errors).toEqual(["BRIDGE_RELAY_FAILED"]));
      await expect(bridge.stop()).resolves.toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("stop() waits for a call in flight at most STOP_WAIT ms on the bridge's clock, then lets it go", async () => {
    const config = minimalConfig();
    const gateway = standInGateway("ready");
    let reactions = 0;
    // A REST stand-in whose reaction never answers: the call stays in flight.
    const rest = {
      ...unusedRest,
      createMessage: () => Promise.resolve(),
      createReaction: () => {
        reactions++;
        return new Promise<void>(() => undefined);
      },
    };
    const clock = new ManualClock();
    const bridge = new Bridge({ config, game: new SimulatedGameServer(), gateway, rest, clock });
    const debug: string[] = [];
    bridge.on("debug", (line) => debug.push(line));
    await bridge.start();
    readyThenMention(gateway);
    await vi.waitFor(() => expect(reactions).toBe(1));
    let stopped = false;
    const stopping = bridge.stop().then(() => (stopped = true));
    await clock.advanceAsync(STOP_WAIT - 1);
    expect(stopped).toBe(false);
    await clock.advanceAsync(1);
    await stopping;
    expect(stopped).toBe(true);
    expect(debug.some((line) => line.includes(`in flight after ${STOP_WAIT} ms`))).toBe(true);
  });

  it("regression: a drain() waiting when stop() was called kept its timer running until the timeout", async () => {
    const config = minimalConfig();
    const timers = new Set<number>();
    let next = 0;
    const clock = {
      now: () => 0,
      setTimeout: () => {
        timers.add(++next);
        return next;
      },
      clearTimeout: (handle: unknown) => {
        timers.delete(handle as number);
      },
    };
    const bridge = new Bridge({ config, game: new SimulatedGameServer(), clock });
    bridge.outbox.enqueue("3", "a line that cannot leave: the bridge never connected", "admin");
    const draining = bridge.drain(60_000);
    expect(timers.size).toBe(1);
    await bridge.stop();
    await expect(draining).resolves.toBe(false);
    expect(timers.size).toBe(0);
    // After stop() nothing can drain: no wait, no timer.
    await expect(bridge.drain(60_000)).resolves.toBe(false);
    expect(timers.size).toBe(0);
  });

  it("validates its options and stops harmlessly twice", async () => {
    const config = minimalConfig();
    expect(() => new Bridge({ config: { enabled: false, reason: "disabled", warnings: [] } as never, game: new SimulatedGameServer() })).toThrow(BridgeError);
    expect(() => new Bridge({ config, game: {} as never })).toThrow(/GameServer/);
    const bridge = new Bridge({ config, game: new SimulatedGameServer() });
    await bridge.stop();
    await bridge.stop();
    await expect(bridge.start()).rejects.toMatchObject({ code: "BRIDGE_DESTROYED" });
  });
});
