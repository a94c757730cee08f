// Dispatch handlers for channels and threads: CHANNEL_*, THREAD_* (v10), THREAD_LIST_SYNC and
// the bot's own thread membership.
import { isRecord } from "@nuwani/util";
import { isThreadType, readId } from "../parsePayload.js";
import type { TrackerContext } from "../TrackerContext.js";
import type { TrackerChannel } from "../types.js";
import type { DispatchHandler } from "./dispatchTable.js";

type Data = Record<string, unknown>;

/** CHANNEL_CREATE and CHANNEL_UPDATE: the channel, guild or DM. */
function onChannel(ctx: TrackerContext, d: unknown, t: string): void {
  // A thread is handled (and reported) as such, even when it arrives as CHANNEL_*.
  if (isRecord(d) && typeof d.type === "number" && isThreadType(d.type)) return onThread(ctx, d, t);
  const existing = isRecord(d) ? ctx.store.channels.get(readId(d.id) ?? "") : undefined;
  if (existing?.thread !== undefined) return ctx.report.invalid(t, "id of a thread");
  const previous = existing;
  const channel = ctx.store.putChannel(d, existing?.guildId ?? null, t, true);
  if (channel === undefined) return;
  if (previous === undefined) ctx.emit("channelCreate", channel);
  else ctx.emit("channelUpdate", channel, previous, { renamed: channel.name !== previous.name });
}

/** CHANNEL_DELETE: the channel, and its threads with it (Discord sends no THREAD_DELETE for them). */
function onChannelDelete(ctx: TrackerContext, d: unknown, t: string): void {
  const { store, emit } = ctx;
  const id = isRecord(d) ? readId(d.id) : undefined;
  if (id === undefined) return ctx.report.invalid(t, "id missing");
  const channel = store.channels.get(id);
  if (channel === undefined) return;
  if (channel.thread !== undefined) return onThreadDelete(ctx, d, t);
  store.removeChannel(channel);
  emit("channelDelete", channel);
  const guild = channel.guildId === null ? undefined : store.guilds.get(channel.guildId);
  for (const threadId of guild === undefined ? [] : [...guild.threads]) {
    const thread = store.channels.get(threadId)!;
    if (thread.parentId !== id) continue;
    store.removeChannel(thread);
    emit("threadDelete", thread);
  }
}

/** THREAD_CREATE and THREAD_UPDATE (v10; a THREAD_* for an id that is a channel is refused). */
function onThread(ctx: TrackerContext, d: unknown, t: string): void {
  if (!isRecord(d) || typeof d.type !== "number" || !isThreadType(d.type)) return ctx.report.invalid(t, "not a thread");
  const previous = ctx.store.channels.get(readId(d.id) ?? "");
  if (previous !== undefined && previous.thread === undefined) return ctx.report.invalid(t, "id of a channel that is not a thread");
  const thread = ctx.store.putChannel(d, previous?.guildId ?? null, t, true);
  if (thread === undefined) return;
  if (previous === undefined) ctx.emit("threadCreate", thread);
  else ctx.emit("threadUpdate", thread, previous);
}

/** THREAD_DELETE. */
function onThreadDelete(ctx: TrackerContext, d: unknown, t: string): void {
  const id = isRecord(d) ? readId(d.id) : undefined;
  if (id === undefined) return ctx.report.invalid(t, "id missing");
  const thread = ctx.store.channels.get(id);
  if (thread === undefined || thread.thread === undefined) return;
  ctx.store.removeChannel(thread);
  ctx.emit("threadDelete", thread);
}

/** The ids of the threads THREAD_LIST_SYNC's `members` says the bot is in. */
function joinedThreads(data: Data, bot: string | undefined): Set<string> {
  const joined = new Set<string>();
  for (const entry of Array.isArray(data.members) ? (data.members as unknown[]) : []) {
    const threadId = isRecord(entry) ? readId(entry.id) : undefined;
    if (threadId !== undefined && (entry as Data).user_id === bot) joined.add(threadId);
  }
  return joined;
}

/** THREAD_LIST_SYNC: the active threads of the guild (or of `channel_ids`), and which the bot is in. */
function onThreadListSync(ctx: TrackerContext, d: unknown, t: string): void {
  const { store, emit } = ctx;
  const guild = store.guildOf(d, t);
  if (guild === undefined) return;
  const data = d as Data;
  if (!Array.isArray(data.threads)) return ctx.report.invalid(t, "threads missing");
  const parents = Array.isArray(data.channel_ids) ? new Set((data.channel_ids as unknown[]).map((id) => readId(id))) : undefined;
  const joined = joinedThreads(data, store.botUser?.id);
  const listed = new Set<string>();
  let bad = 0;
  for (const entry of data.threads as unknown[]) {
    const id = isRecord(entry) ? readId(entry.id) : undefined;
    const previous = id === undefined ? undefined : store.channels.get(id);
    if (id === undefined || !isRecord(entry) || typeof entry.type !== "number" || !isThreadType(entry.type) || (previous !== undefined && previous.thread === undefined)) {
      bad++;
      continue;
    }
    const thread = store.putChannel(entry, guild.id, t, false, joined.has(id));
    if (thread === undefined) continue;
    listed.add(id);
    if (previous === undefined) emit("threadCreate", thread);
    else emit("threadUpdate", thread, previous);
  }
  for (const threadId of [...guild.threads]) {
    const thread = store.channels.get(threadId)!;
    if (listed.has(threadId) || (parents !== undefined && !parents.has(thread.parentId ?? undefined))) continue;
    store.removeChannel(thread);
    emit("threadDelete", thread);
  }
  if (bad > 0) ctx.report.invalid(t, `${bad} malformed thread(s) skipped`);
}

/** THREAD_MEMBER_UPDATE: the bot's own membership of a thread (it joined, or its flags changed). */
function onThreadMember(ctx: TrackerContext, d: unknown, t: string): void {
  const id = isRecord(d) ? readId(d.id) : undefined;
  if (id === undefined) return ctx.report.invalid(t, "id missing");
  const userId = readId((d as Data).user_id);
  if (userId !== undefined && userId !== ctx.store.botUser?.id) return;
  setJoined(ctx, id, true);
}

/** THREAD_MEMBERS_UPDATE: users added to or removed from a thread; only the bot's own membership is kept. */
function onThreadMembers(ctx: TrackerContext, d: unknown, t: string): void {
  const id = isRecord(d) ? readId(d.id) : undefined;
  if (id === undefined) return ctx.report.invalid(t, "id missing");
  const data = d as Data;
  const bot = ctx.store.botUser?.id;
  if (bot === undefined) return;
  const added = Array.isArray(data.added_members) && (data.added_members as unknown[]).some((entry) => isRecord(entry) && entry.user_id === bot);
  const removed = Array.isArray(data.removed_member_ids) && (data.removed_member_ids as unknown[]).includes(bot);
  if (added) setJoined(ctx, id, true);
  else if (removed) setJoined(ctx, id, false);
}

/** Records whether the bot is a member of a thread. */
function setJoined(ctx: TrackerContext, threadId: string, joined: boolean): void {
  const previous = ctx.store.channels.get(threadId);
  if (previous?.thread === undefined) return ctx.report.debug(`membership of unknown thread ${threadId} ignored`);
  if (previous.thread.joined === joined) return;
  const thread: TrackerChannel = { ...previous, thread: { ...previous.thread, joined } };
  ctx.store.channels.set(threadId, thread);
  ctx.emit("threadUpdate", thread, previous);
}

/** The channel and thread entries of the dispatch table. */
export const channelHandlers: ReadonlyArray<readonly [string, DispatchHandler]> = [
  ["CHANNEL_CREATE", onChannel],
  ["CHANNEL_UPDATE", onChannel],
  ["CHANNEL_DELETE", onChannelDelete],
  ["THREAD_CREATE", onThread],
  ["THREAD_UPDATE", onThread],
  ["THREAD_DELETE", onThreadDelete],
  ["THREAD_LIST_SYNC", onThreadListSync],
  ["THREAD_MEMBER_UPDATE", onThreadMember],
  ["THREAD_MEMBERS_UPDATE", onThreadMembers],
];
