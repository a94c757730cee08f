import { GAME_LINE_LENGTH } from "@nuwani/game";
import { BridgeError } from "./BridgeError.js";
import { SlidingWindow, systemClock, type Clock } from "@nuwani/util";
import type { DeliveryTarget, GameMutes, GameServer, Player, PlayerLevel } from "@nuwani/game";
import { LevelLadder } from "./LevelLadder.js";
import { escapeForDiscord, formatDiscordChat, sanitizeForGame } from "./sanitize.js";

/** A command line split into name (lower case) and the rest. */
export interface ParsedCommand {
  readonly name: string;
  readonly args: string;
}

/**
 * Parses `!name args` with the given prefix; `null` when `content` is not a command (no
 * prefix, or nothing after it).
 */
export function parseCommand(content: string, prefix: string): ParsedCommand | null {
  const text = content.trimStart();
  if (prefix === "" || !text.startsWith(prefix)) return null;
  const match = /^(\S+)(?:\s+([\s\S]*))?$/u.exec(text.slice(prefix.length));
  if (match === null) return null;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? "").trim() };
}

/** What a command can use. */
export interface CommandContext {
  /** The game. */
  readonly game: GameServer;
  /** The level ladder. */
  readonly ladder: LevelLadder;
  /** Who ran the command: their Discord id and display name. */
  readonly author: { readonly id: string; readonly name: string };
  /** The author's level, from their Discord roles (`discord.levels`). */
  readonly level: PlayerLevel;
  /** The channel roles (`echo`, `admin`, `vip`, …) of the channel the command came from; none for other channels. */
  readonly channelRoles: readonly string[];
  /**
   * Shows game lines (already sanitised and split) to `target`, through the bridge's flood
   * control: all of them, or none when the flood control refuses (then `false`).
   */
  deliver(target: DeliveryTarget, lines: readonly string[]): boolean;
  /** Answers in the channel the command came from; the text is Discord markdown. */
  reply(text: string): void | Promise<void>;
}

/** A command from Discord. */
export interface Command {
  /** Lower-case name, without the prefix. */
  readonly name: string;
  /** Lowest level (of the ladder) that may run it. */
  readonly level: PlayerLevel;
  /** The channel roles it runs in (LVP's `!msg` and `!vip`: the echo channel). @defaultValue any channel */
  readonly channels?: readonly string[];
  /** Arguments, for help and usage replies, e.g. `<message>`. */
  readonly usage: string;
  /** One line for `help`. */
  readonly description: string;
  /** Runs it; `args` is the trimmed rest of the line. */
  run(args: string, context: CommandContext, prefix: string): void | Promise<void>;
}

/** What became of a command (`bridge.commands.handle`); the `command` event carries its `kind`. */
export type CommandOutcome =
  | { readonly kind: "ignored" }
  | { readonly kind: "ran"; readonly name: string }
  | { readonly kind: "unknown"; readonly name: string }
  | { readonly kind: "denied"; readonly name: string }
  | { readonly kind: "limited" }
  | { readonly kind: "failed"; readonly name: string; readonly error: unknown };

/** Options of {@link CommandRegistry}. */
export interface CommandRegistryOptions {
  /** The command prefix (`discord.commandPrefix`). @defaultValue `"!"` */
  readonly prefix?: string;
  /** Commands per user per window. @defaultValue `{ limit: 5, window: 10000 }` */
  readonly rateLimit?: { readonly limit: number; readonly window: number };
  /** The level ladder. @defaultValue LVP's */
  readonly ladder?: LevelLadder;
  /** The commands. @defaultValue {@link defaultCommands}(ladder) */
  readonly commands?: readonly Command[];
  /** Time source. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
}

/** Cuts a reply to Discord's message length. */
function fit(text: string, max = 2000): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** How the level reads in a denial: `administrators`, `VIPs`, `Management`, or the level's name. */
function audienceOf(level: PlayerLevel, ladder: LevelLadder): string {
  if (level === ladder.lowest) return "everyone";
  if (level === ladder.roles.management) return "Management";
  if (level === ladder.roles.administrator) return "administrators";
  if (level === ladder.roles.vip) return "VIPs";
  return `level ${level} and up`;
}

/** The player a `<player>` argument names: an id, an exact name, or a unique part of one (any case). */
export function findPlayer(players: readonly Player[], query: string): Player | "ambiguous" | undefined {
  const text = query.trim();
  if (/^\d{1,4}$/.test(text)) return players.find((player) => player.id === Number(text));
  const lower = text.toLowerCase();
  const exact = players.filter((player) => player.name.toLowerCase() === lower);
  if (exact.length === 1) return exact[0];
  const partial = players.filter((player) => player.name.toLowerCase().includes(lower));
  if (partial.length === 1) return partial[0];
  return partial.length > 1 ? "ambiguous" : undefined;
}

/** Splits `<player> rest` into its first word and the rest. */
function splitFirst(args: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/u.exec(args.trim());
  return match === null ? ["", ""] : [match[1]!, match[2]!.trim()];
}

const FLOODED = "Too many messages to the game right now; try again in a moment.";

function minutes(count: number): string {
  return `${count} minute${count === 1 ? "" : "s"}`;
}

/**
 * LVP's IRC commands (`nuwani_commands.js`), with LVP's level rules:
 *
 * | command | who | what |
 * |---|---|---|
 * | `msg <message>` | everyone, in the echo channel | to the players in game |
 * | `pm <player> <message>` | everyone | a private message to one player (administrators in game see it too) |
 * | `vip <message>` | VIPs, in the echo or VIP channel | to the VIPs in game |
 * | `admin <message>` | administrators | to the in-game administrator chat |
 * | `say <message>` | administrators | a highlighted message to every player |
 * | `announce <message>` | administrators | a game-wide announcement (`GameServer.announce`) |
 * | `mute <player> [minutes=2]` | administrators | mutes a player (where the game offers `mutes`) |
 * | `unmute <player>` | administrators | lifts a mute |
 * | `muted` | administrators | who is muted, soonest to expire first |
 * | `players` | everyone | who is online |
 *
 * `help` (built into the registry) lists what the caller may run.
 */
export function defaultCommands(ladder: LevelLadder = new LevelLadder()): Command[] {
  return [...chatCommands(ladder), ...moderationCommands(ladder)];
}

/** A command that relays its argument to `target` in game as `prefix name: message`, then replies `done` (if any). */
function relayCommand(name: string, prefix: (context: CommandContext) => string, target: DeliveryTarget, done: string | undefined): Command["run"] {
  return (args, context, commandPrefix) => {
    const lines = formatDiscordChat(context.author.name, args, { prefix: prefix(context) });
    if (lines.length === 0) return context.reply(`Usage: \`${commandPrefix}${name} <message>\``);
    if (!context.deliver(target, lines)) return context.reply(FLOODED);
    return done === undefined ? undefined : context.reply(done);
  };
}

/** The player a command's first argument names, and the rest; a reply and `undefined` when none (or several). */
async function playerArgument(args: string, context: CommandContext, usage: string): Promise<[Player, string] | undefined> {
  const [query, rest] = splitFirst(args);
  if (query === "") {
    await context.reply(`Usage: \`${usage}\``);
    return undefined;
  }
  const found = findPlayer(context.game.players(), query);
  if (found === undefined || found === "ambiguous") {
    await context.reply(`${found === undefined ? "No player in game matches" : "Several players in game match"} ${escapeForDiscord(query.slice(0, 32))}.`);
    return undefined;
  }
  return [found, rest];
}

/** The game's mutes; a reply and `undefined` when it has none. */
async function gameMutes(context: CommandContext): Promise<GameMutes | undefined> {
  if (context.game.mutes === undefined) await context.reply("This game cannot mute players.");
  return context.game.mutes;
}

/** `players`, `msg`, `pm`, `vip`, `admin` and `say`. */
function chatCommands(ladder: LevelLadder): Command[] {
  const everyone = ladder.lowest;
  const { vip, administrator, management } = ladder.roles;
  return [
    {
      name: "players",
      level: everyone,
      usage: "",
      description: "who is online",
      run(_args, context) {
        const players = context.game.players();
        if (players.length === 0) return context.reply("Nobody is online.");
        const names = players.map((one) => escapeForDiscord(one.name)).join(", ");
        return context.reply(fit(`${players.length} online: ${names}`));
      },
    },
    {
      name: "msg",
      level: everyone,
      channels: ["echo"],
      usage: "<message>",
      description: "send a message to the players in game",
      run: relayCommand("msg", () => "[Discord]", "all", undefined),
    },
    { name: "pm", level: everyone, usage: "<player> <message>", description: "send a private message to a player in game", run: runPm },
    {
      name: "vip",
      level: vip,
      channels: ["echo", "vip"],
      usage: "<message>",
      description: "send a message to the VIPs in game",
      run: relayCommand("vip", () => "[Discord] VIP", "vips", undefined),
    },
    {
      name: "admin",
      level: administrator,
      usage: "<message>",
      description: "send a message to the in-game administrator chat",
      run: relayCommand("admin", (context) => (ladder.atLeast(context.level, management) ? "[Discord] Manager" : "[Discord] Admin"), "administrators", undefined),
    },
    {
      name: "say",
      level: administrator,
      usage: "<message>",
      description: "send a highlighted message to every player in game",
      run: relayCommand("say", () => "* [Discord] Message from", "all", "The message has been published."),
    },
  ];
}

/** `announce`, `mute`, `unmute` and `muted` (administrators). */
function moderationCommands(ladder: LevelLadder): Command[] {
  const { administrator } = ladder.roles;
  return [
    { name: "announce", level: administrator, usage: "<message>", description: "send an announcement to every player in game", run: runAnnounce },
    { name: "mute", level: administrator, usage: "<player> [minutes=2]", description: "mute a player in game", run: runMute },
    { name: "unmute", level: administrator, usage: "<player>", description: "lift a player's mute", run: runUnmute },
    { name: "muted", level: administrator, usage: "", description: "the players muted in game", run: runMuted },
  ];
}

async function runPm(args: string, context: CommandContext, prefix: string): Promise<void> {
  const usage = `${prefix}pm <player> <message>`;
  const found = await playerArgument(args, context, usage);
  if (found === undefined) return;
  const [target, text] = found;
  const lines = formatDiscordChat(context.author.name, text, { prefix: "[Discord] PM from" });
  if (lines.length === 0) return context.reply(`Usage: \`${usage}\``);
  const name = sanitizeForGame(target.name, { maxLength: 32 });
  const copy = formatDiscordChat(context.author.name, `(to ${name}, id ${target.id}) ${sanitizeForGame(text)}`, { prefix: "[Discord] PM from" });
  if (!context.deliver({ player: target.id }, lines)) return context.reply(FLOODED);
  // LVP shows Discord's (IRC's) private messages to the in-game crew as well.
  context.deliver("administrators", copy);
  return context.reply(`Your message has been sent to ${escapeForDiscord(target.name)}.`);
}

async function runAnnounce(args: string, context: CommandContext, prefix: string): Promise<void> {
  const text = sanitizeForGame(args, { maxLength: GAME_LINE_LENGTH });
  if (text === "") return context.reply(`Usage: \`${prefix}announce <message>\``);
  if (!context.deliver("administrators", formatDiscordChat(context.author.name, "published an announcement", { prefix: "[Discord]" }))) {
    return context.reply(FLOODED);
  }
  await context.game.announce(text);
  return context.reply("The announcement has been published.");
}

async function runMute(args: string, context: CommandContext, prefix: string): Promise<void> {
  const usage = `${prefix}mute <player> [minutes=2]`;
  const mutable = await gameMutes(context);
  if (mutable === undefined) return;
  const found = await playerArgument(args, context, usage);
  if (found === undefined) return;
  const [target, rest] = found;
  const duration = rest === "" ? 2 : Number(rest);
  if (!Number.isInteger(duration) || duration < 1 || duration > 10_080) {
    return context.reply(`Usage: \`${usage}\` (minutes: a whole number from 1 to 10080)`);
  }
  await mutable.mute(target.id, duration * 60);
  const name = sanitizeForGame(target.name, { maxLength: 32 });
  context.deliver("administrators", formatDiscordChat(context.author.name, `muted ${name} (Id:${target.id}) for ${minutes(duration)}`, { prefix: "[Discord]" }));
  return context.reply(`${escapeForDiscord(target.name)} has been muted for ${minutes(duration)}.`);
}

async function runUnmute(args: string, context: CommandContext, prefix: string): Promise<void> {
  const mutable = await gameMutes(context);
  if (mutable === undefined) return;
  const found = await playerArgument(args, context, `${prefix}unmute <player>`);
  if (found === undefined) return;
  const [target] = found;
  const muted = await mutable.list();
  if (!muted.some((entry) => entry.id === target.id)) return context.reply(`${escapeForDiscord(target.name)} is not muted right now.`);
  await mutable.unmute(target.id);
  const name = sanitizeForGame(target.name, { maxLength: 32 });
  context.deliver("administrators", formatDiscordChat(context.author.name, `unmuted ${name} (Id:${target.id})`, { prefix: "[Discord]" }));
  return context.reply(`${escapeForDiscord(target.name)} has been unmuted.`);
}

async function runMuted(_args: string, context: CommandContext): Promise<void> {
  const mutable = await gameMutes(context);
  if (mutable === undefined) return;
  const muted = [...(await mutable.list())].sort((a, b) => (a.remainingSeconds ?? Infinity) - (b.remainingSeconds ?? Infinity));
  if (muted.length === 0) return context.reply("Nobody is muted right now.");
  const shown = muted.map((entry) => {
    const left = entry.remainingSeconds === undefined ? "until unmuted" : `expires in ${minutes(Math.max(1, Math.ceil(entry.remainingSeconds / 60)))}`;
    return `${escapeForDiscord(entry.name)} (${left})`;
  });
  return context.reply(fit(`Muted players: ${shown.join(", ")}`));
}

/**
 * Runs commands from Discord: parses `!name args`, checks the caller's level, applies a
 * per-user rate limit, and always answers (unknown command, not allowed, usage, rate limit)
 * rather than stay silent. The caller's level comes from the tracker (the author's roles
 * through `discord.levels`); a built-in `help` lists only what the caller may use.
 */
export class CommandRegistry {
  /** The prefix. */
  readonly prefix: string;
  /** The level ladder. */
  readonly ladder: LevelLadder;
  readonly #commands = new Map<string, Command>();
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #window: number;
  /** Per user with commands in the window: the window, and whether they were warned in it; users whose window emptied are forgotten. */
  readonly #recent = new Map<string, { readonly window: SlidingWindow; warned: boolean }>();

  /**
   * A registry with `help`, the given commands (the default ones unless `options.commands` is
   * given), the prefix and the per-user rate limit.
   * @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` for an unusable prefix or rate limit.
   */
  constructor(options: CommandRegistryOptions = {}) {
    const { prefix = "!", rateLimit = { limit: 5, window: 10_000 }, ladder = new LevelLadder(), clock = systemClock } = options;
    const commands = options.commands ?? defaultCommands(ladder);
    if (prefix === "" || /\s/.test(prefix)) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "prefix must be non-empty and without spaces", { field: "prefix" });
    }
    const { limit, window } = rateLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000 || !Number.isInteger(window) || window < 1 || window >= 2 ** 31) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "rateLimit needs a positive integer limit (at most 10000) and window (ms, below 2^31)", { field: "rateLimit" });
    }
    this.prefix = prefix;
    this.ladder = ladder;
    this.#clock = clock;
    this.#limit = rateLimit.limit;
    this.#window = rateLimit.window;
    this.register({
      name: "help",
      level: ladder.lowest,
      usage: "",
      description: "the commands you may use",
      run: (_args, context) => context.reply(this.help(context.level)),
    });
    for (const command of commands) this.register(command);
  }

  /**
   * Adds (or replaces) a command.
   * @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` for a name that is not lower-case letters, digits, - or _
   */
  register(command: Command): void {
    if (!/^[a-z0-9][\w-]*$/.test(command.name)) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "command names are lower-case letters, digits, - and _", { field: "name" });
    }
    this.#commands.set(command.name, command);
  }

  /** The commands a caller of `level` may use, by name. */
  available(level: PlayerLevel): Command[] {
    return [...this.#commands.values()].filter((command) => this.ladder.atLeast(level, command.level)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The `help` text for a caller of `level`. */
  help(level: PlayerLevel): string {
    const lines = this.available(level).map((command) => {
      const usage = command.usage === "" ? "" : ` ${command.usage}`;
      const where = command.channels === undefined ? "" : ` (in the ${command.channels.join(" or ")} channel)`;
      return `\`${this.prefix}${command.name}${usage}\` — ${command.description}${where}`;
    });
    return fit(`Commands you can use:\n${lines.join("\n")}`);
  }

  /**
   * Handles a Discord message. Messages without the prefix are ignored; everything else gets
   * an answer through `context.reply`, except commands beyond the rate limit, which get one
   * warning per window. A command that throws is answered with a generic message.
   */
  async handle(content: string, context: CommandContext): Promise<CommandOutcome> {
    const parsed = parseCommand(content, this.prefix);
    if (parsed === null) return { kind: "ignored" };
    if (!this.#allow(context.author.id)) {
      const recent = this.#recent.get(context.author.id)!;
      if (!recent.warned) {
        recent.warned = true;
        await context.reply(`Slow down: at most ${this.#limit} commands per ${this.#window / 1000} seconds.`);
      }
      return { kind: "limited" };
    }
    const shown = escapeForDiscord(parsed.name.slice(0, 32));
    const command = this.#commands.get(parsed.name);
    if (command === undefined) {
      await context.reply(`Unknown command ${escapeForDiscord(this.prefix)}${shown}. Try \`${this.prefix}help\`.`);
      return { kind: "unknown", name: parsed.name };
    }
    if (!this.ladder.atLeast(context.level, command.level)) {
      await context.reply(`\`${this.prefix}${command.name}\` is for ${audienceOf(command.level, this.ladder)} only.`);
      return { kind: "denied", name: command.name };
    }
    if (command.channels !== undefined && !command.channels.some((role) => context.channelRoles.includes(role))) {
      await context.reply(`\`${this.prefix}${command.name}\` works in the ${command.channels.join(" or ")} channel only.`);
      return { kind: "denied", name: command.name };
    }
    try {
      await command.run(parsed.args, context, this.prefix);
      return { kind: "ran", name: command.name };
    } catch (error) {
      await context.reply(`Something went wrong running \`${this.prefix}${command.name}\`.`);
      return { kind: "failed", name: command.name, error };
    }
  }

  #allow(user: string): boolean {
    for (const [id, entry] of this.#recent) if (entry.window.count === 0) this.#recent.delete(id);
    let entry = this.#recent.get(user);
    if (entry === undefined) {
      entry = { window: new SlidingWindow({ limit: this.#limit, window: this.#window, clock: this.#clock }), warned: false };
      this.#recent.set(user, entry);
    }
    if (!entry.window.tryTake()) return false;
    entry.warned = false;
    return true;
  }

}
