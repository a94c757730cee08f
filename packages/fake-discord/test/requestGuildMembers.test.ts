import { describe, expect, it } from "vitest";
import { createGuild } from "../src/createGuild.js";
import { Intents } from "../src/Intents.js";
import { type GuildMembersRequest, parseGuildMembersRequest, requestGuildMembers, selectMembers } from "../src/requestGuildMembers.js";

const ALL = undefined;

function parse(d: unknown, intents: number | undefined = ALL, version: 6 | 10 = 6): GuildMembersRequest {
  const result = parseGuildMembersRequest(d, version, intents);
  if ("code" in result) throw new Error(`refused: ${result.code}`);
  return result;
}

describe("requestGuildMembers", () => {
  it("answers query '' limit 0 with every member in chunks of 1000, with chunk_index, chunk_count and nonce", () => {
    const guild = createGuild({ members: 2500 });
    const chunks = requestGuildMembers(guild, parse({ guild_id: guild.id, query: "", limit: 0, nonce: "n1" }), 6);
    expect(chunks.map((chunk) => [chunk.chunk_index, chunk.chunk_count, (chunk.members as unknown[]).length, chunk.nonce])).toEqual([
      [0, 3, 1000, "n1"],
      [1, 3, 1000, "n1"],
      [2, 3, 500, "n1"],
    ]);
    expect(chunks[0]).not.toHaveProperty("presences");
    expect(chunks[0]).not.toHaveProperty("not_found");
    const ids = chunks.flatMap((chunk) => (chunk.members as Array<{ user: { id: string } }>).map((member) => member.user.id));
    expect(ids).toEqual(guild.members.map((member) => member.user.id));
  });

  it("matches a query as a case-insensitive username prefix, capped at 100 (limit 0 too)", () => {
    const guild = createGuild({ members: 5000 });
    const prefix = guild.members[3]!.user.username.slice(0, 2).toUpperCase();
    const expected = guild.members.filter((member) => member.user.username.toLowerCase().startsWith(prefix.toLowerCase()));
    expect(expected.length).toBeGreaterThan(100);
    expect(selectMembers(guild, parse({ guild_id: guild.id, query: prefix, limit: 0 })).members).toEqual(expected.slice(0, 100));
    expect(selectMembers(guild, parse({ guild_id: guild.id, query: prefix, limit: 500 })).members).toHaveLength(100);
    expect(selectMembers(guild, parse({ guild_id: guild.id, query: prefix, limit: 3 })).members).toEqual(expected.slice(0, 3));
    expect(selectMembers(guild, parse({ guild_id: guild.id, query: "", limit: 7 })).members).toEqual(guild.members.slice(0, 7));
  });

  it("answers user_ids with the members found and not_found (numbers stay numbers), in one chunk", () => {
    const guild = createGuild({ members: 10 });
    const known = guild.members[2]!.user.id;
    const [chunk, ...rest] = requestGuildMembers(guild, parse({ guild_id: guild.id, user_ids: [known, "1", 2] }), 10);
    expect(rest).toEqual([]);
    expect(chunk).toMatchObject({ guild_id: guild.id, chunk_index: 0, chunk_count: 1, not_found: ["1", 2] });
    expect((chunk!.members as Array<{ user: { id: string } }>).map((member) => member.user.id)).toEqual([known]);
    const single = requestGuildMembers(guild, parse({ guild_id: guild.id, user_ids: known }), 6);
    expect(single[0]!.not_found).toEqual([]);
  });

  it("sends one empty chunk when nothing matches, and presences of non-offline members when asked", () => {
    const guild = createGuild({ members: 30, online: 0.5 });
    const [empty] = requestGuildMembers(guild, parse({ guild_id: guild.id, query: "zzzz", limit: 10 }), 6);
    expect(empty).toMatchObject({ members: [], chunk_index: 0, chunk_count: 1 });
    const [chunk] = requestGuildMembers(guild, parse({ guild_id: guild.id, query: "", limit: 0, presences: true }), 6);
    const online = guild.members.filter((member) => member.status !== "offline").map((member) => member.user.id);
    expect((chunk!.presences as Array<{ user: { id: string } }>).map((presence) => presence.user.id)).toEqual(online);
  });

  it("ignores a nonce over 32 characters, as Discord does", () => {
    expect(parse({ guild_id: "1", query: "", limit: 0, nonce: "x".repeat(33) }).nonce).toBeUndefined();
    expect(parse({ guild_id: "1", query: "", limit: 0, nonce: "x".repeat(32) }).nonce).toBe("x".repeat(32));
  });

  it.each([
    ["not an object", 5],
    ["no guild_id", { query: "", limit: 0 }],
    ["both query and user_ids", { guild_id: "1", query: "", limit: 0, user_ids: ["2"] }],
    ["neither query nor user_ids", { guild_id: "1" }],
    ["query without limit", { guild_id: "1", query: "a" }],
    ["negative limit", { guild_id: "1", query: "a", limit: -1 }],
    ["over 100 user_ids", { guild_id: "1", user_ids: Array.from({ length: 101 }, (_, i) => String(i)) }],
    ["bad user id", { guild_id: "1", user_ids: [{}] }],
    ["bad presences", { guild_id: "1", query: "", limit: 0, presences: "yes" }],
  ])("refuses a malformed request with 4001: %s", (_name, d) => {
    expect(parseGuildMembersRequest(d, 6, ALL)).toMatchObject({ code: 4001 });
  });

  it("refuses a guild_id array with 4001 on v6 as on v10: one guild per request", () => {
    expect(parseGuildMembersRequest({ guild_id: ["1", "2"], query: "", limit: 0 }, 6, undefined)).toMatchObject({ code: 4001 });
    expect(parseGuildMembersRequest({ guild_id: ["1"], query: "", limit: 0 }, 10, Intents.GUILD_MEMBERS)).toMatchObject({ code: 4001 });
    expect(parse({ guild_id: "1", query: "", limit: 0 }).guildIds).toEqual(["1"]);
  });

  it("closes with 4013 for the whole list without GUILD_MEMBERS; presences without GUILD_PRESENCES are just left out", () => {
    expect(parseGuildMembersRequest({ guild_id: "1", query: "", limit: 0 }, 10, Intents.GUILDS)).toMatchObject({ code: 4013 });
    expect(parseGuildMembersRequest({ guild_id: "1", query: "a", limit: 5 }, 10, Intents.GUILDS)).not.toHaveProperty("code");
    expect(parseGuildMembersRequest({ guild_id: "1", user_ids: ["2"] }, 10, Intents.GUILDS)).not.toHaveProperty("code");
    expect(parseGuildMembersRequest({ guild_id: "1", user_ids: ["2"], presences: true }, 10, Intents.GUILDS)).toMatchObject({ presences: false });
    expect(
      parseGuildMembersRequest({ guild_id: "1", query: "", limit: 0, presences: true }, 10, Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES),
    ).toMatchObject({ presences: true });
  });
});
