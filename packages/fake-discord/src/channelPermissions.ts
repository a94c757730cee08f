import type { ChannelFixture, GuildFixture } from "./GuildFixture.js";
import { Permissions } from "./Permissions.js";

/** Every bit the fake knows: what the owner and holders of ADMINISTRATOR have. */
export const ALL_PERMISSIONS: bigint = Object.values(Permissions).reduce((all, bit) => all | bit, 0n);

/**
 * The guild-wide permissions of `userId`: @everyone OR the member's roles; every bit for the
 * owner and for ADMINISTRATOR; none for a user who is not a member.
 */
export function guildPermissions(guild: GuildFixture, userId: string): bigint {
  if (guild.ownerId === userId) return ALL_PERMISSIONS;
  const member = guild.members.find((entry) => entry.user.id === userId);
  if (member === undefined) return 0n;
  let base = guild.roles.find((role) => role.id === guild.id)?.permissions ?? 0n;
  for (const role of guild.roles) if (member.roles.includes(role.id)) base |= role.permissions;
  return (base & Permissions.ADMINISTRATOR) !== 0n ? ALL_PERMISSIONS : base;
}

/** The permissions of `userId` in a guild channel: @everyone, roles, then the channel's overwrites (PROTOCOL.md §8). */
export function channelPermissions(guild: GuildFixture, channel: ChannelFixture, userId: string): bigint {
  let base = guildPermissions(guild, userId);
  if (base === ALL_PERMISSIONS) return base;
  const member = guild.members.find((entry) => entry.user.id === userId);
  if (member === undefined) return 0n;
  const everyone = channel.overwrites.find((overwrite) => overwrite.id === guild.id);
  if (everyone !== undefined) base = (base & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of channel.overwrites) {
    if (overwrite.type === "role" && overwrite.id !== guild.id && member.roles.includes(overwrite.id)) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  base = (base & ~deny) | allow;
  const own = channel.overwrites.find((overwrite) => overwrite.type === "member" && overwrite.id === userId);
  if (own !== undefined) base = (base & ~own.deny) | own.allow;
  return base;
}

/** An overwrite's two bit sets. */
export interface OverwriteBits {
  readonly allow: bigint;
  readonly deny: bigint;
}

/**
 * The bits `userId` may not change when an overwrite of `channel` goes from `before` (none:
 * `undefined`) to `after`; `0n` when the change is allowed. This is Discord's rule for Edit
 * Channel Permissions: "Only permissions your bot has in the guild or parent channel (if
 * applicable) can be allowed/denied (unless your bot has a MANAGE_ROLES overwrite in the
 * channel)" — discord-api-docs, resources/channel, and discord-api-docs#3450, where Discord
 * confirmed that a bit held only through the channel's own overwrites does not count.
 *
 * - The owner and ADMINISTRATOR may change every bit.
 * - So may a user with an overwrite in the channel that applies to it (@everyone's, one of its
 *   roles', its own) and allows MANAGE_ROLES.
 * - Otherwise each bit whose state changes (allowed, denied or neither) must be held in the
 *   parent category (its computed permissions there) or, for a channel without one, guild-wide.
 *
 * Discord's text does not say whether bits left as they were count; the fake checks only the
 * bits that change, so re-sending an overwrite's other bits unchanged is allowed.
 * MANAGE_ROLES itself is not checked here: the route needs it in the channel anyway.
 */
export function overwriteBitsMissing(guild: GuildFixture, channel: ChannelFixture, userId: string, before: OverwriteBits | undefined, after: OverwriteBits): bigint {
  const changed = ((before?.allow ?? 0n) ^ after.allow) | ((before?.deny ?? 0n) ^ after.deny);
  if (changed === 0n) return 0n;
  const base = guildPermissions(guild, userId);
  if (base === ALL_PERMISSIONS) return 0n;
  const member = guild.members.find((entry) => entry.user.id === userId);
  if (member === undefined) return changed;
  const manageRolesOverwrite = channel.overwrites.some(
    (overwrite) =>
      (overwrite.allow & Permissions.MANAGE_ROLES) !== 0n &&
      (overwrite.id === guild.id || (overwrite.type === "role" && member.roles.includes(overwrite.id)) || (overwrite.type === "member" && overwrite.id === userId)),
  );
  if (manageRolesOverwrite) return 0n;
  const parent = channel.parentId === null ? undefined : guild.channels.find((entry) => entry.id === channel.parentId && entry.type === 4);
  const held = parent === undefined ? base : channelPermissions(guild, parent, userId);
  return changed & ~held;
}
