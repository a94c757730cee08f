import { FakeDiscord } from "@nuwani/fake-discord";
import { type Clock, DiscordRest } from "@nuwani/rest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isRetryableSendError } from "../src/BridgeContext.js";
import type { BridgeError } from "../src/BridgeError.js";
import { Outbox } from "../src/Outbox.js";

/** A clock moved by hand (the HTTP stack keeps its real timers); records the longest delay asked for. */
class ManualClock implements Clock {
  longest = 0;
  private time = 1_000_000;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private id = 0;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    this.longest = Math.max(this.longest, ms);
    this.timers.set(++this.id, { at: this.time + ms, callback });
    return this.id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.time = end;
  }
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe("Outbox over DiscordRest against the fake Discord (loopback)", () => {
  it("regression: one 429 with retry_after 1e9 silenced the channel for good; now the outbox retries within maxRateLimitWait and keeps sending later lines", { timeout: 10_000 }, async () => {
    const discord = new FakeDiscord({ rest: { global: false } });
    await discord.start();
    cleanup.push(() => discord.stop());
    const general = discord.guilds[0]!.channels.find((channel) => channel.name === "general")!.id;
    const clock = new ManualClock();
    const rest = new DiscordRest({ token: discord.token, baseUrl: discord.restUrl, version: 10, clock, maxRateLimitWait: 60_000 });
    cleanup.push(() => rest.destroy());
    const outbox = new Outbox({
      clock,
      rate: null,
      isRetryable: isRetryableSendError,
      send: async (channel, content) => {
        await rest.createMessage(channel, content);
      },
    });
    cleanup.push(() => outbox.destroy());
    const failures: BridgeError[] = [];
    outbox.on("failure", (error) => failures.push(error));

    discord.rest.faults.rateLimitNext({ retryAfter: 1e9 });
    outbox.enqueue(general, "first line");
    await vi.waitFor(() => expect(failures).toHaveLength(1));
    expect(failures[0]).toMatchObject({ retryable: true, cause: { code: "REST_RATE_LIMITED", retryAfter: 1e12 } });
    outbox.enqueue(general, "second line");
    await clock.advance(59_999);
    expect(discord.rest.requests).toHaveLength(1);
    await clock.advance(1);
    await vi.waitFor(() => expect(outbox.stats.delivered).toBe(2));
    outbox.enqueue(general, "third line");
    await vi.waitFor(() => expect(outbox.stats.delivered).toBe(3));
    expect(discord.postedMessages.map((message) => message.content)).toEqual(["first line\nsecond line", "third line"]);
    expect(outbox.stats).toMatchObject({ emitted: 3, delivered: 3, dropped: 0, queued: 0 });
    expect(clock.longest).toBeLessThan(2 ** 31);
  });
});
