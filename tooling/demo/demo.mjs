// The main job until the bridge exists: starts the fake Discord on 127.0.0.1, connects a
// ReconnectingSocket to it, and walks through what the lower layers survive — a dropped TCP
// connection, a server restart on the same port, fragmented frames and zlib-stream framing —
// printing both sides as they happen. `--for <seconds>` bounds the run (default: the script).
/* eslint-disable no-console */
import { createGuild, FakeDiscord, FakeGateway } from "@nuwani/fake-discord";
import { GatewayConnection } from "@nuwani/gateway";
import { ReconnectingSocket } from "@nuwani/socket";

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
const dim = paint(2);
const server = paint(35);
const client = paint(36);
const fault = paint(33);
const started = Date.now();
const log = (side, text) => console.log(`${dim(`+${((Date.now() - started) / 1000).toFixed(2)}s`.padStart(8))} ${side} ${text}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const fake = new FakeGateway({ heartbeatInterval: 1000 });
await fake.start();
const port = fake.port;
log(server("fake "), `gateway listening on ${fake.url}`);
fake.on("connection", (conn) => log(server("fake "), `connection #${conn.id} opened (${conn.query.toString() || "no query"}), HELLO sent`));
fake.on("close", (conn, code) => log(server("fake "), `connection #${conn.id} closed (${code})`));

const socket = new ReconnectingSocket({
  url: () => `${fake.url}/?v=6&encoding=json&compress=zlib-stream`,
  compression: "zlib-stream",
  backoff: { base: 250, cap: 2000, stableAfter: 1000 },
  helloTimeout: 5000,
});
let received = 0;
socket.on("connecting", ({ attempt, url }) => log(client("socket"), `connecting to ${url} (attempt ${attempt + 1})`));
let connections = 0;
socket.on("open", () => {
  connections++;
  log(client("socket"), "open (zlib-stream framing, one inflate context per connection)");
});
socket.on("payload", (payload) => {
  received++;
  const text = JSON.stringify(payload);
  log(client("socket"), `received ${text.length > 90 ? `${text.slice(0, 87)}...` : text}`);
});
socket.on("close", ({ code, initiatedBy, reconnect, delay }) =>
  log(client("socket"), `closed ${code} by ${initiatedBy}${reconnect ? `; reconnecting in ${delay} ms` : ""}`),
);
socket.on("error", (error) => log(client("socket"), `error ${error.code}: ${error.message}`));

const waitOpen = () => new Promise((resolve) => socket.once("open", resolve));
const stream = (count, label) => {
  for (let i = 1; i <= count; i++) fake.broadcast({ op: 0, t: "DEMO", s: i, d: { label, i } });
};

socket.connect();
await waitOpen();
await sleep(200);

log(fault("fault "), "the fake sends 3 payloads");
stream(3, "plain");
await sleep(200);

log(fault("fault "), "the next payload is split over 5 WebSocket frames");
fake.faults.fragmentNext(5);
stream(1, "fragmented");
await sleep(200);

log(fault("fault "), "the fake drops the TCP connection without a close frame");
fake.faults.dropAll();
await waitOpen();
await sleep(200);

log(fault("fault "), "the fake stops; it restarts on the same port 1.5 s later");
await fake.stop();
await sleep(1500);
await fake.start(port);
await waitOpen();
await sleep(200);

log(fault("fault "), "the fake closes with 4000; the socket asks its policy and reconnects");
fake.faults.closeAll(4000, "unknown error");
await waitOpen();
await sleep(100);
stream(3, "after 4000");
await sleep(300);

log(fault("fault "), "a malformed payload: reported and skipped, the next one still arrives");
for (const conn of fake.connections) conn.sendRaw("{not json");
stream(1, "after the malformed one");
await sleep(300);

socket.destroy();
await fake.stop();
console.log(`\n${received} payloads received over ${connections} connections.\n`);

// ── Act 2: a Discord gateway session (v6) on top of the socket ─────────────────────────────
const guild = createGuild({ name: "Las Venturas Playground", members: 120 });
const discord = new FakeDiscord({ guilds: [guild], heartbeatInterval: 1500, identifyWindow: 200 });
await discord.start();
log(server("fake "), `Discord gateway on ${discord.gatewayUrl}, REST on ${discord.restUrl}`);
const gateway = new GatewayConnection({ token: "fake-token", version: 6, url: discord.gatewayUrl, backoff: { base: 100, cap: 1000 } });
gateway.on("debug", (message) => log(client("gateway"), dim(message)));
gateway.on("dispatch", ({ t, s, d }) => {
  const what = t === "MESSAGE_CREATE" ? `${d.author.username}: ${d.content}` : t === "GUILD_CREATE" ? `${d.name}, ${d.members.length} members sent` : "";
  log(client("gateway"), `dispatch #${s} ${t} ${what}`);
});
const channelId = guild.channels.find((channel) => channel.type === 0).id;
const say = (i) => discord.messageCreate({ channelId, author: guild.members[1 + (i % 10)], content: `message ${i}` });

await gateway.connect();
say(1);
await sleep(200);
log(fault("fault "), "the connection drops; two messages are sent meanwhile, to be replayed on resume");
discord.faults.drop();
say(2);
say(3);
await new Promise((resolve) => gateway.once("resumed", resolve));
await sleep(200);
log(fault("fault "), "Discord asks the client to reconnect (op 7)");
discord.faults.reconnect();
await new Promise((resolve) => gateway.once("resumed", resolve));
say(4);
await sleep(200);
log(fault("fault "), "the session is invalidated (op 9, not resumable): a fresh identify after 1–5 s");
discord.faults.invalidSession(false);
await new Promise((resolve) => gateway.once("ready", resolve));
say(5);
await sleep(2000);
log(client("gateway"), `heartbeat latency ${gateway.latency} ms; identifies ${discord.identifies.length}, resumes ${discord.resumes.length}`);
gateway.destroy();
await discord.stop();
console.log("\ndone.");
