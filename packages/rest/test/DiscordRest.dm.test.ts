import { describe, expect, it } from "vitest";
import { RestError } from "../src/RestError.js";
import { channelId, restFor, startFake } from "./support/fake.js";

const MANAGE_ROLES = 1n << 28n;
const SEND_MESSAGES = 1n << 11n;

describe("DiscordRest: direct messages and permission overwrites against the fake Discord", () => {
  for (const version of [6, 10] as const) {
    it(`v${version}: createDM opens the user's DM channel (type 1), and createMessage posts there`, async () => {
      const discord = await startFake();
      const rest = restFor(discord, { version });
      const user = discord.guilds[0]!.members[4]!.user;
      const channel = await rest.createDM(user.id);
      expect(channel).toMatchObject({ type: 1, recipients: [{ id: user.id }] });
      expect((await rest.createDM(user.id)).id).toBe(channel.id);
      const message = await rest.createMessage(channel.id, "hello @everyone");
      expect(message.channel_id).toBe(channel.id);
      expect(discord.postedMessages).toEqual([expect.objectContaining({ channelId: channel.id, guildId: null, content: "hello @everyone" })]);
      expect(discord.postedMessages[0]!.body.allowed_mentions).toEqual({ parse: [] });
      expect(discord.rest.requests[0]).toMatchObject({ method: "POST", path: "/users/@me/channels", body: { recipient_id: user.id } });
    });
  }

  for (const version of [6, 10] as const) {
    it(`v${version}: editChannelPermissions and deleteChannelPermission change the channel's overwrites`, async () => {
      const discord = await startFake();
      const guild = discord.guilds[0]!;
      const bot = guild.members.find((member) => member.user.id === discord.user.id)!;
      guild.roles.find((role) => bot.roles.includes(role.id))!.permissions |= MANAGE_ROLES;
      const rest = restFor(discord, { version });
      const general = channelId(discord);
      await rest.editChannelPermissions(general, guild.id, { type: 0, deny: SEND_MESSAGES }, "muted by the game");
      const overwrites = (): unknown[] => guild.channels.find((channel) => channel.id === general)!.overwrites.filter((entry) => entry.id === guild.id);
      expect(overwrites()).toEqual([{ id: guild.id, type: "role", allow: 0n, deny: SEND_MESSAGES }]);
      const put = discord.rest.requests.at(-1)!;
      expect(put.body).toEqual(version === 6 ? { type: "role", allow: 0, deny: 2048 } : { type: 0, allow: "0", deny: "2048" });
      expect(put.headers["x-audit-log-reason"]).toBe("muted%20by%20the%20game");
      await rest.editChannelPermissions(general, guild.id, { type: 0, allow: "1024", deny: null });
      expect(overwrites()).toEqual([{ id: guild.id, type: "role", allow: 1024n, deny: 0n }]);
      await rest.deleteChannelPermission(general, guild.id);
      expect(overwrites()).toEqual([]);
    });
  }

  it("fails with REST_HTTP_ERROR and Discord's code: 50013 without MANAGE_ROLES, 10013 for an unknown user", async () => {
    const discord = await startFake();
    const rest = restFor(discord);
    const guild = discord.guilds[0]!;
    await expect(rest.editChannelPermissions(channelId(discord), guild.id, { type: 0, deny: SEND_MESSAGES })).rejects.toMatchObject({
      code: "REST_HTTP_ERROR",
      status: 403,
      discordCode: 50013,
    });
    await expect(rest.deleteChannelPermission(channelId(discord), guild.id)).rejects.toMatchObject({ status: 403, discordCode: 50013 });
    await expect(rest.createDM("123456789012345678")).rejects.toMatchObject({ code: "REST_HTTP_ERROR", status: 404, discordCode: 10013 });
  });

  it("refuses bad arguments with REST_INVALID_ARGUMENT before sending", async () => {
    const discord = await startFake();
    const rest = restFor(discord);
    const general = channelId(discord);
    const cases: Array<() => Promise<unknown>> = [
      () => rest.createDM("not-an-id"),
      () => rest.editChannelPermissions("x", "1", { type: 0 }),
      () => rest.editChannelPermissions(general, "x", { type: 0 }),
      () => rest.editChannelPermissions(general, "1", { type: 2 as 0 }),
      () => rest.editChannelPermissions(general, "1", { type: 0, deny: "-1" }),
      () => rest.editChannelPermissions(general, "1", { type: 0, allow: 5 as unknown as string }),
      () => rest.deleteChannelPermission(general, "../x"),
    ];
    for (const call of cases) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RestError);
      expect(error).toMatchObject({ code: "REST_INVALID_ARGUMENT" });
    }
    expect(discord.rest.requests).toEqual([]);
  });
});
