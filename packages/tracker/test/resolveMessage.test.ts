import { describe, expect, it } from "vitest";
import { resolveMessage } from "../src/resolveMessage.js";
import { BOT } from "./support/payloads.js";
import { namedGuild } from "./support/tracker.js";

describe("resolveMessage", () => {
  const { tracker, guild } = namedGuild();
  const general = guild.channels.find((channel) => channel.name === "general")!;
  const author = guild.members[2]!;
  const botRole = guild.roles.find((role) => role.name === "Nuwani")!;
  const vip = guild.roles.find((role) => role.name === "VIP")!;
  const message = (extra: Record<string, unknown>) => ({
    id: "900000000000000001",
    channel_id: general.id,
    guild_id: guild.id,
    author: { id: author.user.id, username: author.user.username, discriminator: author.user.discriminator, avatar: null },
    content: "hello",
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    ...extra,
  });

  it("resolves channel, guild, author member and mentions", () => {
    const target = guild.members[3]!.user;
    const resolved = resolveMessage(tracker, message({ mentions: [{ id: target.id, username: target.username, discriminator: "0001", avatar: null }], mention_roles: [vip.id] }))!;
    expect(resolved.channel?.name).toBe("general");
    expect(resolved.guild?.id).toBe(guild.id);
    expect(resolved.member?.displayName).toBe("Gunny");
    expect(resolved.mentionedMembers.map((member) => member.id)).toEqual([target.id]);
    expect(resolved.mentionedRoles.map((role) => role.name)).toEqual(["VIP"]);
    expect(resolved.mentionsBot).toBe(false);
    expect(resolved.webhook).toBe(false);
  });

  it("knows when the bot is mentioned directly or through its role", () => {
    expect(tracker.resolveMessage(message({ mentions: [{ id: BOT.id, username: "Nuwani" }] }))?.mentionsBot).toBe(true);
    expect(tracker.resolveMessage(message({ mention_roles: [botRole.id] }))?.mentionsBot).toBe(true);
    expect(tracker.resolveMessage(message({ mention_everyone: true }))?.mentionsEveryone).toBe(true);
  });

  it("handles DMs, webhooks and malformed payloads", () => {
    const dm = tracker.resolveMessage(message({ channel_id: "1", guild_id: undefined, webhook_id: "77" }))!;
    expect(dm).toMatchObject({ guild: undefined, member: undefined, channel: undefined, webhook: true, mentionedMembers: [] });
    expect(tracker.resolveMessage({ id: "1" })).toBeUndefined();
    expect(tracker.resolveMessage(null)).toBeUndefined();
  });
});
