import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandRegistry, defaultCommands, parseCommand, type CommandContext } from "../src/commands.js";
import type { PlayerLevel } from "@nuwani/game";
import { LevelLadder } from "../src/LevelLadder.js";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

function context(
  level: PlayerLevel,
  game = new SimulatedGameServer(),
  id = "1000",
  channelRoles: readonly string[] = ["echo"],
  admit = true,
): CommandContext & { replies: string[]; game: SimulatedGameServer } {
  const replies: string[] = [];
  return {
    game,
    ladder: new LevelLadder(),
    author: { id, name: "Russell" },
    level,
    channelRoles,
    deliver: (target, lines) => {
      if (!admit) return false;
      for (const line of lines) game.deliver(target, line);
      return true;
    },
    reply: (text) => void replies.push(text),
    replies,
  };
}

/** A registry with a rate limit out of the way. */
function registry(): CommandRegistry {
  return new CommandRegistry({ rateLimit: { limit: 1000, window: 1000 } });
}

describe("parseCommand", () => {
  it.each([
    ["!players", "!", { name: "players", args: "" }],
    ["  !SAY  hello   world ", "!", { name: "say", args: "hello   world" }],
    ["!say line one\nline two", "!", { name: "say", args: "line one\nline two" }],
    ["?help", "?", { name: "help", args: "" }],
    ["nuwani:help me", "nuwani:", { name: "help", args: "me" }],
  ])("parses %j with prefix %j", (content, prefix, parsed) => {
    expect(parseCommand(content, prefix)).toEqual(parsed);
  });

  it.each([["hello"], ["!"], ["! players"], ["?players"], [""]])("ignores %j", (content) => {
    expect(parseCommand(content, "!")).toBeNull();
  });

  it("ignores everything with an empty prefix", () => {
    expect(parseCommand("players", "")).toBeNull();
  });
});

describe("CommandRegistry", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("ignores messages that are not commands", async () => {
    const ctx = context("player");
    await expect(new CommandRegistry().handle("hello there", ctx)).resolves.toEqual({ kind: "ignored" });
    expect(ctx.replies).toEqual([]);
  });

  it("players: lists who is online, escaped, for everyone", async () => {
    const game = new SimulatedGameServer({ seed: 5 });
    const ctx = context("player", game);
    const registry = new CommandRegistry();
    await registry.handle("!players", ctx);
    expect(ctx.replies).toEqual(["Nobody is online."]);
    game.emitBurst(20);
    await registry.handle("!players", ctx);
    const names = game.players().map((player) => player.name);
    expect(ctx.replies[1]).toBe(`${names.length} online: ${names.join(", ")}`);
  });

  it("players: names cannot inject markdown or mentions, and the reply fits a message", async () => {
    const players = Array.from({ length: 400 }, (_, id) => ({ id, name: `@everyone_**${id}**`, level: "player" }));
    const game = Object.assign(new SimulatedGameServer(), { players: () => players });
    const ctx = context("player", game);
    await new CommandRegistry().handle("!players", ctx);
    expect(ctx.replies[0]).not.toMatch(/@everyone|(?<!\\)\*/);
    expect(ctx.replies[0]!.length).toBeLessThanOrEqual(2000);
  });

  it("say: administrators send a highlighted message to every player, sanitised and split into game lines", async () => {
    const ctx = context("administrator");
    await expect(new CommandRegistry().handle(`!say {FF0000}hello\u0000 ${"x".repeat(200)}`, ctx)).resolves.toEqual({ kind: "ran", name: "say" });
    expect(ctx.game.delivered.map((d) => d.to)).toEqual(["all", "all", "all"]);
    expect(ctx.game.delivered[0]!.text).toBe("* [Discord] Message from Russell: hello");
    expect(ctx.game.delivered.every((d) => d.text.length <= 144 && !d.text.includes("{FF0000}"))).toBe(true);
    expect(ctx.replies).toEqual(["The message has been published."]);
  });

  it("say: is refused below administrator, with a reply", async () => {
    for (const level of ["player", "vip"] as const) {
      const ctx = context(level);
      await expect(new CommandRegistry().handle("!say hi", ctx)).resolves.toEqual({ kind: "denied", name: "say" });
      expect(ctx.replies).toEqual(["`!say` is for administrators only."]);
      expect(ctx.game.delivered).toEqual([]);
    }
  });

  it("say and admin: answer with usage when there is no message", async () => {
    const ctx = context("management");
    const registry = new CommandRegistry();
    await registry.handle("!say", ctx);
    await registry.handle("!admin {FFFFFF}", ctx);
    expect(ctx.replies).toEqual(["Usage: `!say <message>`", "Usage: `!admin <message>`"]);
    expect(ctx.game.delivered).toEqual([]);
  });

  it("regression: !admin was open to everyone; like LVP's it is for administrators, labelled Admin or Manager", async () => {
    const registry = new CommandRegistry();
    const player = context("player");
    await expect(registry.handle("!admin someone is cheating", player)).resolves.toEqual({ kind: "denied", name: "admin" });
    expect(player.game.delivered).toEqual([]);
    const admin = context("administrator");
    await registry.handle("!admin someone is cheating at the ship", admin);
    const manager = context("management");
    await registry.handle("!admin on it", manager);
    expect([...admin.game.delivered, ...manager.game.delivered].map(({ to, text }) => ({ to, text }))).toEqual([
      { to: "administrators", text: "[Discord] Admin Russell: someone is cheating at the ship" },
      { to: "administrators", text: "[Discord] Manager Russell: on it" },
    ]);
  });

  it("msg: everyone reaches the players, in the echo channel only (as LVP)", async () => {
    const registry = new CommandRegistry();
    const echo = context("player");
    await registry.handle("!msg hello all", echo);
    expect(echo.game.delivered.map(({ to, text }) => [to, text])).toEqual([["all", "[Discord] Russell: hello all"]]);
    const elsewhere = context("player", new SimulatedGameServer(), "1000", ["admin"]);
    await expect(registry.handle("!msg hello", elsewhere)).resolves.toEqual({ kind: "denied", name: "msg" });
    expect(elsewhere.replies).toEqual(["`!msg` works in the echo channel only."]);
    expect(elsewhere.game.delivered).toEqual([]);
  });

  it("vip: VIPs and up reach the VIPs in game, from the echo or VIP channel", async () => {
    const registry = new CommandRegistry();
    const vip = context("vip", new SimulatedGameServer(), "1000", ["vip"]);
    await registry.handle("!vip meet at the ship", vip);
    expect(vip.game.delivered.map(({ to, text }) => [to, text])).toEqual([["vips", "[Discord] VIP Russell: meet at the ship"]]);
    const player = context("player");
    await registry.handle("!vip hi", player);
    expect(player.replies).toEqual(["`!vip` is for VIPs only."]);
  });

  it("pm: one player by id or name, with a copy for the in-game crew; unknown and ambiguous names answered", async () => {
    const game = new SimulatedGameServer();
    game.addPlayer("Gunther");
    game.addPlayer("Luce");
    game.addPlayer("Lucas");
    const registry = new CommandRegistry();
    const ctx = context("player", game);
    await registry.handle("!pm 1 hi {FF0000}there", ctx);
    await registry.handle("!pm gunther yo", ctx);
    await registry.handle("!pm Luc hi", ctx);
    await registry.handle("!pm Nobody hi", ctx);
    await registry.handle("!pm Luce", ctx);
    expect(game.delivered.map(({ to, text }) => [to, text])).toEqual([
      [{ player: 1 }, "[Discord] PM from Russell: hi there"],
      ["administrators", "[Discord] PM from Russell: (to Luce, id 1) hi there"],
      [{ player: 0 }, "[Discord] PM from Russell: yo"],
      ["administrators", "[Discord] PM from Russell: (to Gunther, id 0) yo"],
    ]);
    expect(ctx.replies).toEqual([
      "Your message has been sent to Luce.",
      "Your message has been sent to Gunther.",
      "Several players in game match Luc.",
      "No player in game matches Nobody.",
      "Usage: `!pm <player> <message>`",
    ]);
  });

  it("announce: administrators make a game-wide announcement; the crew is told who", async () => {
    const ctx = context("administrator");
    await registry().handle("!announce Event at the {00FF00}ship\u202E", ctx);
    expect(ctx.game.announced).toEqual(["Event at the ship"]);
    expect(ctx.game.delivered.map(({ to, text }) => [to, text])).toEqual([["administrators", "[Discord] Russell: published an announcement"]]);
    expect(ctx.replies).toEqual(["The announcement has been published."]);
  });

  it("mute, muted and unmute: administrators, through the game's mutes, default 2 minutes", async () => {
    vi.setSystemTime(0);
    const game = new SimulatedGameServer();
    game.addPlayer("Gunther");
    game.addPlayer("Luce");
    const registry = new CommandRegistry();
    const ctx = context("administrator", game);
    await registry.handle("!muted", ctx);
    await registry.handle("!mute Luce", ctx);
    await registry.handle("!mute 0 10", ctx);
    await registry.handle("!mute 0 soon", ctx);
    vi.advanceTimersByTime(60_000);
    await registry.handle("!muted", ctx);
    await registry.handle("!unmute luce", ctx);
    await registry.handle("!unmute luce", ctx);
    expect(ctx.replies).toEqual([
      "Nobody is muted right now.",
      "Luce has been muted for 2 minutes.",
      "Gunther has been muted for 10 minutes.",
      "Usage: `!mute <player> [minutes=2]` (minutes: a whole number from 1 to 10080)",
      "Muted players: Luce (expires in 1 minute), Gunther (expires in 9 minutes)",
      "Luce has been unmuted.",
      "Luce is not muted right now.",
    ]);
    expect(await game.mutes.list()).toEqual([{ id: 0, name: "Gunther", remainingSeconds: 540 }]);
    expect(game.delivered.map(({ to, text }) => `${JSON.stringify(to)} ${text}`)).toEqual([
      '"administrators" [Discord] Russell: muted Luce (Id:1) for 2 minutes',
      '"administrators" [Discord] Russell: muted Gunther (Id:0) for 10 minutes',
      '"administrators" [Discord] Russell: unmuted Luce (Id:1)',
    ]);
  });

  it("mute commands say so when the game cannot mute", async () => {
    const game = Object.assign(new SimulatedGameServer(), { mutes: undefined });
    const ctx = context("management", game);
    await registry().handle("!muted", ctx);
    expect(ctx.replies).toEqual(["This game cannot mute players."]);
  });

  const LEVELS = ["player", "vip", "administrator", "management"] as const;
  const REQUIRED: Record<string, (typeof LEVELS)[number]> = {
    help: "player",
    players: "player",
    msg: "player",
    pm: "player",
    vip: "vip",
    admin: "administrator",
    say: "administrator",
    announce: "administrator",
    mute: "administrator",
    unmute: "administrator",
    muted: "administrator",
  };

  it.each(LEVELS)("each LVP command at level %s: runs at or above LVP's level, is denied with a reply below it", async (level) => {
    const game = new SimulatedGameServer();
    game.addPlayer("Gunther");
    const reg = registry();
    for (const [name, required] of Object.entries(REQUIRED)) {
      const ctx = context(level, game, `user-${name}`);
      const before = game.delivered.length + game.announced.length;
      const outcome = await reg.handle(`!${name} 0 hello`, ctx);
      const allowed = LEVELS.indexOf(level) >= LEVELS.indexOf(required);
      expect([name, outcome.kind]).toEqual([name, allowed ? "ran" : "denied"]);
      // A denial is always answered; what runs answers or reaches the game.
      if (!allowed) expect(ctx.replies).toEqual([`\`!${name}\` is for ${{ vip: "VIPs", administrator: "administrators" }[required as "vip"]} only.`]);
      else expect(ctx.replies.length + game.delivered.length + game.announced.length - before).toBeGreaterThan(0);
    }
  });

  it("help: lists only what the caller may run", async () => {
    const reg = registry();
    const listed = async (level: string): Promise<string[]> => {
      const ctx = context(level);
      await reg.handle("!help", ctx);
      return [...ctx.replies[0]!.matchAll(/^`!(\w+)/gm)].map((match) => match[1]!);
    };
    expect(await listed("player")).toEqual(["help", "msg", "players", "pm"]);
    expect(await listed("vip")).toEqual(["help", "msg", "players", "pm", "vip"]);
    expect(await listed("administrator")).toEqual(["admin", "announce", "help", "msg", "mute", "muted", "players", "pm", "say", "unmute", "vip"]);
    expect(await listed("management")).toEqual(await listed("administrator"));
  });

  it("follows a configured ladder: its VIP, administrator and Management levels gate the commands", async () => {
    const ladder = new LevelLadder({ levels: ["guest", "donor", "mod", "owner"], roles: { vip: "donor", administrator: "mod", management: "owner" } });
    const reg = new CommandRegistry({ ladder });
    const guest = { ...context("guest"), ladder };
    await reg.handle("!say hi", guest);
    await reg.handle("!vip hi", guest);
    const mod = { ...context("mod"), ladder };
    await reg.handle("!say hi", mod);
    expect(guest.replies).toEqual(["`!say` is for administrators only.", "`!vip` is for VIPs only."]);
    expect(mod.game.delivered).toHaveLength(1);
    expect(reg.available("guest").map((command) => command.name)).toEqual(["help", "msg", "players", "pm"]);
  });

  it("refuses delivery the flood control refused, with a reply", async () => {
    const ctx = context("administrator", new SimulatedGameServer(), "1000", ["echo"], false);
    await registry().handle("!say hi", ctx);
    expect(ctx.replies).toEqual(["Too many messages to the game right now; try again in a moment."]);
    expect(ctx.game.delivered).toEqual([]);
  });

  it("answers an unknown command, escaping its name", async () => {
    const ctx = context("player");
    await expect(new CommandRegistry().handle("!**@everyone**", ctx)).resolves.toEqual({ kind: "unknown", name: "**@everyone**" });
    expect(ctx.replies).toEqual(["Unknown command !\\*\\*@\u200Beveryone\\*\\*. Try `!help`."]);
  });

  it("uses the configured prefix", async () => {
    const ctx = context("player");
    const registry = new CommandRegistry({ prefix: "?" });
    await registry.handle("!players", ctx);
    await registry.handle("?help", ctx);
    expect(ctx.replies).toHaveLength(1);
    expect(ctx.replies[0]).toContain("`?players`");
  });

  it("rate-limits per user: 5 per 10 s, one warning per window", async () => {
    const registry = new CommandRegistry();
    const ctx = context("player");
    const other = context("player", ctx.game, "2000");
    for (let i = 0; i < 5; i++) await expect(registry.handle("!players", ctx)).resolves.toEqual({ kind: "ran", name: "players" });
    await expect(registry.handle("!players", ctx)).resolves.toEqual({ kind: "limited" });
    await expect(registry.handle("!players", ctx)).resolves.toEqual({ kind: "limited" });
    expect(ctx.replies.at(-1)).toBe("Slow down: at most 5 commands per 10 seconds.");
    expect(ctx.replies).toHaveLength(6);
    await expect(registry.handle("!players", other)).resolves.toEqual({ kind: "ran", name: "players" });
    vi.advanceTimersByTime(9999);
    await expect(registry.handle("!players", ctx)).resolves.toEqual({ kind: "limited" });
    vi.advanceTimersByTime(1);
    await expect(registry.handle("!players", ctx)).resolves.toEqual({ kind: "ran", name: "players" });
  });

  it("takes a custom rate limit and clock", async () => {
    let now = 0;
    const registry = new CommandRegistry({ rateLimit: { limit: 1, window: 100 }, clock: { now: () => now, setTimeout: vi.fn(), clearTimeout: vi.fn() } });
    const ctx = context("player");
    await registry.handle("!help", ctx);
    await expect(registry.handle("!help", ctx)).resolves.toEqual({ kind: "limited" });
    now = 100;
    await expect(registry.handle("!help", ctx)).resolves.toEqual({ kind: "ran", name: "help" });
  });

  it("answers a command that throws without leaking the error", async () => {
    const registry = new CommandRegistry({
      commands: [
        ...defaultCommands(),
        {
          name: "broken",
          level: "player",
          usage: "",
          description: "fails",
          run: () => {
            throw new Error("secret internals");
          },
        },
      ],
    });
    const ctx = context("player");
    const outcome = await registry.handle("!broken", ctx);
    expect(outcome).toMatchObject({ kind: "failed", name: "broken" });
    expect(ctx.replies).toEqual(["Something went wrong running `!broken`."]);
  });

  it("accepts custom commands and rejects bad names and options", () => {
    const registry = new CommandRegistry({ commands: [] });
    expect(registry.available("management").map((c) => c.name)).toEqual(["help"]);
    expect(() => registry.register({ name: "Bad Name", level: "player", usage: "", description: "", run: () => undefined })).toThrow(
      expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "name" }),
    );
    expect(() => new CommandRegistry({ prefix: "" })).toThrow(expect.objectContaining({ field: "prefix" }));
    expect(() => new CommandRegistry({ rateLimit: { limit: 0, window: 1 } })).toThrow(expect.objectContaining({ field: "rateLimit" }));
    expect(() => new CommandRegistry({ rateLimit: { limit: 5, window: 2 ** 31 } })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "rateLimit" }));
    expect(() => new CommandRegistry({ rateLimit: { limit: 10_001, window: 1000 } })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "rateLimit" }));
  });
});
