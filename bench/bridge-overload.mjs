// Issue 6's overload benchmark. A `Bridge` (formats, outbox, tracker) runs between the
// simulated game and a stand-in for Discord on a SIMULATED clock: Discord's create-message
// bucket (5 messages per 5 s per channel) is enforced by the stand-in, each send takes 80 ms,
// and the game emits 10× the echo volume that bucket can carry (calibrated below from the
// formatted line length), for 60 simulated seconds. Then the game stops and the outbox drains.
// Prints the admin-line latency (enqueue → Discord accepted, simulated ms) and the accounting:
// delivered + coalesced + dropped (+ queued) = emitted. The game is a busy server (50 events/s
// in the full mix, administrators included) plus a crowd of public happenings that brings the
// echo channel to 10× its bucket. A second run adds a 20-second gateway outage mid-stream (the
// outbox pauses; no admin line may be lost); a third puts the whole mix at 10×, where admin
// traffic alone exceeds one channel's bucket (a stress run: nothing lost, latency grows).
// Target: zero admin lines lost, admin p99 ≤ 6 s, every line accounted for.
//   node bridge-overload.mjs [--seconds 60] [--factor 10] [--seed 2026]
/* eslint-disable no-console */
import { EventEmitter } from "node:events";
import { setImmediate as turn } from "node:timers/promises";
import { Bridge, defaultFormats, formatEcho, parseConfig, SimulatedGameServer } from "@nuwani/bridge";
import { createGuild, serializeGuild } from "@nuwani/fake-discord";
import { arg } from "./support.mjs";

if (process.argv.includes("--help")) {
  console.log("usage: node bridge-overload.mjs [--seconds 60] [--factor 10] [--seed 2026] (what it measures: the comment at the top of the file)");
  process.exit(0);
}

const SECONDS = arg("seconds", 60);
const FACTOR = arg("factor", 10);
const SEED = arg("seed", 2026);
const BUCKET = { limit: 5, window: 5000 }; // Discord's create-message bucket, per channel
const SEND_TIME = 80; // ms per REST round trip

/** A simulated clock: timers run in time order when `advance` moves time forward. */
class SimClock {
  time = 0;
  #heap = [];
  #seq = 0;
  #cancelled = new Set();
  now = () => this.time;
  setTimeout = (callback, ms) => {
    const timer = { at: this.time + Math.max(0, Number(ms) || 0), seq: this.#seq++, callback };
    this.#push(timer);
    return timer;
  };
  clearTimeout = (timer) => {
    if (timer) this.#cancelled.add(timer);
  };
  /** Runs every timer due up to `until`, letting promise chains settle after each. */
  async advance(until) {
    for (;;) {
      const next = this.#heap[0];
      if (next === undefined || next.at > until) break;
      this.#pop();
      if (this.#cancelled.delete(next)) continue;
      this.time = next.at;
      next.callback();
      await turn();
    }
    this.time = until;
  }
  #less(a, b) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  #push(item) {
    const heap = this.#heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }
  #pop() {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(heap[l], heap[m])) m = l;
        if (r < heap.length && this.#less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Discord's REST as far as the bridge uses it, on the simulated clock, with the bucket enforced. */
class SimRest {
  sends = [];
  overBucket = 0;
  #windows = new Map();
  constructor(clock) {
    this.clock = clock;
  }
  createMessage(channelId, body) {
    return new Promise((resolve) => {
      this.clock.setTimeout(() => {
        const now = this.clock.now();
        // Within the bucket: sends less than a window ago. The simulated clock runs in
        // fractional milliseconds, so "exactly one window ago" (allowed, as in @nuwani/util's
        // SlidingWindow) is compared with a nanosecond's tolerance, not counted over the bucket
        // for a rounding error in `now - window`.
        const times = (this.#windows.get(channelId) ?? []).filter((t) => now - t < BUCKET.window - 1e-6);
        if (times.length >= BUCKET.limit) this.overBucket++;
        times.push(now);
        this.#windows.set(channelId, times);
        this.sends.push({ channelId, length: body.content.length, at: now });
        resolve({ id: String(this.sends.length), channel_id: channelId, content: body.content });
      }, SEND_TIME);
    });
  }
  async createReaction() {}
}

/** A gateway stand-in: READY and the guild's GUILD_CREATE on connect; `outage()` takes it down. */
class SimGateway extends EventEmitter {
  state = "idle";
  constructor(guild) {
    super();
    this.guild = guild;
  }
  #set(state) {
    const previous = this.state;
    this.state = state;
    this.emit("state", state, previous);
  }
  async connect() {
    const bot = this.guild.members[0].user;
    this.emit("dispatch", { op: 0, t: "READY", s: 1, d: { v: 10, user: { ...bot, bot: true }, session_id: "bench", guilds: [{ id: this.guild.id, unavailable: true }] } });
    this.#set("ready");
    this.emit("ready", { sessionId: "bench", sequence: 1, resumeUrl: "" });
    this.emit("dispatch", { op: 0, t: "GUILD_CREATE", s: 2, d: serializeGuild(this.guild, { version: 10, largeThreshold: 250, presences: true, botId: bot.id }) });
  }
  outage() {
    this.#set("reconnecting");
  }
  recover() {
    this.#set("resuming");
    this.#set("ready");
    this.emit("resumed", { sessionId: "bench", sequence: 2, resumeUrl: "" });
  }
  requestGuildMembers() {
    return Promise.resolve();
  }
  destroy() {
    this.#set("stopped");
  }
}

/** Lines per second one channel's bucket carries, from the formatted lines' mean length. */
function capacity() {
  const game = new SimulatedGameServer({ seed: SEED + 1, maxPlayers: 200 });
  let lines = 0;
  let chars = 0;
  let echo = 0;
  let events = 0;
  let publicLines = 0;
  game.on("echo", (tag, fields) => {
    events++;
    if (["join", "quit", "chat", "kill"].includes(tag)) publicLines++;
    const line = formatEcho(tag, fields, defaultFormats);
    if (line === null) return;
    lines++;
    chars += line.text.length + 1;
    if (line.channel === "echo" || line.channel === "announcements") echo++;
  });
  game.emitBurst(5000);
  const perMessage = Math.floor(2000 / (chars / lines));
  const linesPerSecond = (BUCKET.limit / (BUCKET.window / 1000)) * perMessage;
  return { perMessage, linesPerSecond, echoShare: echo / events, publicShare: publicLines / events };
}

/**
 * The game the bridge sees. "uniform": one simulated game, its usual mix (about 17% of its
 * lines are administrator traffic and reports), fast enough that the echo lines are 10× what
 * the echo bucket carries. "busy": a game at 50 events/s (its full mix, administrators
 * included) plus a crowd of public happenings (joins, quits, chat, kills from a second
 * simulated game) that brings the echo channel to 10× its bucket.
 */
function makeGame(kind, clock, echoRate, echoShare, publicShare) {
  if (kind === "uniform") {
    const rate = Math.round(echoRate / echoShare);
    return { game: new SimulatedGameServer({ seed: SEED, rate, maxPlayers: 200, clock }), rate, games: null };
  }
  const base = new SimulatedGameServer({ seed: SEED, rate: 50, maxPlayers: 200, clock });
  const crowdRate = Math.round((echoRate - 50 * echoShare) / publicShare);
  const crowd = new SimulatedGameServer({ seed: SEED + 7, rate: crowdRate, maxPlayers: 200, clock });
  const game = new EventEmitter();
  game.players = () => base.players();
  game.deliver = (message, options) => base.deliver(message, options);
  game.announce = (text) => base.announce(text); // the GameServer contract (@nuwani/game) has it
  game.mutes = base.mutes;
  for (const event of ["chat", "adminChat", "join", "leave", "echo"]) base.on(event, (...args) => game.emit(event, ...args));
  const PUBLIC = new Set(["join", "quit", "chat", "kill"]);
  crowd.on("echo", (tag, fields) => {
    if (PUBLIC.has(tag)) game.emit("echo", tag, fields);
  });
  game.start = () => (base.start(), crowd.start());
  game.stop = () => (base.stop(), crowd.stop());
  Object.defineProperty(game, "events", { get: () => base.events + crowd.events });
  return { game, rate: `${50} + ${crowdRate} (crowd)`, games: [base, crowd] };
}

async function scenario({ kind, outage }) {
  const clock = new SimClock();
  const guild = createGuild({ seed: 6, members: 20 });
  const gateway = new SimGateway(guild);
  const rest = new SimRest(clock);
  const config = parseConfig(
    { discord: { token: "bench-token", clientId: guild.members[0].user.id, version: 10, guild: guild.id, channels: { echo: "echo", admin: "admin" } } },
    {},
  );
  const { perMessage, linesPerSecond, echoShare, publicShare } = capacity();
  const { game, rate } = makeGame(kind, clock, FACTOR * linesPerSecond, echoShare, publicShare);
  const bridge = new Bridge({ config, game, gateway, rest, clock });
  const ready = new Promise((resolve) => bridge.once("guildReady", resolve));
  await bridge.start();
  await ready;

  let echoLines = 0;
  game.on("echo", (tag, fields) => {
    const line = formatEcho(tag, fields, defaultFormats);
    if (line !== null && line.priority !== "admin") echoLines++;
  });
  game.start();
  if (outage) {
    clock.setTimeout(() => gateway.outage(), outage.from);
    clock.setTimeout(() => gateway.recover(), outage.to);
  }
  await clock.advance(SECONDS * 1000);
  game.stop();
  let drainedAt = clock.now();
  while (bridge.summary().gameToDiscord.queued > 0 && clock.now() < SECONDS * 1000 + 600_000) {
    await clock.advance(clock.now() + 1000);
    drainedAt = clock.now();
  }
  const summary = bridge.summary();
  const latency = bridge.outbox.latency("admin");
  await bridge.stop();
  return { perMessage, linesPerSecond, echoShare, rate, events: game.events, echoLines, summary, latency, rest, drainedAt };
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
function report(title, result, { latencyTarget = true } = {}) {
  const { summary, latency, rest } = result;
  const out = summary.gameToDiscord;
  const admin = out.adminLines;
  const lost = admin.emitted - admin.delivered;
  const sum = out.delivered + out.coalesced + out.dropped + out.queued;
  console.log(`\n${title}`);
  const echoPerSecond = result.echoLines / SECONDS;
  console.log(`  load            ${result.rate} game events/s for ${SECONDS} simulated s (${result.events} events)`);
  console.log(`                  echo: ${echoPerSecond.toFixed(0)} lines/s against the ${result.linesPerSecond} lines/s its bucket carries (${BUCKET.limit} messages per ${BUCKET.window / 1000} s × ${result.perMessage} lines): ${(echoPerSecond / result.linesPerSecond).toFixed(1)}×`);
  console.log(`                  admin: ${(summary.gameToDiscord.adminLines.emitted / SECONDS).toFixed(1)} lines/s (administrator chat and reports, never coalesced or dropped)`);
  console.log(`  lines           ${out.emitted} emitted = ${out.delivered} delivered + ${out.coalesced} coalesced + ${out.dropped} dropped + ${out.queued} queued (${sum === out.emitted ? "every line accounted for" : `MISMATCH: ${sum}`})`);
  console.log(`  admin lines     ${admin.emitted} emitted, ${admin.delivered} delivered, ${lost} lost`);
  console.log(`  admin latency   p50 ${seconds(latency.p50)}, p99 ${seconds(latency.p99)}, max ${seconds(latency.max)} (simulated, enqueue → accepted)`);
  console.log(`  Discord         ${rest.sends.length} messages, longest ${Math.max(...rest.sends.map((s) => s.length))} characters, ${rest.overBucket} over the bucket; drained at ${seconds(result.drainedAt)}`);
  const pass = lost === 0 && (!latencyTarget || latency.p99 <= 6000) && sum === out.emitted;
  const target = latencyTarget ? "zero admin lines lost, p99 ≤ 6 s, every line accounted for" : "zero admin lines lost, every line accounted for (latency: information)";
  console.log(`  target          ${target}: ${pass ? "met" : "NOT MET"}`);
}

report("Busy server, echo 10× over its bucket", await scenario({ kind: "busy" }));
report(
  "Busy server, echo 10× over its bucket, and a 20 s gateway outage (20 s → 40 s; lines wait it out, so latency includes it)",
  await scenario({ kind: "busy", outage: { from: 20_000, to: 40_000 } }),
  { latencyTarget: false },
);
report(
  "Stress: the whole simulated mix at 10× (administrator traffic alone is then beyond what one channel's bucket carries)",
  await scenario({ kind: "uniform" }),
  { latencyTarget: false },
);
