import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultFormats } from "../src/defaultFormats.js";
import { formatEcho } from "../src/formats.js";
import { Outbox } from "../src/Outbox.js";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

/**
 * The overload scenario on fake timers: the simulated game emits far more echo than
 * Discord's create-message bucket (5 per 5 s per channel) can carry, for 60 simulated seconds.
 * Latencies here are simulated time, not wall-clock.
 */
function scenario(options: { outage?: { from: number; to: number } } = {}) {
  const game = new SimulatedGameServer({ seed: 2026, rate: 200, maxPlayers: 200 });
  const sent: { channel: string; content: string; at: number }[] = [];
  const overBucket: number[] = [];
  const bucket = new Map<string, number[]>();
  const start = Date.now();
  const outbox = new Outbox({
    send: (channel, content) =>
      new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          const now = Date.now() - start;
          if (options.outage && now >= options.outage.from && now < options.outage.to) {
            reject(new Error("connect ECONNREFUSED"));
            return;
          }
          const times = (bucket.get(channel) ?? []).filter((t) => t > now - 5000);
          if (times.length >= 5) overBucket.push(now);
          bucket.set(channel, [...times, now]);
          sent.push({ channel, content, at: now });
          resolve();
        }, 80);
      }),
  });
  game.on("echo", (tag, params) => {
    const line = formatEcho(tag, params, defaultFormats);
    if (line?.kind === "message") outbox.enqueue(line.channel, line.text, line.priority, line.coalesceKey);
  });
  return { game, outbox, sent, overBucket };
}

describe("Outbox under overload", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("delivers every admin line within 6 s (p99), accounts for every line, and stays within the bucket", async () => {
    const { game, outbox, sent, overBucket } = scenario();
    game.start();
    await vi.advanceTimersByTimeAsync(60_000);
    game.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    const stats = outbox.stats;
    expect(stats.emitted).toBeGreaterThan(10_000);
    expect(stats.emitted).toBe(stats.delivered + stats.coalesced + stats.dropped + stats.queued);
    expect(stats.queued).toBe(0);
    expect(stats.coalesced).toBeGreaterThan(0);
    expect(stats.byPriority.admin.delivered).toBe(stats.byPriority.admin.emitted);
    expect(outbox.latency("admin").p99).toBeLessThanOrEqual(6000);
    expect(sent.every((message) => message.content.length <= 2000)).toBe(true);
    expect(overBucket).toEqual([]);
  });

  it("loses no admin line through a 20-second Discord outage mid-stream", async () => {
    const { game, outbox } = scenario({ outage: { from: 20_000, to: 40_000 } });
    const failures = vi.fn();
    outbox.on("failure", failures);
    game.start();
    await vi.advanceTimersByTimeAsync(60_000);
    game.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    const stats = outbox.stats;
    expect(failures).toHaveBeenCalled();
    expect(stats.queued).toBe(0);
    expect(stats.emitted).toBe(stats.delivered + stats.coalesced + stats.dropped);
    expect(stats.byPriority.admin.emitted).toBeGreaterThan(100);
    expect(stats.byPriority.admin.delivered).toBe(stats.byPriority.admin.emitted);
  });
});
