/**
 * Version-neutral fixtures the fake serves. They hold what Discord knows about a guild;
 * `serializeGuild` turns them into the v6 or v10 shapes of PROTOCOL.md §6 when they are sent.
 * Fixtures are plain mutable objects: a test may change them between dispatches.
 */

/** A user (PROTOCOL.md §6 "User"). */
export interface UserFixture {
  /** Snowflake. */
  id: string;
  username: string;
  /** Four digits, as a string. */
  discriminator: string;
  avatar: string | null;
  /** Whether the user is a bot account. */
  bot?: boolean;
  /** v10's display name (`global_name`); not sent on v6. */
  globalName?: string | null;
}

/** A presence status a member can have. */
export type PresenceStatus = "online" | "idle" | "dnd" | "offline";

/** What a member is doing (v6 `game`, v10 `activities[0]`). */
export interface ActivityFixture {
  name: string;
  /** 0 Game, 1 Streaming, 2 Listening, 4 Custom, 5 Competing. */
  type: number;
  url?: string | null;
  /** Unix milliseconds. */
  createdAt: number;
}

/** A guild member, with its presence. */
export interface MemberFixture {
  user: UserFixture;
  nick: string | null;
  /** Role ids (never the `@everyone` role). */
  roles: string[];
  /** ISO 8601. */
  joinedAt: string;
  deaf: boolean;
  mute: boolean;
  status: PresenceStatus;
  activity: ActivityFixture | null;
  /**
   * v10's `communication_disabled_until` (ISO 8601): the member is timed out until then.
   * Not sent on v6. @defaultValue absent (`null` on v10)
   */
  communicationDisabledUntil?: string | null;
}

/** A role. The `@everyone` role's id is the guild's id. */
export interface RoleFixture {
  id: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  /** Permission bits (PROTOCOL.md §8), serialised as int + string on v6, string on v10. */
  permissions: bigint;
  managed: boolean;
  mentionable: boolean;
}

/** A channel permission overwrite. */
export interface OverwriteFixture {
  /** Role or user id. */
  id: string;
  /** Sent as `"role"`/`"member"` on v6 and `0`/`1` on v10. */
  type: "role" | "member";
  allow: bigint;
  deny: bigint;
}

/** A guild channel. */
export interface ChannelFixture {
  id: string;
  /** 0 text, 2 voice, 4 category, 5 news, 6 store (PROTOCOL.md §6); threads are {@link ThreadFixture}s. */
  type: number;
  name: string;
  position: number;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  overwrites: OverwriteFixture[];
  /** Slow mode, in seconds. */
  rateLimitPerUser: number;
}

/** Thread channel types (v9+): 10 announcement thread, 11 public thread, 12 private thread. */
export type ThreadType = 10 | 11 | 12;

/**
 * A thread (v10 only: v6 has no threads). It takes its permissions from its parent channel;
 * posting in it needs SEND_MESSAGES_IN_THREADS instead of SEND_MESSAGES.
 */
export interface ThreadFixture {
  id: string;
  type: ThreadType;
  name: string;
  /** The text or news channel it was created in. */
  parentId: string;
  /** The user who created it. */
  ownerId: string;
  archived: boolean;
  locked: boolean;
  /** Private threads only: whether non-moderators may add others. */
  invitable: boolean;
  /** Minutes: 60, 1440, 4320 or 10080. */
  autoArchiveDuration: number;
  /** ISO 8601: when `archived` last changed. */
  archiveTimestamp: string;
  /** Approximate, stops counting at 50 (as Discord's). */
  memberCount: number;
  messageCount: number;
  /** Slow mode, in seconds. */
  rateLimitPerUser: number;
}

/** A guild the bot is in, with everything GUILD_CREATE and op 8 need. */
export interface GuildFixture {
  id: string;
  name: string;
  ownerId: string;
  /** When the bot joined (ISO 8601). */
  joinedAt: string;
  /** Roles, `@everyone` (id = guild id) first. */
  roles: RoleFixture[];
  channels: ChannelFixture[];
  /** Every member, the bot's own member included. `member_count` is its length. */
  members: MemberFixture[];
  /**
   * The guild is in an outage: READY lists it and, instead of GUILD_CREATE, the fake sends
   * GUILD_DELETE `{id, unavailable: true}`; op 8 for it is ignored.
   */
  unavailable: boolean;
  systemChannelId: string | null;
  afkChannelId: string | null;
  /**
   * Threads (v10): the active ones are sent in GUILD_CREATE's `threads`. Change them with
   * {@link FakeDiscord.threads}, which also dispatches the THREAD_* events.
   * @defaultValue none
   */
  threads?: ThreadFixture[];
}
