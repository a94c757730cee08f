// Issue 5's benchmark: send messages through DiscordRest to the fake Discord (a child
// process), whose REST API rate-limits like Discord: 5 requests per window per channel, and a
// global limit with Discord's ratio (50/s against 5 per 5 s: 50 channels' worth). Once all to
// one channel, once spread over 10 channels, every message queued at once. Prints the 429s
// received and the throughput as a fraction of what the buckets allow: the shortest possible
// run (a channel's n-th window cannot open before (n − 1) windows passed) divided by the
// measured one. Targets: zero 429s, ≥ 90 % of capacity.
//   node rest-buckets.mjs [--messages 500] [--window 500] [--channels 10]
/* eslint-disable no-console */
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { DiscordRest } from "@nuwani/rest";
import { arg, startChild } from "./support.mjs";

const MESSAGES = arg("messages", 500);
const WINDOW = arg("window", 500);
const CHANNELS = arg("channels", 10);
const LIMIT = 5; // Create Message's bucket on Discord: 5 per 5 s
const GLOBAL = { limit: 50 * LIMIT, window: WINDOW };

const { child, nextLine } = startChild("./rest-fake-server.mjs", [String(LIMIT), String(WINDOW), String(CHANNELS)]);
const [, restUrl, token, ids] = (await nextLine()).split(" ");
const channelIds = ids.split(",");

async function served429() {
  child.stdin.write("count\n");
  return Number((await nextLine()).split(" ")[1]);
}

/** Sends MESSAGES messages round robin over `channels`, all queued at once. */
async function run(channels) {
  child.stdin.write("reset\n");
  await nextLine();
  const before = await served429();
  let received429 = 0;
  const rest = new DiscordRest({ token, baseUrl: restUrl, globalLimit: GLOBAL, onRateLimited: () => received429++ });
  const started = performance.now();
  await Promise.all(Array.from({ length: MESSAGES }, (_, i) => rest.createMessage(channels[i % channels.length], `line ${i}`)));
  const elapsed = performance.now() - started;
  rest.destroy();
  const perChannel = Math.ceil(MESSAGES / channels.length);
  const ideal = Math.max((Math.ceil(perChannel / LIMIT) - 1) * WINDOW, (Math.ceil(MESSAGES / GLOBAL.limit) - 1) * GLOBAL.window);
  return { elapsed, ideal, received429, served: (await served429()) - before };
}

// Warm-up (JIT, keep-alive connections), not counted.
await run(channelIds);
console.log(`rest buckets: ${MESSAGES} messages, ${LIMIT} per ${WINDOW} ms per channel, global ${GLOBAL.limit} per ${GLOBAL.window} ms (Discord's ratio)`);
for (const [name, channels] of [
  ["1 channel", channelIds.slice(0, 1)],
  [`${CHANNELS} channels`, channelIds],
]) {
  const { elapsed, ideal, received429, served } = await run(channels);
  console.log(
    `  ${name.padEnd(12)} ${elapsed.toFixed(0).padStart(6)} ms (shortest possible ${ideal} ms), ${((MESSAGES / elapsed) * 1000).toFixed(1)} msg/s, ` +
      `429s received ${received429} (fake sent ${served}), capacity used ${((ideal / elapsed) * 100).toFixed(1)} %`,
  );
}
console.log("targets: 0 429s, ≥ 90 % of capacity");
child.stdin.write("quit\n");
await once(child, "exit");
