// The state of a DiscordTracker: guilds, their roles, channels, threads and members, the
// users (once, however many guilds they are in), DM channels, the bot's user and session.
// Internal: the tracker's facade reads it, the dispatch handlers and the member sync change it.
import type { Clock } from "@nuwani/util";
import { isRecord } from "@nuwani/util";
import { MemberStore, STATUSES } from "./MemberStore.js";
import type { SyncState } from "./MemberSync.js";
import { readActivity, readChannel, readId, readNullableString, readRoleIds, readStatus, readTime, readUser } from "./parsePayload.js";
import { RoleSetTable } from "./RoleSetTable.js";
import type { TrackerReporter } from "./TrackerContext.js";
import type { TrackerChannel, TrackerGuild, TrackerMember, TrackerRole, TrackerUser } from "./types.js";
import type { UserData } from "./UserStore.js";
import { UserStore } from "./UserStore.js";

/** One guild as the store holds it. */
export interface GuildState {
  readonly id: string;
  name: string;
  ownerId: string | null;
  unavailable: boolean;
  large: boolean;
  memberCount: number;
  joinedAt: number;
  roles: Map<string, TrackerRole>;
  channels: Set<string>;
  /** Thread ids (v10), kept apart so names and channel lists never mix them in. */
  readonly threads: Set<string>;
  readonly members: MemberStore;
  synced: boolean;
  /** A mark-and-sweep is in progress: members not seen when it ends are swept. */
  refreshing: boolean;
  /** The member sync in progress (see {@link MemberSync}), or `null`. */
  sync: SyncState | null;
}

const MAX_INTERNED_ACTIVITIES = 1024;

/**
 * Guilds, channels (DMs and threads too), roles, members and users, compactly (see the README's
 * "Memory"): members live in a {@link MemberStore} per guild, users once in a {@link UserStore},
 * role sets interned in a {@link RoleSetTable}. Snapshots are built on demand.
 */
export class TrackerStore {
  readonly users = new UserStore();
  readonly roleSets = new RoleSetTable();
  readonly guilds = new Map<string, GuildState>();
  /** Every channel: guild channels, threads and DMs. */
  readonly channels = new Map<string, TrackerChannel>();
  readonly #activityNames = new Map<string, string>();
  readonly #clock: Clock;
  readonly #report: TrackerReporter;
  #botIndex = -1;
  #sessionId: string | null = null;

  constructor(clock: Clock, report: TrackerReporter) {
    this.#clock = clock;
    this.#report = report;
  }

  /** The bot's own user, or `null` before READY. */
  get botUser(): TrackerUser | null {
    return this.#botIndex < 0 ? null : this.users.view(this.#botIndex);
  }

  /** The current session's id, or `null` before READY. */
  get sessionId(): string | null {
    return this.#sessionId;
  }

  /** A new session (READY): its id and the bot's user (held while it is the bot). */
  startSession(sessionId: string, user: UserData): TrackerUser {
    this.#sessionId = sessionId;
    const bot = this.users.upsert(user);
    this.users.ref(bot);
    if (this.#botIndex >= 0) this.users.unref(this.#botIndex);
    this.#botIndex = bot;
    return this.users.view(bot);
  }

  // ─── guilds ──────────────────────────────────────────────────────────────────────────────

  /** An empty, unavailable guild, added to the store. */
  createGuild(id: string): GuildState {
    const guild: GuildState = {
      id,
      name: "",
      ownerId: null,
      unavailable: true,
      large: false,
      memberCount: 0,
      joinedAt: Number.NaN,
      roles: new Map(),
      channels: new Set(),
      threads: new Set(),
      members: new MemberStore(),
      synced: false,
      refreshing: false,
      sync: null,
    };
    this.guilds.set(id, guild);
    return guild;
  }

  /** Drops a guild with its channels, threads and members (its member sync is the caller's). */
  removeGuild(guild: GuildState): void {
    for (const channelId of [...guild.channels, ...guild.threads]) this.removeChannel(this.channels.get(channelId)!);
    for (const slot of [...guild.members.slots()]) this.removeMember(guild, slot);
    this.guilds.delete(guild.id);
  }

  /** The guild of a dispatch's `guild_id`; reports a missing id, ignores an unknown guild. */
  guildOf(d: unknown, t: string): GuildState | undefined {
    const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
    if (guildId === undefined) {
      this.#report.invalid(t, "guild_id missing");
      return undefined;
    }
    const guild = this.guilds.get(guildId);
    if (guild === undefined) this.#report.debug(`${t} for unknown guild ${guildId} ignored`);
    return guild;
  }

  /** A snapshot of a guild. */
  guildView(guild: GuildState): TrackerGuild {
    return {
      id: guild.id,
      name: guild.name,
      ownerId: guild.ownerId,
      unavailable: guild.unavailable,
      large: guild.large,
      memberCount: guild.memberCount,
      trackedMembers: guild.members.size,
      joinedAt: guild.joinedAt,
      synced: guild.synced,
    };
  }

  // ─── channels ────────────────────────────────────────────────────────────────────────────

  /**
   * Parses and stores a channel or thread; returns it, or `undefined` (reported) when
   * malformed. A thread keeps the bot's membership it had unless `joined` says otherwise.
   */
  putChannel(value: unknown, guildId: string | null, t: string, report: boolean, joined?: boolean): TrackerChannel | undefined {
    const known = isRecord(value) ? this.channels.get(readId(value.id) ?? "") : undefined;
    const parsed = readChannel(value, guildId, known?.thread?.joined ?? false);
    if (parsed === undefined) {
      this.#report.invalid(t, "channel malformed");
      return undefined;
    }
    const { recipients } = parsed;
    const channel: TrackerChannel =
      joined === undefined || parsed.channel.thread === undefined ? parsed.channel : { ...parsed.channel, thread: { ...parsed.channel.thread, joined } };
    const guild = channel.guildId === null ? undefined : this.guilds.get(channel.guildId);
    if (channel.guildId !== null && guild === undefined) {
      if (report) this.#report.debug(`${t} for a channel of unknown guild ${channel.guildId} ignored`);
      return undefined;
    }
    const previous = this.channels.get(channel.id);
    for (const user of recipients) this.users.ref(this.users.upsert(user));
    if (previous !== undefined) this.#forgetChannel(previous);
    this.channels.set(channel.id, channel);
    if (channel.thread === undefined) guild?.channels.add(channel.id);
    else guild?.threads.add(channel.id);
    return channel;
  }

  /** Drops a channel or thread. */
  removeChannel(channel: TrackerChannel): void {
    this.#forgetChannel(channel);
    this.channels.delete(channel.id);
  }

  /** Drops what a channel holds: its place in its guild and its recipients' references. */
  #forgetChannel(channel: TrackerChannel): void {
    if (channel.guildId !== null) {
      const guild = this.guilds.get(channel.guildId);
      guild?.channels.delete(channel.id);
      guild?.threads.delete(channel.id);
    }
    for (const id of channel.recipients) {
      const index = this.users.indexOf(id);
      if (index >= 0) this.users.unref(index);
    }
  }

  // ─── members ─────────────────────────────────────────────────────────────────────────────

  /** The slot of a user's membership of `guild`, or -1. */
  slotOf(guild: GuildState, userId: string): number {
    return guild.members.slotOf(this.users.indexOf(userId));
  }

  /** Adds or updates a member from a Member payload (with `user`); false when malformed. */
  upsertMember(guild: GuildState, value: unknown): boolean {
    if (!isRecord(value)) return false;
    const user = readUser(value.user);
    const roles = readRoleIds(value.roles, guild.id);
    if (user === undefined || roles === undefined) return false;
    const nick = readNullableString(value.nick);
    const joinedAt = readTime(value.joined_at);
    const timeout = this.#readTimeout(value.communication_disabled_until);
    const userIndex = this.users.upsert(user);
    const members = guild.members;
    let slot = members.slotOf(userIndex);
    if (slot < 0) {
      slot = members.add(userIndex, this.roleSets.acquire(roles), joinedAt);
      this.users.ref(userIndex);
      if (nick != null) members.setNick(slot, nick);
      if (timeout != null) members.setTimedOutUntil(slot, timeout);
      return true;
    }
    members.mark(slot);
    const set = this.roleSets.acquire(roles);
    const old = members.roleSet(slot);
    if (set === old) this.roleSets.release(set);
    else {
      members.setRoleSet(slot, set);
      this.roleSets.release(old);
    }
    if (nick !== undefined) members.setNick(slot, nick);
    if (!Number.isNaN(joinedAt)) members.setJoinedAt(slot, joinedAt);
    if (timeout !== undefined) members.setTimedOutUntil(slot, timeout);
    return true;
  }

  /**
   * `communication_disabled_until` as Unix ms; `null` when lifted, already over or
   * unreadable; `undefined` when absent (v6, partial payloads: keep what is known).
   */
  #readTimeout(value: unknown): number | null | undefined {
    if (value === undefined) return undefined;
    const until = readTime(value);
    return Number.isNaN(until) || until <= this.#clock.now() ? null : until;
  }

  /** Drops the member at `slot`, releasing its role set and its user. */
  removeMember(guild: GuildState, slot: number): void {
    const user = guild.members.user(slot);
    this.roleSets.release(guild.members.roleSet(slot));
    guild.members.remove(slot);
    this.users.unref(user);
  }

  /** Takes a deleted role from every member of `guild` holding it. */
  removeRoleFromMembers(guild: GuildState, roleId: string): void {
    const replaced = new Map<number, number>();
    for (const slot of guild.members.slots()) {
      const set = guild.members.roleSet(slot);
      const roles = this.roleSets.get(set);
      if (!roles.includes(roleId)) continue;
      let next = replaced.get(set);
      if (next === undefined) {
        next = this.roleSets.acquire(roles.filter((id) => id !== roleId));
        replaced.set(set, next);
      } else this.roleSets.acquire(this.roleSets.get(next));
      guild.members.setRoleSet(slot, next);
      this.roleSets.release(set);
    }
  }

  /** Applies a presence to a tracked member; false when malformed (unknown members are fine). */
  applyPresence(guild: GuildState, value: unknown): boolean {
    if (!isRecord(value)) return false;
    const id = isRecord(value.user) ? readId(value.user.id) : undefined;
    const status = readStatus(value.status);
    if (id === undefined || status === undefined) return false;
    const slot = this.slotOf(guild, id);
    if (slot < 0) return true;
    let activity = readActivity(value);
    if (activity !== null) {
      const interned = this.#activityNames.get(activity);
      if (interned !== undefined) activity = interned;
      else if (this.#activityNames.size < MAX_INTERNED_ACTIVITIES) this.#activityNames.set(activity, activity);
    }
    guild.members.setPresence(slot, status, activity);
    return true;
  }

  /** A snapshot of the member at `slot`. */
  memberView(guild: GuildState, slot: number): TrackerMember {
    const members = guild.members;
    const user = this.users.view(members.user(slot));
    const nick = members.nick(slot);
    return {
      guildId: guild.id,
      id: user.id,
      user,
      nick,
      displayName: nick ?? user.globalName ?? user.username,
      roles: this.roleSets.get(members.roleSet(slot)),
      joinedAt: members.joinedAt(slot),
      status: STATUSES[members.status(slot)]!,
      activity: members.activity(slot),
      timedOutUntil: members.timedOutUntil(slot),
    };
  }
}
