import { FakeDiscord } from "@nuwani/fake-discord";
import { describe, expect, it } from "vitest";
import { DiscordRest, RestError, splitMessage } from "../src/index.js";

describe("README example", () => {
  it("runs as written", async () => {
    const discord = new FakeDiscord({ rest: { bucket: { limit: 5, window: 500 } } });
    await discord.start();
    try {
      const channelId = discord.guilds[0]!.channels.find((channel) => channel.name === "general")!.id;
      const rest = new DiscordRest({ token: discord.token, baseUrl: discord.restUrl });

      const text = Array.from({ length: 12 }, (_, i) => `line ${i}: ${"x".repeat(400)}`).join("\n");
      const pieces = splitMessage(text, { maxLength: 450 });
      await Promise.all(pieces.map((piece) => rest.createMessage(channelId, piece)));
      expect([pieces.length, discord.rest.rateLimitedCount]).toEqual([12, 0]);

      const message = await rest.createMessage(channelId, "@everyone pings nobody");
      await rest.createReaction(channelId, message.id, "👍");
      expect(discord.postedMessages.at(-1)!.body.allowed_mentions).toEqual({ parse: [] });

      const error = await rest.createMessage("1", "nowhere").catch((caught: unknown) => caught);
      expect(RestError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: "REST_HTTP_ERROR", status: 404, discordCode: 10003, route: "/channels/1/messages" });
      rest.destroy();
    } finally {
      await discord.stop();
    }
  });

  it("the abort and events examples work as written", async () => {
    const discord = new FakeDiscord();
    await discord.start();
    try {
      const channelId = discord.guilds[0]!.channels.find((channel) => channel.name === "general")!.id;
      const rest = new DiscordRest({ token: discord.token, baseUrl: discord.restUrl });
      const lines: string[] = [];
      rest.on("response", ({ method, route, status }) => lines.push(`${method} ${route} ${status}`));
      const controller = new AbortController();
      controller.abort(new Error("the player left"));
      const error = await rest.createMessage(channelId, "hi", { signal: controller.signal }).catch((caught: unknown) => caught);
      expect(RestError.is(error, "REST_ABORTED")).toBe(true);
      expect((error as RestError).cause).toEqual(new Error("the player left"));
      await rest.createMessage(channelId, "sent");
      expect(lines).toEqual([`POST /channels/${channelId}/messages 200`]);
      expect(discord.postedMessages.map((message) => message.content)).toEqual(["sent"]);
      rest.destroy();
    } finally {
      await discord.stop();
    }
  });
});
