// The server side of gateway-resume.mjs, in its own process so that the clients' wall-clock
// time is not shared with the fake's work. Protocol, one line each on stdin/stdout: it prints
// "url <gatewayUrl> <token>"; "run N DROPS" streams N NUWANI_BENCH dispatches (d: { i }) to
// the newest session and drops its TCP connection (no close frame: the client sees 1006) at
// DROPS points spread evenly over the stream, each on a live connection (a drop waits for the
// session to be connected again); it prints "sent N" when the stream is written. "stats"
// prints "stats identifies=I resumes=R" counted since the last "run".
import { once } from "node:events";
import { createInterface } from "node:readline";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { createGuild, FakeDiscord } from "@nuwani/fake-discord";

const discord = new FakeDiscord({
  token: "bench-token",
  guilds: [createGuild({ id: "100000000000000001", name: "Las Venturas Playground", members: 50 })],
  heartbeatInterval: 45_000,
  heartbeatTimeout: 600_000,
  sessionTimeout: 600_000,
  commandLimit: false,
  replayBufferSize: 50_000,
  // Clients of successive rounds identify one after another, faster than Discord allows.
  identifyWindow: 1,
});
await discord.start();
process.stdout.write(`url ${discord.gatewayUrl} bench-token\n`);

let identifiesAtRun = 0;
let resumesAtRun = 0;

/** Resolves once `session` is connected on a connection other than `previous`. */
async function connectedAgain(session, previous) {
  while (!(session.state === "connected" && session.connection !== undefined && session.connection !== previous)) {
    await once(discord, "sessionState");
  }
}

async function run(count, drops) {
  identifiesAtRun = discord.identifies.length;
  resumesAtRun = discord.resumes.length;
  const session = discord.sessions.at(-1);
  const points = Array.from({ length: drops }, (_, k) => Math.floor(((k + 0.5) * count) / drops));
  let previous;
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (i === points[next]) {
      await connectedAgain(session, previous);
      previous = session.connection;
      discord.faults.drop({ sessionId: session.id });
      next++;
    }
    discord.dispatch("NUWANI_BENCH", { i }, { sessionId: session.id });
    // Yield now and then so the socket drains instead of buffering the whole stream.
    if (i % 250 === 249) await yieldToLoop();
  }
  process.stdout.write(`sent ${count}\n`);
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, a, b] = line.trim().split(" ");
  if (command === "run") await run(Number(a), Number(b));
  else if (command === "stats") {
    process.stdout.write(`stats identifies=${discord.identifies.length - identifiesAtRun} resumes=${discord.resumes.length - resumesAtRun}\n`);
  } else if (command === "quit") break;
}
await discord.stop();
process.exit(0);
