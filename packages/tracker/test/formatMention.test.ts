import { describe, expect, it } from "vitest";
import { formatMention } from "../src/formatMention.js";
import { parseMention } from "../src/parseMention.js";

describe("formatMention", () => {
  it("formats users, roles and channels, and parses back", () => {
    expect(formatMention("user", "123")).toBe("<@123>");
    expect(formatMention("role", "456")).toBe("<@&456>");
    expect(formatMention("channel", "789")).toBe("<#789>");
    for (const kind of ["user", "role", "channel"] as const) expect(parseMention(formatMention(kind, "42"))).toEqual({ kind, id: "42" });
  });

  it("rejects ids that are not snowflakes and unknown kinds", () => {
    expect(() => formatMention("user", "<@1>")).toThrow(expect.objectContaining({ code: "TRACKER_INVALID_ARGUMENT" }));
    expect(() => formatMention("emoji" as never, "1")).toThrow(expect.objectContaining({ code: "TRACKER_INVALID_ARGUMENT" }));
  });
});
