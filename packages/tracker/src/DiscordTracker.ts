import { EventEmitter } from "node:events";
import type { Clock } from "@nuwani/util";
import { isRecord, MAX_TIMER_MS, systemClock } from "@nuwani/util";
import { computePermissions } from "./computePermissions.js";
import { DISPATCH_TABLE } from "./dispatch/dispatchTable.js";
import { ownMembersChunkTask } from "./dispatch/memberListTasks.js";
import type { DiscordTrackerEvents } from "./DiscordTrackerEvents.js";
import { MemberSync } from "./MemberSync.js";
import { isThreadType } from "./parsePayload.js";
import { Permissions } from "./Permissions.js";
import { resolveChannel } from "./resolveChannel.js";
import { resolveMember } from "./resolveMember.js";
import { resolveMessage } from "./resolveMessage.js";
import type { ResolvedMessage } from "./resolveMessage.js";
import { resolveRole } from "./resolveRole.js";
import type { TrackerContext, TrackerReporter } from "./TrackerContext.js";
import { TrackerError } from "./TrackerError.js";
import type { TrackerDispatch, TrackerGateway } from "./TrackerGateway.js";
import { TrackerStore } from "./TrackerStore.js";
import type { TrackerChannel, TrackerGuild, TrackerMember, TrackerRole, TrackerUser } from "./types.js";
import { WorkQueue } from "./WorkQueue.js";

export type { DiscordTrackerEvents, MemberChanges } from "./DiscordTrackerEvents.js";
export type { TrackerDispatch, TrackerGateway, TrackerMemberChunk } from "./TrackerGateway.js";

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
   * loop with `setImmediate`, timed by the `clock`.
   * @defaultValue 4
   */
  sliceTime?: number;
  /**
   * The tracker's time: `now()` (Unix ms) decides whether a member's timeout
   * (`communication_disabled_until`) is still running and times the `sliceTime` budget;
   * `setTimeout` waits before retrying a rate-limited member sync.
   * @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily, so fake timers work)
   */
  clock?: Clock;
  /**
   * A clock in milliseconds for the `sliceTime` budget only.
   * @deprecated Use `clock`: its `now()` times the slices when this is not given.
   * @defaultValue `clock.now`
   */
  now?: () => number;
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

/** Checks the options; throws `TRACKER_INVALID_ARGUMENT`. */
function checkOptions(options: DiscordTrackerOptions): { sliceTime: number; retries: number; maxDelay: number } {
  const sliceTime = options.sliceTime ?? 4;
  if (typeof sliceTime !== "number" || !(sliceTime >= 0)) {
    throw new TrackerError("TRACKER_INVALID_ARGUMENT", "sliceTime must be a number >= 0.");
  }
  const retries = options.syncRetries ?? 3;
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new TrackerError("TRACKER_INVALID_ARGUMENT", "syncRetries must be an integer >= 0.");
  }
  const maxDelay = options.maxSyncRetryDelay ?? 120_000;
  if (typeof maxDelay !== "number" || !(maxDelay >= 0 && maxDelay <= MAX_TIMER_MS)) {
    throw new TrackerError("TRACKER_INVALID_ARGUMENT", `maxSyncRetryDelay must be a number from 0 to ${MAX_TIMER_MS}.`);
  }
  const { clock, now } = options;
  if (clock !== undefined && !isClock(clock)) {
    throw new TrackerError("TRACKER_INVALID_ARGUMENT", "clock must be a Clock: { now(), setTimeout(callback, ms), clearTimeout(handle) }.");
  }
  if (now !== undefined && typeof now !== "function") throw new TrackerError("TRACKER_INVALID_ARGUMENT", "now must be a function.");
  return { sliceTime, retries, maxDelay };
}

function isClock(value: unknown): value is Clock {
  if (typeof value !== "object" || value === null) return false;
  const { now, setTimeout, clearTimeout } = value as Record<string, unknown>;
  return typeof now === "function" && typeof setTimeout === "function" && typeof clearTimeout === "function";
}

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
  readonly #clock: Clock;
  readonly #queue: WorkQueue;
  readonly #store: TrackerStore;
  readonly #sync: MemberSync;
  /** The dispatch table's small handlers, bound to this tracker's context. */
  readonly #apply = new Map<string, (d: unknown, t: string) => void>();
  readonly #ctx: TrackerContext;
  #gateway: TrackerGateway | null = null;
  #listener: ((payload: TrackerDispatch) => void) | null = null;

  /** An empty tracker; attach it to a gateway to fill it. */
  constructor(options: DiscordTrackerOptions = {}) {
    super();
    const { sliceTime, retries, maxDelay } = checkOptions(options);
    const clock = options.clock ?? systemClock;
    const now = options.now ?? (() => clock.now());
    this.#clock = clock;
    const report: TrackerReporter = {
      invalid: (t, message) => this.#report(new TrackerError("TRACKER_INVALID_PAYLOAD", `${t}: ${message}; skipped.`, { event: t })),
      error: (error) => this.#report(error),
      debug: (message) => this.#debug(message),
    };
    const emit = (event: keyof DiscordTrackerEvents, ...args: unknown[]): void => {
      (this.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
    };
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
    this.#store = new TrackerStore(clock, report);
    this.#sync = new MemberSync({
      store: this.#store,
      report,
      emit,
      clock,
      syncMembers: options.syncMembers ?? true,
      retries,
      maxRetryDelay: maxDelay,
      enqueueChunk: (chunk) => this.#queue.push(ownMembersChunkTask(this.#ctx, chunk)),
    });
    this.#ctx = { store: this.#store, sync: this.#sync, report, emit, now };
    for (const [t, entry] of DISPATCH_TABLE) {
      if (entry.kind === "apply") this.#apply.set(t, (d, name) => entry.apply(this.#ctx, d, name));
    }
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
    this.#sync.gateway = gateway;
    gateway.on("dispatch", listener);
  }

  /** Stops listening to the attached gateway (the state is kept; pending sync retries are dropped). */
  detach(): void {
    if (this.#gateway !== null && this.#listener !== null) this.#gateway.off("dispatch", this.#listener);
    this.#sync.cancelRetries();
    this.#gateway = null;
    this.#listener = null;
    this.#sync.gateway = null;
  }

  /**
   * Applies one dispatch. Small ones are applied before this returns; large member lists
   * are applied in slices (see {@link DiscordTracker.settled}), in order with what follows.
   * Unknown events are ignored; malformed ones are reported (`error`) and skipped.
   */
  handle(dispatch: TrackerDispatch): void {
    if (!isRecord(dispatch)) throw new TrackerError("TRACKER_INVALID_ARGUMENT", "handle() needs a dispatch { t, d }.");
    const t = dispatch.t;
    if (typeof t !== "string") return;
    const entry = DISPATCH_TABLE.get(t);
    if (entry === undefined) return;
    if (entry.kind === "task") {
      const task = entry.task(this.#ctx, dispatch.d);
      if (task !== undefined) this.#queue.push(task);
    } else this.#queue.call(this.#apply.get(t)!, dispatch.d, t);
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
    return this.#store.botUser;
  }

  /** The current session's id (READY), or `null`. */
  get sessionId(): string | null {
    return this.#store.sessionId;
  }

  /** Every guild. */
  guilds(): TrackerGuild[] {
    return [...this.#store.guilds.values()].map((guild) => this.#store.guildView(guild));
  }

  /** A guild, or `undefined`. */
  getGuild(guildId: string): TrackerGuild | undefined {
    const guild = this.#store.guilds.get(guildId);
    return guild === undefined ? undefined : this.#store.guildView(guild);
  }

  /** A channel (guild channel or DM), or `undefined`. */
  getChannel(channelId: string): TrackerChannel | undefined {
    return this.#store.channels.get(channelId);
  }

  /** The channels of a guild, or with no argument every channel (DMs included); never threads. */
  channels(guildId?: string): TrackerChannel[] {
    if (guildId === undefined) return [...this.#store.channels.values()].filter((channel) => channel.thread === undefined);
    const guild = this.#store.guilds.get(guildId);
    return guild === undefined ? [] : [...guild.channels].map((id) => this.#store.channels.get(id)!);
  }

  /** The threads of a guild (v10), optionally only those of one parent channel. */
  threads(guildId: string, parentId?: string): TrackerChannel[] {
    const guild = this.#store.guilds.get(guildId);
    if (guild === undefined) return [];
    const threads = [...guild.threads].map((id) => this.#store.channels.get(id)!);
    return parentId === undefined ? threads : threads.filter((thread) => thread.parentId === parentId);
  }

  /** A role of a guild, or `undefined`. */
  getRole(guildId: string, roleId: string): TrackerRole | undefined {
    return this.#store.guilds.get(guildId)?.roles.get(roleId);
  }

  /** The roles of a guild, `@everyone` included. */
  roles(guildId: string): TrackerRole[] {
    const guild = this.#store.guilds.get(guildId);
    return guild === undefined ? [] : [...guild.roles.values()];
  }

  /** A member of a guild, or `undefined`. */
  getMember(guildId: string, userId: string): TrackerMember | undefined {
    const guild = this.#store.guilds.get(guildId);
    if (guild === undefined) return undefined;
    const slot = this.#store.slotOf(guild, userId);
    return slot < 0 ? undefined : this.#store.memberView(guild, slot);
  }

  /** Every member of a guild, as snapshots built one at a time. */
  *members(guildId: string): IterableIterator<TrackerMember> {
    const guild = this.#store.guilds.get(guildId);
    if (guild === undefined) return;
    for (const slot of [...guild.members.slots()]) yield this.#store.memberView(guild, slot);
  }

  /** A user known to the tracker (a member of some guild, a DM recipient, the bot). */
  getUser(userId: string): TrackerUser | undefined {
    const index = this.#store.users.indexOf(userId);
    return index < 0 ? undefined : this.#store.users.view(index);
  }

  /** How many users are held (each once, however many guilds they are in). */
  get userCount(): number {
    return this.#store.users.size;
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
    const guildOnly = this.#store.guilds.get(channelId);
    const channel = guildOnly === undefined ? this.#store.channels.get(channelId) : undefined;
    if (guildOnly === undefined && channel === undefined) return 0n;
    if (channel !== undefined && channel.guildId === null) {
      return channel.recipients.includes(user) || user === this.botUser?.id ? Permissions.ALL : 0n;
    }
    const guild = guildOnly ?? this.#store.guilds.get(channel!.guildId!);
    if (guild === undefined) return 0n;
    const slot = this.#store.slotOf(guild, user);
    if (slot < 0) return 0n;
    // A thread inherits its parent's overwrites; an unknown parent means no access.
    const source = channel?.thread === undefined ? channel : this.#store.channels.get(channel.parentId ?? "");
    if (channel !== undefined && source === undefined) return 0n;
    const timedOutUntil = guild.members.timedOutUntil(slot);
    return computePermissions({
      guildId: guild.id,
      ownerId: guild.ownerId,
      userId: user,
      roles: this.#store.roleSets.get(guild.members.roleSet(slot)),
      rolePermissions: (roleId) => guild.roles.get(roleId)?.permissions,
      ...(source === undefined ? {} : { overwrites: source.overwrites }),
      ...(channel?.thread === undefined ? {} : { thread: true }),
      ...(timedOutUntil === null ? {} : { timedOutUntil, now: this.#clock.now() }),
    });
  }

  /**
   * Whether the bot may read a text channel or thread (VIEW_CHANNEL; any DM). A private
   * thread also needs the bot to be its member, or MANAGE_THREADS.
   */
  canRead(channelId: string): boolean {
    const channel = this.#store.channels.get(channelId);
    if (channel === undefined || !isTextChannel(channel.type)) return false;
    if (channel.guildId !== null && this.#store.guilds.get(channel.guildId)?.unavailable !== false) return false;
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
    const thread = this.#store.channels.get(channelId)?.thread;
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

  // ─── reporting ─────────────────────────────────────────────────────────────────────────

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
