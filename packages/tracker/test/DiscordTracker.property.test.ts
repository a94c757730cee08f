// Random event sequences applied to the tracker and to a small, obviously correct reference
// model (plain Maps), compared after every event.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiscordTracker } from "../src/DiscordTracker.js";

const BOT = "90";
const GUILDS = ["1001", "1002"];
const USERS = ["2001", "2002", "2003", "2004", "2005", "2006", "2007"];
const ROLES = ["3001", "3002", "3003", "3004"];
const CHANNELS = ["4001", "4002", "4003", "4004"];
const STATUSES = ["online", "idle", "dnd", "offline"] as const;

interface ModelMember {
  roles: string[];
  nick: string | null;
  status: string;
}
interface ModelGuild {
  unavailable: boolean;
  synced: boolean;
  roles: Map<string, { name: string; permissions: bigint }>;
  members: Map<string, ModelMember>;
  /** Members seen since the last GUILD_CREATE, while its mark-and-sweep is open. */
  seen: Set<string> | null;
  /** Chunk indices received per nonce, while a member sync is awaited. */
  sync: Map<string, { count: number; indices: Set<number> }> | null;
}
interface Model {
  guilds: Map<string, ModelGuild>;
  channels: Map<string, { guildId: string; name: string }>;
  usernames: Map<string, string>;
}

type Event = { t: string; d: Record<string, unknown>; version: 6 | 10 };

const sortedUnique = (roles: string[]) => [...new Set(roles)].sort();

// ─── generators ───────────────────────────────────────────────────────────────────────────

const name = fc.constantFrom("alpha", "beta", "gamma", "delta");
const version = fc.constantFrom(6 as const, 10 as const);
const user = fc.record({ id: fc.constantFrom(...USERS), username: name });
const memberData = fc.record({
  user,
  roles: fc.array(fc.constantFrom(...ROLES), { maxLength: 3 }),
  nick: fc.option(name, { nil: null }),
});
const role = fc.record({ id: fc.constantFrom(...ROLES), name, permissions: fc.bigInt({ min: 0n, max: (1n << 45n) - 1n }) });
const channel = fc.record({ id: fc.constantFrom(...CHANNELS), name });

function roleShape(r: { id: string; name: string; permissions: bigint }, v: 6 | 10) {
  return v === 6
    ? { id: r.id, name: r.name, permissions: Number(r.permissions & 0x7fff_ffffn), permissions_new: r.permissions.toString() }
    : { id: r.id, name: r.name, permissions: r.permissions.toString() };
}
function memberShape(m: { user: { id: string; username: string }; roles: string[]; nick: string | null }) {
  return { user: { id: m.user.id, username: m.user.username, discriminator: "0001", avatar: null }, roles: m.roles, nick: m.nick, joined_at: "2020-01-01T00:00:00.000Z" };
}

const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ guilds: fc.subarray(GUILDS), version }).map(({ guilds, version: v }) => ({
    t: "READY",
    version: v,
    d: { user: { id: BOT, username: "bot", discriminator: "0001" }, session_id: "s", guilds: guilds.map((id) => ({ id, unavailable: true })) },
  })),
  fc
    .record({
      guild: fc.constantFrom(...GUILDS),
      roles: fc.uniqueArray(role, { selector: (r) => r.id, maxLength: 4 }),
      channels: fc.uniqueArray(channel, { selector: (c) => c.id, maxLength: 3 }),
      members: fc.uniqueArray(fc.record({ member: memberData, status: fc.constantFrom(...STATUSES) }), { selector: (m) => m.member.user.id, maxLength: 5 }),
      large: fc.boolean(),
      missing: fc.nat({ max: 3 }),
      version,
    })
    .map(({ guild, roles, channels, members, large, missing, version: v }) => ({
      t: "GUILD_CREATE",
      version: v,
      d: {
        id: guild,
        name: "g",
        owner_id: BOT,
        roles: roles.map((r) => roleShape(r, v)),
        channels: channels.map((c) => ({ id: c.id, type: 0, name: c.name, permission_overwrites: [] })),
        members: members.map((m) => memberShape(m.member)),
        presences: members.filter((m) => m.status !== "offline").map((m) => ({ user: { id: m.member.user.id }, status: m.status, activities: [] })),
        // A large guild (or one whose payload lacks members) is completed by chunks.
        member_count: members.length + (large ? missing : 0),
        large: large && missing === 0, // else incomplete through member_count, as without GUILD_PRESENCES
      },
    })),
  fc
    .record({
      guild: fc.constantFrom(...GUILDS),
      members: fc.uniqueArray(memberData, { selector: (m) => m.user.id, maxLength: 4 }),
      index: fc.nat({ max: 1 }),
      count: fc.constantFrom(1, 2),
      nonce: fc.constantFrom("a", "b"),
      version,
    })
    .map(({ guild, members, index, count, nonce, version: v }) => ({
      t: "GUILD_MEMBERS_CHUNK",
      version: v,
      d: { guild_id: guild, members: members.map(memberShape), chunk_index: index, chunk_count: count, nonce },
    })),
  fc.record({ guild: fc.constantFrom(...GUILDS), unavailable: fc.boolean(), version }).map(({ guild, unavailable, version: v }) => ({
    t: "GUILD_DELETE",
    version: v,
    d: unavailable ? { id: guild, unavailable: true } : { id: guild },
  })),
  fc.record({ guild: fc.constantFrom(...GUILDS), role, version, update: fc.boolean() }).map(({ guild, role: r, version: v, update }) => ({
    t: update ? "GUILD_ROLE_UPDATE" : "GUILD_ROLE_CREATE",
    version: v,
    d: { guild_id: guild, role: roleShape(r, v) },
  })),
  fc.record({ guild: fc.constantFrom(...GUILDS), role: fc.constantFrom(...ROLES), version }).map(({ guild, role: r, version: v }) => ({
    t: "GUILD_ROLE_DELETE",
    version: v,
    d: { guild_id: guild, role_id: r },
  })),
  fc.record({ guild: fc.constantFrom(...GUILDS), channel, version, t: fc.constantFrom("CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE") }).map(
    ({ guild, channel: c, version: v, t }) => ({ t, version: v, d: { id: c.id, type: 0, guild_id: guild, name: c.name, permission_overwrites: [] } }),
  ),
  fc.record({ guild: fc.constantFrom(...GUILDS), member: memberData, version, t: fc.constantFrom("GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE") }).map(
    ({ guild, member, version: v, t }) => ({ t, version: v, d: { ...memberShape(member), guild_id: guild } }),
  ),
  fc.record({ guild: fc.constantFrom(...GUILDS), user, version }).map(({ guild, user: u, version: v }) => ({
    t: "GUILD_MEMBER_REMOVE",
    version: v,
    d: { guild_id: guild, user: { id: u.id, username: u.username, discriminator: "0001", avatar: null } },
  })),
  fc.record({ guild: fc.constantFrom(...GUILDS), id: fc.constantFrom(...USERS), status: fc.constantFrom(...STATUSES), version }).map(
    ({ guild, id, status, version: v }) => ({ t: "PRESENCE_UPDATE", version: v, d: { guild_id: guild, user: { id }, status, activities: [] } }),
  ),
  // Malformed: must change nothing.
  fc.record({ guild: fc.constantFrom(...GUILDS), version }).map(({ guild, version: v }) => ({
    t: "GUILD_MEMBER_ADD",
    version: v,
    d: { guild_id: guild, user: { id: "2001" }, roles: "nope" },
  })),
);

// ─── the reference model ──────────────────────────────────────────────────────────────────

function emptyGuild(): ModelGuild {
  return { unavailable: true, synced: false, roles: new Map(), members: new Map(), seen: null, sync: null };
}

/** Ends a mark-and-sweep: members not seen since GUILD_CREATE are gone. */
function finish(guild: ModelGuild): void {
  if (guild.seen !== null) for (const id of [...guild.members.keys()]) if (!guild.seen.has(id)) guild.members.delete(id);
  guild.seen = null;
  guild.sync = null;
  guild.synced = true;
}

function dropGuild(model: Model, id: string): void {
  model.guilds.delete(id);
  for (const [channelId, c] of model.channels) if (c.guildId === id) model.channels.delete(channelId);
}

function upsert(model: Model, guild: ModelGuild, d: Record<string, unknown>): void {
  const u = d.user as { id: string; username: string };
  model.usernames.set(u.id, u.username);
  const existing = guild.members.get(u.id);
  guild.members.set(u.id, { roles: sortedUnique(d.roles as string[]), nick: d.nick as string | null, status: existing?.status ?? "offline" });
  guild.seen?.add(u.id);
}

function apply(model: Model, { t, d }: Event): void {
  const guild = model.guilds.get((d.guild_id ?? d.id) as string);
  switch (t) {
    case "READY": {
      const listed = new Set((d.guilds as { id: string }[]).map((g) => g.id));
      for (const id of [...model.guilds.keys()]) if (!listed.has(id)) dropGuild(model, id);
      for (const id of listed) {
        const g = model.guilds.get(id) ?? emptyGuild();
        g.unavailable = true;
        g.synced = false;
        g.sync = null;
        model.guilds.set(id, g);
      }
      return;
    }
    case "GUILD_CREATE": {
      const id = d.id as string;
      const g = model.guilds.get(id) ?? emptyGuild();
      model.guilds.set(id, g);
      g.unavailable = false;
      g.roles = new Map((d.roles as Record<string, unknown>[]).map((r) => [r.id as string, { name: r.name as string, permissions: BigInt((r.permissions_new ?? r.permissions) as string) }]));
      const channels = d.channels as { id: string; name: string }[];
      for (const [channelId, c] of model.channels) if (c.guildId === id && !channels.some((entry) => entry.id === channelId)) model.channels.delete(channelId);
      for (const c of channels) model.channels.set(c.id, { guildId: id, name: c.name });
      const statuses = new Map((d.presences as { user: { id: string }; status: string }[]).map((p) => [p.user.id, p.status]));
      g.seen = new Set();
      g.synced = false;
      g.sync = null;
      for (const m of g.members.values()) m.status = "offline";
      const members = d.members as Record<string, unknown>[];
      for (const m of members) upsert(model, g, m);
      for (const [userId, status] of statuses) {
        const m = g.members.get(userId);
        if (m !== undefined) m.status = status;
      }
      if (d.large !== true && members.length >= (d.member_count as number)) finish(g);
      else g.sync = new Map();
      return;
    }
    case "GUILD_DELETE":
      if (d.unavailable === true) {
        const g = model.guilds.get(d.id as string) ?? emptyGuild();
        g.unavailable = true;
        model.guilds.set(d.id as string, g);
      } else dropGuild(model, d.id as string);
      return;
    case "GUILD_ROLE_CREATE":
    case "GUILD_ROLE_UPDATE": {
      const r = d.role as Record<string, unknown>;
      guild?.roles.set(r.id as string, { name: r.name as string, permissions: BigInt((r.permissions_new ?? r.permissions) as string) });
      return;
    }
    case "GUILD_ROLE_DELETE":
      if (guild?.roles.delete(d.role_id as string)) {
        for (const m of guild.members.values()) m.roles = m.roles.filter((r) => r !== d.role_id);
      }
      return;
    case "CHANNEL_CREATE":
    case "CHANNEL_UPDATE":
      if (guild !== undefined) model.channels.set(d.id as string, { guildId: d.guild_id as string, name: d.name as string });
      return;
    case "CHANNEL_DELETE":
      model.channels.delete(d.id as string);
      return;
    case "GUILD_MEMBER_ADD":
    case "GUILD_MEMBER_UPDATE":
      if (guild !== undefined && Array.isArray(d.roles)) upsert(model, guild, d);
      return;
    case "GUILD_MEMBER_REMOVE":
      guild?.members.delete((d.user as { id: string }).id);
      return;
    case "GUILD_MEMBERS_CHUNK": {
      if (guild === undefined) return;
      for (const m of d.members as Record<string, unknown>[]) upsert(model, guild, m);
      if (guild.sync === null) return;
      const nonce = d.nonce as string;
      let entry = guild.sync.get(nonce);
      if (entry === undefined) guild.sync.set(nonce, (entry = { count: d.chunk_count as number, indices: new Set() }));
      if (entry.indices.has(d.chunk_index as number)) return;
      entry.indices.add(d.chunk_index as number);
      if (entry.indices.size >= entry.count) finish(guild);
      return;
    }
    case "PRESENCE_UPDATE": {
      const m = guild?.members.get((d.user as { id: string }).id);
      if (m !== undefined) m.status = d.status as string;
      return;
    }
  }
}

function compare(tracker: DiscordTracker, model: Model): void {
  const guilds = Object.fromEntries(
    tracker.guilds().map((g) => [
      g.id,
      {
        unavailable: g.unavailable,
        synced: g.synced,
        roles: Object.fromEntries(tracker.roles(g.id).map((r) => [r.id, { name: r.name, permissions: r.permissions }])),
        members: Object.fromEntries([...tracker.members(g.id)].filter((m) => m.id !== BOT).map((m) => [m.id, { roles: [...m.roles], nick: m.nick, status: m.status }])),
      },
    ]),
  );
  const expected = Object.fromEntries(
    [...model.guilds].map(([id, g]) => [id, { unavailable: g.unavailable, synced: g.synced, roles: Object.fromEntries(g.roles), members: Object.fromEntries(g.members) }]),
  );
  expect(guilds).toEqual(expected);
  expect(Object.fromEntries(tracker.channels().map((c) => [c.id, { guildId: c.guildId, name: c.name }]))).toEqual(Object.fromEntries(model.channels));
  for (const id of USERS) {
    const referenced = [...model.guilds.values()].some((g) => g.members.has(id));
    expect(tracker.getUser(id)?.username).toBe(referenced ? model.usernames.get(id) : undefined);
  }
}

describe("DiscordTracker against a reference model", () => {
  it("agrees after every event of random sequences", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const tracker = new DiscordTracker();
        tracker.on("error", () => undefined); // malformed events are expected here
        const model: Model = { guilds: new Map(), channels: new Map(), usernames: new Map() };
        for (const e of events) {
          tracker.handle({ t: e.t, d: structuredClone(e.d) });
          apply(model, e);
          compare(tracker, model);
        }
      }),
      { numRuns: 400 },
    );
  });
});
