import type { GuildFixture, UserFixture } from "./GuildFixture.js";

/**
 * @internal The fake's guild fixtures: the list it serves (READY, GUILD_CREATE, op 8, REST),
 * seeded so the bot is a member of each, and an index from channel (and thread) id to guild.
 */
export class FakeGuilds {
  /** The guild fixtures, in order; the same array as `FakeDiscord.guilds`. */
  readonly list: GuildFixture[];
  readonly #bot: UserFixture;
  #channelGuilds = new Map<string, string>();

  /** Seeds `guilds` (the bot joins each that lacks it) and keeps them. */
  constructor(bot: UserFixture, guilds: GuildFixture[]) {
    this.#bot = bot;
    this.list = guilds;
    for (const guild of guilds) this.#ensureBotMember(guild);
  }

  /** Adds a guild (the bot joins it when it is not a member). */
  add(guild: GuildFixture): void {
    this.#ensureBotMember(guild);
    this.list.push(guild);
    this.#channelGuilds = new Map();
  }

  /** The guild of a channel or thread, `null` when none holds it (a DM). */
  guildOfChannel(channelId: string): string | null {
    let guildId = this.#channelGuilds.get(channelId);
    if (guildId === undefined) {
      this.#channelGuilds = new Map();
      for (const guild of this.list) {
        for (const channel of guild.channels) this.#channelGuilds.set(channel.id, guild.id);
        for (const thread of guild.threads ?? []) this.#channelGuilds.set(thread.id, guild.id);
      }
      guildId = this.#channelGuilds.get(channelId);
    }
    return guildId ?? null;
  }

  /** How many guilds a session identified with `shard` holds: `(guild_id >> 22) % num_shards`. */
  heldBy(shard: readonly [number, number] | undefined): number {
    let held = 0;
    for (const guild of this.list) if (ownsGuild(shard, guild.id)) held++;
    return held;
  }

  #ensureBotMember(guild: GuildFixture): void {
    if (guild.members.some((member) => member.user.id === this.#bot.id)) return;
    guild.members.unshift({
      user: this.#bot,
      nick: null,
      roles: [],
      joinedAt: guild.joinedAt,
      deaf: false,
      mute: false,
      status: "online",
      activity: null,
    });
  }
}

/** Whether a session identified with `shard` gets `guildId`: `(guild_id >> 22) % num_shards`. */
function ownsGuild(shard: readonly [number, number] | undefined, guildId: string): boolean {
  if (shard === undefined || shard[1] <= 1) return true;
  try {
    return Number((BigInt(guildId) >> 22n) % BigInt(shard[1])) === shard[0];
  } catch {
    return true;
  }
}
