import { describe, expect, it } from "vitest";
import { parseMention } from "../src/parseMention.js";

describe("parseMention", () => {
  it.each([
    ["<@123>", { kind: "user", id: "123" }],
    ["<@!123>", { kind: "user", id: "123" }],
    ["<@&456>", { kind: "role", id: "456" }],
    ["<#789>", { kind: "channel", id: "789" }],
    ["  <#789> ", { kind: "channel", id: "789" }],
  ])("%s", (text, expected) => {
    expect(parseMention(text)).toEqual(expected);
  });

  it.each(["123", "<@abc>", "<@&>", "<:emoji:123>", "@everyone", "<#1> and more", ""])("not a mention: %s", (text) => {
    expect(parseMention(text)).toBeUndefined();
  });
});
