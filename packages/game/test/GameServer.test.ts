import { EventEmitter } from "node:events";
import { describe, expect, expectTypeOf, it } from "vitest";
import { DEFAULT_LEVELS, GAME_LINE_LENGTH, describeTarget, type DeliveryTarget, type GameServer, type GameServerEvents, type Player } from "../src/index.js";

describe("describeTarget", () => {
  it("names an audience as itself and a player by id", () => {
    const targets: DeliveryTarget[] = ["all", "vips", "administrators", "management", { player: 7 }];
    expect(targets.map(describeTarget)).toEqual(["all", "vips", "administrators", "management", "player 7"]);
  });
});

describe("DEFAULT_LEVELS", () => {
  it("is LVP's ladder, lowest first, and cannot be changed by a user", () => {
    expect(DEFAULT_LEVELS).toEqual(["player", "vip", "administrator", "management"]);
    expect(() => (DEFAULT_LEVELS as string[]).push("owner")).toThrow(TypeError);
  });
});

describe("GAME_LINE_LENGTH", () => {
  it("is SA-MP's chat line length", () => {
    expect(GAME_LINE_LENGTH).toBe(144);
  });
});

describe("GameServer", () => {
  it("is satisfied by an EventEmitter<GameServerEvents> subclass, and its events reach listeners typed", () => {
    class Game extends EventEmitter<GameServerEvents> implements GameServer {
      public readonly delivered: Array<[DeliveryTarget, string]> = [];
      public players(): readonly Player[] {
        return [{ id: 0, name: "Gunther", level: "management" }];
      }
      public deliver(target: DeliveryTarget, text: string): void {
        this.delivered.push([target, text]);
      }
      public announce(text: string): void {
        this.delivered.push(["all", text]);
      }
    }
    const game: GameServer = new Game();
    const seen: unknown[] = [];
    const listener = (tag: string, params: readonly (string | number)[]): void => {
      expectTypeOf(params).toEqualTypeOf<readonly (string | number)[]>();
      seen.push([tag, params]);
    };
    game.on("echo", listener);
    (game as Game).emit("echo", "chat", [3, "Gunther", "hi"]);
    game.off("echo", listener);
    (game as Game).emit("echo", "chat", [3, "Gunther", "again"]);
    expect(seen).toEqual([["chat", [3, "Gunther", "hi"]]]);
    void game.deliver({ player: 3 }, "hello");
    expect((game as Game).delivered).toEqual([[{ player: 3 }, "hello"]]);
  });
});
