import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it, vi } from "vitest";
import { FakeSampPlay } from "../src/FakeSampPlay.js";
import { type Clock, FakeSampServer } from "../src/index.js";

const T = Date.UTC(2026, 10, 29, 7, 4, 45);

function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), "fake-samp-play-")), "server_log.txt");
}

function steppingClock(): Clock {
  let now = T;
  return { now: () => (now += 1000), setTimeout: () => undefined, clearTimeout: () => undefined };
}

describe("scripted play", () => {
  it("the same seed and clock write the same log byte for byte; another seed does not", () => {
    const run = (seed: number): { log: Buffer; events: string[] } => {
      const path = tempLog();
      const server = new FakeSampServer({ seed, clock: steppingClock(), log: { path } });
      const events = server.play(200).map((event) => event.type);
      return { log: readFileSync(path), events };
    };
    const a = run(42);
    expect(run(42).log.equals(a.log)).toBe(true);
    expect(run(43).log.equals(a.log)).toBe(false);
    expect(new Set(a.events)).toEqual(new Set(["join", "part", "chat", "kill", "death", "echo"]));
  });

  it("every event's line is in the log, in order, and the roster follows joins and parts", () => {
    const path = tempLog();
    const server = new FakeSampServer({ seed: 5, log: { path, timestamps: false }, play: { targetPlayers: 5 } });
    const events = server.play(300);
    const lines = iconv.decode(readFileSync(path), "windows-1252").split("\n").slice(0, -1);
    expect(lines).toEqual(events.map((event) => event.line));
    const online = new Set<number>();
    for (const event of events) {
      if (event.type === "join") online.add(event.player.id);
      if (event.type === "part") online.delete(event.player.id);
      expect(online.size).toBeLessThanOrEqual(5);
    }
    expect(server.players.map((p) => p.id).sort()).toEqual([...online].sort());
  });

  it("writes no chat or death lines when those logs are off, but still plays them", () => {
    const path = tempLog();
    const server = new FakeSampServer({ seed: 9, log: { path, timestamps: false, logChat: false, logDeaths: false } });
    const events = server.play(200);
    const chats = events.filter((e) => e.type === "chat");
    expect(chats.length).toBeGreaterThan(0);
    expect(chats.every((e) => e.line === undefined)).toBe(true);
    expect(readFileSync(path, "latin1")).not.toMatch(/\[(chat|kill|death)\]/);
  });

  it("uses the given names, phrases and echo tags", () => {
    const path = tempLog();
    const server = new FakeSampServer({ seed: 3, log: { path, timestamps: false }, play: { targetPlayers: 2, names: ["Alpha", "Beta"], phrases: ["only this"], echoTags: ["custom"] } });
    const events = server.play(100);
    for (const event of events) {
      if (event.type === "chat") expect(event.text).toBe("only this");
      if (event.type === "echo") expect(event.tag).toBe("custom");
    }
    expect(new Set(events.filter((e) => e.type === "join").map((e) => (e.type === "join" ? e.player.name : "")))).toEqual(new Set(["Alpha", "Beta"]));
    expect(() => new FakeSampPlay(server, { names: [] })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });

  it("auto play steps on the clock until stopped, and stop() of the server ends it", async () => {
    vi.useFakeTimers({ now: T });
    try {
      const path = tempLog();
      const server = new FakeSampServer({ seed: 1, log: { path, timestamps: false } });
      server.startAutoPlay(1000, 2);
      vi.advanceTimersByTime(999);
      expect(server.log!.linesWritten).toBe(0);
      vi.advanceTimersByTime(2001);
      expect(server.log!.linesWritten).toBe(6);
      server.stopAutoPlay();
      vi.advanceTimersByTime(10_000);
      expect(server.log!.linesWritten).toBe(6);
      server.startAutoPlay(500);
      vi.advanceTimersByTime(1000);
      expect(server.log!.linesWritten).toBe(8);
      await server.stop();
      vi.advanceTimersByTime(10_000);
      expect(server.log!.linesWritten).toBe(8);
      expect(() => server.startAutoPlay(0)).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
      expect(() => server.startAutoPlay(2 ** 31)).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
    } finally {
      vi.useRealTimers();
    }
  });

  it("auto play stops at a log failure instead of throwing from a timer, and keeps the error", () => {
    vi.useFakeTimers({ now: T });
    try {
      const path = tempLog();
      const server = new FakeSampServer({ seed: 1, log: { path, timestamps: false } });
      server.startAutoPlay(1000);
      vi.advanceTimersByTime(1000);
      expect(server.log!.linesWritten).toBe(1);
      rmSync(join(path, ".."), { recursive: true, force: true });
      vi.advanceTimersByTime(1000);
      expect(server.autoPlayError).toMatchObject({ code: "FAKE_SAMP_LOG_FAILED" });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
