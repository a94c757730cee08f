import { createGuild } from "@nuwani/fake-discord";
import { describe, expect, it } from "vitest";
import { DiscordTracker } from "../src/DiscordTracker.js";
import { DISPATCH_TABLE } from "../src/dispatch/dispatchTable.js";
import type { TrackerError } from "../src/TrackerError.js";
import { BOT, dispatch, guildCreate, ready } from "./support/payloads.js";

describe("the dispatch table", () => {
  it("has one entry for every dispatch the README lists, member lists as sliced tasks", () => {
    expect([...DISPATCH_TABLE.keys()].sort()).toEqual(
      [
        "READY", "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE",
        "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE",
        "THREAD_LIST_SYNC", "THREAD_MEMBER_UPDATE", "THREAD_MEMBERS_UPDATE", "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE",
        "GUILD_MEMBER_REMOVE", "GUILD_MEMBERS_CHUNK", "PRESENCE_UPDATE", "USER_UPDATE",
      ].sort(),
    );
    const tasks = [...DISPATCH_TABLE].filter(([, entry]) => entry.kind === "task").map(([t]) => t);
    expect(tasks.sort()).toEqual(["GUILD_CREATE", "GUILD_MEMBERS_CHUNK"]);
  });

  it("dispatch names of Object.prototype members are ignored, not run or reported as a failed handler", () => {
    // Regression: the handlers were a plain object, so `t: "__proto__"` found Object.prototype
    // and was "called", which threw TRACKER_HANDLER_FAILED; `t: "constructor"` ran Object().
    const guild = createGuild({ bot: BOT, members: 3 });
    const tracker = new DiscordTracker();
    const errors: TrackerError[] = [];
    tracker.on("error", (error) => errors.push(error));
    tracker.handle(ready([guild]));
    tracker.handle(guildCreate(guild));
    const before = tracker.getGuild(guild.id);
    for (const t of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"]) {
      tracker.handle(dispatch(t, { id: guild.id, guild_id: guild.id }));
    }
    expect(errors).toEqual([]);
    expect(tracker.busy).toBe(false);
    expect(tracker.getGuild(guild.id)).toEqual(before);
  });
});
