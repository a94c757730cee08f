import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BridgeError } from "../src/BridgeError.js";
import type { EchoPriority } from "../src/formats.js";
import { Outbox, type OutboxOptions, type OutboxStats } from "../src/Outbox.js";

interface Call {
  readonly channel: string;
  readonly content: string;
  readonly at: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** A send function whose calls the test settles by hand (or at once, with `auto`). */
function sender(auto = false): { send: OutboxOptions["send"]; calls: Call[]; sent: Call[] } {
  const calls: Call[] = [];
  const sent: Call[] = [];
  const send = (channel: string, content: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const call: Call = {
        channel,
        content,
        at: Date.now(),
        resolve: () => {
          sent.push(call);
          resolve();
        },
        reject,
      };
      calls.push(call);
      if (auto) call.resolve();
    });
  return { send, calls, sent };
}

function balanced(stats: OutboxStats): void {
  expect(stats.emitted).toBe(stats.delivered + stats.coalesced + stats.dropped + stats.queued);
  for (const counts of Object.values(stats.byPriority)) {
    expect(counts.emitted).toBe(counts.delivered + counts.coalesced + counts.dropped + counts.queued);
  }
}

describe("Outbox", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("regression: a sent or failure listener that threw stalled the channel (and left an unhandled rejection)", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send, rate: null, retryDelay: () => 100 });
    outbox.on("sent", () => {
      throw new Error("a sent listener failed");
    });
    outbox.on("failure", () => {
      throw new Error("a failure listener failed");
    });
    outbox.enqueue("echo", "first");
    outbox.enqueue("echo", "second", "admin");
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    // The line queued behind the first went without waiting for another enqueue.
    expect(calls.map((call) => call.content)).toEqual(["first", "second"]);
    calls[1]!.reject(new Error("503"));
    await vi.advanceTimersByTimeAsync(100);
    // The retry was scheduled although the failure listener threw.
    expect(calls.map((call) => call.content)).toEqual(["first", "second", "second"]);
    calls[2]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.stats).toMatchObject({ emitted: 2, delivered: 2, queued: 0 });
    balanced(outbox.stats);
  });

  it("sends a line at once and counts it delivered when the send resolves", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    const sent = vi.fn();
    outbox.on("sent", sent);
    outbox.enqueue("echo", "hello");
    expect(calls.map((c) => [c.channel, c.content])).toEqual([["echo", "hello"]]);
    expect(outbox.stats).toMatchObject({ emitted: 1, delivered: 0, queued: 1 });
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.stats).toMatchObject({ emitted: 1, delivered: 1, queued: 0 });
    expect(sent).toHaveBeenCalledWith("echo", "hello", 1);
  });

  it("batches lines that queued during a send into one message, joined with newlines", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    outbox.enqueue("echo", "one");
    outbox.enqueue("echo", "two");
    outbox.enqueue("echo", "three");
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.content)).toEqual(["one", "two\nthree"]);
  });

  it("keeps channels apart, each with its own send in flight", () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    outbox.enqueue("echo", "a");
    outbox.enqueue("admin", "b");
    expect(calls.map((c) => [c.channel, c.content])).toEqual([
      ["echo", "a"],
      ["admin", "b"],
    ]);
  });

  it("never exceeds 2000 characters and never splits a line that fits", async () => {
    const { send, calls } = sender(true);
    const outbox = new Outbox({ send, rate: null });
    outbox.pause();
    const lines = Array.from({ length: 30 }, (_, i) => `${i}:${"x".repeat(150 + i)}`);
    for (const line of lines) outbox.enqueue("echo", line);
    outbox.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.every((c) => c.content.length <= 2000)).toBe(true);
    expect(calls.flatMap((c) => c.content.split("\n"))).toEqual(lines);
    expect(outbox.stats.delivered).toBe(30);
  });

  it("splits a line longer than a message safely, counting it once", async () => {
    const { send, calls } = sender(true);
    const outbox = new Outbox({ send, rate: null });
    const line = "😀".repeat(1500); // 3000 UTF-16 units
    outbox.enqueue("echo", line);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.content.length)).toEqual([2000, 1000]);
    expect(calls.map((c) => c.content).join("")).toBe(line);
    expect(outbox.stats).toMatchObject({ emitted: 1, delivered: 1, queued: 0 });
  });

  it("splits a long line at a space near the end, and never between a backslash and what it escapes", async () => {
    const { send, calls } = sender(true);
    const outbox = new Outbox({ send, rate: null, maxMessageLength: 100 });
    outbox.enqueue("echo", `${"a".repeat(90)} ${"b".repeat(50)}`);
    outbox.enqueue("echo", `${"c".repeat(99)}\\*tail`);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.content)).toEqual([`${"a".repeat(90)} `, "b".repeat(50), "c".repeat(99), "\\*tail"]);
  });

  it("holds to the local rate: at most 5 sends per 5 seconds per channel", async () => {
    const { send, calls } = sender(true);
    const outbox = new Outbox({ send, maxMessageLength: 20 });
    for (let i = 0; i < 12; i++) outbox.enqueue("echo", `line ${i}`.padEnd(15, "."));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(12);
    expect(outbox.stats).toMatchObject({ emitted: 12, delivered: 12, queued: 0 });
  });

  it("sends admin lines first", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    outbox.enqueue("echo", "first");
    outbox.enqueue("echo", "low", "low");
    outbox.enqueue("echo", "normal", "normal");
    outbox.enqueue("echo", "high", "high");
    outbox.enqueue("echo", "admin", "admin");
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[1]!.content).toBe("admin\nhigh\nnormal\nlow");
  });

  it("coalesces low lines with a key under overload: … and N more joins", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send, coalesceAbove: 3, maxQueued: 10 });
    for (let i = 0; i < 10; i++) outbox.enqueue("echo", `join ${i}`, "low", "joins");
    expect(outbox.stats).toMatchObject({ emitted: 10, queued: 3, coalesced: 7 });
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[1]!.content).toBe("join 1\njoin 2\n… and 7 more joins");
    calls[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.stats).toMatchObject({ emitted: 10, delivered: 3, coalesced: 7, dropped: 0, queued: 0 });
  });

  it("starts a new summary once the previous one is on its way", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send, coalesceAbove: 1, maxQueued: 10 });
    outbox.enqueue("echo", "a", "low", "kills");
    outbox.enqueue("echo", "b", "low", "kills"); // coalesced
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[1]!.content).toBe("… and 1 more kills");
    outbox.enqueue("echo", "c", "low", "kills");
    outbox.enqueue("echo", "d", "low", "kills"); // coalesced into a new summary
    calls[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[2]!.content).toBe("c\n… and 1 more kills");
  });

  it("drops low lines without a key under overload, and evicts lower priorities at the hard bound", () => {
    const { send } = sender();
    const outbox = new Outbox({ send, coalesceAbove: 2, maxQueued: 4 });
    outbox.enqueue("echo", "n1", "normal"); // in flight
    outbox.enqueue("echo", "l1", "low");
    outbox.enqueue("echo", "l2", "low"); // dropped: above coalesceAbove, no key
    outbox.enqueue("echo", "n2", "normal");
    outbox.enqueue("echo", "n3", "normal"); // 4 queued now
    expect(outbox.stats).toMatchObject({ queued: 4, dropped: 1 });
    outbox.enqueue("echo", "h1", "high"); // evicts l1
    expect(outbox.stats.byPriority.low).toMatchObject({ dropped: 2, queued: 0 });
    outbox.enqueue("echo", "h2", "high"); // evicts n3 (newest normal)
    outbox.enqueue("echo", "h3", "high"); // evicts n2; n1 is in flight
    outbox.enqueue("echo", "h4", "high"); // nothing lower to evict: dropped
    expect(outbox.stats.byPriority.normal).toMatchObject({ dropped: 2, queued: 1 });
    expect(outbox.stats.byPriority.high).toMatchObject({ emitted: 4, dropped: 1, queued: 3 });
    balanced(outbox.stats);
  });

  it("never drops or coalesces admin lines under overload", () => {
    const { send } = sender();
    const outbox = new Outbox({ send, coalesceAbove: 1, maxQueued: 1 });
    for (let i = 0; i < 1000; i++) outbox.enqueue("admin", `admin ${i}`, "admin");
    for (let i = 0; i < 1000; i++) outbox.enqueue("admin", `join ${i}`, "low", "joins");
    expect(outbox.stats.byPriority.admin).toMatchObject({ emitted: 1000, queued: 1000, dropped: 0, coalesced: 0 });
  });

  it("has a safety valve for admin lines", () => {
    const { send } = sender();
    const outbox = new Outbox({ send, maxAdminQueued: 3 });
    for (let i = 0; i < 5; i++) outbox.enqueue("admin", `admin ${i}`, "admin");
    expect(outbox.stats.byPriority.admin).toMatchObject({ emitted: 5, queued: 3, dropped: 2 });
  });

  it("counts an empty line as dropped", () => {
    const outbox = new Outbox({ send: sender().send });
    outbox.enqueue("echo", "  ");
    expect(outbox.stats).toMatchObject({ emitted: 1, dropped: 1, queued: 0 });
  });

  it("retries a retryable failure with backoff, keeping order, and reports it", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    const failures: BridgeError[] = [];
    outbox.on("failure", (error) => failures.push(error));
    outbox.enqueue("admin", "one", "admin");
    outbox.enqueue("admin", "two", "admin");
    calls[0]!.reject(new Error("connect ECONNREFUSED"));
    await vi.advanceTimersByTimeAsync(0);
    expect(failures[0]).toMatchObject({ code: "BRIDGE_SEND_FAILED", channel: "admin", retryable: true });
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls[1]!.content).toBe("one\ntwo");
    calls[1]!.reject(new Error("again"));
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    calls[2]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.stats).toMatchObject({ emitted: 2, delivered: 2, dropped: 0, queued: 0 });
  });

  it("regression: a failure's retryAfter (REST_RATE_LIMITED) is honoured, but never longer than maxRetryAfter", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send, rate: null, retryDelay: () => 100, maxRetryAfter: 10_000 });
    outbox.enqueue("echo", "one");
    calls[0]!.reject(Object.assign(new Error("rate limited"), { code: "REST_RATE_LIMITED", status: 429, retryAfter: 3000 }));
    await vi.advanceTimersByTimeAsync(2999);
    expect(calls).toHaveLength(1); // not after the 100 ms backoff: Discord asked for 3 s
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    calls[1]!.reject(Object.assign(new Error("rate limited"), { code: "REST_RATE_LIMITED", status: 429, retryAfter: 1e12 }));
    await vi.advanceTimersByTimeAsync(9999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3); // 1e12 ms asked, cut to maxRetryAfter: the channel is not silenced
    calls[2]!.resolve();
    outbox.enqueue("echo", "two");
    await vi.advanceTimersByTimeAsync(0);
    calls[3]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((call) => call.content)).toEqual(["one", "one", "one", "two"]);
    expect(outbox.stats).toMatchObject({ emitted: 2, delivered: 2, dropped: 0, queued: 0 });
    expect(() => new Outbox({ send, maxRetryAfter: 2 ** 31 })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT" }) as Error);
  });

  it("drops lines after a failure that is not retryable", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    outbox.enqueue("echo", "a");
    outbox.enqueue("echo", "b");
    calls[0]!.reject(Object.assign(new Error("Missing Permissions"), { retryable: false }));
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.stats).toMatchObject({ emitted: 2, dropped: 1, queued: 1 });
    expect(calls[1]!.content).toBe("b");
  });

  it("treats a send function that throws synchronously as a failure", async () => {
    let fail = true;
    const outbox = new Outbox({
      send: () => {
        if (fail) throw new Error("boom");
        return Promise.resolve();
      },
      retryDelay: () => 10,
    });
    const failure = vi.fn();
    outbox.on("failure", failure);
    outbox.enqueue("echo", "a");
    await vi.advanceTimersByTimeAsync(0);
    expect(failure).toHaveBeenCalledTimes(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(10);
    expect(outbox.stats.delivered).toBe(1);
  });

  it("queues while paused and flushes on resume, skipping a pending retry delay", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send, retryDelay: () => 60_000 });
    outbox.enqueue("echo", "a");
    calls[0]!.reject(new Error("down"));
    await vi.advanceTimersByTimeAsync(0);
    outbox.pause();
    expect(outbox.paused).toBe(true);
    outbox.enqueue("echo", "b");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(1);
    outbox.resume();
    expect(calls[1]!.content).toBe("a\nb");
  });

  it("re-merges a summary whose send failed with one opened meanwhile", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send, coalesceAbove: 1, maxQueued: 10, retryDelay: () => 100 });
    outbox.enqueue("echo", "a", "low", "joins");
    outbox.enqueue("echo", "b", "low", "joins"); // summary of 1
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[1]!.content).toBe("… and 1 more joins");
    outbox.enqueue("echo", "c", "low", "joins"); // queued (below the bound again)
    outbox.enqueue("echo", "d", "low", "joins"); // new summary of 1
    calls[1]!.reject(new Error("down"));
    await vi.advanceTimersByTimeAsync(100);
    expect(calls[2]!.content).toBe("… and 2 more joins\nc");
  });

  it("tracks latency per priority", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    outbox.enqueue("admin", "a", "admin");
    await vi.advanceTimersByTimeAsync(250);
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.latency("admin")).toEqual({ count: 1, p50: 250, p99: 250, max: 250 });
    expect(outbox.latency("low")).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });

  it("keeps only the most recent latency samples", async () => {
    const outbox = new Outbox({ send: () => Promise.resolve(), rate: null, latencySamples: 2 });
    for (let i = 0; i < 5; i++) {
      outbox.enqueue("echo", `l${i}`);
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(outbox.latency("normal").count).toBe(2);
  });

  it("stops on destroy and refuses new lines", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    outbox.enqueue("echo", "a");
    calls[0]!.reject(new Error("down"));
    await vi.advanceTimersByTimeAsync(0);
    outbox.destroy();
    outbox.destroy(); // harmless twice
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => outbox.enqueue("echo", "b")).toThrow(expect.objectContaining({ code: "BRIDGE_DESTROYED" }));
    expect(outbox.stats).toMatchObject({ emitted: 1, queued: 1 });
  });

  it("keeps dispose() one release as a deprecated alias of destroy()", async () => {
    const { send, calls } = sender();
    const outbox = new Outbox({ send });
    outbox.enqueue("echo", "a");
    calls[0]!.reject(new Error("down"));
    await vi.advanceTimersByTimeAsync(0);
    outbox.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    expect(() => outbox.enqueue("echo", "b")).toThrow(expect.objectContaining({ code: "BRIDGE_DESTROYED" }));
  });

  it("validates its options and the priority", () => {
    const send = sender().send;
    expect(() => new Outbox({ send: undefined as never })).toThrow(expect.objectContaining({ field: "send" }));
    expect(() => new Outbox({ send, maxMessageLength: 10 })).toThrow(expect.objectContaining({ field: "maxMessageLength" }));
    expect(() => new Outbox({ send, rate: { limit: 0, window: 1 } })).toThrow(expect.objectContaining({ field: "rate.limit" }));
    // The window is a timer's delay and the limit a ring buffer's size: both bounded.
    expect(() => new Outbox({ send, rate: { limit: 10_001, window: 1000 } })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "rate.limit" }));
    expect(() => new Outbox({ send, rate: { limit: 5, window: 2 ** 31 } })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "rate.window" }));
    expect(() => new Outbox({ send, coalesceAbove: 10, maxQueued: 5 })).toThrow(expect.objectContaining({ field: "maxQueued" }));
    expect(() => new Outbox({ send }).enqueue("echo", "x", "urgent" as EchoPriority)).toThrow(expect.objectContaining({ field: "priority" }));
  });

  it("property: every line is accounted for, admin lines are never lost, and messages fit", async () => {
    type Op =
      | { op: "enqueue"; channel: string; priority: EchoPriority; key: string | null; length: number }
      | { op: "advance"; ms: number }
      | { op: "pause" }
      | { op: "resume" }
      | { op: "health"; failing: boolean };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 10,
        arbitrary: fc.record({
          op: fc.constant("enqueue" as const),
          channel: fc.constantFrom("echo", "admin"),
          priority: fc.constantFrom<EchoPriority>("admin", "high", "normal", "low"),
          key: fc.constantFrom(null, "joins", "kills"),
          length: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 1900, max: 4500 }) }),
        }),
      },
      { weight: 4, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 8000 }) }) },
      { weight: 1, arbitrary: fc.constant({ op: "pause" as const }) },
      { weight: 1, arbitrary: fc.constant({ op: "resume" as const }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant("health" as const), failing: fc.boolean() }) },
    );
    const seen = { coalesced: 0, dropped: 0, failures: 0, split: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 200, size: "max" }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 500 }), async (ops, coalesceAbove, latency) => {
        let failing = false;
        let counter = 0;
        const contents: string[] = [];
        const outbox = new Outbox({
          coalesceAbove,
          maxQueued: coalesceAbove * 2,
          send: (_channel, content) =>
            new Promise<void>((resolve, reject) => {
              setTimeout(() => {
                if (failing) {
                  seen.failures++;
                  reject(new Error("Discord is unreachable"));
                }
                else {
                  contents.push(content);
                  resolve();
                }
              }, latency);
            }),
        });
        for (const step of ops) {
          if (step.op === "enqueue") outbox.enqueue(step.channel, `${counter++}:`.padEnd(step.length, "x"), step.priority, step.key);
          else if (step.op === "advance") await vi.advanceTimersByTimeAsync(step.ms);
          else if (step.op === "pause") outbox.pause();
          else if (step.op === "resume") outbox.resume();
          else failing = step.failing;
          balanced(outbox.stats);
        }
        failing = false;
        outbox.resume();
        for (let i = 0; i < 200 && outbox.stats.queued > 0; i++) await vi.advanceTimersByTimeAsync(30_000);
        const stats = outbox.stats;
        balanced(stats);
        expect(stats.queued).toBe(0);
        expect(stats.byPriority.admin.dropped + stats.byPriority.admin.coalesced).toBe(0);
        expect(stats.byPriority.admin.delivered).toBe(stats.byPriority.admin.emitted);
        expect(stats.byPriority.high.coalesced).toBe(0);
        for (const content of contents) expect(content.length).toBeLessThanOrEqual(2000);
        seen.coalesced += stats.coalesced;
        seen.dropped += stats.dropped;
        seen.split += contents.filter((content) => !/^\d+:/.test(content) && !content.startsWith("…")).length;
        outbox.destroy();
        vi.clearAllTimers();
      }),
      { numRuns: 80 },
    );
    // the workloads did reach overload, failures and split lines
    expect(seen.coalesced).toBeGreaterThan(0);
    expect(seen.dropped).toBeGreaterThan(0);
    expect(seen.failures).toBeGreaterThan(0);
    expect(seen.split).toBeGreaterThan(0);
  });
});

describe("Outbox on a clock of fractional milliseconds", () => {
  it("does not spin on a rate wait that rounds to just short of the window", async () => {
    // A manual clock whose times are fractional (as a simulated clock at 687 events/s is).
    let now = 0.1;
    const timers: { at: number; callback: () => void }[] = [];
    const clock = {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => {
        const timer = { at: now + ms, callback };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (timer: unknown) => {
        const index = timers.indexOf(timer as (typeof timers)[number]);
        if (index !== -1) timers.splice(index, 1);
      },
    };
    const outbox = new Outbox({ clock, rate: { limit: 1, window: 5000 }, send: () => Promise.resolve() });
    let fired = 0;
    // Found by search: from a send at t0, a flush at `now` waits t0 + 5000 - now, and now + wait
    // comes out one rounding error short of t0 + 5000, for ever.
    now = 1000 / 687 + 0.1;
    outbox.enqueue("echo", "first", "admin");
    await Promise.resolve();
    now += (1000 / 687) * 3.7;
    outbox.enqueue("echo", "second", "admin");
    while (timers.length > 0 && fired < 1000) {
      timers.sort((a, b) => a.at - b.at);
      const timer = timers.shift()!;
      now = timer.at;
      fired++;
      timer.callback();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    expect(outbox.stats.delivered).toBe(2);
    expect(fired).toBeLessThan(10);
  });
});
