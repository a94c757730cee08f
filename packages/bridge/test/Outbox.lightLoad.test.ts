import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Outbox, type OutboxOptions } from "../src/Outbox.js";

/**
 * Load below what the channel's rate can carry, on fake timers: nothing should be coalesced or
 * dropped, and lines should wait no longer than the rate requires. Latencies are simulated time.
 */
interface Posted {
  readonly at: number;
  readonly content: string;
}

/** A send function like Discord's: answers after `latency` ms and records what it accepted, and when. */
function discord(latency = 80): { send: OutboxOptions["send"]; posted: Posted[]; overBucket: number[] } {
  const posted: Posted[] = [];
  const overBucket: number[] = [];
  const send: OutboxOptions["send"] = (_channel, content) =>
    new Promise<void>((resolve) => {
      const at = Date.now();
      // Discord's create-message bucket: 5 per 5 s (a sliding check, stricter than Discord's).
      if (posted.filter((post) => post.at > at - 5000).length >= 5) overBucket.push(at);
      posted.push({ at, content });
      setTimeout(resolve, latency);
    });
  return { send, posted, overBucket };
}

/** Enqueues `count` numbered lines of `length` characters, one every `every` ms; returns their enqueue times. */
async function stream(outbox: Outbox, count: number, every: number, length: number): Promise<number[]> {
  const at: number[] = [];
  for (let seq = 0; seq < count; seq++) {
    at.push(Date.now());
    outbox.enqueue("echo", `L${String(seq).padStart(6, "0")} `.padEnd(length, "x"), "normal", "chat messages");
    await vi.advanceTimersByTimeAsync(every);
  }
  return at;
}

/** Per line (by its number), the time of the first message that carried it. */
function postedAt(posted: readonly Posted[]): Map<number, number> {
  const seen = new Map<number, number>();
  for (const post of posted) for (const match of post.content.matchAll(/L(\d{6})/g)) if (!seen.has(Number(match[1]))) seen.set(Number(match[1]), post.at);
  return seen;
}

describe("Outbox under light load", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("regression: at half the rate's capacity a burst of sends then a whole-window stall coalesced ~30 % of the lines; now none is coalesced and none waits more than 2 s (1 s once steady)", async () => {
    // 62-character lines: 32 fit a 2000-character message, so 5 messages per 5 s carry 32
    // lines/s. Half of that, 16 lines/s, for 60 s. Spending the 5 sends of the window on the
    // first few lines and then waiting out the window let 80 lines queue, beyond `coalesceAbove`.
    const { send, posted, overBucket } = discord();
    const outbox = new Outbox({ send });
    const enqueuedAt = await stream(outbox, 960, 62.5, 61);
    await vi.advanceTimersByTimeAsync(30_000);
    const stats = outbox.stats;
    expect(stats).toMatchObject({ emitted: 960, delivered: 960, coalesced: 0, dropped: 0, queued: 0 });
    expect(overBucket).toEqual([]);
    const seen = postedAt(posted);
    expect([...seen.keys()]).toEqual(enqueuedAt.map((_, seq) => seq)); // every line, in order
    const latencies = enqueuedAt.map((at, seq) => seen.get(seq)! - at);
    // The pace (a fifth of the window) bounds the wait once the stream is steady; the first
    // seconds pay back the two sends spent at once on the first lines.
    expect(Math.max(...latencies.slice(160))).toBeLessThanOrEqual(1000 + 80);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(2000);
    expect(posted.every((post) => post.content.length <= 2000)).toBe(true);
  });

  it("at half the message rate every line goes as its own message at once", async () => {
    const { send, posted } = discord();
    const outbox = new Outbox({ send });
    const enqueuedAt = await stream(outbox, 30, 2000, 61);
    await vi.advanceTimersByTimeAsync(1000);
    expect(posted).toHaveLength(30);
    expect(posted.map((post) => post.at)).toEqual(enqueuedAt);
    expect(outbox.stats).toMatchObject({ emitted: 30, delivered: 30, coalesced: 0, dropped: 0, queued: 0 });
  });

  it("paces a partial message once part of the window is spent, so that the lines arriving meanwhile join it", async () => {
    const { send, posted } = discord(10);
    const outbox = new Outbox({ send });
    outbox.enqueue("echo", "a");
    await vi.advanceTimersByTimeAsync(20);
    outbox.enqueue("echo", "b"); // the second send of the window: at once
    await vi.advanceTimersByTimeAsync(20);
    outbox.enqueue("echo", "c"); // waits for the pace, a fifth of the window after "b"
    await vi.advanceTimersByTimeAsync(500);
    outbox.enqueue("echo", "d");
    await vi.advanceTimersByTimeAsync(479);
    expect(posted.map((post) => post.content)).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted).toEqual([
      { at: 0, content: "a" },
      { at: 20, content: "b" },
      { at: 1020, content: "c\nd" },
    ]);
  });

  it("sends a full message at once while the window allows: pacing only waits for lines that could still join", async () => {
    const { send, posted } = discord(10);
    const outbox = new Outbox({ send, maxMessageLength: 20 });
    // One line per message: each message is full, so none waits for the pace; the window does.
    for (let i = 0; i < 6; i++) outbox.enqueue("echo", `line ${i}`.padEnd(15, "."));
    await vi.advanceTimersByTimeAsync(4999);
    expect(posted.map((post) => post.at)).toEqual([0, 10, 20, 30, 40]);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted.map((post) => post.at)).toEqual([0, 10, 20, 30, 40, 5000]);
  });
});
