/** A presence status as received (`invisible` is only ever sent, and shows as `offline`). */
export type PresenceStatus = "offline" | "online" | "idle" | "dnd";

/** A user, as the tracker knows it (shared across guilds). */
export interface TrackerUser {
  readonly id: string;
  readonly username: string;
  /** Four digits (`"0001"`), or `"0"` for accounts without one (v10). */
  readonly discriminator: string;
  /** v10's display name; `null` on v6 and when unset. */
  readonly globalName: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
}

/** A guild member with its user and presence: a snapshot, built when asked for. */
export interface TrackerMember {
  readonly guildId: string;
  /** The user id. */
  readonly id: string;
  readonly user: TrackerUser;
  readonly nick: string | null;
  /** The nickname, else the global name, else the username. */
  readonly displayName: string;
  /** Role ids, sorted, never the `@everyone` role. Shared and frozen: do not mutate. */
  readonly roles: readonly string[];
  /** When the member joined, in Unix milliseconds (`NaN` when unknown). */
  readonly joinedAt: number;
  readonly status: PresenceStatus;
  /** The name of the member's first activity (not a custom status), if any. */
  readonly activity: string | null;
  /**
   * v10's `communication_disabled_until` in Unix milliseconds: while it is in the future the
   * member is timed out (see {@link DiscordTracker.permissionsOf}); `null` when never set or
   * lifted.
   */
  readonly timedOutUntil: number | null;
}

/** A role of a guild. The `@everyone` role's id is the guild's id. */
export interface TrackerRole {
  readonly id: string;
  readonly guildId: string;
  readonly name: string;
  readonly color: number;
  readonly hoist: boolean;
  readonly position: number;
  /** From `permissions_new` on v6 (else `permissions`), from `permissions` on v10. */
  readonly permissions: bigint;
  readonly managed: boolean;
  readonly mentionable: boolean;
}

/** A channel permission overwrite, in a version-neutral shape. */
export interface TrackerOverwrite {
  /** A role id or a user id. */
  readonly id: string;
  /** v6 `"role"`/`"member"`, v10 `0`/`1`. */
  readonly type: "role" | "member";
  readonly allow: bigint;
  readonly deny: bigint;
}

/** What a thread (v10; channel types 10, 11 and 12) has besides a channel's fields. */
export interface TrackerThread {
  /** The user who started it, if known. */
  readonly ownerId: string | null;
  /** Archived threads are not listed by Discord; posting unarchives one unless it is locked. */
  readonly archived: boolean;
  /** Only members with MANAGE_THREADS may post in (or unarchive) a locked thread. */
  readonly locked: boolean;
  /** Private threads: whether non-moderators may add others. */
  readonly invitable: boolean;
  /**
   * Whether the bot is a member of the thread (THREAD_MEMBER_UPDATE, THREAD_MEMBERS_UPDATE,
   * THREAD_LIST_SYNC, or a thread's `member`): a private thread is only visible to its
   * members and to holders of MANAGE_THREADS.
   */
  readonly joined: boolean;
}

/** A channel: a guild channel, a thread, a DM or a group DM. */
export interface TrackerChannel {
  readonly id: string;
  /**
   * 0 text, 1 DM, 2 voice, 3 group DM, 4 category, 5 news, 6 store (PROTOCOL.md §6); on v10
   * also 10 announcement thread, 11 public thread, 12 private thread.
   */
  readonly type: number;
  /** `null` for DMs. Filled from the parent guild when GUILD_CREATE leaves it out. */
  readonly guildId: string | null;
  /** `null` for DMs. */
  readonly name: string | null;
  readonly position: number;
  /** The category of a channel; for a thread, the channel it was created in. */
  readonly parentId: string | null;
  readonly topic: string | null;
  readonly nsfw: boolean;
  readonly overwrites: readonly TrackerOverwrite[];
  /** DM recipients' user ids; empty for guild channels. */
  readonly recipients: readonly string[];
  /** Set on threads (types 10, 11, 12) only. */
  readonly thread?: TrackerThread;
}

/** A guild: a snapshot, built when asked for. */
export interface TrackerGuild {
  readonly id: string;
  /** `""` while only READY's `{id, unavailable}` is known. */
  readonly name: string;
  readonly ownerId: string | null;
  /** In an outage, or not loaded yet (listed in READY, GUILD_CREATE pending). */
  readonly unavailable: boolean;
  readonly large: boolean;
  /** `member_count`, kept up to date by member adds and removes. */
  readonly memberCount: number;
  /** How many members the tracker holds. */
  readonly trackedMembers: number;
  /** When the bot joined, in Unix milliseconds (`NaN` when unknown). */
  readonly joinedAt: number;
  /** Every member is known (small guilds at once; large ones after the op 8 sync). */
  readonly synced: boolean;
}
