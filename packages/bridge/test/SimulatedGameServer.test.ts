import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EchoParam } from "@nuwani/game";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

function record(game: SimulatedGameServer): string[] {
  const events: string[] = [];
  game.on("echo", (tag: string, params: readonly EchoParam[]) => events.push(`${tag} ${JSON.stringify(params)}`));
  return events;
}

describe("SimulatedGameServer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is deterministic for a seed", () => {
    const a = new SimulatedGameServer({ seed: 42 });
    const b = new SimulatedGameServer({ seed: 42 });
    const eventsA = record(a);
    const eventsB = record(b);
    a.emitBurst(500);
    b.emitBurst(500);
    expect(eventsA).toEqual(eventsB);
    expect(a.players()).toEqual(b.players());
  });

  it("differs between seeds", () => {
    const a = new SimulatedGameServer({ seed: 1 });
    const b = new SimulatedGameServer({ seed: 2 });
    const eventsA = record(a);
    const eventsB = record(b);
    a.emitBurst(100);
    b.emitBurst(100);
    expect(eventsA).not.toEqual(eventsB);
  });

  it("produces every kind of happening as LVP's echo calls, positional in LVP's order", () => {
    const game = new SimulatedGameServer({ seed: 7 });
    const tags = new Set<string>();
    let joins = 0;
    let leaves = 0;
    game.on("echo", (tag: string, params: readonly EchoParam[]) => {
      tags.add(tag);
      if (tag === "join") joins++;
      if (tag === "quit") leaves++;
      // join is [id, name], quit [id, name, reason], chat and chat-admin [id, name, text].
      if (tag === "join" || tag === "quit" || tag === "chat" || tag === "chat-admin") {
        expect(typeof params[0]).toBe("number");
        expect(game.players().some((player) => player.name === params[1]) || tag === "quit").toBe(true);
      }
      // LVP's order: kill is [victim, victimId, killer, killerId, weapon], report [name, id, target, targetId, reason].
      if (tag === "kill" || tag === "report") {
        expect(params).toHaveLength(5);
        expect(params[1]).not.toBe(params[3]);
      }
    });
    game.emitBurst(2000);
    expect([...tags].sort()).toEqual(["chat", "chat-admin", "join", "kill", "notice-announce", "quit", "report"]);
    expect(game.players()).toHaveLength(joins - leaves);
    expect(game.events).toBe(2000);
  });

  it("keeps ids and names unique and stays within maxPlayers", () => {
    const game = new SimulatedGameServer({ seed: 3, maxPlayers: 10 });
    for (let i = 0; i < 300; i++) {
      game.step();
      const players = game.players();
      expect(players.length).toBeLessThanOrEqual(10);
      expect(new Set(players.map((p) => p.id)).size).toBe(players.length);
      expect(new Set(players.map((p) => p.name)).size).toBe(players.length);
    }
  });

  it("emits at the configured rate on the clock, and stops", () => {
    const game = new SimulatedGameServer({ seed: 1, rate: 4 });
    const events = record(game);
    game.start();
    game.start(); // idempotent
    expect(game.running).toBe(true);
    vi.advanceTimersByTime(999);
    expect(game.events).toBe(3);
    vi.advanceTimersByTime(1);
    expect(game.events).toBe(4);
    vi.advanceTimersByTime(10_000);
    expect(game.events).toBe(44);
    game.stop();
    game.stop();
    expect(game.running).toBe(false);
    const count = events.length;
    vi.advanceTimersByTime(60_000);
    expect(events).toHaveLength(count);
  });

  it("uses an injected clock", () => {
    const timers: { callback: () => void; ms: number }[] = [];
    const clock = { now: () => 1234, setTimeout: (callback: () => void, ms: number) => timers.push({ callback, ms }), clearTimeout: vi.fn() };
    const game = new SimulatedGameServer({ rate: 10, clock });
    game.start();
    expect(timers).toHaveLength(1);
    expect(timers[0]!.ms).toBe(100);
    timers[0]!.callback();
    expect(game.events).toBe(1);
    expect(timers).toHaveLength(2);
    game.stop();
    expect(clock.clearTimeout).toHaveBeenCalledWith(2);
    game.deliver("all", "hi");
    expect(game.delivered).toEqual([{ to: "all", text: "hi", at: 1234 }]);
  });

  it("records what is delivered to it, for every kind of target, and what is announced", () => {
    const game = new SimulatedGameServer();
    const echoes = record(game);
    vi.setSystemTime(5000);
    game.deliver("all", "[Discord] Russell: hi");
    vi.setSystemTime(6000);
    game.deliver("administrators", "[Discord admin] Luce: help");
    game.deliver("vips", "v");
    game.deliver("management", "m");
    game.deliver({ player: 3 }, "p");
    game.announce("Event at the ship");
    expect(game.delivered).toEqual([
      { to: "all", text: "[Discord] Russell: hi", at: 5000 },
      { to: "administrators", text: "[Discord admin] Luce: help", at: 6000 },
      { to: "vips", text: "v", at: 6000 },
      { to: "management", text: "m", at: 6000 },
      { to: { player: 3 }, text: "p", at: 6000 },
    ]);
    expect(game.announced).toEqual(["Event at the ship"]);
    expect(echoes).toEqual(['notice-announce ["Event at the ship"]']);
  });

  it("adds chosen players (echo join) and keeps mutes on the clock", async () => {
    vi.setSystemTime(0);
    const game = new SimulatedGameServer();
    const echoes = record(game);
    const gunther = game.addPlayer("Gunther", "administrator");
    const luce = game.addPlayer("Luce");
    expect([gunther, luce]).toEqual([
      { id: 0, name: "Gunther", level: "administrator" },
      { id: 1, name: "Luce", level: "player" },
    ]);
    expect(echoes).toEqual(['join [0,"Gunther"]', 'join [1,"Luce"]']);
    await game.mutes.mute(1, 120);
    await game.mutes.mute(0, undefined);
    vi.advanceTimersByTime(30_000);
    expect(await game.mutes.list()).toEqual([
      { id: 1, name: "Luce", remainingSeconds: 90 },
      { id: 0, name: "Gunther" },
    ]);
    vi.advanceTimersByTime(90_000);
    expect(await game.mutes.list()).toEqual([{ id: 0, name: "Gunther" }]);
    await game.mutes.unmute(0);
    expect(await game.mutes.list()).toEqual([]);
    expect(() => game.mutes.mute(9, 60)).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT" }));
  });

  it("rejects bad options and burst sizes", () => {
    expect(() => new SimulatedGameServer({ rate: 0 })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "rate" }));
    expect(() => new SimulatedGameServer({ maxPlayers: 1 })).toThrow(expect.objectContaining({ field: "maxPlayers" }));
    expect(() => new SimulatedGameServer().emitBurst(-1)).toThrow(expect.objectContaining({ field: "count" }));
  });
});
