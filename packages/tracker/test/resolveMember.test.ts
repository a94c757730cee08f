import { describe, expect, it } from "vitest";
import { resolveMember } from "../src/resolveMember.js";
import { namedGuild } from "./support/tracker.js";

describe("resolveMember", () => {
  const { tracker, guild } = namedGuild();
  const [, russell, gunther, , lucy, xanland] = guild.members.map((member) => member.user.id) as [string, string, string, string, string, string];

  it.each([
    ["a mention", `<@${russell}>`, russell],
    ["a nickname mention", `<@!${russell}>`, russell],
    ["an id", russell, russell],
    ["a username", "Russell", russell],
    ["a username, any case", "russell", russell],
    ["@username", "@Russell", russell],
    ["a tag", "Russell#0042", russell],
    ["a nickname", "Gunny", gunther],
    ["a global name", "Lucy", lucy],
    ["an exact username before others' case-folded one", "Gunther", gunther],
    ["an exact match in any field: nick Luce vs username Luce is ambiguous", "Luce", undefined],
    ["a case-insensitive match that is ambiguous", "GUNTHER", undefined],
    ["nobody", "Nobody", undefined],
    ["a mention of a non-member", "<@1>", undefined],
  ])("by %s", (_name, query, expected) => {
    expect(resolveMember(tracker, guild.id, query)?.id).toBe(expected);
  });

  it("by nickname of Xanland", () => {
    expect(tracker.resolveMember(guild.id, "Xanland")?.id).toBe(xanland);
  });
});
