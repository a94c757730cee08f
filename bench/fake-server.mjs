// The server side of gateway-throughput.mjs, in its own process so that only the client's CPU
// is measured. Protocol on stdin/stdout, one line each: it prints "url <gatewayUrl> <token>",
// then for each line "stream N" it sends N MESSAGE_CREATE dispatches to every session and
// prints "sent N" once they are all written to the sockets.
import { createInterface } from "node:readline";
import { createGuild, FakeDiscord } from "@nuwani/fake-discord";

const guild = createGuild({ id: "100000000000000001", name: "Las Venturas Playground", members: 50 });
const discord = new FakeDiscord({
  token: "bench-token",
  guilds: [guild],
  heartbeatInterval: 45_000,
  heartbeatTimeout: 600_000,
  commandLimit: false,
  replayBufferSize: 1000,
  // Clients connect one after another, faster than Discord allows identifies.
  identifyWindow: 1,
});
await discord.start();
process.stdout.write(`url ${discord.gatewayUrl} bench-token\n`);

const channelId = guild.channels.find((channel) => channel.type === 0).id;
const author = guild.members[1] ?? guild.members[0];
const content = "Hey everyone, anyone up for a race at the LVA airstrip? Meet at the ammunation north.";

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, value] = line.trim().split(" ");
  if (command === "stream") {
    const count = Number(value);
    // Yield to the event loop between batches so the socket drains instead of buffering all.
    const batch = 500;
    for (let sent = 0; sent < count; sent += batch) {
      for (let i = sent; i < Math.min(count, sent + batch); i++) discord.messageCreate({ channelId, author, content });
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(`sent ${count}\n`);
  } else if (command === "quit") {
    break;
  }
}
await discord.stop();
process.exit(0);
