// Dispatch handlers for single members: GUILD_MEMBER_ADD/UPDATE/REMOVE and PRESENCE_UPDATE.
// (Member lists — GUILD_CREATE, GUILD_MEMBERS_CHUNK — are in memberListTasks.ts.)
import { STATUSES } from "../MemberStore.js";
import { readStatus, readUser } from "../parsePayload.js";
import type { TrackerContext } from "../TrackerContext.js";
import type { DispatchHandler } from "./dispatchTable.js";

type Data = Record<string, unknown>;

/** GUILD_MEMBER_ADD: the member and its user; `member_count` follows. */
function onMemberAdd(ctx: TrackerContext, d: unknown, t: string): void {
  const { store } = ctx;
  const guild = store.guildOf(d, t);
  if (guild === undefined) return;
  const user = readUser((d as Data).user);
  const before = user === undefined ? -1 : store.slotOf(guild, user.id);
  if (!store.upsertMember(guild, d)) return ctx.report.invalid(t, "member malformed");
  if (before >= 0) return;
  guild.memberCount++;
  ctx.emit("memberJoin", store.memberView(guild, store.slotOf(guild, user!.id)));
}

/** GUILD_MEMBER_UPDATE: the member (roles, nickname, timeout) and its user. */
function onMemberUpdate(ctx: TrackerContext, d: unknown, t: string): void {
  const { store } = ctx;
  const guild = store.guildOf(d, t);
  if (guild === undefined) return;
  const user = readUser((d as Data).user);
  if (user === undefined) return ctx.report.invalid(t, "user missing");
  const before = store.slotOf(guild, user.id);
  const previous = before < 0 ? undefined : store.memberView(guild, before);
  if (!store.upsertMember(guild, d)) return ctx.report.invalid(t, "member malformed");
  if (previous === undefined) return;
  const member = store.memberView(guild, before);
  const addedRoles = member.roles.filter((role) => !previous.roles.includes(role));
  const removedRoles = previous.roles.filter((role) => !member.roles.includes(role));
  ctx.emit("memberUpdate", member, previous, {
    rolesChanged: addedRoles.length + removedRoles.length > 0,
    addedRoles,
    removedRoles,
    nickChanged: member.nick !== previous.nick,
  });
}

/** GUILD_MEMBER_REMOVE: the member; `member_count` follows. */
function onMemberRemove(ctx: TrackerContext, d: unknown, t: string): void {
  const { store } = ctx;
  const guild = store.guildOf(d, t);
  if (guild === undefined) return;
  const user = readUser((d as Data).user);
  if (user === undefined) return ctx.report.invalid(t, "user missing");
  guild.memberCount = Math.max(0, guild.memberCount - 1);
  const slot = store.slotOf(guild, user.id);
  if (slot < 0) return;
  const view = store.memberView(guild, slot);
  store.removeMember(guild, slot);
  ctx.emit("memberLeave", view, "left");
}

/** PRESENCE_UPDATE: status and activity of a known member (and the user's fields, when sent). */
function onPresence(ctx: TrackerContext, d: unknown, t: string): void {
  const { store } = ctx;
  const guild = store.guildOf(d, t);
  if (guild === undefined) return;
  const user = readUser((d as Data).user);
  if (user === undefined || readStatus((d as Data).status) === undefined) return ctx.report.invalid(t, "user or status missing");
  const slot = store.slotOf(guild, user.id);
  if (slot < 0) return;
  const previousStatus = guild.members.status(slot);
  const previousActivity = guild.members.activity(slot);
  if (user.username !== undefined) store.users.upsert(user);
  store.applyPresence(guild, d);
  if (guild.members.status(slot) !== previousStatus || guild.members.activity(slot) !== previousActivity) {
    ctx.emit("presenceUpdate", store.memberView(guild, slot), STATUSES[previousStatus]!);
  }
}

/** The member entries of the dispatch table. */
export const memberHandlers: ReadonlyArray<readonly [string, DispatchHandler]> = [
  ["GUILD_MEMBER_ADD", onMemberAdd],
  ["GUILD_MEMBER_UPDATE", onMemberUpdate],
  ["GUILD_MEMBER_REMOVE", onMemberRemove],
  ["PRESENCE_UPDATE", onPresence],
];
