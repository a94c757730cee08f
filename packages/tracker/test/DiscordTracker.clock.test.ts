// The tracker's one time option, `clock` (util's Clock): it times the slices of large member
// lists as well as timeouts and retries; the deprecated `now` still overrides the slice timer.
import { createGuild } from "@nuwani/fake-discord";
import { systemClock } from "@nuwani/util";
import type { Clock } from "@nuwani/util";
import { describe, expect, it } from "vitest";
import { DiscordTracker } from "../src/DiscordTracker.js";
import { BOT, guildCreate, ready } from "./support/payloads.js";

/** A clock whose every look costs 10 ms, so each slice of work exceeds a 4 ms budget. */
function costlyClock(): Clock & { looks: number } {
  const clock = {
    looks: 0,
    now: () => Date.parse("2026-06-01T00:00:00.000Z") + 10 * ++clock.looks,
    setTimeout: systemClock.setTimeout,
    clearTimeout: systemClock.clearTimeout,
  };
  return clock;
}

async function drain(tracker: DiscordTracker): Promise<number> {
  let turns = 0;
  while (tracker.busy) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  return turns;
}

describe("DiscordTracker: the clock option", () => {
  it("clock.now() times the slices of a large member list", async () => {
    const clock = costlyClock();
    const tracker = new DiscordTracker({ sliceTime: 4, clock });
    const guild = createGuild({ bot: BOT, members: 1000 });
    tracker.handle(ready([guild]));
    tracker.handle(guildCreate(guild, 6, 1001));
    expect(tracker.busy).toBe(true);
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBeLessThan(1000);
    expect(await drain(tracker)).toBeGreaterThan(1);
    expect(tracker.getGuild(guild.id)).toMatchObject({ trackedMembers: 1000, synced: true });
    expect(clock.looks).toBeGreaterThan(0);
  });

  it("a clock that stands still never cuts a member list: it is applied before handle() returns", () => {
    const clock: Clock = { now: () => 0, setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout };
    const tracker = new DiscordTracker({ sliceTime: 4, clock });
    const guild = createGuild({ bot: BOT, members: 1000 });
    tracker.handle(ready([guild]));
    tracker.handle(guildCreate(guild, 6, 1001));
    expect(tracker.busy).toBe(false);
    expect(tracker.getGuild(guild.id)).toMatchObject({ trackedMembers: 1000, synced: true });
  });

  it("the deprecated now option still times the slices, instead of clock.now()", async () => {
    const clock: Clock = { now: () => 0, setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout };
    let time = 0;
    const tracker = new DiscordTracker({ sliceTime: 4, clock, now: () => (time += 10) });
    const guild = createGuild({ bot: BOT, members: 1000 });
    tracker.handle(ready([guild]));
    tracker.handle(guildCreate(guild, 6, 1001));
    expect(tracker.busy).toBe(true);
    expect(await drain(tracker)).toBeGreaterThan(1);
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBe(1000);
  });

  it("a clock or now that is not one is TRACKER_INVALID_ARGUMENT at construction, not a crash later", () => {
    const invalid = expect.objectContaining({ code: "TRACKER_INVALID_ARGUMENT" });
    for (const clock of [null, 5, {}, { now: () => 0 }, { now: () => 0, setTimeout: systemClock.setTimeout }]) {
      expect(() => new DiscordTracker({ clock: clock as unknown as Clock })).toThrow(invalid);
    }
    expect(() => new DiscordTracker({ now: 5 as unknown as () => number })).toThrow(invalid);
    expect(() => new DiscordTracker({ clock: systemClock })).not.toThrow();
  });
});
