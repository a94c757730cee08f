import { describe, expect, it } from "vitest";
import { resolveChannel } from "../src/resolveChannel.js";
import { namedGuild } from "./support/tracker.js";

describe("resolveChannel", () => {
  const { tracker, guild } = namedGuild();
  const general = guild.channels.find((channel) => channel.name === "general")!;

  it.each(["general", "#general", "GENERAL", `<#${general.id}>`, general.id])("finds general by %s", (query) => {
    expect(resolveChannel(tracker, query)?.id).toBe(general.id);
    expect(tracker.resolveChannel(query, guild.id)?.id).toBe(general.id);
  });

  it("gives undefined for unknown names and mentions, and outside the guild", () => {
    expect(tracker.resolveChannel("nowhere")).toBeUndefined();
    expect(tracker.resolveChannel("<#1>")).toBeUndefined();
    expect(tracker.resolveChannel("#")).toBeUndefined();
    expect(tracker.resolveChannel("general", "1")).toBeUndefined();
    expect(() => tracker.resolveChannel(5 as never)).toThrow(expect.objectContaining({ code: "TRACKER_INVALID_ARGUMENT" }));
  });
});
