import { describe, expect, it } from "vitest";
import { createBotUser, DEFAULT_BOT_ID } from "../src/createBotUser.js";
import { createGuild } from "../src/createGuild.js";
import { Permissions } from "../src/Permissions.js";

describe("createGuild", () => {
  it("is deterministic: the same options give the same guild, another seed another one", () => {
    const a = createGuild({ members: 50 });
    const b = createGuild({ members: 50 });
    const c = createGuild({ members: 50, seed: 2 });
    expect(a).toEqual(b);
    expect(c.id).not.toBe(a.id);
    expect(c.members.map((m) => m.user.username)).not.toEqual(a.members.map((m) => m.user.username));
  });

  it("puts the bot's member first, online, with its managed role; the owner holds the administrator role", () => {
    const guild = createGuild();
    expect(guild.members).toHaveLength(10);
    const [bot, owner] = guild.members;
    expect(bot!.user).toEqual(createBotUser());
    expect(bot!.user.id).toBe(DEFAULT_BOT_ID);
    expect(bot!.status).toBe("online");
    const botRole = guild.roles.find((role) => role.id === bot!.roles[0]);
    expect(botRole).toMatchObject({ name: "Nuwani", managed: true });
    expect(guild.ownerId).toBe(owner!.user.id);
    const ownerRoles = guild.roles.filter((role) => owner!.roles.includes(role.id));
    expect(ownerRoles.some((role) => (role.permissions & Permissions.ADMINISTRATOR) !== 0n)).toBe(true);
  });

  it("gives @everyone the guild's id and builds default channels with overwrites", () => {
    const guild = createGuild();
    expect(guild.roles[0]).toMatchObject({ id: guild.id, name: "@everyone", position: 0 });
    const admin = guild.channels.find((channel) => channel.name === "admin")!;
    expect(admin.overwrites[0]).toEqual({ id: guild.id, type: "role", allow: 0n, deny: Permissions.VIEW_CHANNEL });
    expect(guild.channels.map((channel) => channel.type)).toEqual([4, 0, 0, 0, 2]);
    expect(guild.systemChannelId).toBe(guild.channels[1]!.id);
    expect(new Set(guild.channels.map((channel) => channel.id)).size).toBe(guild.channels.length);
  });

  it("builds 100,000 members with unique ids and about the requested share online", () => {
    const guild = createGuild({ members: 100_000, online: 0.25, seed: 7 });
    expect(guild.members).toHaveLength(100_000);
    expect(new Set(guild.members.map((member) => member.user.id)).size).toBe(100_000);
    const online = guild.members.slice(1).filter((member) => member.status !== "offline").length / 99_999;
    expect(online).toBeGreaterThan(0.24);
    expect(online).toBeLessThan(0.26);
    const statuses = new Set(guild.members.map((member) => member.status));
    expect([...statuses].sort()).toEqual(["dnd", "idle", "offline", "online"]);
  });

  it("takes custom roles, channels, an id, a name and @everyone permissions", () => {
    const guild = createGuild({
      id: "81384788765712384",
      name: "Custom",
      members: 3,
      everyonePermissions: "1024",
      roles: [{ id: "1", name: "Staff", permissions: 8, position: 1 }],
      channels: [{ id: "2", name: "chat", overwrites: [{ id: "1", type: "role", allow: 2048n }] }],
    });
    expect(guild).toMatchObject({ id: "81384788765712384", name: "Custom", unavailable: false });
    expect(guild.roles).toEqual([
      expect.objectContaining({ id: "81384788765712384", permissions: 1024n }),
      expect.objectContaining({ id: "1", name: "Staff", permissions: 8n, position: 1 }),
    ]);
    expect(guild.channels).toEqual([
      expect.objectContaining({ id: "2", name: "chat", type: 0, overwrites: [{ id: "1", type: "role", allow: 2048n, deny: 0n }] }),
    ]);
    expect(createGuild({ id: "81384788765712384" }).members[1]).toEqual(createGuild({ id: "81384788765712384" }).members[1]);
  });

  it("has at least the bot, and clamps the online share", () => {
    expect(createGuild({ members: 0 }).members).toHaveLength(1);
    const everyone = createGuild({ members: 20, online: 5 });
    expect(everyone.members.every((member) => member.status !== "offline")).toBe(true);
    const nobody = createGuild({ members: 20, online: -1 });
    expect(nobody.members.slice(1).every((member) => member.status === "offline")).toBe(true);
  });
});
