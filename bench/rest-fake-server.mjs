// The server side of rest-buckets.mjs, in its own process so that the client's and the fake's
// CPU do not compete in one event loop. Arguments: <limit> <window> <channels>. Protocol on
// stdin/stdout, one line each: it prints "url <restUrl> <token> <channel ids, comma-separated>";
// for each line "reset" it refills every bucket and prints "ok"; for "count" it prints
// "count <429s sent> <messages created>"; "quit" stops it.
import { createInterface } from "node:readline";
import { createGuild, FakeDiscord } from "@nuwani/fake-discord";

const [limit, window, channels] = process.argv.slice(2).map(Number);
const guild = createGuild({ id: "100000000000000001", name: "Las Venturas Playground", members: 10 });
const template = guild.channels.find((channel) => channel.name === "general");
const channelIds = Array.from({ length: channels }, (_, i) => `90000000000000${String(1000 + i)}`);
for (const [i, id] of channelIds.entries()) guild.channels.push({ ...template, id, name: `echo-${i}` });

// Discord allows 50 requests per second globally against 5 per 5 s per channel: the global
// limit is 50 channels' worth. The same ratio holds with the short window.
const discord = new FakeDiscord({
  token: "bench-token",
  guilds: [guild],
  rest: { bucket: { limit, window }, global: { limit: 50 * limit, window } },
});
await discord.start();
process.stdout.write(`url ${discord.restUrl} bench-token ${channelIds.join(",")}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === "reset") {
    discord.rest.rateLimits.reset();
    process.stdout.write("ok\n");
  } else if (line === "count") {
    process.stdout.write(`count ${discord.rest.rateLimitedCount} ${discord.postedMessages.length}\n`);
  } else if (line === "quit") {
    break;
  }
}
await discord.stop();
process.exit(0); // stdin would keep the process alive
