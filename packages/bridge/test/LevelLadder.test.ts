import { describe, expect, it } from "vitest";
import { DEFAULT_LEVELS } from "@nuwani/game";
import { LevelLadder } from "../src/LevelLadder.js";

describe("LevelLadder", () => {
  it("is LVP's ladder by default", () => {
    const ladder = new LevelLadder();
    expect(ladder.levels).toEqual(DEFAULT_LEVELS);
    expect(DEFAULT_LEVELS).toEqual(["player", "vip", "administrator", "management"]);
    expect(ladder.lowest).toBe("player");
    expect(ladder.atLeast("management", "administrator")).toBe(true);
    expect(ladder.atLeast("administrator", "administrator")).toBe(true);
    expect(ladder.atLeast("vip", "administrator")).toBe(false);
    expect(ladder.atLeast("nonsense", "vip")).toBe(false);
    expect([ladder.at(-1), ladder.at(2), ladder.at(9)]).toEqual(["player", "administrator", "management"]);
  });

  it("takes a configured ladder and which levels play LVP's roles", () => {
    const ladder = new LevelLadder({ levels: ["guest", "donor", "mod", "admin", "owner"], roles: { vip: "donor", administrator: "mod", management: "owner" } });
    expect(ladder.roles).toEqual({ vip: "donor", administrator: "mod", management: "owner" });
    expect(ladder.atLeast("admin", ladder.roles.administrator)).toBe(true);
    expect(ladder.has("guest")).toBe(true);
    expect(ladder.has("player")).toBe(false);
  });

  it.each([
    [{ levels: [] }, "levels"],
    [{ levels: ["a", "a"] }, "levels"],
    [{ levels: ["Player"] }, "levels"],
    [{ levels: ["player", "admin"] }, "roles.vip"],
    [{ roles: { vip: "management", management: "vip" } }, "roles"],
  ])("rejects %j", (options, field) => {
    expect(() => new LevelLadder(options)).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field }));
  });
});
