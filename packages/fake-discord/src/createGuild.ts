import { createSeededRandom, type Random } from "@nuwani/util";
import { createBotUser } from "./createBotUser.js";
import type {
  ChannelFixture,
  GuildFixture,
  MemberFixture,
  OverwriteFixture,
  PresenceStatus,
  RoleFixture,
  UserFixture,
} from "./GuildFixture.js";
import { Permissions } from "./Permissions.js";
import { snowflake } from "./snowflake.js";

/** A permission value as a fixture input accepts it. */
export type PermissionInput = bigint | number | string;

/** A role to create (see {@link CreateGuildOptions.roles}). */
export interface RoleInput {
  /** @defaultValue a snowflake derived from the seed */
  id?: string;
  name: string;
  /** @defaultValue 0 */
  permissions?: PermissionInput;
  /** @defaultValue 0 */
  color?: number;
  /** @defaultValue false */
  hoist?: boolean;
  /** @defaultValue its index in the list, plus one */
  position?: number;
  /** A managed (integration) role is never handed to random members. @defaultValue false */
  managed?: boolean;
  /** @defaultValue false */
  mentionable?: boolean;
}

/** A channel to create (see {@link CreateGuildOptions.channels}). */
export interface ChannelInput {
  /** @defaultValue a snowflake derived from the seed */
  id?: string;
  name: string;
  /** 0 text, 2 voice, 4 category, 5 news, 6 store. @defaultValue 0 */
  type?: number;
  /** @defaultValue its index in the list */
  position?: number;
  /** @defaultValue null */
  parentId?: string | null;
  /** @defaultValue null */
  topic?: string | null;
  /** @defaultValue false */
  nsfw?: boolean;
  /** @defaultValue 0 */
  rateLimitPerUser?: number;
  /** @defaultValue none */
  overwrites?: Array<{ id: string; type: "role" | "member"; allow?: PermissionInput; deny?: PermissionInput }>;
}

/** Options of {@link createGuild}. */
export interface CreateGuildOptions {
  /**
   * Seeds every generated id, name and status, so the same options give the same guild.
   * Give guilds that live in one fake different seeds (or ids).
   * @defaultValue 1
   */
  seed?: number;
  /** @defaultValue a snowflake derived from the seed */
  id?: string;
  /** @defaultValue "Las Venturas Playground" */
  name?: string;
  /**
   * How many members the guild has, the bot's own member included (`member_count`).
   * @defaultValue 10
   */
  members?: number;
  /**
   * The share of the other members that are not offline (online, idle or dnd).
   * @defaultValue 0.25
   */
  online?: number;
  /** The bot, whose member is always present, online, first. @defaultValue {@link createBotUser}() */
  bot?: UserFixture;
  /** Permissions of `@everyone`. @defaultValue view, send, read history, react, embed, attach, connect, speak… */
  everyonePermissions?: PermissionInput;
  /**
   * The guild's roles besides `@everyone`, replacing the default ones (Nuwani (managed,
   * the bot's), Management (administrator), Administrator, Moderator, VIP). Members get each
   * non-managed role with a small seeded probability.
   */
  roles?: RoleInput[];
  /**
   * The guild's channels, replacing the default ones: a category with `general`, `admin`
   * (hidden from `@everyone`), `echo` (only the bot may send) and a voice channel `Lounge`.
   */
  channels?: ChannelInput[];
  /** @defaultValue false */
  unavailable?: boolean;
}

const DEFAULT_EVERYONE =
  Permissions.CREATE_INSTANT_INVITE |
  Permissions.ADD_REACTIONS |
  Permissions.STREAM |
  Permissions.VIEW_CHANNEL |
  Permissions.SEND_MESSAGES |
  Permissions.EMBED_LINKS |
  Permissions.ATTACH_FILES |
  Permissions.READ_MESSAGE_HISTORY |
  Permissions.USE_EXTERNAL_EMOJIS |
  Permissions.CONNECT |
  Permissions.SPEAK |
  Permissions.USE_VAD |
  Permissions.CHANGE_NICKNAME;

const SYLLABLES = ["ka", "lu", "ve", "ro", "mi", "sa", "to", "ne", "xa", "di", "gor", "fen", "bri", "zo", "qua", "el"];
const GAMES = ["Las Venturas Playground", "Grand Theft Auto: San Andreas", "Minecraft", "Counter-Strike"];
const DAY = 86_400_000;

function toBigInt(value: PermissionInput | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  return typeof value === "bigint" ? value : BigInt(value);
}

function seedOf(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return hash >>> 0;
}

function makeName(random: () => number, index: number): string {
  const parts = 2 + Math.floor(random() * 2);
  let name = "";
  for (let i = 0; i < parts; i++) name += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  name = name[0]!.toUpperCase() + name.slice(1);
  return random() < 0.3 ? `${name}${index % 100}` : name;
}

/**
 * Builds a deterministic guild fixture: the same options give the same ids, names, roles,
 * statuses and join dates. The bot's member comes first and is online; the owner is the
 * first other member and holds the administrator role. Cheap enough for 100,000 members.
 *
 * @example
 * ```ts
 * const small = createGuild();                                   // 10 members
 * const large = createGuild({ seed: 2, members: 100_000, online: 0.25 });
 * ```
 */
export function createGuild(options: CreateGuildOptions = {}): GuildFixture {
  const seed = options.seed ?? (options.id === undefined ? 1 : seedOf(options.id));
  const created = Date.UTC(2020, 0, 1) + (seed % 1000) * DAY;
  const id = options.id ?? snowflake(created, seed & 0xfff);
  const bot = options.bot ?? createBotUser();
  const roles = buildRoles(options, id, created);
  const byName = (name: string): RoleFixture | undefined => roles.find((role) => role.name === name);
  const channels = buildChannels(options.channels ?? defaultChannels(created, id, byName), created);
  const members = buildMembers({
    random: createSeededRandom(seed),
    bot,
    roles,
    created,
    count: Math.max(1, Math.floor(options.members ?? 10)),
    online: Math.min(1, Math.max(0, options.online ?? 0.25)),
  });

  return {
    id,
    name: options.name ?? "Las Venturas Playground",
    ownerId: members[1]?.user.id ?? bot.id,
    joinedAt: members[0]!.joinedAt,
    roles,
    channels,
    members,
    unavailable: options.unavailable ?? false,
    systemChannelId: channels.find((channel) => channel.type === 0)?.id ?? null,
    afkChannelId: null,
  };
}

/** The LVP-like roles `createGuild` gives when none are asked for. */
function defaultRoles(): RoleInput[] {
  return [
    {
      name: "Nuwani",
      managed: true,
      permissions:
        Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS | Permissions.ADD_REACTIONS |
        Permissions.READ_MESSAGE_HISTORY | Permissions.MANAGE_MESSAGES,
    },
    { name: "Management", permissions: Permissions.ADMINISTRATOR, color: 0xa52a2a, hoist: true },
    {
      name: "Administrator",
      permissions: Permissions.KICK_MEMBERS | Permissions.BAN_MEMBERS | Permissions.MANAGE_MESSAGES | Permissions.MENTION_EVERYONE,
      color: 0xff8c00,
      hoist: true,
    },
    { name: "Moderator", permissions: Permissions.MANAGE_MESSAGES, color: 0x3498db, hoist: true },
    { name: "VIP", color: 0xf1c40f, mentionable: true },
  ];
}

/** @everyone (the guild's id), then the asked-for (or default) roles, highest first. */
function buildRoles(options: CreateGuildOptions, guildId: string, created: number): RoleFixture[] {
  const everyone: RoleFixture = {
    id: guildId,
    name: "@everyone",
    color: 0,
    hoist: false,
    position: 0,
    permissions: toBigInt(options.everyonePermissions, DEFAULT_EVERYONE),
    managed: false,
    mentionable: false,
  };
  const roleInputs = options.roles ?? defaultRoles();
  return [
    everyone,
    ...roleInputs.map((input, index) => ({
      id: input.id ?? snowflake(created + 1000, index + 1),
      name: input.name,
      color: input.color ?? 0,
      hoist: input.hoist ?? false,
      position: input.position ?? roleInputs.length - index,
      permissions: toBigInt(input.permissions, 0n),
      managed: input.managed ?? false,
      mentionable: input.mentionable ?? false,
    })),
  ];
}

function buildChannels(channelInputs: readonly ChannelInput[], created: number): ChannelFixture[] {
  return channelInputs.map((input, index) => ({
    id: input.id ?? snowflake(created + 2000, index + 1),
    type: input.type ?? 0,
    name: input.name,
    position: input.position ?? index,
    parentId: input.parentId ?? null,
    topic: input.topic ?? null,
    nsfw: input.nsfw ?? false,
    rateLimitPerUser: input.rateLimitPerUser ?? 0,
    overwrites: (input.overwrites ?? []).map(
      (overwrite): OverwriteFixture => ({
        id: overwrite.id,
        type: overwrite.type,
        allow: toBigInt(overwrite.allow, 0n),
        deny: toBigInt(overwrite.deny, 0n),
      }),
    ),
  }));
}

interface MemberSeed {
  random: Random;
  bot: UserFixture;
  roles: readonly RoleFixture[];
  created: number;
  count: number;
  online: number;
}

/**
 * The bot's member (with the managed roles), then `count - 1` generated members: the first
 * holds the administrator role, the others roles, statuses and activities by chance.
 */
function buildMembers(seed: MemberSeed): MemberFixture[] {
  const { random, bot, roles, created, count, online } = seed;
  const adminRole = roles.slice(1).find((role) => !role.managed && (role.permissions & Permissions.ADMINISTRATOR) !== 0n);
  const assignable = roles.slice(1).filter((role) => !role.managed && role !== adminRole);
  const botRoles = roles.slice(1).filter((role) => role.managed).map((role) => role.id);

  const members: MemberFixture[] = [
    {
      user: bot,
      nick: null,
      roles: botRoles,
      joinedAt: new Date(created + DAY).toISOString(),
      deaf: false,
      mute: false,
      status: "online",
      activity: null,
    },
  ];
  const userBase = BigInt(snowflake(created - 30 * DAY, 0));
  const joinedAt = joinTimes(created + DAY);
  const chances = assignable.map((role, index) => ({ id: role.id, chance: 0.02 * (index + 1) }));
  for (let i = 1; i < count; i++) {
    const username = makeName(random, i);
    const user: UserFixture = {
      id: (userBase + BigInt(i)).toString(),
      username,
      discriminator: String(Math.floor(random() * 10_000)).padStart(4, "0"),
      avatar: null,
      globalName: null,
    };
    const memberRoles: string[] = [];
    if (i === 1 && adminRole !== undefined) memberRoles.push(adminRole.id);
    for (const { id: roleId, chance } of chances) if (random() < chance) memberRoles.push(roleId);
    let status: PresenceStatus = "offline";
    if (random() < online) {
      const pick = random();
      status = pick < 0.7 ? "online" : pick < 0.9 ? "idle" : "dnd";
    }
    const playing = status !== "offline" && random() < 0.3;
    members.push({
      user,
      nick: random() < 0.1 ? `${username} [LVP]` : null,
      roles: memberRoles,
      joinedAt: joinedAt(i),
      deaf: false,
      mute: false,
      status,
      activity: playing ? { name: GAMES[Math.floor(random() * GAMES.length)]!, type: 0, createdAt: created + DAY } : null,
    });
  }
  return members;
}

/** ISO 8601 times one minute apart from `start` (a midnight), formatted without a Date each. */
function joinTimes(start: number): (index: number) => string {
  const days: string[] = [];
  return (index) => {
    const day = Math.floor(index / 1440);
    const minute = index % 1440;
    const date = (days[day] ??= new Date(start + day * DAY).toISOString().slice(0, 10));
    const hh = String(Math.floor(minute / 60)).padStart(2, "0");
    const mm = String(minute % 60).padStart(2, "0");
    return `${date}T${hh}:${mm}:00.000Z`;
  };
}

function defaultChannels(created: number, guildId: string, role: (name: string) => RoleFixture | undefined): ChannelInput[] {
  const category = snowflake(created + 2000, 1);
  const staff = ["Nuwani", "Management", "Administrator"].flatMap((name) => {
    const found = role(name);
    return found === undefined ? [] : [{ id: found.id, type: "role" as const, allow: Permissions.VIEW_CHANNEL }];
  });
  const botRole = role("Nuwani");
  return [
    { id: category, name: "Las Venturas Playground", type: 4 },
    { name: "general", parentId: category, topic: "Talk with the players in game" },
    {
      name: "admin",
      parentId: category,
      topic: "Administrators only",
      overwrites: [{ id: guildId, type: "role", deny: Permissions.VIEW_CHANNEL }, ...staff],
    },
    {
      name: "echo",
      parentId: category,
      topic: "What happens in game",
      overwrites: [
        { id: guildId, type: "role", deny: Permissions.SEND_MESSAGES },
        ...(botRole === undefined ? [] : [{ id: botRole.id, type: "role" as const, allow: Permissions.SEND_MESSAGES }]),
      ],
    },
    { name: "Lounge", type: 2, parentId: category },
  ];
}
