import { describe, expect, it } from "vitest";
import { describeTarget, type GameServer } from "../src/GameServer.js";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

describe("GameServer", () => {
  it("is implemented by an EventEmitter subclass (SimulatedGameServer), typed events only", () => {
    const game: GameServer = new SimulatedGameServer();
    const seen: string[] = [];
    const listener = (tag: string): void => void seen.push(tag);
    game.on("echo", listener);
    (game as SimulatedGameServer).step();
    game.off("echo", listener);
    (game as SimulatedGameServer).step();
    expect(seen).toEqual(["join"]);
  });

  it("carries the watchdog's health event", () => {
    const game = new SimulatedGameServer();
    const seen: string[] = [];
    game.on("health", (state, detail) => void seen.push(`${state}: ${detail}`));
    game.setHealth("down", "no answer for 30 s");
    game.setHealth("up", "answering again");
    expect(seen).toEqual(["down: no answer for 30 s", "up: answering again"]);
  });

  it("describes delivery targets for logs", () => {
    expect(["all", "vips", "administrators", "management", { player: 7 }].map((target) => describeTarget(target as never))).toEqual([
      "all",
      "vips",
      "administrators",
      "management",
      "player 7",
    ]);
  });
});
