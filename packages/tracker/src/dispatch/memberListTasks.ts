// The two dispatches that carry member lists — GUILD_CREATE and GUILD_MEMBERS_CHUNK — as
// work tasks, applied in slices so that a list of 100,000 members never blocks the process
// for long (see WorkQueue).
import { isRecord } from "@nuwani/util";
import { isThreadType, readId, readRole, readTime } from "../parsePayload.js";
import type { TrackerContext } from "../TrackerContext.js";
import type { GuildState } from "../TrackerStore.js";
import type { WorkTask } from "../WorkQueue.js";

/** Members handled between two looks at the clock. */
const SLICE = 128;

/**
 * Applies items `from`, `from + 1`, … of `count` with `apply` (false: a malformed item, counted
 * in `tally.bad`), a slice of {@link SLICE} at a time, until done or the clock is past
 * `deadline` after a slice. Returns the index to go on from (`count` when done).
 */
function applySliced(
  ctx: TrackerContext,
  count: number,
  from: number,
  deadline: number,
  apply: (index: number) => boolean,
  tally: { bad: number },
): number {
  let index = from;
  while (index < count) {
    const end = Math.min(count, index + SLICE);
    for (; index < end; index++) if (!apply(index)) tally.bad++;
    if (index < count && ctx.now() >= deadline) return index;
  }
  return index;
}

/** A GUILD_CREATE whose guild fields, roles and channels are applied; its members follow in slices. */
interface GuildCreateWork {
  readonly guild: GuildState;
  /** The guild was not known before (the bot joined it). */
  readonly joined: boolean;
  members: unknown[];
  presences: unknown[];
  phase: "members" | "presences";
  index: number;
  readonly tally: { bad: number };
}

const GUILD_CREATE = "GUILD_CREATE";

/**
 * GUILD_CREATE: guild fields, roles, channels and threads at once; then members and presences
 * in slices; then the sync (complete at once when the payload carried every member, else op 8).
 */
export function guildCreateTask(ctx: TrackerContext, d: unknown): WorkTask {
  let work: GuildCreateWork | undefined;
  return {
    step: (deadline) => {
      if (work === undefined) {
        work = applyGuildCreateHead(ctx, d);
        if (work === undefined) return true;
      }
      const w = work;
      if (w.phase === "members") {
        w.index = applySliced(ctx, w.members.length, w.index, deadline, (i) => ctx.store.upsertMember(w.guild, w.members[i]), w.tally);
        if (w.index < w.members.length) return false;
        w.phase = "presences";
        w.index = 0;
      }
      w.index = applySliced(ctx, w.presences.length, w.index, deadline, (i) => ctx.store.applyPresence(w.guild, w.presences[i]), w.tally);
      if (w.index < w.presences.length) return false;
      finishGuildCreate(ctx, w);
      return true;
    },
  };
}

/** The first step of a GUILD_CREATE: everything but the members; `undefined` when there is nothing more to do. */
function applyGuildCreateHead(ctx: TrackerContext, d: unknown): GuildCreateWork | undefined {
  const { store, sync, report } = ctx;
  if (!isRecord(d) || readId(d.id) === undefined) {
    report.invalid(GUILD_CREATE, "d.id missing");
    return undefined;
  }
  const id = d.id as string;
  if (d.unavailable === true) {
    markUnavailable(ctx, id);
    return undefined;
  }
  const roles = Array.isArray(d.roles) ? (d.roles as unknown[]) : undefined;
  if (roles === undefined || typeof d.name !== "string") {
    report.invalid(GUILD_CREATE, "name or roles missing");
    return undefined;
  }
  const joined = !store.guilds.has(id);
  const guild = store.guilds.get(id) ?? store.createGuild(id);
  guild.name = d.name;
  guild.ownerId = readId(d.owner_id) ?? null;
  guild.unavailable = false;
  guild.large = d.large === true;
  guild.joinedAt = readTime(d.joined_at);
  const members = Array.isArray(d.members) ? (d.members as unknown[]) : [];
  const presences = Array.isArray(d.presences) ? (d.presences as unknown[]) : [];
  guild.memberCount = typeof d.member_count === "number" ? d.member_count : members.length;
  const tally = { bad: 0 };
  guild.roles = new Map();
  for (const entry of roles) {
    const role = readRole(entry, id);
    if (role === undefined) tally.bad++;
    else guild.roles.set(role.id, role);
  }
  replaceChannels(ctx, guild, Array.isArray(d.channels) ? (d.channels as unknown[]) : []);
  // v10: the active threads (v6 has none, so a v6 GUILD_CREATE leaves none).
  tally.bad += replaceThreads(ctx, guild, Array.isArray(d.threads) ? (d.threads as unknown[]) : []);
  guild.members.beginMark(true);
  guild.refreshing = true;
  guild.synced = false;
  sync.cancel(guild);
  return { guild, joined, members, presences, phase: "members", index: 0, tally };
}

/** Replaces a guild's channels with those of its GUILD_CREATE. */
function replaceChannels(ctx: TrackerContext, guild: GuildState, channels: readonly unknown[]): void {
  const { store } = ctx;
  const seen = new Set<string>();
  for (const entry of channels) {
    const channel = store.putChannel(entry, guild.id, GUILD_CREATE, false);
    if (channel !== undefined) seen.add(channel.id);
  }
  for (const channelId of [...guild.channels]) {
    if (!seen.has(channelId)) store.removeChannel(store.channels.get(channelId)!);
  }
}

/** Replaces a guild's threads with those of its GUILD_CREATE; returns how many entries were not threads. */
function replaceThreads(ctx: TrackerContext, guild: GuildState, threads: readonly unknown[]): number {
  const { store } = ctx;
  let bad = 0;
  const seen = new Set<string>();
  for (const entry of threads) {
    if (!isRecord(entry) || typeof entry.type !== "number" || !isThreadType(entry.type)) {
      bad++;
      continue;
    }
    const thread = store.putChannel(entry, guild.id, GUILD_CREATE, false);
    if (thread !== undefined) seen.add(thread.id);
  }
  for (const threadId of [...guild.threads]) {
    if (!seen.has(threadId)) store.removeChannel(store.channels.get(threadId)!);
  }
  return bad;
}

/** The last step of a GUILD_CREATE: report, announce, and complete or start the member sync. */
function finishGuildCreate(ctx: TrackerContext, work: GuildCreateWork): void {
  const { store, sync, report, emit } = ctx;
  const guild = work.guild;
  if (work.tally.bad > 0) report.invalid(GUILD_CREATE, `${work.tally.bad} malformed role(s), channel(s), member(s) or presence(s) skipped`);
  // Complete when the payload itself carried every member: members known from before
  // but not in it are then gone. (Compare the payload, not the store: the store still
  // holds the members the sweep may remove.)
  const complete = !guild.large && work.members.length >= guild.memberCount;
  work.members = [];
  work.presences = [];
  report.debug(`guild ${guild.id} available: ${guild.members.size} of ${guild.memberCount} member(s)`);
  const view = store.guildView(guild);
  if (work.joined) emit("guildJoin", view);
  emit("guildAvailable", view);
  if (complete) sync.finish(guild);
  else sync.start(guild);
}

/** An outage (GUILD_CREATE or GUILD_DELETE with `unavailable: true`): the guild is kept and marked. */
export function markUnavailable(ctx: TrackerContext, id: string): void {
  const guild = ctx.store.guilds.get(id) ?? ctx.store.createGuild(id);
  const was = guild.unavailable;
  guild.unavailable = true;
  if (!was) ctx.emit("guildUnavailable", ctx.store.guildView(guild));
}

const MEMBERS_CHUNK = "GUILD_MEMBERS_CHUNK";

/**
 * GUILD_MEMBERS_CHUNK: members (and presences) in slices, then counted by the member sync.
 * `undefined` for a chunk of the tracker's own request fed through `handle()`: those come
 * through the gateway's `onChunk`, before their dispatch.
 */
export function membersChunkTask(ctx: TrackerContext, d: unknown): WorkTask | undefined {
  const nonce = isRecord(d) && typeof d.nonce === "string" ? d.nonce : undefined;
  if (nonce !== undefined && ctx.sync.isOwn(nonce)) return undefined;
  return ownMembersChunkTask(ctx, d);
}

/** A GUILD_MEMBERS_CHUNK `d` to apply, whoever asked for it. */
export function ownMembersChunkTask(ctx: TrackerContext, d: unknown): WorkTask {
  let started = false;
  let guild: GuildState | undefined;
  let members: unknown[] = [];
  let presences: unknown[] = [];
  let index = 0;
  const tally = { bad: 0 };
  return {
    step: (deadline) => {
      if (!started) {
        started = true;
        guild = chunkGuild(ctx, d);
        if (guild === undefined) return true;
        members = (d as { members: unknown[] }).members;
        presences = Array.isArray((d as { presences?: unknown }).presences) ? (d as { presences: unknown[] }).presences : [];
      }
      const g = guild!;
      const total = members.length + presences.length;
      const apply = (i: number): boolean =>
        i < members.length ? ctx.store.upsertMember(g, members[i]) : ctx.store.applyPresence(g, presences[i - members.length]);
      index = applySliced(ctx, total, index, deadline, apply, tally);
      if (index < total) return false;
      if (tally.bad > 0) ctx.report.invalid(MEMBERS_CHUNK, `${tally.bad} malformed member(s) or presence(s) skipped`);
      ctx.sync.chunkDone(g, d as Record<string, unknown>, members.length);
      return true;
    },
  };
}

/** The known guild a chunk is for; `undefined` (reported or ignored) otherwise. */
function chunkGuild(ctx: TrackerContext, d: unknown): GuildState | undefined {
  const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
  if (!isRecord(d) || guildId === undefined || !Array.isArray(d.members)) {
    ctx.report.invalid(MEMBERS_CHUNK, "guild_id or members missing");
    return undefined;
  }
  const guild = ctx.store.guilds.get(guildId);
  if (guild === undefined) ctx.report.debug(`${MEMBERS_CHUNK} for unknown guild ${guildId} ignored`);
  return guild;
}
