import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandRegistry, defaultCommands, parseCommand, type CommandContext } from "../src/commands.js";
import type { PlayerLevel } from "../src/GameServer.js";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

function context(level: PlayerLevel, game = new SimulatedGameServer(), id = "1000"): CommandContext & { replies: string[]; game: SimulatedGameServer } {
  const replies: string[] = [];
  return { game, author: { id, name: "Russell" }, level, reply: (text) => void replies.push(text), replies };
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
    const players = Array.from({ length: 400 }, (_, id) => ({ id, name: `@everyone_**${id}**`, level: "player" as const }));
    const game = Object.assign(new SimulatedGameServer(), { players: () => players });
    const ctx = context("player", game);
    await new CommandRegistry().handle("!players", ctx);
    expect(ctx.replies[0]).not.toMatch(/@everyone|(?<!\\)\*/);
    expect(ctx.replies[0]!.length).toBeLessThanOrEqual(2000);
  });

  it("say: administrators announce to every player, sanitised and split into game lines", async () => {
    const ctx = context("administrator");
    await expect(new CommandRegistry().handle(`!say {FF0000}hello\u0000 ${"x".repeat(200)}`, ctx)).resolves.toEqual({ kind: "ran", name: "say" });
    expect(ctx.game.delivered.map((d) => d.to)).toEqual(["all", "all", "all"]);
    expect(ctx.game.delivered[0]!.message).toBe("[Discord announcement] Russell: hello");
    expect(ctx.game.delivered.every((d) => d.message.length <= 144 && !d.message.includes("{FF0000}"))).toBe(true);
    expect(ctx.replies).toEqual(["Announced in game."]);
  });

  it("say: is refused below administrator, with a reply", async () => {
    for (const level of ["player", "vip"] as const) {
      const ctx = context(level);
      await expect(new CommandRegistry().handle("!say hi", ctx)).resolves.toEqual({ kind: "denied", name: "say" });
      expect(ctx.replies).toEqual(["`!say` is for administrators only."]);
      expect(ctx.game.delivered).toEqual([]);
    }
  });

  it("say: management may use it too", async () => {
    const ctx = context("management");
    await new CommandRegistry().handle("!say hi", ctx);
    expect(ctx.game.delivered).toHaveLength(1);
  });

  it("say and admin: answer with usage when there is no message", async () => {
    const ctx = context("management");
    const registry = new CommandRegistry();
    await registry.handle("!say", ctx);
    await registry.handle("!admin {FFFFFF}", ctx);
    expect(ctx.replies).toEqual(["Usage: `!say <message>`", "Usage: `!admin <message>`"]);
    expect(ctx.game.delivered).toEqual([]);
  });

  it("admin: anyone can message the in-game administrators", async () => {
    const ctx = context("player");
    await new CommandRegistry().handle("!admin someone is cheating at the ship", ctx);
    expect(ctx.game.delivered).toEqual([
      { message: "[Discord → admins] Russell: someone is cheating at the ship", to: "administrators", at: Date.now() },
    ]);
    expect(ctx.replies).toEqual(["Sent to the administrators in game."]);
  });

  it("help: lists only what the caller may use", async () => {
    const registry = new CommandRegistry();
    const player = context("player");
    await registry.handle("!help", player);
    expect(player.replies[0]).toBe(
      "Commands you can use:\n`!admin <message>` — message the administrators in game\n`!help` — the commands you may use\n`!players` — who is online",
    );
    const admin = context("administrator");
    await registry.handle("!help", admin);
    expect(admin.replies[0]).toContain("`!say <message>` — announce to every player in game");
    expect(registry.available("vip").map((c) => c.name)).toEqual(["admin", "help", "players"]);
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
  });
});
