import type {
  ActivityFixture,
  ChannelFixture,
  GuildFixture,
  MemberFixture,
  OverwriteFixture,
  RoleFixture,
  ThreadFixture,
  UserFixture,
} from "./GuildFixture.js";

/** The gateway versions the fake speaks. */
export type GatewayVersion = 6 | 10;

/** Options of {@link serializeGuild}. */
export interface SerializeGuildOptions {
  version: GatewayVersion;
  /** From Identify; above it a guild is `large` and only non-offline members are sent. */
  largeThreshold: number;
  /**
   * Whether the session may see presences (the GUILD_PRESENCES intent, or no intents on
   * v6). Without it GUILD_CREATE carries only the bot's member and no presences, as Discord
   * does.
   */
  presences: boolean;
  /** The bot's user id; its member is always sent. */
  botId: string;
}

/** The v6 legacy integer: only the bits that fit in 31 bits (PROTOCOL.md §6 "Role (v6)"). */
function legacy(bits: bigint): number {
  return Number(bits & 0x7fff_ffffn);
}

/** A User object in the version's shape. */
export function serializeUser(user: UserFixture, version: GatewayVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: user.id,
    username: user.username,
    discriminator: user.discriminator,
    avatar: user.avatar,
  };
  if (version >= 10) out.global_name = user.globalName ?? null;
  if (user.bot === true) out.bot = true;
  out.public_flags = 0;
  return out;
}

/** A guild Member object (with `user`) in the version's shape. */
export function serializeMember(member: MemberFixture, version: GatewayVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    user: serializeUser(member.user, version),
    nick: member.nick,
    roles: member.roles,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: member.deaf,
    mute: member.mute,
  };
  if (version >= 10) {
    out.avatar = null;
    out.flags = 0;
    out.pending = false;
    out.communication_disabled_until = member.communicationDisabledUntil ?? null;
  }
  return out;
}

function serializeActivity(activity: ActivityFixture): Record<string, unknown> {
  const out: Record<string, unknown> = { name: activity.name, type: activity.type, created_at: activity.createdAt };
  if (activity.url !== undefined) out.url = activity.url;
  return out;
}

/**
 * A presence (as in GUILD_CREATE and GUILD_MEMBERS_CHUNK): v6 carries `game` besides
 * `activities`; v10 only `activities`.
 */
export function serializePresence(member: MemberFixture, version: GatewayVersion): Record<string, unknown> {
  const activities = member.activity === null ? [] : [serializeActivity(member.activity)];
  const out: Record<string, unknown> = { user: { id: member.user.id }, status: member.status };
  if (version === 6) out.game = activities[0] ?? null;
  out.activities = activities;
  out.client_status = member.status === "offline" ? {} : { desktop: member.status };
  return out;
}

/** A Role: v6 has `permissions` (31-bit int) and `permissions_new` (string); v10 a string. */
export function serializeRole(role: RoleFixture, version: GatewayVersion): Record<string, unknown> {
  const base = { id: role.id, name: role.name, color: role.color, hoist: role.hoist, position: role.position };
  const flags = { managed: role.managed, mentionable: role.mentionable };
  if (version === 6) {
    return { ...base, permissions: legacy(role.permissions), permissions_new: role.permissions.toString(), ...flags };
  }
  return { ...base, icon: null, unicode_emoji: null, permissions: role.permissions.toString(), ...flags, flags: 0 };
}

/** An Overwrite: v6 `type` "role"/"member" with int + `_new` string bits; v10 `type` 0/1 with strings. */
export function serializeOverwrite(overwrite: OverwriteFixture, version: GatewayVersion): Record<string, unknown> {
  if (version === 6) {
    return {
      id: overwrite.id,
      type: overwrite.type,
      allow: legacy(overwrite.allow),
      allow_new: overwrite.allow.toString(),
      deny: legacy(overwrite.deny),
      deny_new: overwrite.deny.toString(),
    };
  }
  return {
    id: overwrite.id,
    type: overwrite.type === "role" ? 0 : 1,
    allow: overwrite.allow.toString(),
    deny: overwrite.deny.toString(),
  };
}

/**
 * A guild Channel. Inside GUILD_CREATE Discord leaves `guild_id` out (PROTOCOL.md §6), so
 * it is only set when `guildId` is given (CHANNEL_CREATE and friends).
 */
export function serializeChannel(channel: ChannelFixture, version: GatewayVersion, guildId?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { id: channel.id, type: channel.type };
  if (guildId !== undefined) out.guild_id = guildId;
  out.name = channel.name;
  out.position = channel.position;
  out.permission_overwrites = channel.overwrites.map((overwrite) => serializeOverwrite(overwrite, version));
  out.parent_id = channel.parentId;
  out.nsfw = channel.nsfw;
  if (channel.type === 2) {
    out.bitrate = 64000;
    out.user_limit = 0;
    if (version >= 10) out.rtc_region = null;
  } else {
    out.topic = channel.topic;
    out.last_message_id = null;
    out.rate_limit_per_user = channel.rateLimitPerUser;
  }
  return out;
}

/**
 * A thread channel (v10; types 10, 11, 12) with `guild_id`, `parent_id`, `owner_id` and
 * `thread_metadata`, as in GUILD_CREATE's `threads` and THREAD_CREATE/UPDATE.
 */
export function serializeThread(thread: ThreadFixture, guildId: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    archived: thread.archived,
    auto_archive_duration: thread.autoArchiveDuration,
    archive_timestamp: thread.archiveTimestamp,
    locked: thread.locked,
  };
  if (thread.type === 12) metadata.invitable = thread.invitable;
  return {
    id: thread.id,
    type: thread.type,
    guild_id: guildId,
    parent_id: thread.parentId,
    owner_id: thread.ownerId,
    name: thread.name,
    last_message_id: null,
    rate_limit_per_user: thread.rateLimitPerUser,
    message_count: thread.messageCount,
    member_count: thread.memberCount,
    total_message_sent: thread.messageCount,
    flags: 0,
    thread_metadata: metadata,
  };
}

/**
 * The `d` of GUILD_CREATE for one session (PROTOCOL.md §6): a full guild plus `joined_at`,
 * `large`, `unavailable`, `member_count`, `voice_states`, `members`, `channels` and
 * `presences`. When `member_count` is above the session's `large_threshold` the guild is
 * `large` and only non-offline members (and the bot) are included; presences are only ever
 * sent for non-offline members. On v10 the active (not archived) threads are in `threads`.
 */
export function serializeGuild(guild: GuildFixture, options: SerializeGuildOptions): Record<string, unknown> {
  const { version } = options;
  const memberCount = guild.members.length;
  const large = memberCount > options.largeThreshold;
  let members: MemberFixture[];
  if (!options.presences) members = guild.members.filter((member) => member.user.id === options.botId);
  else if (large) members = guild.members.filter((member) => member.status !== "offline" || member.user.id === options.botId);
  else members = guild.members;
  const presences = options.presences ? guild.members.filter((member) => member.status !== "offline") : [];

  const out: Record<string, unknown> = {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
  };
  if (version === 6) out.region = "europe";
  Object.assign(out, {
    afk_channel_id: guild.afkChannelId,
    afk_timeout: 300,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: guild.roles.map((role) => serializeRole(role, version)),
    emojis: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
  });
  if (version >= 10) {
    const threads = (guild.threads ?? []).filter((thread) => !thread.archived).map((thread) => serializeThread(thread, guild.id));
    Object.assign(out, { nsfw_level: 0, premium_progress_bar_enabled: false, stickers: [], threads, stage_instances: [], guild_scheduled_events: [] });
  }
  Object.assign(out, {
    joined_at: guild.joinedAt,
    large,
    unavailable: false,
    member_count: memberCount,
    voice_states: [],
    members: members.map((member) => serializeMember(member, version)),
    channels: guild.channels.map((channel) => serializeChannel(channel, version)),
    presences: presences.map((member) => serializePresence(member, version)),
  });
  return out;
}
