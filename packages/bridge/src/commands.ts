import { BridgeError } from "./BridgeError.js";
import { systemClock, type Clock } from "./Clock.js";
import { hasLevel, type GameServer, type PlayerLevel } from "./GameServer.js";
import { escapeForDiscord, formatDiscordChat } from "./sanitize.js";

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
  /** Who ran the command: their Discord id and display name. */
  readonly author: { readonly id: string; readonly name: string };
  /** The author's level, from their Discord roles (`discord.levels`). */
  readonly level: PlayerLevel;
  /** Answers in the channel the command came from; the text is Discord markdown. */
  reply(text: string): void | Promise<void>;
}

/** A command from Discord. */
export interface Command {
  /** Lower-case name, without the prefix. */
  readonly name: string;
  /** Lowest level that may run it. */
  readonly level: PlayerLevel;
  /** Arguments, for help and usage replies, e.g. `<message>`. */
  readonly usage: string;
  /** One line for `help`. */
  readonly description: string;
  /** Runs it; `args` is the trimmed rest of the line. */
  run(args: string, context: CommandContext, prefix: string): void | Promise<void>;
}

/** What {@link CommandRegistry.handle} did. */
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
  /** The commands. @defaultValue {@link defaultCommands}() */
  readonly commands?: readonly Command[];
  /** Time source. @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

const LEVEL_NAMES: Record<PlayerLevel, string> = {
  player: "everyone",
  vip: "VIPs",
  administrator: "administrators",
  management: "Management",
};

/** Cuts a reply to Discord's message length. */
function fit(text: string, max = 2000): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The commands every bridge has: `players` (who is online; everyone), `admin <message>` (to
 * the in-game administrators; everyone, so players on Discord can reach them), `say
 * <message>` (to every player; administrators) and `help` (the commands the caller may use).
 */
export function defaultCommands(): Command[] {
  return [
    {
      name: "players",
      level: "player",
      usage: "",
      description: "who is online",
      run(_args, context) {
        const players = context.game.players();
        if (players.length === 0) return context.reply("Nobody is online.");
        const names = players.map((player) => escapeForDiscord(player.name)).join(", ");
        return context.reply(fit(`${players.length} online: ${names}`));
      },
    },
    {
      name: "admin",
      level: "player",
      usage: "<message>",
      description: "message the administrators in game",
      run(args, context, prefix) {
        const lines = formatDiscordChat(context.author.name, args, { prefix: "[Discord → admins]" });
        if (lines.length === 0) return context.reply(`Usage: \`${prefix}admin <message>\``);
        for (const line of lines) context.game.deliver(line, { to: "administrators" });
        return context.reply("Sent to the administrators in game.");
      },
    },
    {
      name: "say",
      level: "administrator",
      usage: "<message>",
      description: "announce to every player in game",
      run(args, context, prefix) {
        const lines = formatDiscordChat(context.author.name, args, { prefix: "[Discord announcement]" });
        if (lines.length === 0) return context.reply(`Usage: \`${prefix}say <message>\``);
        for (const line of lines) context.game.deliver(line, { to: "all" });
        return context.reply("Announced in game.");
      },
    },
  ];
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
  readonly #commands = new Map<string, Command>();
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #window: number;
  readonly #recent = new Map<string, { times: number[]; warned: boolean }>();

  /**
   * A registry with `help`, the given commands (the default ones unless `options.commands` is
   * given), the prefix and the per-user rate limit.
   * @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` for an unusable prefix or rate limit.
   */
  constructor(options: CommandRegistryOptions = {}) {
    const { prefix = "!", rateLimit = { limit: 5, window: 10_000 }, commands = defaultCommands(), clock = systemClock } = options;
    if (prefix === "" || /\s/.test(prefix)) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "prefix must be non-empty and without spaces", { field: "prefix" });
    }
    if (!Number.isInteger(rateLimit.limit) || rateLimit.limit < 1 || !Number.isInteger(rateLimit.window) || rateLimit.window < 1) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "rateLimit needs a positive integer limit and window", { field: "rateLimit" });
    }
    this.prefix = prefix;
    this.#clock = clock;
    this.#limit = rateLimit.limit;
    this.#window = rateLimit.window;
    this.register({
      name: "help",
      level: "player",
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
    return [...this.#commands.values()].filter((command) => hasLevel(level, command.level)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The `help` text for a caller of `level`. */
  help(level: PlayerLevel): string {
    const lines = this.available(level).map((command) => {
      const usage = command.usage === "" ? "" : ` ${command.usage}`;
      return `\`${this.prefix}${command.name}${usage}\` — ${command.description}`;
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
    if (!hasLevel(context.level, command.level)) {
      await context.reply(`\`${this.prefix}${command.name}\` is for ${LEVEL_NAMES[command.level]} only.`);
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
    const now = this.#clock.now();
    for (const [id, entry] of this.#recent) {
      while (entry.times.length > 0 && entry.times[0]! <= now - this.#window) entry.times.shift();
      if (entry.times.length === 0) this.#recent.delete(id);
    }
    let entry = this.#recent.get(user);
    if (entry === undefined) {
      entry = { times: [], warned: false };
      this.#recent.set(user, entry);
    }
    if (entry.times.length >= this.#limit) return false;
    entry.warned = false;
    entry.times.push(now);
    return true;
  }
}
