import type { TrackerGuild } from "@nuwani/tracker";
import { BridgeError } from "./BridgeError.js";
import type { BridgeContext } from "./BridgeContext.js";
import type { GuildReadyEvent } from "./BridgeEvents.js";
import type { DiscordChannelReference } from "./config.js";
import { stripControlCharacters } from "./sanitize.js";

/** Channel roles whose missing channel is reported even when not configured (LVP's audiences). */
const AUDIENCES = new Set(["echo", "admin", "management", "vip"]);

/** A text or announcement channel of the guild. */
function isTextChannelOf(channel: { guildId: string | null; type: number } | undefined, guildId: string): boolean {
  return channel !== undefined && channel.guildId === guildId && (channel.type === 0 || channel.type === 5);
}

/**
 * Which guild the bridge serves and which of its channels play which role: `discord.guild`
 * (or the bot's only guild), and `discord.channels` resolved in it on every GUILD_CREATE.
 * Problems are reported naming what exists, so an operator can fix the configuration.
 * @internal
 */
export class GuildChannels {
  readonly #context: Omit<BridgeContext, "guildId" | "channels" | "rolesOf">;
  readonly #guildWait: number;
  readonly #onResolved: (channels: GuildReadyEvent["channels"], guild: TrackerGuild) => void;
  #guildId: string | undefined;
  /** Channel role → channel id, once resolved. */
  #channels: Map<string, string> | null = null;
  /** The reverse of `#channels`: channel id → the roles it plays, kept with it. */
  #rolesOf = new Map<string, string[]>();

  /**
   * @param onResolved - called after each resolution (the pending lines can be routed now)
   */
  constructor(
    context: Omit<BridgeContext, "guildId" | "channels" | "rolesOf">,
    guildWait: number,
    onResolved: (channels: GuildReadyEvent["channels"], guild: TrackerGuild) => void,
  ) {
    this.#context = context;
    this.#guildId = context.config.guild;
    this.#guildWait = guildWait;
    this.#onResolved = onResolved;
  }

  /** The guild served: `discord.guild`, or the bot's only guild once READY told. */
  get guildId(): string | undefined {
    return this.#guildId;
  }

  /** Channel role → channel id, once resolved; `null` before. */
  get channels(): ReadonlyMap<string, string> | null {
    return this.#channels;
  }

  /** The channel roles `channelId` plays. */
  rolesOf(channelId: string): readonly string[] {
    return this.#rolesOf.get(channelId) ?? [];
  }

  /** On READY: picks the only guild, or checks that the configured one is the bot's. */
  onReady(): void {
    if (this.#guildId === undefined) this.#chooseGuild();
    else this.#checkGuild(this.#guildId);
  }

  /** On GUILD_CREATE (available): resolves the channels when it is the guild served. */
  onAvailable(guild: TrackerGuild): void {
    if (this.#guildId === undefined) this.#chooseGuild();
    else if (guild.id === this.#guildId) this.#resolve(guild);
  }

  /** Picks the bot's only guild when `discord.guild` is not set (on READY). */
  #chooseGuild(): void {
    const { tracker, events } = this.#context;
    if (this.#guildId !== undefined) return;
    const guilds = tracker.guilds();
    if (guilds.length !== 1) return;
    this.#guildId = guilds[0]!.id;
    events.emit("debug", `discord.guild is not set: serving the bot's only guild, ${this.#guildId}`);
    const guild = tracker.getGuild(this.#guildId);
    if (guild !== undefined && !guild.unavailable) this.#resolve(guild);
  }

  /** A configured guild the bot is not in is reported, naming the guilds it is in. */
  #checkGuild(guildId: string): void {
    const guilds = this.#context.tracker.guilds();
    if (guilds.some((guild) => guild.id === guildId)) return;
    this.#context.report(
      new BridgeError("BRIDGE_GUILD_UNRESOLVED", `discord.guild ${guildId} is not a guild the bot is in (it is in: ${this.#listGuilds() || "none"}); nothing is relayed`, {
        field: "discord.guild",
      }),
    );
  }

  /** The guilds the bot is in, by name and id (an unavailable one by id). */
  #listGuilds(): string {
    return this.#context.tracker
      .guilds()
      .map((guild) => (guild.unavailable ? guild.id : `${stripControlCharacters(guild.name)} (${guild.id})`))
      .join(", ");
  }

  /** The error for no guild or several, naming them (after waiting a little for their names). */
  async problem(): Promise<BridgeError> {
    const { tracker, clock } = this.#context;
    const named = (): boolean => tracker.guilds().every((guild) => !guild.unavailable);
    if (tracker.guilds().length > 1 && !named() && this.#guildWait > 0) {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (named()) finish();
        };
        const finish = (): void => {
          clock.clearTimeout(timer);
          tracker.off("guildAvailable", check);
          resolve();
        };
        const timer = clock.setTimeout(finish, this.#guildWait);
        tracker.on("guildAvailable", check);
      });
    }
    const guilds = tracker.guilds();
    if (guilds.length === 0) {
      return new BridgeError("BRIDGE_GUILD_UNRESOLVED", "the bot is in no guild: invite it to the game's Discord server (or set discord.guild)", { field: "discord.guild" });
    }
    return new BridgeError("BRIDGE_GUILD_UNRESOLVED", `the bot is in ${guilds.length} guilds: ${this.#listGuilds()}; set discord.guild to the id of the one to serve`, {
      field: "discord.guild",
    });
  }

  #resolve(guild: TrackerGuild): void {
    const resolved = new Map<string, string>();
    const shown: Record<string, { id: string; name: string }> = {};
    const missing = new Set<DiscordChannelReference>();
    for (const [role, reference] of Object.entries(this.#context.config.channels)) {
      const channel = this.#find(reference, guild.id);
      if (channel === undefined) {
        // An alias (reports → admin) of a channel already reported is not reported again.
        if ((reference.kind !== "default" || AUDIENCES.has(role)) && !missing.has(reference)) {
          missing.add(reference);
          this.#context.report(this.#missing(role, reference, guild));
        }
        continue;
      }
      resolved.set(role, channel.id);
      shown[role] = { id: channel.id, name: channel.name ?? channel.id };
    }
    this.#channels = resolved;
    this.#rolesOf = new Map();
    for (const [role, id] of resolved) {
      const roles = this.#rolesOf.get(id);
      if (roles === undefined) this.#rolesOf.set(id, [role]);
      else roles.push(role);
    }
    this.#context.events.emit("debug", `channels: ${[...resolved].map(([role, id]) => `${role} → ${id}`).join(", ")}`);
    this.#onResolved(shown, guild);
  }

  /** "discord.channels.vip: no text channel #vip in guild X; its lines are dropped. Text channels: #a, #b". */
  #missing(role: string, reference: DiscordChannelReference, guild: TrackerGuild): BridgeError {
    const wanted =
      reference.kind === "id" ? `channel ${reference.id}` : reference.kind === "name" ? `#${reference.name}` : reference.names.map((name) => `#${name}`).join(" or ");
    const texts = this.#context.tracker
      .channels(guild.id)
      .filter((channel) => channel.type === 0 || channel.type === 5)
      .map((channel) => `#${stripControlCharacters(channel.name ?? channel.id)}`);
    const how = reference.kind === "default" ? ` (the default name; set discord.channels.${role} to a channel name or id)` : "";
    return new BridgeError(
      "BRIDGE_CHANNEL_UNRESOLVED",
      `discord.channels.${role}: guild ${stripControlCharacters(guild.name)} has no text channel ${wanted}${how}; its lines are dropped. Text channels: ${texts.length === 0 ? "none" : texts.join(", ")}`,
      { field: `discord.channels.${role}` },
    );
  }

  #find(reference: DiscordChannelReference, guildId: string): { id: string; name: string | null } | undefined {
    const { tracker } = this.#context;
    if (reference.kind === "id") {
      const channel = tracker.getChannel(reference.id);
      return isTextChannelOf(channel, guildId) ? channel : undefined;
    }
    for (const name of reference.kind === "name" ? [reference.name] : reference.names) {
      const channel = tracker.resolveChannel(name, guildId);
      if (isTextChannelOf(channel, guildId)) return channel;
    }
    return undefined;
  }
}
