import { describe, expect, it } from "vitest";
import { resolveRole } from "../src/resolveRole.js";
import { namedGuild } from "./support/tracker.js";

describe("resolveRole", () => {
  const { tracker, guild } = namedGuild();
  const vip = guild.roles.find((role) => role.name === "VIP")!;

  it.each(["VIP", "vip", "@VIP", `<@&${vip.id}>`, vip.id])("finds VIP by %s", (query) => {
    expect(resolveRole(tracker, guild.id, query)?.id).toBe(vip.id);
  });

  it("finds @everyone by its name, and nothing for unknown roles", () => {
    expect(tracker.resolveRole(guild.id, "@everyone")?.id).toBe(guild.id);
    expect(tracker.resolveRole(guild.id, "Nobody")).toBeUndefined();
    expect(tracker.resolveRole(guild.id, "<@&1>")).toBeUndefined();
    expect(tracker.resolveRole("1", "VIP")).toBeUndefined();
  });
});
