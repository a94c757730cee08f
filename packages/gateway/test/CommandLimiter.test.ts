import { describe, expect, it, vi } from "vitest";
import { CommandLimiter } from "../src/CommandLimiter.js";
import type { CommandPriority } from "../src/CommandLimiter.js";
import type { Clock } from "@nuwani/util";
import { maxInWindow } from "./support/maxInWindow.js";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";

describe("CommandLimiter", () => {
  useFakeTimersPerTest({ now: 0 });

  it("defaults: 110 normal commands per 60 s, the last 10 slots for heartbeats", async () => {
    const limiter = new CommandLimiter();
    expect(limiter.reserve).toBe(10);
    let normal = 0;
    while (limiter.trySend("normal")) normal++;
    expect(normal).toBe(110);
    expect(limiter.remaining("normal")).toBe(0);
    expect(limiter.remaining("heartbeat")).toBe(10);
    let heartbeats = 0;
    while (limiter.trySend("heartbeat")) heartbeats++;
    expect(heartbeats).toBe(10);
    expect(limiter.remaining("heartbeat")).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(limiter.remaining("heartbeat")).toBe(120);
    expect(limiter.remaining("normal")).toBe(110);
    expect(limiter.remaining("presence")).toBe(5);
  });

  it("reserveFor() computes the documented reserve", () => {
    expect(CommandLimiter.reserveFor(15_000)).toBe(CommandLimiter.DEFAULT_RESERVE);
    expect(CommandLimiter.reserveFor(41_250)).toBe(4);
    expect(CommandLimiter.reserveFor(45_000)).toBe(4);
    expect(CommandLimiter.reserveFor(1_000, 10_000)).toBe(22);
    expect(() => CommandLimiter.reserveFor(0)).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
  });

  it("heartbeats still pass while normal commands saturate the budget", async () => {
    const limiter = new CommandLimiter();
    const sent: number[] = [];
    const normals: Promise<void>[] = [];
    for (let i = 0; i < 2000; i++) normals.push(limiter.send("normal").then(() => void sent.push(Date.now())));
    const beats: number[] = [];
    // The shortest interval the default reserve is computed for, first beat jittered.
    const interval = 15_000;
    await vi.advanceTimersByTimeAsync(3_000);
    for (let t = 3_000; t < 900_000; t += interval) {
      expect(limiter.trySend("heartbeat")).toBe(true);
      beats.push(Date.now());
      await vi.advanceTimersByTimeAsync(interval);
    }
    limiter.cancelAll();
    await Promise.allSettled(normals);
    expect(sent.length).toBeGreaterThan(1500);
    const all = [...sent, ...beats].sort((a, b) => a - b);
    expect(maxInWindow(all, 60_000)).toBeLessThanOrEqual(120);
    expect(maxInWindow(sent, 60_000)).toBe(110);
  });

  it("a server-requested heartbeat (op 1) also passes under saturation", async () => {
    const limiter = new CommandLimiter();
    while (limiter.trySend("normal"));
    const blocked = limiter.send("normal");
    for (let i = 0; i < 5; i++) expect(limiter.trySend("heartbeat")).toBe(true);
    limiter.cancelAll();
    await expect(blocked).rejects.toMatchObject({ code: "GATEWAY_DISCONNECTED" });
  });

  it("never sends more than 120 per 60 s over a long mixed run", async () => {
    const limiter = new CommandLimiter();
    const byPriority: Record<CommandPriority, number[]> = { heartbeat: [], normal: [], presence: [] };
    const waits: Promise<void>[] = [];
    const send = (priority: CommandPriority) => {
      waits.push(limiter.send(priority).then(() => void byPriority[priority].push(Date.now())));
    };
    let nextBeat = 20_000;
    for (let second = 0; second < 1200; second++) {
      if (second * 1000 >= nextBeat) {
        // More beats than plain heartbeating: regular ones plus server requests.
        send("heartbeat");
        if (second % 7 === 0) send("heartbeat");
        nextBeat += 41_250;
      }
      const burst = second % 50 === 0 ? 150 : second % 3;
      for (let i = 0; i < burst; i++) send(i % 10 === 0 ? "presence" : "normal");
      await vi.advanceTimersByTimeAsync(1000);
    }
    limiter.cancelAll();
    await Promise.allSettled(waits);
    const { heartbeat, normal, presence } = byPriority;
    const all = [...heartbeat, ...normal, ...presence].sort((a, b) => a - b);
    expect(all.length).toBeGreaterThan(2000);
    expect(maxInWindow(all, 60_000)).toBeLessThanOrEqual(120);
    const nonHeartbeat = [...normal, ...presence].sort((a, b) => a - b);
    expect(maxInWindow(nonHeartbeat, 60_000)).toBe(110);
    expect(maxInWindow(presence, 20_000)).toBe(5);
    // Every heartbeat went out the moment it was asked for.
    expect(heartbeat.every((t) => t % 1000 === 0)).toBe(true);
  });

  it("allows at most 5 presence updates per 20 s", async () => {
    const limiter = new CommandLimiter();
    const times: number[] = [];
    const waits = Array.from({ length: 12 }, () => limiter.send("presence").then(() => void times.push(Date.now())));
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toEqual([0, 0, 0, 0, 0]);
    expect(limiter.trySend("presence")).toBe(false);
    await vi.advanceTimersByTimeAsync(40_000);
    await Promise.all(waits);
    expect(times).toEqual([0, 0, 0, 0, 0, 20_000, 20_000, 20_000, 20_000, 20_000, 40_000, 40_000]);
  });

  it("a presence update held back by its sub-limit does not hold back normal commands", async () => {
    const limiter = new CommandLimiter();
    for (let i = 0; i < 5; i++) expect(limiter.trySend("presence")).toBe(true);
    const presence = vi.fn();
    const normal = vi.fn();
    const waits = [limiter.send("presence").then(presence), limiter.send("normal").then(normal)];
    await vi.advanceTimersByTimeAsync(0);
    expect(normal).toHaveBeenCalledOnce();
    expect(presence).not.toHaveBeenCalled();
    expect(limiter.trySend("normal")).toBe(true);
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(waits);
    expect(presence).toHaveBeenCalledOnce();
  });

  it("serves waiting commands in FIFO order, heartbeats first", async () => {
    const limiter = new CommandLimiter({ limit: 4, reserve: 1, window: 1000 });
    while (limiter.trySend("normal"));
    const order: string[] = [];
    const waits = [
      limiter.send("normal").then(() => void order.push("n1")),
      limiter.send("presence").then(() => void order.push("p1")),
      limiter.send("normal").then(() => void order.push("n2")),
      limiter.send("normal").then(() => void order.push("n3")),
      limiter.send("presence").then(() => void order.push("p2")),
    ];
    // The reserve is free: a heartbeat does not wait behind normal commands.
    expect(limiter.trySend("heartbeat")).toBe(true);
    const beat = limiter.send("heartbeat").then(() => void order.push("hb"));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(order).toEqual(["hb", "n1", "p1", "n2"]);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([...waits, beat]);
    expect(order).toEqual(["hb", "n1", "p1", "n2", "n3", "p2"]);
  });

  it("trySend does not overtake a waiting command of its priority, even before the timer fired", async () => {
    // A clock whose timers only fire when the test says so.
    let now = 0;
    const clock: Clock = { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined };
    const limiter = new CommandLimiter({ limit: 2, reserve: 0, window: 1000, clock });
    expect(limiter.trySend("normal")).toBe(true);
    now = 500;
    expect(limiter.trySend("normal")).toBe(true);
    const served = vi.fn();
    const waiting = limiter.send("normal").then(served);
    now = 1000; // one slot is free; the waiter gets it, not the newcomer
    expect(limiter.trySend("normal")).toBe(false);
    await waiting;
    expect(served).toHaveBeenCalledOnce();
    now = 1500;
    expect(limiter.trySend("normal")).toBe(true);
  });

  it("cancelAll() rejects every pending send with GATEWAY_DISCONNECTED", async () => {
    const limiter = new CommandLimiter({ limit: 2, reserve: 1, window: 1000 });
    limiter.trySend("normal");
    limiter.trySend("heartbeat");
    const pending = [limiter.send("normal"), limiter.send("presence"), limiter.send("heartbeat")];
    expect(limiter.pending).toBe(3);
    limiter.cancelAll();
    for (const promise of pending) await expect(promise).rejects.toMatchObject({ name: "GatewayError", code: "GATEWAY_DISCONNECTED" });
    expect(limiter.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("an aborted send leaves its queue", async () => {
    const limiter = new CommandLimiter({ limit: 1, reserve: 0, window: 1000 });
    limiter.trySend("normal");
    const controller = new AbortController();
    const aborted = limiter.send("normal", controller.signal);
    const next = limiter.send("normal");
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(next).resolves.toBeUndefined();
    await expect(limiter.send("normal", AbortSignal.abort())).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
  });

  it("reset() gives a new connection the full budget and serves waiters", async () => {
    const limiter = new CommandLimiter();
    while (limiter.trySend("normal"));
    const waiting = limiter.send("normal");
    limiter.reset();
    await waiting;
    expect(limiter.remaining("normal")).toBe(109);
  });

  it.each([[{ reserve: 120 }], [{ reserve: -1 }], [{ limit: 0 }], [{ presenceLimit: 0 }], [{ window: 0 }]])("rejects invalid options %o", (options) => {
    expect(() => new CommandLimiter(options)).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }));
  });
});
