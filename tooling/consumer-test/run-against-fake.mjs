// Starts the workspace's fake Discord (packages/fake-discord/dist) on 127.0.0.1, runs each
// compiled bot given on the command line (`<flavour>=<path to bot.js>`) against it, and checks
// on the fake's side that each one identified with gateway v10 and its intents and posted its
// message over REST v10 in #general. One line per bot, then "consumer-test: passed|failed".
// Every wait is bounded: a bot gets 30 s, then it is killed and counted as failed.
import { spawn } from "node:child_process";
import { FakeDiscord } from "../../packages/fake-discord/dist/index.js";

const BOT_TIMEOUT_MS = 30_000;
const INTENTS = (1 << 0) | (1 << 9);

/** Runs one bot to its end (or kills it at the timeout); resolves with its exit code and output. */
function runBot(path, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `(killed after ${BOT_TIMEOUT_MS} ms)\n`;
      child.kill("SIGKILL");
    }, BOT_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

const bots = process.argv.slice(2).map((argument) => {
  const [flavour, path] = argument.split("=");
  return { flavour, path };
});
if (bots.length === 0 || bots.some((bot) => !bot.flavour || !bot.path)) {
  console.error("usage: node run-against-fake.mjs <flavour>=<bot.js> …");
  process.exit(2);
}

const discord = new FakeDiscord();
await discord.start();
const general = discord.guilds[0]?.channels.find((channel) => channel.name === "general");
let failures = 0;
try {
  for (const { flavour, path } of bots) {
    const identifiesBefore = discord.identifies.length;
    const { code, output } = await runBot(path, {
      NUWANI_GATEWAY_URL: discord.gatewayUrl,
      NUWANI_REST_URL: discord.restUrl,
      NUWANI_TOKEN: discord.token,
      NUWANI_FLAVOUR: flavour,
    });
    process.stdout.write(output.replaceAll(discord.token, "<token>"));
    const identified = discord.identifies
      .slice(identifiesBefore)
      .map((record) => (record.outcome === "ready" && record.sessionId !== undefined ? discord.session(record.sessionId) : undefined))
      .some((session) => session?.version === 10 && session.intents === INTENTS);
    const posted = discord.postedMessages.some(
      (message) => message.content === `hello from the ${flavour} bot` && message.channelId === general?.id && message.version === 10,
    );
    const problems = [
      code === 0 ? undefined : `exit code ${code}`,
      identified ? undefined : "no v10 identify with its intents reached the fake",
      posted ? undefined : "its message did not reach #general over REST v10",
    ].filter((problem) => problem !== undefined);
    if (problems.length > 0) failures++;
    console.log(`consumer-test: ${flavour} bot ${problems.length === 0 ? "ok" : `FAILED (${problems.join("; ")})`}`);
  }
} finally {
  await discord.stop();
}
process.exitCode = failures === 0 ? 0 : 1;
