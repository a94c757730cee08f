import { isRecord } from "@nuwani/util";
import type { TrackerMember } from "@nuwani/tracker";
import { BridgeError } from "./BridgeError.js";
import { describeError, type BridgeContext } from "./BridgeContext.js";
import type { RelayRole } from "./BridgeEvents.js";
import type { ChannelModes } from "./ChannelModes.js";
import type { CommandRegistry } from "./commands.js";
import type { FloodControl, FloodCounts } from "./FloodControl.js";
import { describeTarget, type DeliveryTarget, type PlayerLevel } from "@nuwani/game";
import { formatDiscordChat, stripControlCharacters } from "./sanitize.js";

const MENTION = /<(@[!&]?|#)(\d{1,20})>/g;

/** The channel roles whose plain messages reach the game, whom they reach there, and how they are prefixed. */
const RELAY: ReadonlyArray<[RelayRole, DeliveryTarget, string]> = [
  ["echo", "all", "[Discord]"],
  ["admin", "administrators", "[Discord admin]"],
  ["management", "management", "[Discord management]"],
  ["vip", "vips", "[Discord VIP]"],
];

/**
 * Discord → game: messages in the relay channels reach the game (mentions shown as names,
 * sanitised, split into game lines, through the flood control), commands run with the level of
 * the author's roles and are answered over REST, and a mention of the bot gets a reaction.
 * Bots' messages, other guilds' and channels muted by LVP's `+m` are not relayed.
 * @internal
 */
export class DiscordRelay {
  readonly #context: BridgeContext;
  readonly #modes: ChannelModes;
  readonly #commands: CommandRegistry;
  readonly #reaction: string;
  readonly #flood: FloodControl;
  /** Messages relayed and the game lines they became; muted messages; reactions. */
  readonly #counts = { messages: 0, lines: 0, muted: 0, reactions: 0 };
  readonly #commandCounts = { total: 0, ran: 0, denied: 0, unknown: 0, limited: 0, failed: 0 };
  /** Role mappings already warned about (ambiguous or missing role names). */
  readonly #warnedLevels = new Set<string>();

  constructor(context: BridgeContext, modes: ChannelModes, commands: CommandRegistry, options: { readonly reaction: string; readonly flood: FloodControl }) {
    this.#context = context;
    this.#modes = modes;
    this.#commands = commands;
    this.#reaction = options.reaction;
    this.#flood = options.flood;
  }

  /** Discord → game counts, for the bridge's summary. */
  get toGame(): { readonly messages: number; readonly lines: number; readonly flooded: FloodCounts; readonly muted: number } {
    return { messages: this.#counts.messages, lines: this.#counts.lines, flooded: this.#flood.refused, muted: this.#counts.muted };
  }

  /** Commands handled by outcome. */
  get commands(): { readonly total: number; readonly ran: number; readonly denied: number; readonly unknown: number; readonly limited: number; readonly failed: number } {
    return { ...this.#commandCounts };
  }

  /** Reactions to mentions of the bot. */
  get reactions(): number {
    return this.#counts.reactions;
  }

  /** A MESSAGE_CREATE dispatch's `d`. */
  async onMessage(d: unknown): Promise<void> {
    if (this.#context.stopped) return;
    if (this.#context.tracker.busy) await this.#context.tracker.settled();
    const message = this.#context.tracker.resolveMessage(d);
    if (message === undefined || message.webhook || message.author.bot) return;
    const bot = this.#context.tracker.botUser;
    if (bot !== null && message.author.id === bot.id) return;
    const guildId = message.guild?.id ?? (isRecord(d) && typeof d.guild_id === "string" ? d.guild_id : undefined);
    if (guildId === undefined || guildId !== this.#context.guildId) return;
    const author = message.member?.displayName ?? message.author.globalName ?? message.author.username;

    if (message.mentionsBot) this.#context.track(this.#react(message.channelId, message.id, author));

    if (this.#context.channels === null) return;
    const roleEntries = this.#context.rolesOf(message.channelId);
    const content = message.content;
    if (content.trimStart().startsWith(this.#commands.prefix) && (await this.#command(message.channelId, roleEntries, author, message.author.id, content, d))) return;
    const relay = RELAY.find(([role]) => roleEntries.includes(role));
    if (relay === undefined) return;
    const [channel, to, prefix] = relay;
    if (this.#modes.isMuted(channel) && !this.#context.config.ladder.atLeast(this.#levelOf(message.author.id, d), this.#modes.exempt)) {
      this.#counts.muted++;
      this.#context.events.emit("debug", `the ${channel} channel is muted (+m): a message of ${stripControlCharacters(author)} was not relayed`);
      return;
    }
    const text = this.#renderMentions(content, guildId, d);
    const lines = formatDiscordChat(author, text, { prefix });
    if (lines.length === 0) return;
    const verdict = this.#deliver(message.author.id, to, lines);
    if (verdict !== "ok") {
      this.#context.events.emit("debug", `flood control (${verdict}): a message of ${stripControlCharacters(author)} to ${describeTarget(to)} was not relayed`);
      return;
    }
    this.#counts.messages++;
    this.#context.events.emit("discordToGame", { channel, author, lines, to });
  }

  /**
   * Delivers game lines from a Discord user through the flood control (all or none), counting
   * them; a game that throws or rejects is reported, never thrown past the bridge.
   */
  #deliver(userId: string, target: DeliveryTarget, lines: readonly string[]): "ok" | "user" | "overall" {
    const verdict = this.#flood.admit(userId, lines.length);
    if (verdict !== "ok") return verdict;
    this.#counts.lines += lines.length;
    for (const line of lines) this.#callGame(`deliver to ${describeTarget(target)}`, () => this.#context.game.deliver(target, line));
    return "ok";
  }

  /** Calls into the game; a throw or a rejection becomes a `BRIDGE_GAME_FAILED` report. */
  #callGame(what: string, call: () => void | Promise<void>): void {
    const failed = (cause: unknown): void => this.#context.report(new BridgeError("BRIDGE_GAME_FAILED", `the game failed to ${what} (${describeError(cause)})`, { cause }));
    try {
      const result = call();
      if (result instanceof Promise) this.#context.track(result.then(() => undefined, failed));
    } catch (cause) {
      failed(cause);
    }
  }

  async #react(channelId: string, messageId: string, author: string): Promise<void> {
    try {
      await this.#context.rest.createReaction(channelId, messageId, this.#reaction);
      this.#counts.reactions++;
      this.#context.events.emit("mention", { author, channelId, emoji: this.#reaction });
    } catch (cause) {
      this.#context.report(new BridgeError("BRIDGE_RELAY_FAILED", `could not react to a mention (${describeError(cause)})`, { cause }));
    }
  }

  /** Runs a command; `false` when the message was not one after all (e.g. a bare prefix). */
  async #command(channelId: string, channelRoles: readonly string[], author: string, authorId: string, content: string, d: unknown): Promise<boolean> {
    const level = this.#levelOf(authorId, d);
    const replies: string[] = [];
    let delivered = 0;
    const outcome = await this.#commands.handle(content, {
      game: this.#context.game,
      ladder: this.#context.config.ladder,
      author: { id: authorId, name: author },
      level,
      channelRoles,
      deliver: (target, lines) => {
        const verdict = this.#deliver(authorId, target, lines);
        if (verdict !== "ok") {
          this.#context.events.emit("debug", `flood control (${verdict}): a command of ${stripControlCharacters(author)} to ${describeTarget(target)} was not delivered`);
          return false;
        }
        delivered++;
        return true;
      },
      // Replies are not awaited: a busy REST bucket must not hold up the messages behind.
      reply: (text) => {
        replies.push(text);
        this.#context.track(
          this.#context.rest.createMessage(channelId, { content: text, allowed_mentions: { parse: [] } }).then(
            () => undefined,
            (cause: unknown) => this.#context.report(new BridgeError("BRIDGE_RELAY_FAILED", `could not reply to a command (${describeError(cause)})`, { cause })),
          ),
        );
      },
    });
    if (outcome.kind === "ignored") return false;
    this.#commandCounts.total++;
    this.#commandCounts[outcome.kind]++;
    if (delivered > 0) this.#counts.messages++;
    if (outcome.kind === "failed") {
      this.#context.report(new BridgeError("BRIDGE_RELAY_FAILED", `command ${outcome.name} failed (${describeError(outcome.error)})`, { cause: outcome.error }));
    }
    this.#context.events.emit("command", { author, level, content, outcome: outcome.kind, name: "name" in outcome ? outcome.name : undefined, replies });
    return true;
  }

  /**
   * The author's level: the highest of their roles' in `discord.levels` (or the default role
   * names). A role named by name must match exactly one role of the guild, case and all: two
   * roles with the configured name refuse the mapping (with a warning), so a look-alike role
   * never gains a level.
   */
  #levelOf(userId: string, d: unknown): PlayerLevel {
    const guildId = this.#context.guildId!;
    const ladder = this.#context.config.ladder;
    const table = new Map<string, number>();
    const roles = this.#context.tracker.roles(guildId);
    for (const { role, level } of this.#context.config.levels) {
      let ids: string[];
      if (role.kind === "id") ids = [role.id];
      else {
        ids = roles.filter((entry) => entry.name === role.name).map((entry) => entry.id);
        if (ids.length !== 1) {
          const key = `${role.name}\u0000${ids.length}`;
          if (ids.length > 1 && !this.#warnedLevels.has(key)) {
            this.#warnedLevels.add(key);
            this.#context.report(
              new BridgeError(
                "BRIDGE_CONFIG_INVALID",
                `${ids.length} roles of the guild are named "${stripControlCharacters(role.name)}": the mapping to level ${level} is refused; map the role by id in discord.levels`,
                { field: `discord.levels.${role.name}` },
              ),
            );
          }
          continue;
        }
      }
      for (const id of ids) table.set(id, Math.max(table.get(id) ?? 0, ladder.rank(level)));
    }
    let value: number;
    const member: TrackerMember | undefined = this.#context.tracker.getMember(guildId, userId);
    if (member !== undefined) {
      value = this.#context.tracker.levelOf(guildId, userId, table);
    } else {
      // Not synced yet: the message's own partial member carries the roles.
      const partial = isRecord(d) && isRecord(d.member) && Array.isArray(d.member.roles) ? (d.member.roles as unknown[]) : [];
      value = Math.max(0, table.get(guildId) ?? 0, ...partial.map((id) => (typeof id === "string" ? (table.get(id) ?? 0) : 0)));
    }
    return ladder.at(value);
  }

  /** `<@id>`, `<@!id>`, `<@&id>` and `<#id>` as `@name`, `@role` and `#channel`. */
  #renderMentions(content: string, guildId: string, d: unknown): string {
    const mentioned = new Map<string, string>();
    if (isRecord(d) && Array.isArray(d.mentions)) {
      for (const user of d.mentions as unknown[]) {
        if (isRecord(user) && typeof user.id === "string") {
          const name = typeof user.global_name === "string" ? user.global_name : typeof user.username === "string" ? user.username : undefined;
          if (name !== undefined) mentioned.set(user.id, name);
        }
      }
    }
    return content.replace(MENTION, (whole, kind: string, id: string) => {
      if (kind === "#") {
        const channel = this.#context.tracker.getChannel(id);
        return channel?.name == null ? "#unknown-channel" : `#${channel.name}`;
      }
      if (kind === "@&") {
        const role = this.#context.tracker.getRole(guildId, id);
        return role === undefined ? "@unknown-role" : `@${role.name}`;
      }
      const member = this.#context.tracker.getMember(guildId, id);
      const name = member?.displayName ?? mentioned.get(id) ?? this.#context.tracker.getUser(id)?.username;
      return name === undefined ? "@unknown-user" : `@${name}`;
    });
  }
}
