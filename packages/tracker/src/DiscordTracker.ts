import { EventEmitter } from "node:events";
import { GatewayError } from "@nuwani/gateway";
import { type Clock, systemClock } from "@nuwani/util";
import { computePermissions } from "./computePermissions.js";
import { MemberStore, STATUSES } from "./MemberStore.js";
import {
  isRecord,
  isThreadType,
  readActivity,
  readChannel,
  readId,
  readNullableString,
  readRole,
  readRoleIds,
  readStatus,
  readTime,
  readUser,
} from "./parsePayload.js";
import type { JsonRecord } from "./parsePayload.js";
import { Permissions } from "./Permissions.js";
import { resolveChannel } from "./resolveChannel.js";
import { resolveMember } from "./resolveMember.js";
import { resolveMessage } from "./resolveMessage.js";
import type { ResolvedMessage } from "./resolveMessage.js";
import { resolveRole } from "./resolveRole.js";
import { RoleSetTable } from "./RoleSetTable.js";
import { TrackerError } from "./TrackerError.js";
import type {
  PresenceStatus,
  TrackerChannel,
  TrackerGuild,
  TrackerMember,
  TrackerRole,
  TrackerUser,
} from "./types.js";
import { UserStore } from "./UserStore.js";
import { WorkQueue } from "./WorkQueue.js";
import type { WorkTask } from "./WorkQueue.js";

/**
 * A dispatch (op 0) as the gateway delivers it, v6 or v10: `GatewayConnection`'s `dispatch`
 * payloads fit, and so does any `{ t, d }` object.
 */
export interface TrackerDispatch {
  /** The event name, e.g. `"GUILD_CREATE"`. */
  readonly t: string | null;
  /** The event data. */
  readonly d: unknown;
  readonly op?: number;
  readonly s?: number | null;
}

/**
 * What the tracker needs from a gateway: `GatewayConnection` (v6 or v10) fits, and so does
 * a test double. `requestGuildMembers` is op 8; its `onChunk` must be called with each
 * GUILD_MEMBERS_CHUNK `d` answering it, before the chunk's `dispatch` event. When Discord
 * answers with the `RATE_LIMITED` dispatch, the promise should reject with an error whose
 * `code` is `"GATEWAY_RATE_LIMITED"` and whose `retryAfter` is the wait in milliseconds: the
 * tracker then retries (see {@link DiscordTrackerOptions.syncRetries}).
 */
export interface TrackerGateway {
  /** Adds a listener for every dispatch, in sequence order. */
  on(event: "dispatch", listener: (payload: TrackerDispatch) => void): unknown;
  /** Removes a `dispatch` listener. */
  off(event: "dispatch", listener: (payload: TrackerDispatch) => void): unknown;
  /** Requests a guild's members (op 8); `onChunk` gets each GUILD_MEMBERS_CHUNK `d` answering it. */
  requestGuildMembers(
    request: { guildId: string; query: string; limit: number },
    options: { onChunk: (chunk: TrackerMemberChunk) => void; collect?: boolean },
  ): Promise<unknown>;
}

/** The GUILD_MEMBERS_CHUNK `d` fields a {@link TrackerGateway} hands to `onChunk`. */
export interface TrackerMemberChunk {
  guild_id: string;
  members: readonly unknown[];
  chunk_index?: number;
  chunk_count?: number;
  presences?: readonly unknown[];
  nonce?: string;
}

/** Options of a {@link DiscordTracker}. */
export interface DiscordTrackerOptions {
  /**
   * Request every member (op 8) of guilds whose GUILD_CREATE did not carry all of them
   * (large guilds, or sessions without GUILD_PRESENCES). Needs the GUILD_MEMBERS intent
   * when intents are given (always on v10): turn it off without it, or Discord closes the
   * connection with 4013.
   * @defaultValue true
   */
  syncMembers?: boolean;
  /**
   * Milliseconds of work (members of a large payload) before the tracker yields to the event
   * loop with `setImmediate`.
   * @defaultValue 4
   */
  sliceTime?: number;
  /**
   * A monotonic clock in milliseconds, for the slice budget.
   * @defaultValue `performance.now`
   */
  now?: () => number;
  /**
   * Wall-clock time and timers: `now()` (Unix ms) decides whether a member's timeout
   * (`communication_disabled_until`) is still running; `setTimeout` waits before retrying a
   * rate-limited member sync.
   * @defaultValue the globals, looked up lazily (so fake timers work)
   */
  clock?: Clock;
  /**
   * How many times a member sync rejected with `GATEWAY_RATE_LIMITED` (Discord allows one
   * request for every member of a guild per 30 s) is retried before `TRACKER_SYNC_FAILED`.
   * @defaultValue 3
   */
  syncRetries?: number;
  /**
   * The longest wait before such a retry, in ms: a longer `retryAfter` is cut to it (the
   * retry then counts against `syncRetries` like any other). At most 2^31 − 1.
   * @defaultValue 120000
   */
  maxSyncRetryDelay?: number;
}

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

/** Events of a {@link DiscordTracker}. Objects passed are snapshots. */
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

interface SyncState {
  /** The nonce of the tracker's own op 8, once its first chunk arrived. */
  nonce: string | undefined;
  /** Whether the tracker asked the gateway (else chunks fed through `handle()` complete it). */
  requested: boolean;
  /** Chunks seen per nonce. */
  readonly chunks: Map<string, { count: number; seen: Set<number> }>;
  received: number;
  /** Requests made so far (1 + retries after GATEWAY_RATE_LIMITED). */
  attempts: number;
  /** The timer of a pending retry, if any. */
  retryTimer: unknown;
}

interface GuildState {
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
  sync: SyncState | null;
}

/** Members handled between two looks at the clock. */
const SLICE = 128;
const MAX_INTERNED_ACTIVITIES = 1024;
/** The longest a timer may run in Node (longer ones fire at once). */
const MAX_TIMER = 2 ** 31 - 1;

/** A gateway's "op 8 was rate limited" rejection, recognised by shape (any gateway may send it). */
function rateLimitedRetryAfter(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, retryAfter } = error as { code?: unknown; retryAfter?: unknown };
  if (code !== "GATEWAY_RATE_LIMITED" || typeof retryAfter !== "number" || !(retryAfter >= 0)) return undefined;
  return retryAfter;
}

/** One step of work: a whole small dispatch. */
/**
 * Keeps the state of the guilds the bot is in — guilds, channels, roles, members, users,
 * presences and the bot's own user — from gateway dispatches (v6 or v10), and knows how to
 * interact with them: permissions, `canSend`/`canRead`, resolving names and mentions, levels
 * by role, and a resolved view of messages.
 *
 * Members are stored compactly (see the README's "Memory"); what the getters and events give
 * are snapshots, built when asked for.
 */
export class DiscordTracker extends EventEmitter<DiscordTrackerEvents> {
  readonly #syncMembers: boolean;
  readonly #time: Clock;
  readonly #syncRetries: number;
  readonly #maxSyncRetryDelay: number;
  readonly #queue: WorkQueue;
  readonly #clock: () => number;
  readonly #users = new UserStore();
  readonly #roleSets = new RoleSetTable();
  readonly #guilds = new Map<string, GuildState>();
  readonly #channels = new Map<string, TrackerChannel>();
  readonly #activityNames = new Map<string, string>();
  /** Nonces of the tracker's own member requests: their chunk dispatches come via `onChunk`. */
  readonly #ownNonces = new Set<string>();
  #gateway: TrackerGateway | null = null;
  #listener: ((payload: TrackerDispatch) => void) | null = null;
  #botIndex = -1;
  #sessionId: string | null = null;

  /** An empty tracker; attach it to a gateway to fill it. */
  constructor(options: DiscordTrackerOptions = {}) {
    super();
    const sliceTime = options.sliceTime ?? 4;
    if (typeof sliceTime !== "number" || !(sliceTime >= 0)) {
      throw new TrackerError("TRACKER_INVALID_ARGUMENT", "sliceTime must be a number >= 0.");
    }
    this.#syncMembers = options.syncMembers ?? true;
    this.#time = options.clock ?? systemClock;
    const retries = options.syncRetries ?? 3;
    if (!Number.isSafeInteger(retries) || retries < 0) {
      throw new TrackerError("TRACKER_INVALID_ARGUMENT", "syncRetries must be an integer >= 0.");
    }
    const maxDelay = options.maxSyncRetryDelay ?? 120_000;
    if (typeof maxDelay !== "number" || !(maxDelay >= 0 && maxDelay <= MAX_TIMER)) {
      throw new TrackerError("TRACKER_INVALID_ARGUMENT", `maxSyncRetryDelay must be a number from 0 to ${MAX_TIMER}.`);
    }
    this.#syncRetries = retries;
    this.#maxSyncRetryDelay = maxDelay;
    const now = options.now ?? (() => performance.now());
    this.#clock = now;
    this.#queue = new WorkQueue({
      budget: sliceTime,
      now,
      onError: (error) =>
        this.#report(
          new TrackerError("TRACKER_HANDLER_FAILED", `Applying a dispatch threw (a listener of a tracker event?): ${String(error)}`, {
            cause: error,
          }),
        ),
    });
  }

  // ─── input ─────────────────────────────────────────────────────────────────────────────

  /**
   * Listens to `gateway`'s dispatches and uses it to sync the members of large guilds.
   * Throws `TRACKER_ALREADY_ATTACHED` while another gateway is attached.
   */
  attach(gateway: TrackerGateway): void {
    if (this.#gateway !== null) {
      throw new TrackerError("TRACKER_ALREADY_ATTACHED", "A gateway is already attached; detach() it first.");
    }
    const listener = (payload: TrackerDispatch): void => this.handle(payload);
    this.#gateway = gateway;
    this.#listener = listener;
    gateway.on("dispatch", listener);
  }

  /** Stops listening to the attached gateway (the state is kept; pending sync retries are dropped). */
  detach(): void {
    if (this.#gateway !== null && this.#listener !== null) this.#gateway.off("dispatch", this.#listener);
    for (const guild of this.#guilds.values()) {
      if (guild.sync?.retryTimer !== undefined) this.#cancelSync(guild);
    }
    this.#gateway = null;
    this.#listener = null;
  }

  /**
   * Applies one dispatch. Small ones are applied before this returns; large member lists
   * are applied in slices (see {@link DiscordTracker.settled}), in order with what follows.
   * Unknown events are ignored; malformed ones are reported (`error`) and skipped.
   */
  handle(dispatch: TrackerDispatch): void {
    if (!isRecord(dispatch)) throw new TrackerError("TRACKER_INVALID_ARGUMENT", "handle() needs a dispatch { t, d }.");
    const t = dispatch.t;
    const d = dispatch.d;
    switch (t) {
      case "GUILD_CREATE":
        this.#queue.push(this.#guildCreateTask(d));
        return;
      case "GUILD_MEMBERS_CHUNK": {
        const nonce = isRecord(d) && typeof d.nonce === "string" ? d.nonce : undefined;
        // The tracker's own requests are fed through onChunk, before their dispatch.
        if (nonce !== undefined && this.#ownNonces.has(nonce)) return;
        this.#queue.push(this.#chunkTask(d));
        return;
      }
      default: {
        const handler = typeof t === "string" ? this.#handlers[t] : undefined;
        if (handler !== undefined) this.#queue.call(handler, d, t!);
      }
    }
  }

  /** Whether dispatches are still being applied (a large member list in slices). */
  get busy(): boolean {
    return !this.#queue.idle;
  }

  /** Resolves once every dispatch handed over so far is applied. */
  settled(): Promise<void> {
    return this.#queue.whenIdle();
  }

  // ─── state ─────────────────────────────────────────────────────────────────────────────

  /** The bot's own user (READY, USER_UPDATE), or `null` before READY. */
  get botUser(): TrackerUser | null {
    return this.#botIndex < 0 ? null : this.#users.view(this.#botIndex);
  }

  /** The current session's id (READY), or `null`. */
  get sessionId(): string | null {
    return this.#sessionId;
  }

  /** Every guild. */
  guilds(): TrackerGuild[] {
    return [...this.#guilds.values()].map((guild) => this.#guildView(guild));
  }

  /** A guild, or `undefined`. */
  getGuild(guildId: string): TrackerGuild | undefined {
    const guild = this.#guilds.get(guildId);
    return guild === undefined ? undefined : this.#guildView(guild);
  }

  /** A channel (guild channel or DM), or `undefined`. */
  getChannel(channelId: string): TrackerChannel | undefined {
    return this.#channels.get(channelId);
  }

  /** The channels of a guild, or with no argument every channel (DMs included); never threads. */
  channels(guildId?: string): TrackerChannel[] {
    if (guildId === undefined) return [...this.#channels.values()].filter((channel) => channel.thread === undefined);
    const guild = this.#guilds.get(guildId);
    return guild === undefined ? [] : [...guild.channels].map((id) => this.#channels.get(id)!);
  }

  /** The threads of a guild (v10), optionally only those of one parent channel. */
  threads(guildId: string, parentId?: string): TrackerChannel[] {
    const guild = this.#guilds.get(guildId);
    if (guild === undefined) return [];
    const threads = [...guild.threads].map((id) => this.#channels.get(id)!);
    return parentId === undefined ? threads : threads.filter((thread) => thread.parentId === parentId);
  }

  /** A role of a guild, or `undefined`. */
  getRole(guildId: string, roleId: string): TrackerRole | undefined {
    return this.#guilds.get(guildId)?.roles.get(roleId);
  }

  /** The roles of a guild, `@everyone` included. */
  roles(guildId: string): TrackerRole[] {
    const guild = this.#guilds.get(guildId);
    return guild === undefined ? [] : [...guild.roles.values()];
  }

  /** A member of a guild, or `undefined`. */
  getMember(guildId: string, userId: string): TrackerMember | undefined {
    const guild = this.#guilds.get(guildId);
    if (guild === undefined) return undefined;
    const slot = guild.members.slotOf(this.#users.indexOf(userId));
    return slot < 0 ? undefined : this.#memberView(guild, slot);
  }

  /** Every member of a guild, as snapshots built one at a time. */
  *members(guildId: string): IterableIterator<TrackerMember> {
    const guild = this.#guilds.get(guildId);
    if (guild === undefined) return;
    for (const slot of [...guild.members.slots()]) yield this.#memberView(guild, slot);
  }

  /** A user known to the tracker (a member of some guild, a DM recipient, the bot). */
  getUser(userId: string): TrackerUser | undefined {
    const index = this.#users.indexOf(userId);
    return index < 0 ? undefined : this.#users.view(index);
  }

  /** How many users are held (each once, however many guilds they are in). */
  get userCount(): number {
    return this.#users.size;
  }

  // ─── knowledge ─────────────────────────────────────────────────────────────────────────

  /**
   * The permissions of a user (default: the bot) in a channel, or guild-wide when
   * `channelId` is a guild id (PROTOCOL.md §8). `0n` for an unknown channel, guild or
   * member; every bit in a DM. A thread takes its parent channel's permissions, with
   * SEND_MESSAGES set only when the user has SEND_MESSAGES_IN_THREADS. A member timed out
   * (`communication_disabled_until` after the clock's `now()`) keeps only VIEW_CHANNEL and
   * READ_MESSAGE_HISTORY, unless owner or administrator.
   */
  permissionsOf(channelId: string, userId?: string): bigint {
    const user = userId ?? this.botUser?.id;
    if (user === undefined) return 0n;
    const guildOnly = this.#guilds.get(channelId);
    const channel = guildOnly === undefined ? this.#channels.get(channelId) : undefined;
    if (guildOnly === undefined && channel === undefined) return 0n;
    if (channel !== undefined && channel.guildId === null) {
      return channel.recipients.includes(user) || user === this.botUser?.id ? Permissions.ALL : 0n;
    }
    const guild = guildOnly ?? this.#guilds.get(channel!.guildId!);
    if (guild === undefined) return 0n;
    const slot = guild.members.slotOf(this.#users.indexOf(user));
    if (slot < 0) return 0n;
    // A thread inherits its parent's overwrites; an unknown parent means no access.
    const source = channel?.thread === undefined ? channel : this.#channels.get(channel.parentId ?? "");
    if (channel !== undefined && source === undefined) return 0n;
    const timedOutUntil = guild.members.timedOutUntil(slot);
    return computePermissions({
      guildId: guild.id,
      ownerId: guild.ownerId,
      userId: user,
      roles: this.#roleSets.get(guild.members.roleSet(slot)),
      rolePermissions: (roleId) => guild.roles.get(roleId)?.permissions,
      ...(source === undefined ? {} : { overwrites: source.overwrites }),
      ...(channel?.thread === undefined ? {} : { thread: true }),
      ...(timedOutUntil === null ? {} : { timedOutUntil, now: this.#time.now() }),
    });
  }

  /**
   * Whether the bot may read a text channel or thread (VIEW_CHANNEL; any DM). A private
   * thread also needs the bot to be its member, or MANAGE_THREADS.
   */
  canRead(channelId: string): boolean {
    const channel = this.#channels.get(channelId);
    if (channel === undefined || !isTextChannel(channel.type)) return false;
    if (channel.guildId !== null && this.#guilds.get(channel.guildId)?.unavailable !== false) return false;
    const permissions = this.permissionsOf(channelId);
    if ((permissions & Permissions.VIEW_CHANNEL) === 0n) return false;
    if (channel.type === 12 && channel.thread?.joined !== true) return (permissions & Permissions.MANAGE_THREADS) !== 0n;
    return true;
  }

  /**
   * Whether the bot may send messages in a text channel (VIEW_CHANNEL and SEND_MESSAGES; any
   * DM) or a thread (as {@link DiscordTracker.canRead}, SEND_MESSAGES_IN_THREADS instead of
   * SEND_MESSAGES, and MANAGE_THREADS when it is locked). Never while the bot is timed out.
   */
  canSend(channelId: string): boolean {
    if (!this.canRead(channelId)) return false;
    const permissions = this.permissionsOf(channelId);
    if ((permissions & Permissions.SEND_MESSAGES) === 0n) return false;
    const thread = this.#channels.get(channelId)?.thread;
    return thread === undefined || !thread.locked || (permissions & Permissions.MANAGE_THREADS) !== 0n;
  }

  /**
   * The level of a member by its roles: the highest level in `table` (role id → level) of
   * the roles it holds (`@everyone` included, by the guild id), or `fallback`.
   */
  levelOf(guildId: string, userId: string, table: ReadonlyMap<string, number> | Readonly<Record<string, number>>, fallback = 0): number {
    const map = table instanceof Map ? (table as ReadonlyMap<string, number>) : undefined;
    const record = table as Readonly<Record<string, number>>;
    const lookup = (id: string): number | undefined => (map === undefined ? record[id] : map.get(id));
    let level = lookup(guildId) ?? fallback;
    const member = this.getMember(guildId, userId);
    if (member === undefined) return fallback;
    for (const role of member.roles) {
      const value = lookup(role);
      if (value !== undefined && value > level) level = value;
    }
    return level;
  }

  /** A channel by `<#id>`, id, `#name` or name (case-insensitive), optionally within one guild. */
  resolveChannel(query: string, guildId?: string): TrackerChannel | undefined {
    return resolveChannel(this, query, guildId);
  }

  /**
   * A member by `<@id>`, `<@!id>`, id, nickname, username, global name or `name#0001`
   * (exact before case-insensitive); `undefined` when none or several match equally.
   */
  resolveMember(guildId: string, query: string): TrackerMember | undefined {
    return resolveMember(this, guildId, query);
  }

  /** A role by `<@&id>`, id, `@name` or name (case-insensitive). */
  resolveRole(guildId: string, query: string): TrackerRole | undefined {
    return resolveRole(this, guildId, query);
  }

  /**
   * A MESSAGE_CREATE `d`, resolved: its channel and guild, the author's member, the mentioned
   * members and roles, and whether the bot was mentioned. `undefined` when malformed.
   */
  resolveMessage(d: unknown): ResolvedMessage | undefined {
    return resolveMessage(this, d);
  }

  // ─── dispatch handlers ─────────────────────────────────────────────────────────────────

  readonly #handlers: Record<string, (d: unknown, t: string) => void> = {
    READY: (d, t) => this.#onReady(d, t),
    GUILD_UPDATE: (d, t) => this.#onGuildUpdate(d, t),
    GUILD_DELETE: (d, t) => this.#onGuildDelete(d, t),
    GUILD_ROLE_CREATE: (d, t) => this.#onRole(d, t),
    GUILD_ROLE_UPDATE: (d, t) => this.#onRole(d, t),
    GUILD_ROLE_DELETE: (d, t) => this.#onRoleDelete(d, t),
    CHANNEL_CREATE: (d, t) => this.#onChannel(d, t),
    CHANNEL_UPDATE: (d, t) => this.#onChannel(d, t),
    CHANNEL_DELETE: (d, t) => this.#onChannelDelete(d, t),
    GUILD_MEMBER_ADD: (d, t) => this.#onMemberAdd(d, t),
    GUILD_MEMBER_UPDATE: (d, t) => this.#onMemberUpdate(d, t),
    GUILD_MEMBER_REMOVE: (d, t) => this.#onMemberRemove(d, t),
    PRESENCE_UPDATE: (d, t) => this.#onPresence(d, t),
    USER_UPDATE: (d, t) => this.#onUserUpdate(d, t),
    THREAD_CREATE: (d, t) => this.#onThread(d, t),
    THREAD_UPDATE: (d, t) => this.#onThread(d, t),
    THREAD_DELETE: (d, t) => this.#onThreadDelete(d, t),
    THREAD_LIST_SYNC: (d, t) => this.#onThreadListSync(d, t),
    THREAD_MEMBER_UPDATE: (d, t) => this.#onThreadMember(d, t),
    THREAD_MEMBERS_UPDATE: (d, t) => this.#onThreadMembers(d, t),
  };

  #onReady(d: unknown, t: string): void {
    if (!isRecord(d)) return this.#invalid(t, "d is not an object");
    const user = readUser(d.user);
    const sessionId = d.session_id;
    if (user === undefined || typeof sessionId !== "string" || !Array.isArray(d.guilds)) {
      return this.#invalid(t, "user, session_id or guilds missing");
    }
    const listed = new Set<string>();
    for (const entry of d.guilds as unknown[]) {
      const id = isRecord(entry) ? readId(entry.id) : undefined;
      if (id !== undefined) listed.add(id);
    }
    this.#sessionId = sessionId;
    this.#ownNonces.clear();
    const bot = this.#users.upsert(user);
    this.#users.ref(bot);
    if (this.#botIndex >= 0) this.#users.unref(this.#botIndex);
    this.#botIndex = bot;
    // A new session: what is not in it is gone, what is in it is rebuilt by its GUILD_CREATE.
    for (const guild of [...this.#guilds.values()]) {
      if (!listed.has(guild.id)) {
        const view = this.#guildView(guild);
        this.#removeGuild(guild);
        this.emit("guildLeave", view);
      }
    }
    for (const id of listed) {
      const guild = this.#guilds.get(id) ?? this.#createGuild(id);
      guild.unavailable = true;
      guild.synced = false;
      this.#cancelSync(guild);
    }
    for (const channel of [...this.#channels.values()]) if (channel.guildId === null) this.#removeChannel(channel);
    if (Array.isArray(d.private_channels)) {
      for (const entry of d.private_channels as unknown[]) this.#putChannel(entry, null, t, false);
    }
    this.#debug(`ready: session ${sessionId}, ${listed.size} guild(s)`);
    this.emit("ready", this.#users.view(bot), sessionId);
  }

  #guildCreateTask(d: unknown): WorkTask {
    let phase = 0;
    let index = 0;
    let guild: GuildState | undefined;
    let members: unknown[] = [];
    let presences: unknown[] = [];
    let joined = false;
    let bad = 0;
    const t = "GUILD_CREATE";
    return {
      step: (deadline) => {
        if (phase === 0) {
          if (!isRecord(d) || readId(d.id) === undefined) {
            this.#invalid(t, "d.id missing");
            return true;
          }
          const id = d.id as string;
          if (d.unavailable === true) {
            this.#markUnavailable(id);
            return true;
          }
          const roles = Array.isArray(d.roles) ? (d.roles as unknown[]) : undefined;
          const channels = Array.isArray(d.channels) ? (d.channels as unknown[]) : [];
          if (roles === undefined || typeof d.name !== "string") {
            this.#invalid(t, "name or roles missing");
            return true;
          }
          joined = !this.#guilds.has(id);
          guild = this.#guilds.get(id) ?? this.#createGuild(id);
          guild.name = d.name;
          guild.ownerId = readId(d.owner_id) ?? null;
          guild.unavailable = false;
          guild.large = d.large === true;
          guild.joinedAt = readTime(d.joined_at);
          members = Array.isArray(d.members) ? (d.members as unknown[]) : [];
          presences = Array.isArray(d.presences) ? (d.presences as unknown[]) : [];
          guild.memberCount = typeof d.member_count === "number" ? d.member_count : members.length;
          guild.roles = new Map();
          for (const entry of roles) {
            const role = readRole(entry, id);
            if (role === undefined) bad++;
            else guild.roles.set(role.id, role);
          }
          const seen = new Set<string>();
          for (const entry of channels) {
            const channel = this.#putChannel(entry, id, t, false);
            if (channel !== undefined) seen.add(channel.id);
          }
          for (const channelId of [...guild.channels]) {
            if (!seen.has(channelId)) this.#removeChannel(this.#channels.get(channelId)!);
          }
          // v10: the active threads (v6 has none, so a v6 GUILD_CREATE leaves none).
          const seenThreads = new Set<string>();
          for (const entry of Array.isArray(d.threads) ? (d.threads as unknown[]) : []) {
            if (!isRecord(entry) || typeof entry.type !== "number" || !isThreadType(entry.type)) {
              bad++;
              continue;
            }
            const thread = this.#putChannel(entry, id, t, false);
            if (thread !== undefined) seenThreads.add(thread.id);
          }
          for (const threadId of [...guild.threads]) {
            if (!seenThreads.has(threadId)) this.#removeChannel(this.#channels.get(threadId)!);
          }
          guild.members.beginMark(true);
          guild.refreshing = true;
          guild.synced = false;
          this.#cancelSync(guild);
          phase = 1;
        }
        const g = guild!;
        if (phase === 1) {
          while (index < members.length) {
            const end = Math.min(members.length, index + SLICE);
            for (; index < end; index++) if (!this.#upsertMember(g, members[index])) bad++;
            if (index < members.length && this.#clock() >= deadline) return false;
          }
          index = 0;
          phase = 2;
        }
        if (phase === 2) {
          while (index < presences.length) {
            const end = Math.min(presences.length, index + SLICE);
            for (; index < end; index++) if (!this.#applyPresence(g, presences[index])) bad++;
            if (index < presences.length && this.#clock() >= deadline) return false;
          }
          phase = 3;
        }
        if (bad > 0) this.#invalid(t, `${bad} malformed role(s), channel(s), member(s) or presence(s) skipped`);
        // Complete when the payload itself carried every member: members known from before
        // but not in it are then gone. (Compare the payload, not the store: the store still
        // holds the members the sweep may remove.)
        const complete = !g.large && members.length >= g.memberCount;
        members = [];
        presences = [];
        this.#debug(`guild ${g.id} available: ${g.members.size} of ${g.memberCount} member(s)`);
        const view = this.#guildView(g);
        if (joined) this.emit("guildJoin", view);
        this.emit("guildAvailable", view);
        if (complete) this.#finishSync(g);
        else this.#startSync(g);
        return true;
      },
    };
  }

  #chunkTask(d: unknown): WorkTask {
    let index = 0;
    let started = false;
    let guild: GuildState | undefined;
    let members: unknown[] = [];
    let presences: unknown[] = [];
    let bad = 0;
    const t = "GUILD_MEMBERS_CHUNK";
    return {
      step: (deadline) => {
        if (!started) {
          started = true;
          const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
          if (!isRecord(d) || guildId === undefined || !Array.isArray(d.members)) {
            this.#invalid(t, "guild_id or members missing");
            return true;
          }
          guild = this.#guilds.get(guildId);
          if (guild === undefined) {
            this.#debug(`${t} for unknown guild ${guildId} ignored`);
            return true;
          }
          members = d.members as unknown[];
          presences = Array.isArray(d.presences) ? (d.presences as unknown[]) : [];
        }
        const g = guild!;
        while (index < members.length + presences.length) {
          const end = Math.min(members.length + presences.length, index + SLICE);
          for (; index < end; index++) {
            const ok =
              index < members.length
                ? this.#upsertMember(g, members[index])
                : this.#applyPresence(g, presences[index - members.length]);
            if (!ok) bad++;
          }
          if (index < members.length + presences.length && this.#clock() >= deadline) return false;
        }
        if (bad > 0) this.#invalid(t, `${bad} malformed member(s) or presence(s) skipped`);
        this.#chunkDone(g, d as JsonRecord, members.length);
        return true;
      },
    };
  }

  #chunkDone(guild: GuildState, d: JsonRecord, count: number): void {
    const sync = guild.sync;
    if (sync === null || this.#guilds.get(guild.id) !== guild) return;
    const nonce = typeof d.nonce === "string" ? d.nonce : "";
    // With a gateway attached only the tracker's own request completes the sync; fed
    // through handle(), any complete answer does.
    if (sync.requested && nonce !== sync.nonce) return;
    const chunkCount = typeof d.chunk_count === "number" && d.chunk_count >= 1 ? d.chunk_count : 1;
    const chunkIndex = typeof d.chunk_index === "number" ? d.chunk_index : 0;
    let entry = sync.chunks.get(nonce);
    if (entry === undefined) sync.chunks.set(nonce, (entry = { count: chunkCount, seen: new Set() }));
    if (entry.seen.has(chunkIndex)) return;
    entry.seen.add(chunkIndex);
    sync.received += count;
    this.emit("syncProgress", guild.id, sync.received, guild.memberCount);
    if (entry.seen.size >= entry.count) {
      if (sync.nonce !== undefined) this.#ownNonces.delete(sync.nonce);
      this.#finishSync(guild);
    }
  }

  #startSync(guild: GuildState): void {
    const sync: SyncState = { nonce: undefined, requested: false, chunks: new Map(), received: 0, attempts: 0, retryTimer: undefined };
    guild.sync = sync;
    const gateway = this.#gateway;
    if (gateway === null || !this.#syncMembers) {
      this.#debug(`guild ${guild.id}: waiting for GUILD_MEMBERS_CHUNK to sync its members`);
      return;
    }
    sync.requested = true;
    this.#requestMembers(guild, sync, gateway);
  }

  /** Sends (or re-sends) the op 8 of a member sync; `sync` must be the guild's current one. */
  #requestMembers(guild: GuildState, sync: SyncState, gateway: TrackerGateway): void {
    sync.attempts++;
    this.#debug(`guild ${guild.id}: requesting ${guild.memberCount} member(s)${sync.attempts > 1 ? ` (attempt ${sync.attempts})` : ""}`);
    const onChunk = (chunk: TrackerMemberChunk): void => {
      if (!isRecord(chunk)) return;
      if (sync.nonce === undefined && typeof chunk.nonce === "string") {
        sync.nonce = chunk.nonce;
        if (guild.sync === sync) this.#ownNonces.add(chunk.nonce);
      }
      this.#queue.push(this.#chunkTask(chunk));
    };
    let request: Promise<unknown>;
    try {
      request = gateway.requestGuildMembers({ guildId: guild.id, query: "", limit: 0 }, { onChunk, collect: false });
    } catch (error) {
      request = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    request.then(
      () => undefined,
      (error: unknown) => {
        if (sync.nonce !== undefined) this.#ownNonces.delete(sync.nonce);
        sync.nonce = undefined;
        if (guild.sync !== sync || this.#guilds.get(guild.id) !== guild) return;
        const retryAfter = rateLimitedRetryAfter(error);
        if (retryAfter !== undefined && sync.attempts <= this.#syncRetries && this.#gateway === gateway) {
          // Discord allows one request for every member of a guild per 30 s: wait, then ask again.
          const wait = Math.min(Math.ceil(retryAfter), this.#maxSyncRetryDelay);
          this.#debug(`guild ${guild.id}: member sync rate limited, retrying in ${wait} ms`);
          sync.retryTimer = this.#time.setTimeout(() => {
            sync.retryTimer = undefined;
            if (guild.sync !== sync || this.#guilds.get(guild.id) !== guild || this.#gateway !== gateway) return;
            this.#requestMembers(guild, sync, gateway);
          }, wait);
          return;
        }
        guild.sync = null;
        if (GatewayError.is(error, "GATEWAY_DISCONNECTED") || GatewayError.is(error, "GATEWAY_DESTROYED")) {
          // The session was lost: the next READY and GUILD_CREATE rebuild the guild anyway.
          this.#debug(`guild ${guild.id}: member sync cancelled, the session was lost`);
          return;
        }
        const tries = retryAfter === undefined ? "" : ` (rate limited ${sync.attempts} time(s))`;
        this.#report(
          new TrackerError(
            "TRACKER_SYNC_FAILED",
            `The member sync of guild ${guild.id} failed${tries}: ${(error as Error)?.message ?? String(error)}`,
            { cause: error },
          ),
        );
      },
    );
  }

  /** Drops a guild's member sync, with its pending retry. */
  #cancelSync(guild: GuildState): void {
    const sync = guild.sync;
    if (sync === null) return;
    if (sync.retryTimer !== undefined) this.#time.clearTimeout(sync.retryTimer);
    sync.retryTimer = undefined;
    guild.sync = null;
  }

  /** Ends a mark-and-sweep: members not seen since GUILD_CREATE are gone. */
  #finishSync(guild: GuildState): void {
    this.#cancelSync(guild);
    if (guild.refreshing) {
      guild.refreshing = false;
      const gone = guild.members.unmarked();
      for (const slot of gone) {
        const view = this.#memberView(guild, slot);
        this.#removeMember(guild, slot);
        this.emit("memberLeave", view, "swept");
      }
      if (gone.length > 0) this.#debug(`guild ${guild.id}: ${gone.length} member(s) left while disconnected`);
    }
    guild.synced = true;
    this.emit("synced", this.#guildView(guild));
  }

  #onGuildUpdate(d: unknown, t: string): void {
    const guild = isRecord(d) ? this.#guilds.get(readId(d.id) ?? "") : undefined;
    if (!isRecord(d) || typeof d.name !== "string") return this.#invalid(t, "id or name missing");
    if (guild === undefined) return this.#debug(`${t} for unknown guild ignored`);
    const previous = this.#guildView(guild);
    guild.name = d.name;
    if (d.owner_id !== undefined) guild.ownerId = readId(d.owner_id) ?? guild.ownerId;
    this.emit("guildUpdate", this.#guildView(guild), previous);
  }

  #onGuildDelete(d: unknown, t: string): void {
    const id = isRecord(d) ? readId(d.id) : undefined;
    if (id === undefined) return this.#invalid(t, "id missing");
    if ((d as JsonRecord).unavailable === true) return this.#markUnavailable(id);
    const guild = this.#guilds.get(id);
    if (guild === undefined) return;
    const view = this.#guildView(guild);
    this.#removeGuild(guild);
    this.emit("guildLeave", view);
  }

  #markUnavailable(id: string): void {
    const guild = this.#guilds.get(id) ?? this.#createGuild(id);
    const was = guild.unavailable;
    guild.unavailable = true;
    if (!was) this.emit("guildUnavailable", this.#guildView(guild));
  }

  #onRole(d: unknown, t: string): void {
    const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
    const role = guildId === undefined ? undefined : readRole((d as JsonRecord).role, guildId);
    if (role === undefined) return this.#invalid(t, "guild_id or role missing or malformed");
    const guild = this.#guilds.get(guildId!);
    if (guild === undefined) return this.#debug(`${t} for unknown guild ignored`);
    const previous = guild.roles.get(role.id);
    guild.roles.set(role.id, role);
    if (previous === undefined) this.emit("roleCreate", role);
    else this.emit("roleUpdate", role, previous);
  }

  #onRoleDelete(d: unknown, t: string): void {
    const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
    const roleId = isRecord(d) ? readId(d.role_id) : undefined;
    if (guildId === undefined || roleId === undefined) return this.#invalid(t, "guild_id or role_id missing");
    const guild = this.#guilds.get(guildId);
    const role = guild?.roles.get(roleId);
    if (guild === undefined || role === undefined) return;
    guild.roles.delete(roleId);
    // Members no longer hold it (Discord sends no member updates for this).
    const replaced = new Map<number, number>();
    for (const slot of guild.members.slots()) {
      const set = guild.members.roleSet(slot);
      const roles = this.#roleSets.get(set);
      if (!roles.includes(roleId)) continue;
      let next = replaced.get(set);
      if (next === undefined) {
        next = this.#roleSets.acquire(roles.filter((id) => id !== roleId));
        replaced.set(set, next);
      } else this.#roleSets.acquire(this.#roleSets.get(next));
      guild.members.setRoleSet(slot, next);
      this.#roleSets.release(set);
    }
    this.emit("roleDelete", role);
  }

  #onChannel(d: unknown, t: string): void {
    // A thread is handled (and reported) as such, even when it arrives as CHANNEL_*.
    if (isRecord(d) && typeof d.type === "number" && isThreadType(d.type)) return this.#onThread(d, t);
    const existing = isRecord(d) ? this.#channels.get(readId(d.id) ?? "") : undefined;
    if (existing?.thread !== undefined) return this.#invalid(t, "id of a thread");
    const previous = existing;
    const channel = this.#putChannel(d, existing?.guildId ?? null, t, true);
    if (channel === undefined) return;
    if (previous === undefined) this.emit("channelCreate", channel);
    else this.emit("channelUpdate", channel, previous, { renamed: channel.name !== previous.name });
  }

  #onChannelDelete(d: unknown, t: string): void {
    const id = isRecord(d) ? readId(d.id) : undefined;
    if (id === undefined) return this.#invalid(t, "id missing");
    const channel = this.#channels.get(id);
    if (channel === undefined) return;
    if (channel.thread !== undefined) return this.#onThreadDelete(d, t);
    this.#removeChannel(channel);
    this.emit("channelDelete", channel);
    // Its threads go with it (Discord sends no THREAD_DELETE for them).
    const guild = channel.guildId === null ? undefined : this.#guilds.get(channel.guildId);
    for (const threadId of guild === undefined ? [] : [...guild.threads]) {
      const thread = this.#channels.get(threadId)!;
      if (thread.parentId !== id) continue;
      this.#removeChannel(thread);
      this.emit("threadDelete", thread);
    }
  }

  #onThread(d: unknown, t: string): void {
    if (!isRecord(d) || typeof d.type !== "number" || !isThreadType(d.type)) return this.#invalid(t, "not a thread");
    const previous = this.#channels.get(readId(d.id) ?? "");
    if (previous !== undefined && previous.thread === undefined) return this.#invalid(t, "id of a channel that is not a thread");
    const thread = this.#putChannel(d, previous?.guildId ?? null, t, true);
    if (thread === undefined) return;
    if (previous === undefined) this.emit("threadCreate", thread);
    else this.emit("threadUpdate", thread, previous);
  }

  #onThreadDelete(d: unknown, t: string): void {
    const id = isRecord(d) ? readId(d.id) : undefined;
    if (id === undefined) return this.#invalid(t, "id missing");
    const thread = this.#channels.get(id);
    if (thread === undefined || thread.thread === undefined) return;
    this.#removeChannel(thread);
    this.emit("threadDelete", thread);
  }

  /** THREAD_LIST_SYNC: the active threads of the guild (or of `channel_ids`), and which the bot is in. */
  #onThreadListSync(d: unknown, t: string): void {
    const guild = this.#guildOf(d, t);
    if (guild === undefined) return;
    const data = d as JsonRecord;
    if (!Array.isArray(data.threads)) return this.#invalid(t, "threads missing");
    const parents = Array.isArray(data.channel_ids) ? new Set((data.channel_ids as unknown[]).map((id) => readId(id))) : undefined;
    const bot = this.botUser?.id;
    const joined = new Set<string>();
    for (const entry of Array.isArray(data.members) ? (data.members as unknown[]) : []) {
      const threadId = isRecord(entry) ? readId(entry.id) : undefined;
      if (threadId !== undefined && (entry as JsonRecord).user_id === bot) joined.add(threadId);
    }
    const listed = new Set<string>();
    let bad = 0;
    for (const entry of data.threads as unknown[]) {
      const id = isRecord(entry) ? readId(entry.id) : undefined;
      const previous = id === undefined ? undefined : this.#channels.get(id);
      if (id === undefined || !isRecord(entry) || typeof entry.type !== "number" || !isThreadType(entry.type) || (previous !== undefined && previous.thread === undefined)) {
        bad++;
        continue;
      }
      const thread = this.#putChannel(entry, guild.id, t, false, joined.has(id));
      if (thread === undefined) continue;
      listed.add(id);
      if (previous === undefined) this.emit("threadCreate", thread);
      else this.emit("threadUpdate", thread, previous);
    }
    for (const threadId of [...guild.threads]) {
      const thread = this.#channels.get(threadId)!;
      if (listed.has(threadId) || (parents !== undefined && !parents.has(thread.parentId ?? undefined))) continue;
      this.#removeChannel(thread);
      this.emit("threadDelete", thread);
    }
    if (bad > 0) this.#invalid(t, `${bad} malformed thread(s) skipped`);
  }

  /** THREAD_MEMBER_UPDATE: the bot's own membership of a thread (it joined, or its flags changed). */
  #onThreadMember(d: unknown, t: string): void {
    const id = isRecord(d) ? readId(d.id) : undefined;
    if (id === undefined) return this.#invalid(t, "id missing");
    const userId = readId((d as JsonRecord).user_id);
    if (userId !== undefined && userId !== this.botUser?.id) return;
    this.#setJoined(id, true);
  }

  /** THREAD_MEMBERS_UPDATE: users added to or removed from a thread; only the bot's own membership is kept. */
  #onThreadMembers(d: unknown, t: string): void {
    const id = isRecord(d) ? readId(d.id) : undefined;
    if (id === undefined) return this.#invalid(t, "id missing");
    const data = d as JsonRecord;
    const bot = this.botUser?.id;
    if (bot === undefined) return;
    const added = Array.isArray(data.added_members) && (data.added_members as unknown[]).some((entry) => isRecord(entry) && entry.user_id === bot);
    const removed = Array.isArray(data.removed_member_ids) && (data.removed_member_ids as unknown[]).includes(bot);
    if (added) this.#setJoined(id, true);
    else if (removed) this.#setJoined(id, false);
  }

  #setJoined(threadId: string, joined: boolean): void {
    const previous = this.#channels.get(threadId);
    if (previous?.thread === undefined) return this.#debug(`membership of unknown thread ${threadId} ignored`);
    if (previous.thread.joined === joined) return;
    const thread: TrackerChannel = { ...previous, thread: { ...previous.thread, joined } };
    this.#channels.set(threadId, thread);
    this.emit("threadUpdate", thread, previous);
  }

  #onMemberAdd(d: unknown, t: string): void {
    const guild = this.#guildOf(d, t);
    if (guild === undefined) return;
    const user = readUser((d as JsonRecord).user);
    const before = user === undefined ? -1 : guild.members.slotOf(this.#users.indexOf(user.id));
    if (!this.#upsertMember(guild, d)) return this.#invalid(t, "member malformed");
    if (before >= 0) return;
    guild.memberCount++;
    const slot = guild.members.slotOf(this.#users.indexOf(user!.id));
    this.emit("memberJoin", this.#memberView(guild, slot));
  }

  #onMemberUpdate(d: unknown, t: string): void {
    const guild = this.#guildOf(d, t);
    if (guild === undefined) return;
    const user = readUser((d as JsonRecord).user);
    if (user === undefined) return this.#invalid(t, "user missing");
    const before = guild.members.slotOf(this.#users.indexOf(user.id));
    const previous = before < 0 ? undefined : this.#memberView(guild, before);
    if (!this.#upsertMember(guild, d)) return this.#invalid(t, "member malformed");
    if (previous === undefined) return;
    const member = this.#memberView(guild, before);
    const addedRoles = member.roles.filter((role) => !previous.roles.includes(role));
    const removedRoles = previous.roles.filter((role) => !member.roles.includes(role));
    this.emit("memberUpdate", member, previous, {
      rolesChanged: addedRoles.length + removedRoles.length > 0,
      addedRoles,
      removedRoles,
      nickChanged: member.nick !== previous.nick,
    });
  }

  #onMemberRemove(d: unknown, t: string): void {
    const guild = this.#guildOf(d, t);
    if (guild === undefined) return;
    const user = readUser((d as JsonRecord).user);
    if (user === undefined) return this.#invalid(t, "user missing");
    guild.memberCount = Math.max(0, guild.memberCount - 1);
    const slot = guild.members.slotOf(this.#users.indexOf(user.id));
    if (slot < 0) return;
    const view = this.#memberView(guild, slot);
    this.#removeMember(guild, slot);
    this.emit("memberLeave", view, "left");
  }

  #onPresence(d: unknown, t: string): void {
    const guild = this.#guildOf(d, t);
    if (guild === undefined) return;
    const user = readUser((d as JsonRecord).user);
    if (user === undefined || readStatus((d as JsonRecord).status) === undefined) return this.#invalid(t, "user or status missing");
    const slot = guild.members.slotOf(this.#users.indexOf(user.id));
    if (slot < 0) return;
    const previousStatus = guild.members.status(slot);
    const previousActivity = guild.members.activity(slot);
    if (user.username !== undefined) this.#users.upsert(user);
    this.#applyPresence(guild, d);
    if (guild.members.status(slot) !== previousStatus || guild.members.activity(slot) !== previousActivity) {
      this.emit("presenceUpdate", this.#memberView(guild, slot), STATUSES[previousStatus]!);
    }
  }

  #onUserUpdate(d: unknown, t: string): void {
    const user = readUser(d);
    if (user === undefined) return this.#invalid(t, "id missing");
    const index = this.#users.indexOf(user.id);
    if (index < 0) return this.#debug(`${t} for an unknown user ignored`);
    const previous = this.#users.view(index);
    const changed = { value: false };
    this.#users.upsert(user, changed);
    if (changed.value) this.emit("userUpdate", this.#users.view(index), previous);
  }

  // ─── storage ───────────────────────────────────────────────────────────────────────────

  #createGuild(id: string): GuildState {
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
    this.#guilds.set(id, guild);
    return guild;
  }

  #removeGuild(guild: GuildState): void {
    for (const channelId of [...guild.channels, ...guild.threads]) this.#removeChannel(this.#channels.get(channelId)!);
    for (const slot of [...guild.members.slots()]) this.#removeMember(guild, slot);
    this.#cancelSync(guild);
    this.#guilds.delete(guild.id);
  }

  /**
   * Parses and stores a channel or thread; returns it, or `undefined` (reported) when
   * malformed. A thread keeps the bot's membership it had unless `joined` says otherwise.
   */
  #putChannel(value: unknown, guildId: string | null, t: string, report: boolean, joined?: boolean): TrackerChannel | undefined {
    const known = isRecord(value) ? this.#channels.get(readId(value.id) ?? "") : undefined;
    const parsed = readChannel(value, guildId, known?.thread?.joined ?? false);
    if (parsed === undefined) {
      this.#invalid(t, "channel malformed");
      return undefined;
    }
    const { recipients } = parsed;
    const channel: TrackerChannel =
      joined === undefined || parsed.channel.thread === undefined ? parsed.channel : { ...parsed.channel, thread: { ...parsed.channel.thread, joined } };
    const guild = channel.guildId === null ? undefined : this.#guilds.get(channel.guildId);
    if (channel.guildId !== null && guild === undefined) {
      if (report) this.#debug(`${t} for a channel of unknown guild ${channel.guildId} ignored`);
      return undefined;
    }
    const previous = this.#channels.get(channel.id);
    for (const user of recipients) this.#users.ref(this.#users.upsert(user));
    if (previous !== undefined) this.#forgetChannel(previous);
    this.#channels.set(channel.id, channel);
    if (channel.thread === undefined) guild?.channels.add(channel.id);
    else guild?.threads.add(channel.id);
    return channel;
  }

  #removeChannel(channel: TrackerChannel): void {
    this.#forgetChannel(channel);
    this.#channels.delete(channel.id);
  }

  /** Drops what a channel holds: its place in its guild and its recipients' references. */
  #forgetChannel(channel: TrackerChannel): void {
    if (channel.guildId !== null) {
      const guild = this.#guilds.get(channel.guildId);
      guild?.channels.delete(channel.id);
      guild?.threads.delete(channel.id);
    }
    for (const id of channel.recipients) {
      const index = this.#users.indexOf(id);
      if (index >= 0) this.#users.unref(index);
    }
  }

  /** Adds or updates a member from a Member payload (with `user`); false when malformed. */
  #upsertMember(guild: GuildState, value: unknown): boolean {
    if (!isRecord(value)) return false;
    const user = readUser(value.user);
    const roles = readRoleIds(value.roles, guild.id);
    if (user === undefined || roles === undefined) return false;
    const nick = readNullableString(value.nick);
    const joinedAt = readTime(value.joined_at);
    const timeout = this.#readTimeout(value.communication_disabled_until);
    const userIndex = this.#users.upsert(user);
    const members = guild.members;
    let slot = members.slotOf(userIndex);
    if (slot < 0) {
      slot = members.add(userIndex, this.#roleSets.acquire(roles), joinedAt);
      this.#users.ref(userIndex);
      if (nick != null) members.setNick(slot, nick);
      if (timeout != null) members.setTimedOutUntil(slot, timeout);
      return true;
    }
    members.mark(slot);
    const set = this.#roleSets.acquire(roles);
    const old = members.roleSet(slot);
    if (set === old) this.#roleSets.release(set);
    else {
      members.setRoleSet(slot, set);
      this.#roleSets.release(old);
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
    return Number.isNaN(until) || until <= this.#time.now() ? null : until;
  }

  #removeMember(guild: GuildState, slot: number): void {
    const user = guild.members.user(slot);
    this.#roleSets.release(guild.members.roleSet(slot));
    guild.members.remove(slot);
    this.#users.unref(user);
  }

  /** Applies a presence to a tracked member; false when malformed (unknown members are fine). */
  #applyPresence(guild: GuildState, value: unknown): boolean {
    if (!isRecord(value)) return false;
    const id = isRecord(value.user) ? readId(value.user.id) : undefined;
    const status = readStatus(value.status);
    if (id === undefined || status === undefined) return false;
    const slot = guild.members.slotOf(this.#users.indexOf(id));
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

  #guildOf(d: unknown, t: string): GuildState | undefined {
    const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
    if (guildId === undefined) {
      this.#invalid(t, "guild_id missing");
      return undefined;
    }
    const guild = this.#guilds.get(guildId);
    if (guild === undefined) this.#debug(`${t} for unknown guild ${guildId} ignored`);
    return guild;
  }

  // ─── views ─────────────────────────────────────────────────────────────────────────────

  #guildView(guild: GuildState): TrackerGuild {
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

  #memberView(guild: GuildState, slot: number): TrackerMember {
    const members = guild.members;
    const user = this.#users.view(members.user(slot));
    const nick = members.nick(slot);
    return {
      guildId: guild.id,
      id: user.id,
      user,
      nick,
      displayName: nick ?? user.globalName ?? user.username,
      roles: this.#roleSets.get(members.roleSet(slot)),
      joinedAt: members.joinedAt(slot),
      status: STATUSES[members.status(slot)]!,
      activity: members.activity(slot),
      timedOutUntil: members.timedOutUntil(slot),
    };
  }

  // ─── reporting ─────────────────────────────────────────────────────────────────────────

  #invalid(t: string, message: string): void {
    this.#report(new TrackerError("TRACKER_INVALID_PAYLOAD", `${t}: ${message}; skipped.`, { event: t }));
  }

  #report(error: TrackerError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else this.#debug(`${error.code}: ${error.message}`);
  }

  #debug(message: string): void {
    if (this.listenerCount("debug") > 0) this.emit("debug", message);
  }

}

/** Channel types with messages: text, DM, group DM, news, and the three thread types. */
function isTextChannel(type: number): boolean {
  return type === 0 || type === 1 || type === 3 || type === 5 || isThreadType(type);
}
