// Issue 4's event-loop benchmark. A 100,000-member guild (every member with a role, a quarter
// online) reaches a DiscordTracker the way Discord sends a large guild: GUILD_CREATE with the
// online members only, then the answer to op 8 in GUILD_MEMBERS_CHUNK dispatches of 1000
// members, each arriving as JSON text in its own turn of the event loop (as from a socket),
// parsed and handed to handle(). Prints the longest event-loop block during the sync
// (perf_hooks.monitorEventLoopDelay, max), target ≤ 20 ms. Then one GUILD_CREATE carrying all
// 100,000 members: the longest block with the tracker, next to a bare JSON.parse of it.
//   node tracker-sync.mjs [--members 100000] [--slice ms]
/* eslint-disable no-console */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { setImmediate as turn, setTimeout as sleep } from "node:timers/promises";
import { createGuild, serializeGuild, serializeMember } from "@nuwani/fake-discord";
import { DiscordTracker } from "@nuwani/tracker";
import { arg } from "./support.mjs";

const MEMBERS = arg("members", 100_000);
const SLICE = arg("slice", undefined); // the tracker's sliceTime; its default when not given
const options = SLICE === undefined ? {} : { sliceTime: SLICE };
const CHUNK = 1000;

let fixture = createGuild({ seed: 7, members: MEMBERS, online: 0.25 });
const vip = fixture.roles.find((role) => role.name === "VIP").id;
for (const member of fixture.members) if (member.roles.length === 0) member.roles.push(vip);
const botId = fixture.members[0].user.id;
const ready = JSON.stringify({ op: 0, t: "READY", s: 1, d: { v: 10, user: { id: botId, username: "Nuwani", discriminator: "0001", avatar: null, bot: true }, session_id: "s", guilds: [{ id: fixture.id, unavailable: true }] } });
const envelope = (t, s, d) => JSON.stringify({ op: 0, t, s, d });
const largeCreate = envelope("GUILD_CREATE", 2, serializeGuild(fixture, { version: 10, largeThreshold: 250, presences: true, botId }));
const chunkCount = Math.ceil(MEMBERS / CHUNK);
const chunks = [];
for (let index = 0; index < chunkCount; index++) {
  const members = fixture.members.slice(index * CHUNK, (index + 1) * CHUNK).map((member) => serializeMember(member, 10));
  chunks.push(envelope("GUILD_MEMBERS_CHUNK", 3 + index, { guild_id: fixture.id, members, chunk_index: index, chunk_count: chunkCount, nonce: "sync" }));
}
const fullCreate = envelope("GUILD_CREATE", 2, serializeGuild(fixture, { version: 10, largeThreshold: MEMBERS + 1, presences: true, botId }));
// Only the JSON texts are kept: the fixture's objects would otherwise weigh on every GC.
const guildId = fixture.id;
fixture = undefined;

const ms = (ns) => (ns / 1e6).toFixed(1);
const histogram = monitorEventLoopDelay({ resolution: 1 });

/** Hands each text to the tracker in its own turn, as a socket would deliver them. */
async function feed(tracker, texts) {
  for (const text of texts) {
    await turn();
    tracker.handle(JSON.parse(text));
  }
  await tracker.settled();
}

// Warm-up (JIT), not measured.
{
  const tracker = new DiscordTracker(options);
  await feed(tracker, [ready, largeCreate, ...chunks.slice(0, 10)]);
}

/** The longest event-loop block while `work` runs (the histogram's timer is armed first). */
async function longestBlock(work) {
  histogram.reset();
  histogram.enable();
  await sleep(5);
  const result = await work();
  await sleep(5);
  histogram.disable();
  return { max: histogram.max, result };
}

// 1. The sync of a large guild: GUILD_CREATE (online members), then op 8's chunks.
{
  const tracker = new DiscordTracker(options);
  let progress = 0;
  tracker.on("syncProgress", (_id, received) => (progress = received));
  const synced = new Promise((resolve) => tracker.once("synced", resolve));
  tracker.handle(JSON.parse(ready));
  const create = await longestBlock(() => feed(tracker, [largeCreate]));
  const sync = await longestBlock(async () => {
    const start = performance.now();
    await feed(tracker, chunks);
    await synced;
    return performance.now() - start;
  });
  console.log(`tracker sync: ${MEMBERS} members; GUILD_CREATE with the ${tracker.getGuild(guildId).large ? "online" : "all"} members, then ${chunkCount} chunks of ${CHUNK}, each fed as JSON text in its own turn`);
  console.log(`  synced ${tracker.getGuild(guildId).trackedMembers} members (progress ${progress}/${MEMBERS}) in ${sync.result.toFixed(0)} ms`);
  console.log(`  longest event-loop block during the op 8 sync : ${ms(sync.max)} ms (target ≤ 20; JSON.parse of a chunk + a tracker slice)`);
  const parseStart = performance.now();
  JSON.parse(largeCreate);
  const parseLarge = performance.now() - parseStart;
  console.log(`  longest block for the large GUILD_CREATE     : ${ms(create.max)} ms (${(largeCreate.length / 1048576).toFixed(1)} MiB; a bare JSON.parse of it: ${parseLarge.toFixed(1)} ms)`);
}

// 2. One GUILD_CREATE with every member: bare JSON.parse vs JSON.parse + the tracker.
{
  let bare = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    JSON.parse(fullCreate);
    bare = Math.min(bare, performance.now() - start);
  }
  let kept;
  const bareBlock = await longestBlock(async () => {
    kept = JSON.parse(fullCreate); // kept alive, as the tracker keeps the payload while applying it
    await turn();
  });
  if (kept !== undefined) kept = undefined;
  const tracker = new DiscordTracker(options);
  tracker.handle(JSON.parse(ready));
  let firstTurn = 0;
  const full = await longestBlock(async () => {
    const start = performance.now();
    tracker.handle(JSON.parse(fullCreate));
    firstTurn = performance.now() - start;
    await tracker.settled();
    return performance.now() - start;
  });
  const took = full.result;
  console.log(`one GUILD_CREATE with all ${MEMBERS} members (${(fullCreate.length / 1048576).toFixed(1)} MiB of JSON):`);
  console.log(`  bare JSON.parse                 : ${bare.toFixed(1)} ms (best of 3); as a block: ${ms(bareBlock.max)} ms`);
  console.log(`  JSON.parse + handle(), 1st turn : ${firstTurn.toFixed(1)} ms; applied in ${took.toFixed(0)} ms overall`);
  console.log(`  longest event-loop block        : ${ms(full.max)} ms (the parse plus the first slice)`);
}
