import { describe, expect, it } from "vitest";
import { namedGuild } from "./support/tracker.js";

describe("DiscordTracker.levelOf", () => {
  const { tracker, guild } = namedGuild();
  const role = (name: string) => guild.roles.find((entry) => entry.name === name)!.id;
  const owner = guild.members[1]!; // holds Management
  const table = new Map([
    [role("Management"), 5],
    [role("Administrator"), 3],
    [role("VIP"), 1],
  ]);

  it("maps a member to the highest level of its roles", () => {
    expect(tracker.levelOf(guild.id, owner.user.id, table)).toBe(5);
    expect(tracker.levelOf(guild.id, owner.user.id, Object.fromEntries(table))).toBe(5);
  });

  it("uses @everyone's level or the fallback for members without a listed role, and for non-members", () => {
    const plain = guild.members.find((member, index) => index > 1 && member.roles.length === 0)!;
    expect(tracker.levelOf(guild.id, plain.user.id, table)).toBe(0);
    expect(tracker.levelOf(guild.id, plain.user.id, table, -1)).toBe(-1);
    expect(tracker.levelOf(guild.id, plain.user.id, new Map([[guild.id, 2]]))).toBe(2);
    expect(tracker.levelOf(guild.id, "1", table, -1)).toBe(-1);
  });
});
