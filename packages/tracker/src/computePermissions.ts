import { Permissions } from "./Permissions.js";
import type { TrackerOverwrite } from "./types.js";

/** What {@link computePermissions} needs to know about a member, its guild and a channel. */
export interface PermissionInput {
  /** The guild's id (= its `@everyone` role's id). */
  readonly guildId: string;
  /** The guild owner's user id. */
  readonly ownerId: string | null;
  /** The member's user id. */
  readonly userId: string;
  /** The member's role ids (without `@everyone`). */
  readonly roles: readonly string[];
  /** A role's permissions, `undefined` for a role the guild does not have. */
  readonly rolePermissions: (roleId: string) => bigint | undefined;
  /**
   * The channel's permission overwrites. Leave out to get the member's guild-wide (base)
   * permissions.
   */
  readonly overwrites?: readonly TrackerOverwrite[];
  /**
   * The channel is a thread; `overwrites` are then its parent channel's (threads inherit
   * them). A thread does not inherit SEND_MESSAGES: the result's SEND_MESSAGES bit is set
   * exactly when the member has SEND_MESSAGES_IN_THREADS.
   * @defaultValue false
   */
  readonly thread?: boolean;
  /**
   * When the member's timeout ends (`communication_disabled_until`, Unix ms), if any. While
   * it is after `now` the member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY, unless it
   * is the owner or has ADMINISTRATOR.
   * @defaultValue null (not timed out)
   */
  readonly timedOutUntil?: number | null;
  /** The current time in Unix ms, for `timedOutUntil`. @defaultValue `Date.now()` */
  readonly now?: number;
}

const SEND_DEPENDENT =
  Permissions.MENTION_EVERYONE | Permissions.SEND_TTS_MESSAGES | Permissions.ATTACH_FILES | Permissions.EMBED_LINKS;
/** What a timed-out member keeps (discord-api-docs, "Permissions For Timed Out Members"). */
const TIMED_OUT_KEEPS = Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY;

/**
 * A member's permissions, per PROTOCOL.md §8: the owner and `ADMINISTRATOR` get everything;
 * otherwise `@everyone` OR the member's roles, then, in a channel, the `@everyone` overwrite,
 * all role overwrites combined, and the member's own overwrite, in that order. A timed-out
 * member then keeps only `VIEW_CHANNEL` and `READ_MESSAGE_HISTORY`. In a thread,
 * `SEND_MESSAGES` follows `SEND_MESSAGES_IN_THREADS`. In a channel without `VIEW_CHANNEL`
 * nothing is left, and without `SEND_MESSAGES` neither are `MENTION_EVERYONE`,
 * `SEND_TTS_MESSAGES`, `ATTACH_FILES` and `EMBED_LINKS`.
 */
export function computePermissions(input: PermissionInput): bigint {
  if (input.ownerId !== null && input.userId === input.ownerId) return Permissions.ALL;
  let permissions = input.rolePermissions(input.guildId) ?? 0n;
  for (const role of input.roles) permissions |= input.rolePermissions(role) ?? 0n;
  if ((permissions & Permissions.ADMINISTRATOR) !== 0n) return Permissions.ALL;
  const timedOut = input.timedOutUntil != null && input.timedOutUntil > (input.now ?? Date.now());
  const overwrites = input.overwrites;
  if (overwrites === undefined) return timedOut ? permissions & TIMED_OUT_KEEPS : permissions;

  let everyone: TrackerOverwrite | undefined;
  let member: TrackerOverwrite | undefined;
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.id === input.guildId) everyone = overwrite;
    else if (overwrite.type === "member") {
      if (overwrite.id === input.userId) member = overwrite;
    } else if (input.roles.includes(overwrite.id)) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  if (everyone !== undefined) permissions = (permissions & ~everyone.deny) | everyone.allow;
  permissions = (permissions & ~deny) | allow;
  if (member !== undefined) permissions = (permissions & ~member.deny) | member.allow;

  if (input.thread === true) {
    permissions &= ~Permissions.SEND_MESSAGES;
    if ((permissions & Permissions.SEND_MESSAGES_IN_THREADS) !== 0n) permissions |= Permissions.SEND_MESSAGES;
  }
  if (timedOut) permissions &= TIMED_OUT_KEEPS;
  if ((permissions & Permissions.VIEW_CHANNEL) === 0n) return 0n;
  if ((permissions & Permissions.SEND_MESSAGES) === 0n) permissions &= ~SEND_DEPENDENT;
  return permissions;
}
