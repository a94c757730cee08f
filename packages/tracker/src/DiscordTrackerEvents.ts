import type { TrackerError } from "./TrackerError.js";
import type { PresenceStatus, TrackerChannel, TrackerGuild, TrackerMember, TrackerRole, TrackerUser } from "./types.js";

/** What changed in a {@link DiscordTrackerEvents.memberUpdate}. */
export interface MemberChanges {
  /** Whether the set of roles changed. */
  readonly rolesChanged: boolean;
  /** Role ids gained. */
  readonly addedRoles: readonly string[];
  /** Role ids lost. */
  readonly removedRoles: readonly string[];
  /** Whether the nickname changed. */
  readonly nickChanged: boolean;
}

/** Events of a `DiscordTracker`. Objects passed are snapshots. */
export interface DiscordTrackerEvents {
  /** A new session (READY): the state is being rebuilt from it. */
  ready: [user: TrackerUser, sessionId: string];
  /** A guild's GUILD_CREATE was applied (after READY, after an outage, or on joining). */
  guildAvailable: [guild: TrackerGuild];
  /** The bot joined a guild it did not know (a GUILD_CREATE not announced by READY). */
  guildJoin: [guild: TrackerGuild];
  /** GUILD_UPDATE. */
  guildUpdate: [guild: TrackerGuild, previous: TrackerGuild];
  /** GUILD_DELETE with `unavailable: true`: an outage; the guild is kept. */
  guildUnavailable: [guild: TrackerGuild];
  /** The bot left or was removed (GUILD_DELETE without `unavailable`, or missing from a new READY). */
  guildLeave: [guild: TrackerGuild];
  /** Members received by the member sync so far, and `member_count`. */
  syncProgress: [guildId: string, received: number, expected: number];
  /** Every member of the guild is known (and those that left while disconnected are gone). */
  synced: [guild: TrackerGuild];
  channelCreate: [channel: TrackerChannel];
  channelUpdate: [channel: TrackerChannel, previous: TrackerChannel, changes: { readonly renamed: boolean }];
  channelDelete: [channel: TrackerChannel];
  /** A thread became known: THREAD_CREATE, or a new one in THREAD_LIST_SYNC (v10). */
  threadCreate: [thread: TrackerChannel];
  /** THREAD_UPDATE, or a thread's membership or metadata changed. */
  threadUpdate: [thread: TrackerChannel, previous: TrackerChannel];
  /** THREAD_DELETE, its parent channel deleted, or dropped by THREAD_LIST_SYNC. */
  threadDelete: [thread: TrackerChannel];
  roleCreate: [role: TrackerRole];
  roleUpdate: [role: TrackerRole, previous: TrackerRole];
  roleDelete: [role: TrackerRole];
  /** GUILD_MEMBER_ADD. */
  memberJoin: [member: TrackerMember];
  /** GUILD_MEMBER_UPDATE of a known member. */
  memberUpdate: [member: TrackerMember, previous: TrackerMember, changes: MemberChanges];
  /**
   * GUILD_MEMBER_REMOVE (`"left"`), or a member found gone by the mark-and-sweep after a
   * new session or an outage (`"swept"`).
   */
  memberLeave: [member: TrackerMember, reason: "left" | "swept"];
  /** PRESENCE_UPDATE that changed a known member's status or activity. */
  presenceUpdate: [member: TrackerMember, previousStatus: PresenceStatus];
  /** USER_UPDATE (the bot's own user) that changed something. */
  userUpdate: [user: TrackerUser, previous: TrackerUser];
  /** A malformed payload was skipped, or a member sync failed. Emitted only while someone listens, else `debug`. */
  error: [error: TrackerError];
  /** What the tracker does. */
  debug: [message: string];
}
