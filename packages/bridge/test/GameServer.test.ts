import { describe, expect, it } from "vitest";
import { describeTarget, type GameServer } from "@nuwani/game";
import { Bridge } from "../src/Bridge.js";
import { parseConfig, type EnabledBridgeConfig } from "../src/config.js";
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

describe("Bridge: the game must implement the contract", () => {
  const config = parseConfig({ discord: { token: "x.y.z", clientId: "123456789012345678", endpoint: "ws://127.0.0.1:9" } }, {}) as EnabledBridgeConfig;

  it("names what a game lacks, before anything connects", () => {
    const simulated = new SimulatedGameServer();
    const partial = { players: () => [], deliver: () => undefined, on: simulated.on.bind(simulated), off: simulated.off.bind(simulated) };
    expect(() => new Bridge({ config, game: partial as never })).toThrow(
      expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "game", message: "game must implement GameServer: announce missing" }),
    );
    expect(() => new Bridge({ config, game: Object.assign(new SimulatedGameServer(), { mutes: { mute: () => undefined } }) })).toThrow(
      expect.objectContaining({ message: "game must implement GameServer: mutes (mute, unmute, list) missing" }),
    );
    expect(() => new Bridge({ config, game: null as never })).toThrow(expect.objectContaining({ field: "game" }));
  });

  it("accepts a game without mutes", async () => {
    const game = Object.assign(new SimulatedGameServer(), { mutes: undefined });
    const bridge = new Bridge({ config, game });
    await bridge.stop();
  });
});
