import { describe, expect, it } from "vitest";
import { DEFAULT_BOT_ID } from "../src/createBotUser.js";
import { createGuild } from "../src/createGuild.js";
import type { MemberFixture } from "../src/GuildFixture.js";
import { Permissions } from "../src/Permissions.js";
import { serializeChannel, serializeGuild, serializeMember, serializePresence, serializeRole, serializeUser } from "../src/serializeGuild.js";

const role = {
  id: "1",
  name: "Big",
  color: 0,
  hoist: false,
  position: 1,
  permissions: Permissions.ADMINISTRATOR | Permissions.USE_APPLICATION_COMMANDS,
  managed: false,
  mentionable: true,
};

describe("serializeGuild", () => {
  it("sends v6 roles with a 31-bit permissions int and the full permissions_new string", () => {
    expect(serializeRole(role, 6)).toEqual({
      id: "1",
      name: "Big",
      color: 0,
      hoist: false,
      position: 1,
      permissions: 8,
      permissions_new: "2147483656",
      managed: false,
      mentionable: true,
    });
  });

  it("sends v10 roles with string permissions and no _new field", () => {
    const out = serializeRole(role, 10);
    expect(out.permissions).toBe("2147483656");
    expect(out).not.toHaveProperty("permissions_new");
  });

  it("sends v6 overwrites as role/member with int and _new bits, v10 ones as 0/1 with strings", () => {
    const channel = {
      id: "5",
      type: 0,
      name: "chat",
      position: 0,
      parentId: null,
      topic: null,
      nsfw: false,
      rateLimitPerUser: 0,
      overwrites: [
        { id: "1", type: "role" as const, allow: Permissions.SEND_MESSAGES, deny: Permissions.VIEW_CHANNEL },
        { id: "2", type: "member" as const, allow: 1n << 33n, deny: 0n },
      ],
    };
    expect(serializeChannel(channel, 6).permission_overwrites).toEqual([
      { id: "1", type: "role", allow: 2048, allow_new: "2048", deny: 1024, deny_new: "1024" },
      { id: "2", type: "member", allow: 0, allow_new: "8589934592", deny: 0, deny_new: "0" },
    ]);
    expect(serializeChannel(channel, 10).permission_overwrites).toEqual([
      { id: "1", type: 0, allow: "2048", deny: "1024" },
      { id: "2", type: 1, allow: "8589934592", deny: "0" },
    ]);
    expect(serializeChannel(channel, 6)).not.toHaveProperty("guild_id");
    expect(serializeChannel(channel, 6, "9")).toMatchObject({ guild_id: "9", topic: null, rate_limit_per_user: 0 });
  });

  it("sends v6 presences with game and activities, v10 ones with activities only", () => {
    const member: MemberFixture = {
      user: { id: "3", username: "Gunther", discriminator: "0042", avatar: null },
      nick: null,
      roles: [],
      joinedAt: "2020-01-01T00:00:00.000Z",
      deaf: false,
      mute: false,
      status: "idle",
      activity: { name: "Las Venturas Playground", type: 0, createdAt: 5 },
    };
    const activity = { name: "Las Venturas Playground", type: 0, created_at: 5 };
    expect(serializePresence(member, 6)).toEqual({
      user: { id: "3" },
      status: "idle",
      game: activity,
      activities: [activity],
      client_status: { desktop: "idle" },
    });
    expect(serializePresence(member, 10)).toEqual({ user: { id: "3" }, status: "idle", activities: [activity], client_status: { desktop: "idle" } });
    expect(serializeUser(member.user, 10)).toHaveProperty("global_name", null);
    expect(serializeUser(member.user, 6)).not.toHaveProperty("global_name");
    expect(serializeMember(member, 6)).toEqual({
      user: { id: "3", username: "Gunther", discriminator: "0042", avatar: null, public_flags: 0 },
      nick: null,
      roles: [],
      joined_at: "2020-01-01T00:00:00.000Z",
      premium_since: null,
      deaf: false,
      mute: false,
    });
  });

  it("sends every member of a small guild and the presences of those not offline", () => {
    const guild = createGuild({ members: 20, online: 0.5 });
    const out = serializeGuild(guild, { version: 6, largeThreshold: 50, presences: true, botId: DEFAULT_BOT_ID });
    expect(out).toMatchObject({ id: guild.id, large: false, unavailable: false, member_count: 20, region: "europe", voice_states: [] });
    expect(out.members).toHaveLength(20);
    const online = guild.members.filter((member) => member.status !== "offline").map((member) => member.user.id);
    expect((out.presences as Array<{ user: { id: string } }>).map((presence) => presence.user.id)).toEqual(online);
  });

  it("sends only non-offline members (and the bot) of a large guild, with large: true", () => {
    const guild = createGuild({ members: 1000, online: 0.1 });
    guild.members[0]!.status = "offline"; // the bot is sent even when offline
    const out = serializeGuild(guild, { version: 10, largeThreshold: 250, presences: true, botId: DEFAULT_BOT_ID });
    const online = guild.members.filter((member) => member.status !== "offline");
    const members = out.members as Array<{ user: { id: string } }>;
    expect(out).toMatchObject({ large: true, member_count: 1000 });
    expect(out).not.toHaveProperty("region");
    expect(members.map((member) => member.user.id)).toEqual([DEFAULT_BOT_ID, ...online.map((member) => member.user.id)]);
    expect(out.presences).toHaveLength(online.length);
    expect(members.length).toBeLessThan(200);
  });

  it("sends only the bot's member and no presences without the presences intent", () => {
    const guild = createGuild({ members: 20, online: 1 });
    const out = serializeGuild(guild, { version: 10, largeThreshold: 50, presences: false, botId: DEFAULT_BOT_ID });
    expect((out.members as Array<{ user: { id: string } }>).map((member) => member.user.id)).toEqual([DEFAULT_BOT_ID]);
    expect(out.presences).toEqual([]);
    expect(out.member_count).toBe(20);
  });
});
