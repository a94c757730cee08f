import { FakeDiscordError } from "./FakeDiscordError.js";
import type { FakeSession } from "./FakeSession.js";
import type { GuildFixture, ThreadFixture, UserFixture } from "./GuildFixture.js";
import { serializeMember, serializeThread } from "./serializeGuild.js";

/** @internal What {@link FakeThreads} needs from the fake (a {@link FakeDiscord} fits). */
export interface FakeThreadsHost {
  readonly guilds: readonly GuildFixture[];
  readonly user: UserFixture;
  dispatch(t: string, d: unknown): number;
}

/** A thread to create with {@link FakeThreads.create}. */
export interface ThreadInput {
  id: string;
  /** 10 announcement, 11 public, 12 private. @defaultValue 11 */
  type?: ThreadFixture["type"];
  name: string;
  parentId: string;
  /** @defaultValue the bot */
  ownerId?: string;
  /** @defaultValue false */
  archived?: boolean;
  /** @defaultValue false */
  locked?: boolean;
  /** @defaultValue true */
  invitable?: boolean;
  /** @defaultValue 1440 */
  autoArchiveDuration?: number;
  /** @defaultValue "2026-01-01T00:00:00.000Z" */
  archiveTimestamp?: string;
}

const THREAD_TYPES = new Set([10, 11, 12]);

/** A dispatch `d` that only v10 sessions get (v6 has no threads). */
function v10Only(d: unknown): (session: FakeSession) => unknown {
  return (session) => (session.version >= 10 ? d : undefined);
}

/**
 * Thread dispatch helpers of a {@link FakeDiscord} (`discord.threads`): each changes the
 * guild fixture's `threads` and dispatches what Discord sends, to v10 sessions only (v6 has
 * no threads), following their intents (GUILDS) and shards.
 */
export class FakeThreads {
  readonly #host: FakeThreadsHost;

  /** @internal Created by {@link FakeDiscord}. */
  constructor(host: FakeThreadsHost) {
    this.#host = host;
  }

  /**
   * Adds a thread to a guild and dispatches THREAD_CREATE (with `newly_created: true`).
   * Throws `FAKE_DISCORD_INVALID_ARGUMENT` for an unknown guild or parent channel, a type
   * other than 10/11/12, or an id already in use.
   * @returns the fixture, to change and pass to {@link FakeThreads.update}
   */
  create(guildId: string, input: ThreadInput): ThreadFixture {
    const guild = this.#guild(guildId);
    const type = input.type ?? 11;
    if (!THREAD_TYPES.has(type)) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `thread type ${type} is not 10, 11 or 12`);
    if (!guild.channels.some((channel) => channel.id === input.parentId)) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `no channel ${input.parentId} in guild ${guildId}`);
    }
    const threads = (guild.threads ??= []);
    if (threads.some((thread) => thread.id === input.id) || guild.channels.some((channel) => channel.id === input.id)) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `channel id ${input.id} is already in use`);
    }
    const thread: ThreadFixture = {
      id: input.id,
      type,
      name: input.name,
      parentId: input.parentId,
      ownerId: input.ownerId ?? this.#host.user.id,
      archived: input.archived ?? false,
      locked: input.locked ?? false,
      invitable: input.invitable ?? true,
      autoArchiveDuration: input.autoArchiveDuration ?? 1440,
      archiveTimestamp: input.archiveTimestamp ?? "2026-01-01T00:00:00.000Z",
      memberCount: 1,
      messageCount: 0,
      rateLimitPerUser: 0,
    };
    threads.push(thread);
    this.#host.dispatch("THREAD_CREATE", v10Only({ ...serializeThread(thread, guildId), newly_created: true }));
    return thread;
  }

  /** Dispatches THREAD_UPDATE with the thread fixture as it is now (change it first). */
  update(guildId: string, threadId: string): void {
    const thread = this.#thread(guildId, threadId);
    this.#host.dispatch("THREAD_UPDATE", v10Only(serializeThread(thread, guildId)));
  }

  /** Removes a thread and dispatches THREAD_DELETE `{id, guild_id, parent_id, type}`. */
  delete(guildId: string, threadId: string): void {
    const thread = this.#thread(guildId, threadId);
    const threads = this.#guild(guildId).threads!;
    threads.splice(threads.indexOf(thread), 1);
    this.#host.dispatch("THREAD_DELETE", v10Only({ id: thread.id, guild_id: guildId, parent_id: thread.parentId, type: thread.type }));
  }

  /**
   * Dispatches THREAD_LIST_SYNC: every active thread of the guild (or of `channelIds`'
   * parents only), with `members` for the ones the bot is in (`joined`).
   */
  listSync(guildId: string, options: { channelIds?: string[]; joined?: string[] } = {}): void {
    const guild = this.#guild(guildId);
    const parents = options.channelIds === undefined ? undefined : new Set(options.channelIds);
    const threads = (guild.threads ?? []).filter((thread) => !thread.archived && (parents === undefined || parents.has(thread.parentId)));
    const joined = new Set(options.joined ?? []);
    const d: Record<string, unknown> = { guild_id: guildId };
    if (options.channelIds !== undefined) d.channel_ids = options.channelIds;
    d.threads = threads.map((thread) => serializeThread(thread, guildId));
    d.members = threads
      .filter((thread) => joined.has(thread.id))
      .map((thread) => ({ id: thread.id, user_id: this.#host.user.id, join_timestamp: thread.archiveTimestamp, flags: 0 }));
    this.#host.dispatch("THREAD_LIST_SYNC", v10Only(d));
  }

  /** Dispatches THREAD_MEMBER_UPDATE: the bot's own thread member changed (e.g. it joined). */
  memberUpdate(guildId: string, threadId: string, joinTimestamp = "2026-01-01T00:00:00.000Z"): void {
    this.#thread(guildId, threadId);
    this.#host.dispatch(
      "THREAD_MEMBER_UPDATE",
      v10Only({ id: threadId, user_id: this.#host.user.id, join_timestamp: joinTimestamp, flags: 0, guild_id: guildId }),
    );
  }

  /**
   * Dispatches THREAD_MEMBERS_UPDATE: users added to (with their guild member, when the
   * guild has one) and removed from a thread; `member_count` follows (capped at 50).
   */
  membersUpdate(guildId: string, threadId: string, change: { added?: string[]; removed?: string[] }): void {
    const guild = this.#guild(guildId);
    const thread = this.#thread(guildId, threadId);
    const added = change.added ?? [];
    const removed = change.removed ?? [];
    thread.memberCount = Math.max(0, Math.min(50, thread.memberCount + added.length - removed.length));
    const d: Record<string, unknown> = { id: threadId, guild_id: guildId, member_count: thread.memberCount };
    if (added.length > 0) {
      d.added_members = added.map((userId) => {
        const member = guild.members.find((candidate) => candidate.user.id === userId);
        const entry: Record<string, unknown> = { id: threadId, user_id: userId, join_timestamp: thread.archiveTimestamp, flags: 0 };
        if (member !== undefined) entry.member = serializeMember(member, 10);
        return entry;
      });
    }
    if (removed.length > 0) d.removed_member_ids = removed;
    this.#host.dispatch("THREAD_MEMBERS_UPDATE", v10Only(d));
  }

  #guild(guildId: string): GuildFixture {
    const guild = this.#host.guilds.find((candidate) => candidate.id === guildId);
    if (guild === undefined) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `unknown guild ${guildId}`);
    return guild;
  }

  #thread(guildId: string, threadId: string): ThreadFixture {
    const thread = this.#guild(guildId).threads?.find((candidate) => candidate.id === threadId);
    if (thread === undefined) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `unknown thread ${threadId} in guild ${guildId}`);
    return thread;
  }
}
