// Issue 4's memory benchmark: a 100,000-member guild (every member with a role, a quarter
// with presences) fed to a DiscordTracker through handle(); heap bytes per member the tracker
// holds after a forced GC, against a baseline heap measured in the same process before.
//   node --expose-gc tracker-memory.mjs [--members 100000]
/* eslint-disable no-console */
import { createGuild, serializeGuild } from "@nuwani/fake-discord";
import { DiscordTracker } from "@nuwani/tracker";
import { arg } from "./support.mjs";

if (typeof globalThis.gc !== "function") {
  console.error("run with: node --expose-gc tracker-memory.mjs");
  process.exit(1);
}
const MEMBERS = arg("members", 100_000);

const fixture = createGuild({ seed: 7, members: MEMBERS, online: 0.25 });
// Every member holds a role (VIP at least), as the target asks.
const vip = fixture.roles.find((role) => role.name === "VIP").id;
for (const member of fixture.members) if (member.roles.length === 0) member.roles.push(vip);
// The payload as Discord sends it to a session with presences below the large threshold:
// every member, and a presence for the quarter that is not offline.
const json = JSON.stringify({
  op: 0,
  t: "GUILD_CREATE",
  s: 2,
  d: serializeGuild(fixture, { version: 10, largeThreshold: MEMBERS + 1, presences: true, botId: fixture.members[0].user.id }),
});
const ready = { op: 0, t: "READY", s: 1, d: { v: 10, user: { id: fixture.members[0].user.id, username: "Nuwani", discriminator: "0001", avatar: null, bot: true }, session_id: "s", guilds: [{ id: fixture.id, unavailable: true }] } };

const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const tracker = new DiscordTracker();
tracker.handle(ready);
const before = heap();
tracker.handle(JSON.parse(json));
await tracker.settled();
const after = heap();

const guild = tracker.getGuild(fixture.id);
const presences = fixture.members.filter((member) => member.status !== "offline").length;
const perMember = (after - before) / guild.trackedMembers;
console.log(`tracker memory: ${guild.trackedMembers} members (${presences} with presences), ${tracker.userCount} users`);
console.log(`heap before ${(before / 1048576).toFixed(1)} MiB, after ${(after / 1048576).toFixed(1)} MiB`);
console.log(`heap bytes per member: ${perMember.toFixed(1)} (target ≤ 200)`);
// Keep the tracker alive until after the measurement.
if (tracker.getMember(fixture.id, fixture.members[1].user.id) === undefined) process.exitCode = 1;
