// Dispatch handlers for the session and guilds: READY, GUILD_UPDATE, GUILD_DELETE, the
// GUILD_ROLE_* events and USER_UPDATE. (GUILD_CREATE carries members: memberListTasks.ts.)
import { isRecord } from "@nuwani/util";
import { readId, readRole, readUser } from "../parsePayload.js";
import type { TrackerContext } from "../TrackerContext.js";
import type { DispatchHandler } from "./dispatchTable.js";
import { markUnavailable } from "./memberListTasks.js";

/** READY: a new session. What is not in it is gone; what is in it is rebuilt by its GUILD_CREATE. */
function onReady(ctx: TrackerContext, d: unknown, t: string): void {
  const { store, sync, report, emit } = ctx;
  if (!isRecord(d)) return report.invalid(t, "d is not an object");
  const user = readUser(d.user);
  const sessionId = d.session_id;
  if (user === undefined || typeof sessionId !== "string" || !Array.isArray(d.guilds)) {
    return report.invalid(t, "user, session_id or guilds missing");
  }
  const listed = new Set<string>();
  for (const entry of d.guilds as unknown[]) {
    const id = isRecord(entry) ? readId(entry.id) : undefined;
    if (id !== undefined) listed.add(id);
  }
  sync.forgetRequests();
  const bot = store.startSession(sessionId, user);
  for (const guild of [...store.guilds.values()]) {
    if (!listed.has(guild.id)) {
      const view = store.guildView(guild);
      sync.cancel(guild);
      store.removeGuild(guild);
      emit("guildLeave", view);
    }
  }
  for (const id of listed) {
    const guild = store.guilds.get(id) ?? store.createGuild(id);
    guild.unavailable = true;
    guild.synced = false;
    sync.cancel(guild);
  }
  for (const channel of [...store.channels.values()]) if (channel.guildId === null) store.removeChannel(channel);
  if (Array.isArray(d.private_channels)) {
    for (const entry of d.private_channels as unknown[]) store.putChannel(entry, null, t, false);
  }
  report.debug(`ready: session ${sessionId}, ${listed.size} guild(s)`);
  emit("ready", bot, sessionId);
}

/** GUILD_UPDATE: name and owner. */
function onGuildUpdate(ctx: TrackerContext, d: unknown, t: string): void {
  const { store, report, emit } = ctx;
  const guild = isRecord(d) ? store.guilds.get(readId(d.id) ?? "") : undefined;
  if (!isRecord(d) || typeof d.name !== "string") return report.invalid(t, "id or name missing");
  if (guild === undefined) return report.debug(`${t} for unknown guild ignored`);
  const previous = store.guildView(guild);
  guild.name = d.name;
  if (d.owner_id !== undefined) guild.ownerId = readId(d.owner_id) ?? guild.ownerId;
  emit("guildUpdate", store.guildView(guild), previous);
}

/** GUILD_DELETE: an outage (`unavailable: true`), or the bot left and the guild is dropped. */
function onGuildDelete(ctx: TrackerContext, d: unknown, t: string): void {
  const id = isRecord(d) ? readId(d.id) : undefined;
  if (id === undefined) return ctx.report.invalid(t, "id missing");
  if ((d as Record<string, unknown>).unavailable === true) return markUnavailable(ctx, id);
  const guild = ctx.store.guilds.get(id);
  if (guild === undefined) return;
  const view = ctx.store.guildView(guild);
  ctx.sync.cancel(guild);
  ctx.store.removeGuild(guild);
  ctx.emit("guildLeave", view);
}

/** GUILD_ROLE_CREATE and GUILD_ROLE_UPDATE: the role. */
function onRole(ctx: TrackerContext, d: unknown, t: string): void {
  const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
  const role = guildId === undefined ? undefined : readRole((d as Record<string, unknown>).role, guildId);
  if (role === undefined) return ctx.report.invalid(t, "guild_id or role missing or malformed");
  const guild = ctx.store.guilds.get(guildId!);
  if (guild === undefined) return ctx.report.debug(`${t} for unknown guild ignored`);
  const previous = guild.roles.get(role.id);
  guild.roles.set(role.id, role);
  if (previous === undefined) ctx.emit("roleCreate", role);
  else ctx.emit("roleUpdate", role, previous);
}

/** GUILD_ROLE_DELETE: the role, also taken from every member holding it. */
function onRoleDelete(ctx: TrackerContext, d: unknown, t: string): void {
  const guildId = isRecord(d) ? readId(d.guild_id) : undefined;
  const roleId = isRecord(d) ? readId(d.role_id) : undefined;
  if (guildId === undefined || roleId === undefined) return ctx.report.invalid(t, "guild_id or role_id missing");
  const guild = ctx.store.guilds.get(guildId);
  const role = guild?.roles.get(roleId);
  if (guild === undefined || role === undefined) return;
  guild.roles.delete(roleId);
  // Members no longer hold it (Discord sends no member updates for this).
  ctx.store.removeRoleFromMembers(guild, roleId);
  ctx.emit("roleDelete", role);
}

/** USER_UPDATE: the bot's own user. */
function onUserUpdate(ctx: TrackerContext, d: unknown, t: string): void {
  const { users } = ctx.store;
  const user = readUser(d);
  if (user === undefined) return ctx.report.invalid(t, "id missing");
  const index = users.indexOf(user.id);
  if (index < 0) return ctx.report.debug(`${t} for an unknown user ignored`);
  const previous = users.view(index);
  const changed = { value: false };
  users.upsert(user, changed);
  if (changed.value) ctx.emit("userUpdate", users.view(index), previous);
}

/** The session and guild entries of the dispatch table. */
export const guildHandlers: ReadonlyArray<readonly [string, DispatchHandler]> = [
  ["READY", onReady],
  ["GUILD_UPDATE", onGuildUpdate],
  ["GUILD_DELETE", onGuildDelete],
  ["GUILD_ROLE_CREATE", onRole],
  ["GUILD_ROLE_UPDATE", onRole],
  ["GUILD_ROLE_DELETE", onRoleDelete],
  ["USER_UPDATE", onUserUpdate],
];
