import { FakeDiscord } from "@nuwani/fake-discord";
import { DiscordRest } from "@nuwani/rest";
import { ManualClock } from "@nuwani/util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isRetryableSendError } from "../src/BridgeContext.js";
import type { BridgeError } from "../src/BridgeError.js";
import { Outbox } from "../src/Outbox.js";

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
    await clock.advanceAsync(59_999);
    expect(discord.rest.requests).toHaveLength(1);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect(outbox.stats.delivered).toBe(2));
    outbox.enqueue(general, "third line");
    await vi.waitFor(() => expect(outbox.stats.delivered).toBe(3));
    expect(discord.postedMessages.map((message) => message.content)).toEqual(["first line\nsecond line", "third line"]);
    expect(outbox.stats).toMatchObject({ emitted: 3, delivered: 3, dropped: 0, queued: 0 });
    expect(clock.longest).toBeLessThan(2 ** 31);
  });
});
