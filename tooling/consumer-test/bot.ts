// A small bot as a user of the published packages writes it: it connects to the gateway
// (v10, with intents), finds the #general channel in the GUILD_CREATE it receives, and posts
// a message there over REST. The same source is compiled as ESM and as CommonJS by
// .ci/consumer-test.sh against the packed tarballs, and run against the fake Discord.
//
// Settings come from the environment: NUWANI_GATEWAY_URL, NUWANI_REST_URL, NUWANI_TOKEN and
// NUWANI_FLAVOUR (a label for the output and the message: "esm" or "cjs").
import { GatewayConnection, GatewayError, type GatewayDispatch } from "@nuwani/gateway";
import { DiscordRest, RestError } from "@nuwani/rest";

/** Guilds (1 << 0) and guild messages (1 << 9). */
const INTENTS = (1 << 0) | (1 << 9);
const DEADLINE_MS = 20_000;

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}

/** The id of the first guild text channel named `name` in a GUILD_CREATE dispatch. */
function findChannel(payload: GatewayDispatch<10>, name: string): string | undefined {
  if (payload.t !== "GUILD_CREATE") return undefined;
  const channel = payload.d.channels.find((candidate) => candidate.name === name && candidate.type === 0);
  return channel?.id;
}

async function main(): Promise<void> {
  const flavour = setting("NUWANI_FLAVOUR");
  const token = setting("NUWANI_TOKEN");
  const gateway = new GatewayConnection({ token, url: setting("NUWANI_GATEWAY_URL"), version: 10, intents: INTENTS });
  const rest = new DiscordRest({ token, baseUrl: setting("NUWANI_REST_URL"), version: 10 });
  const deadline = setTimeout(() => {
    console.error(`bot(${flavour}): no message posted within ${String(DEADLINE_MS)} ms`);
    process.exit(1);
  }, DEADLINE_MS);
  try {
    const general = new Promise<string>((resolve) => {
      gateway.on("dispatch", (payload) => {
        const id = findChannel(payload, "general");
        if (id !== undefined) resolve(id);
      });
    });
    gateway.on("error", (error: GatewayError) => {
      console.error(`bot(${flavour}): gateway stopped: ${error.code}`);
    });
    await gateway.connect();
    const channelId = await general;
    const message = await rest.createMessage(channelId, `hello from the ${flavour} bot`);
    console.log(`bot(${flavour}): connected (gateway v${String(gateway.version)}) and posted message ${message.id} in #general`);
  } finally {
    clearTimeout(deadline);
    gateway.destroy();
    rest.destroy();
  }
}

main().catch((error: unknown) => {
  const code = error instanceof GatewayError || error instanceof RestError ? ` (${error.code})` : "";
  console.error(`bot: failed${code}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
