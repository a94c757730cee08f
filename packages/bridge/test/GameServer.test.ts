import { describe, expect, it } from "vitest";
import { PLAYER_LEVELS, hasLevel, type GameServer } from "../src/GameServer.js";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

describe("hasLevel", () => {
  it("orders player < vip < administrator < management", () => {
    expect(PLAYER_LEVELS).toEqual(["player", "vip", "administrator", "management"]);
    expect(hasLevel("management", "administrator")).toBe(true);
    expect(hasLevel("administrator", "administrator")).toBe(true);
    expect(hasLevel("vip", "administrator")).toBe(false);
    expect(hasLevel("player", "player")).toBe(true);
  });
});

describe("GameServer", () => {
  it("is implemented by an EventEmitter subclass (SimulatedGameServer)", () => {
    const game: GameServer = new SimulatedGameServer();
    const seen: string[] = [];
    const listener = (tag: string): void => void seen.push(tag);
    game.on("echo", listener);
    (game as SimulatedGameServer).step();
    game.off("echo", listener);
    (game as SimulatedGameServer).step();
    expect(seen).toEqual(["join"]);
  });
});
