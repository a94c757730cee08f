// Defensive readers of dispatch payloads (PROTOCOL.md §6: "parse defensively"), for the v6
// and the v10 shapes. Each returns `undefined` when a required field is missing or of the
// wrong type, so the caller can report the payload and leave its state untouched.
import { isRecord } from "@nuwani/util";
import type { TrackerChannel, TrackerOverwrite, TrackerRole, TrackerThread } from "./types.js";
import type { UserData } from "./UserStore.js";

/** A JSON object. */
type JsonRecord = Record<string, unknown>;

const SNOWFLAKE = /^\d{1,20}$/;

/** A snowflake string, or `undefined`. */
export function readId(value: unknown): string | undefined {
  return typeof value === "string" && SNOWFLAKE.test(value) ? value : undefined;
}

/** A string or null; `undefined` when absent or of another type. */
export function readNullableString(value: unknown): string | null | undefined {
  return value === null ? null : typeof value === "string" ? value : undefined;
}

/**
 * A permission value: the v6 `*_new` string when present, else the legacy integer (v6) or
 * the string (v10). `undefined` when neither is a valid non-negative integer.
 */
export function readPermissions(preferred: unknown, fallback: unknown): bigint | undefined {
  for (const value of [preferred, fallback]) {
    if (typeof value === "string" && /^\d{1,40}$/.test(value)) return BigInt(value);
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  }
  return undefined;
}

/** An ISO 8601 time as Unix milliseconds; `NaN` when absent or unparsable. */
export function readTime(value: unknown): number {
  return typeof value === "string" ? Date.parse(value) : Number.NaN;
}

/** A User (or partial user: only `id` required). */
export function readUser(value: unknown): UserData | undefined {
  if (!isRecord(value)) return undefined;
  const id = readId(value.id);
  if (id === undefined) return undefined;
  const user: UserData = { id };
  if (typeof value.username === "string") user.username = value.username;
  if (typeof value.discriminator === "string") user.discriminator = value.discriminator;
  const avatar = readNullableString(value.avatar);
  if (avatar !== undefined) user.avatar = avatar;
  const globalName = readNullableString(value.global_name);
  if (globalName !== undefined) user.globalName = globalName;
  if (typeof value.bot === "boolean") user.bot = value.bot;
  return user;
}

/** A member's role ids (without `@everyone`); `undefined` if not an array of snowflakes. */
export function readRoleIds(value: unknown, guildId: string): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const roles: string[] = [];
  for (const role of value as unknown[]) {
    if (typeof role !== "string" || !SNOWFLAKE.test(role)) return undefined;
    if (role !== guildId) roles.push(role);
  }
  return roles;
}

/** A Role (v6: `permissions_new` over `permissions`; v10: `permissions` string). */
export function readRole(value: unknown, guildId: string): TrackerRole | undefined {
  if (!isRecord(value)) return undefined;
  const id = readId(value.id);
  const permissions = readPermissions(value.permissions_new, value.permissions);
  if (id === undefined || typeof value.name !== "string" || permissions === undefined) return undefined;
  return {
    id,
    guildId,
    name: value.name,
    color: typeof value.color === "number" ? value.color : 0,
    hoist: value.hoist === true,
    position: typeof value.position === "number" ? value.position : 0,
    permissions,
    managed: value.managed === true,
    mentionable: value.mentionable === true,
  };
}

/** An Overwrite (v6: `type` "role"/"member", `allow_new`/`deny_new`; v10: `type` 0/1, strings). */
export function readOverwrite(value: unknown): TrackerOverwrite | undefined {
  if (!isRecord(value)) return undefined;
  const id = readId(value.id);
  const type = value.type === "role" || value.type === 0 ? "role" : value.type === "member" || value.type === 1 ? "member" : undefined;
  const allow = readPermissions(value.allow_new, value.allow);
  const deny = readPermissions(value.deny_new, value.deny);
  if (id === undefined || type === undefined || allow === undefined || deny === undefined) return undefined;
  return { id, type, allow, deny };
}

/** Whether a channel type is a thread (10 announcement, 11 public, 12 private). */
export function isThreadType(type: number): boolean {
  return type === 10 || type === 11 || type === 12;
}

/**
 * A thread's own fields (`owner_id`, `thread_metadata`); `joined` from its `member` (the
 * bot's thread member), else `joined` as given (what the tracker knew before).
 */
function readThread(value: JsonRecord, joined: boolean): TrackerThread {
  const metadata = isRecord(value.thread_metadata) ? value.thread_metadata : {};
  return {
    ownerId: readId(value.owner_id) ?? null,
    archived: metadata.archived === true,
    locked: metadata.locked === true,
    invitable: metadata.invitable !== false,
    joined: isRecord(value.member) ? true : joined,
  };
}

/**
 * A Channel. `guildId` fills a missing `guild_id` (channels inside GUILD_CREATE lack it).
 * `recipients` come back as users for the caller to store; only their ids are kept. A
 * thread (v10) needs a `parent_id`; `joined` is what the tracker knew of the bot's
 * membership, kept unless the payload carries the bot's thread `member`.
 */
export function readChannel(
  value: unknown,
  guildId: string | null,
  joined = false,
): { channel: TrackerChannel; recipients: UserData[] } | undefined {
  if (!isRecord(value)) return undefined;
  const id = readId(value.id);
  const type = value.type;
  if (id === undefined || typeof type !== "number" || !Number.isInteger(type)) return undefined;
  const ownGuild = value.guild_id === undefined || value.guild_id === null ? guildId : readId(value.guild_id);
  if (ownGuild === undefined) return undefined;
  const overwrites: TrackerOverwrite[] = [];
  if (Array.isArray(value.permission_overwrites)) {
    for (const entry of value.permission_overwrites as unknown[]) {
      const overwrite = readOverwrite(entry);
      if (overwrite === undefined) return undefined;
      overwrites.push(overwrite);
    }
  }
  const recipients: UserData[] = [];
  if (Array.isArray(value.recipients)) {
    for (const entry of value.recipients as unknown[]) {
      const user = readUser(entry);
      if (user === undefined) return undefined;
      recipients.push(user);
    }
  }
  const name = readNullableString(value.name) ?? null;
  const topic = readNullableString(value.topic) ?? null;
  const parentId = readId(value.parent_id) ?? null;
  const thread = isThreadType(type);
  if (thread && (parentId === null || ownGuild === null)) return undefined;
  return {
    channel: {
      id,
      type,
      guildId: ownGuild,
      name,
      position: typeof value.position === "number" ? value.position : 0,
      parentId,
      topic,
      nsfw: value.nsfw === true,
      overwrites: Object.freeze(overwrites),
      recipients: Object.freeze(recipients.map((user) => user.id)),
      ...(thread ? { thread: readThread(value, joined) } : {}),
    },
    recipients,
  };
}

const STATUS_CODES: Record<string, number> = { offline: 0, invisible: 0, online: 1, idle: 2, dnd: 3 };

/** A status string as its code (0 offline, 1 online, 2 idle, 3 dnd); `undefined` if unknown. */
export function readStatus(value: unknown): number | undefined {
  return typeof value === "string" ? STATUS_CODES[value] : undefined;
}

/** The name of a presence's first activity that is not a custom status (v6 `game` or `activities`). */
export function readActivity(presence: JsonRecord): string | null {
  const candidates: unknown[] = Array.isArray(presence.activities) ? (presence.activities as unknown[]) : [];
  if (isRecord(presence.game)) candidates.unshift(presence.game);
  for (const activity of candidates) {
    if (isRecord(activity) && typeof activity.name === "string" && activity.type !== 4) return activity.name;
  }
  return null;
}
