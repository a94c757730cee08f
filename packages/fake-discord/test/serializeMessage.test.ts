import { describe, expect, it } from "vitest";
import { createGuild } from "../src/createGuild.js";
import { type CreatedMessage, type MessageInput, MessageSerializer } from "../src/serializeMessage.js";

const guild = createGuild();
const member = guild.members[1]!;

const created: CreatedMessage = { id: "100", channelId: "200", guildId: guild.id, timestamp: "2020-09-01T00:00:00.000Z" };

function message(overrides: Partial<MessageInput> = {}): MessageInput {
  return { channelId: "200", author: member, content: 'Hello "world" \\ ☃', ...overrides };
}

describe("MessageSerializer", () => {
  it("builds valid JSON for a v6 guild message with the author's partial member", () => {
    const d = JSON.parse(new MessageSerializer().serialize(message({ nonce: "n", mentionRoles: ["5"] }), created, 6));
    expect(d).toEqual({
      id: "100",
      type: 0,
      content: 'Hello "world" \\ ☃',
      channel_id: "200",
      guild_id: guild.id,
      author: { id: member.user.id, username: member.user.username, discriminator: member.user.discriminator, avatar: null, public_flags: 0 },
      member: { roles: member.roles, nick: member.nick, joined_at: member.joinedAt, premium_since: null, deaf: false, mute: false },
      mentions: [],
      mention_roles: ["5"],
      mention_everyone: false,
      attachments: [],
      embeds: [],
      pinned: false,
      tts: false,
      timestamp: "2020-09-01T00:00:00.000Z",
      edited_timestamp: null,
      flags: 0,
      nonce: "n",
    });
  });

  it("builds a v10 DM from a bare user: no guild_id, no member, components and global_name", () => {
    const d = JSON.parse(new MessageSerializer().serialize(message({ author: member.user, mentions: [guild.members[0]!.user] }), { ...created, guildId: null }, 10));
    expect(d).not.toHaveProperty("guild_id");
    expect(d).not.toHaveProperty("member");
    expect(d.components).toEqual([]);
    expect(d.author.global_name).toBeNull();
    expect(d.mentions[0].bot).toBe(true);
  });

  it("notices a renamed author despite its cache", () => {
    const serializer = new MessageSerializer();
    const user = { id: "9", username: "Old", discriminator: "0001", avatar: null };
    expect(JSON.parse(serializer.serialize(message({ author: user }), created, 6)).author.username).toBe("Old");
    user.username = "New";
    expect(JSON.parse(serializer.serialize(message({ author: user }), created, 6)).author.username).toBe("New");
  });

  it("notices a member whose roles or nick changed despite its cache", () => {
    const serializer = new MessageSerializer();
    const author = { ...member, roles: ["1"] };
    expect(JSON.parse(serializer.serialize(message({ author }), created, 6)).member.roles).toEqual(["1"]);
    author.roles.push("2");
    expect(JSON.parse(serializer.serialize(message({ author }), created, 6)).member.roles).toEqual(["1", "2"]);
    author.nick = "Nick";
    expect(JSON.parse(serializer.serialize(message({ author }), created, 6)).member.nick).toBe("Nick");
  });

  it("escapes ids and timestamps that are not plain", () => {
    const d = JSON.parse(new MessageSerializer().serialize(message(), { ...created, id: 'a"b', timestamp: "x\\y" }, 6));
    expect(d.id).toBe('a"b');
    expect(d.timestamp).toBe("x\\y");
  });
});
