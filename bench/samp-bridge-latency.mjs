// Issue 11's latency benchmark: game log line → Discord POST, through the real path an operator
// uses. A fake SA-MP server (`@nuwani/fake-samp`, real UDP, a real log file) is read by the
// SA-MP adapter of `@nuwani/samp` (`LogTail` with `fs.watch` and a 50 ms poll), whose echo
// events go through a `Bridge` (formats, priority outbox) to the fake Discord's REST API, which
// rate-limits the echo channel like Discord's create-message bucket (5 messages per window,
// `--window`, default Discord's 5000 ms; the bridge's outbox is given the same rate). The game writes chat lines at 10× what that
// bucket can carry (calibrated from the formatted line length: lines per 2000-character message
// × messages per second) for `--seconds`; each line carries a sequence number. The latency of a
// line is from the moment its log write returned (the line is on disk) to the moment the fake
// Discord recorded the POST that contains it. Under 10× overload the outbox batches lines into
// messages and coalesces or drops low-priority ones: latencies are of the lines that were
// posted, and the accounting shows how many were coalesced or dropped.
// Prints figures; asserts nothing about time.
//   node samp-bridge-latency.mjs [--seconds 20] [--factor 10] [--window 5000]
/* eslint-disable no-console */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Bridge, defaultFormats, parseConfig } from "@nuwani/bridge";
import { createGuild, FakeDiscord } from "@nuwani/fake-discord";
import { FakeSampServer } from "@nuwani/fake-samp";
import { createSampGameServer, parseGameConfig } from "@nuwani/samp";
import { arg } from "./support.mjs";

if (process.argv.includes("--help")) {
  console.log("usage: node samp-bridge-latency.mjs [--seconds 20] [--factor 10] [--window 5000] (what it measures: the comment at the top of the file)");
  process.exit(0);
}

const SECONDS = arg("seconds", 20);
const FACTOR = arg("factor", 10);
const WINDOW = arg("window", 5000);
const BUCKET = { limit: 5, window: WINDOW };
const TICK = 20; // ms between write bursts
const PASSWORD = "bench-rcon-password";

const dir = await mkdtemp(join(tmpdir(), "nuwani-bench-samp-"));
const guild = createGuild({ seed: 11, members: 50 });
const discord = new FakeDiscord({ guilds: [guild], rest: { bucket: BUCKET, global: { limit: 50 * BUCKET.limit, window: WINDOW } } });
await discord.start();
const names = ["Gunther", "Russell", "Ana", "Luce", "Xanland", "Holsje", "Kwiatek", "Sandra"];
const samp = new FakeSampServer({ rconPassword: PASSWORD, log: { path: join(dir, "server_log.txt") }, players: names.map((name) => ({ name })), maxPlayers: 50 });
await samp.start(0);

const echoChannel = guild.channels.find((channel) => channel.name === "echo").id;
const posts = []; // { at, content }
const push = discord.postedMessages.push.bind(discord.postedMessages);
discord.postedMessages.push = (...messages) => {
  const at = performance.now();
  for (const message of messages) if (message.channelId === echoChannel) posts.push({ at, content: message.content });
  return push(...messages);
};

const config = parseConfig(
  {
    discord: {
      token: discord.token,
      clientId: guild.members[0].user.id,
      endpoint: discord.gatewayUrl,
      api: discord.restUrl,
      version: 10,
      guild: guild.id,
      channels: { echo: "#echo", admin: "#admin", management: "#admin", vip: "#admin" },
    },
  },
  {},
);
const game = createSampGameServer(parseGameConfig({ type: "samp", port: samp.port, rconPassword: PASSWORD, logPath: join(dir, "server_log.txt"), logPollInterval: 50 }, {}));
const bridge = new Bridge({ config, game, formats: defaultFormats, outbox: { rate: BUCKET } });
await bridge.start();
await game.start();
await sleep(500); // the member sync and the first roster poll

// Calibration: a formatted chat line as posted (`**Name**: text`), plus its line break.
const text = (seq) => `L${String(seq).padStart(6, "0")} anyone up for a race at the pirate ship?`;
const lineLength = `**Xanland**: ${text(0)}`.length + 1;
const linesPerMessage = Math.floor(2000 / lineLength);
const capacity = (BUCKET.limit / (BUCKET.window / 1000)) * linesPerMessage; // lines per second the bucket carries
const rate = capacity * FACTOR;
const perTick = rate * (TICK / 1000);
console.log(
  `samp → Discord latency: echo bucket ${BUCKET.limit} per ${BUCKET.window} ms, ~${lineLength} characters per line → ${linesPerMessage} lines per message → ${capacity} lines/s; writing ${rate} lines/s (${FACTOR}×) for ${SECONDS} s`,
);

const written = new Map(); // seq → write time
let seq = 0;
let debt = 0;
const started = performance.now();
while (performance.now() - started < SECONDS * 1000) {
  debt += perTick;
  while (debt >= 1) {
    debt -= 1;
    const id = seq % names.length;
    samp.chat(id, text(seq));
    written.set(seq, performance.now());
    seq++;
  }
  await sleep(TICK);
}
const writing = performance.now() - started;
// Let the tail and the outbox finish (bounded), then count.
await sleep(500);
await bridge.drain(30_000);
await sleep(200);

const seen = new Map(); // seq → first post time
for (const post of posts) {
  for (const match of post.content.matchAll(/L(\d{6})/g)) {
    const n = Number(match[1]);
    if (!seen.has(n)) seen.set(n, post.at);
  }
}
const latencies = [...seen].filter(([n]) => written.has(n)).map(([n, at]) => at - written.get(n)).sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const summary = bridge.summary().gameToDiscord;
const stats = game.stats;

console.log(`  lines written     ${written.size} in ${(writing / 1000).toFixed(1)} s (${Math.round(written.size / (writing / 1000))} lines/s)`);
console.log(`  echo events       ${stats.echoes} from the log tail (lost by the tail: ${written.size - Math.min(written.size, stats.echoes)})`);
console.log(`  posted            ${seen.size} of the lines in ${posts.length} messages to #echo (${(seen.size / written.size * 100).toFixed(1)} %)`);
console.log(`  outbox            ${summary.emitted} emitted = ${summary.delivered} delivered + ${summary.coalesced} coalesced + ${summary.dropped} dropped + ${summary.queued} queued`);
console.log(`  latency (posted)  p50 ${pct(50)?.toFixed(0)} ms, p99 ${pct(99)?.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms (log write → fake Discord's recorded POST)`);

await game.stop();
await bridge.stop();
await samp.stop();
await discord.stop();
await rm(dir, { recursive: true, force: true });
