import { afterEach } from "vitest";
import { FakeDiscord } from "../../src/FakeDiscord.js";
import type { FakeDiscordOptions } from "../../src/FakeDiscordOptions.js";
import { Intents } from "../../src/Intents.js";
import { GatewayClient, type Payload } from "./protocol.js";

/** Every intent a v10 client may ask for in these tests. */
export const ALL_INTENTS = Object.values(Intents).reduce((all, bit) => all | bit, 0);

const discords: FakeDiscord[] = [];
const clients: GatewayClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(discords.splice(0).map((discord) => discord.stop()));
});

/** A started fake (stopped after the test). Identify windows are off unless a test sets them. */
export async function startDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const discord = new FakeDiscord({ identifyWindow: 0, ...options });
  discords.push(discord);
  await discord.start();
  return discord;
}

/** A client connected to the fake with `query` (closed after the test). */
export function connect(discord: FakeDiscord, query = "v=6&encoding=json"): GatewayClient {
  const client = new GatewayClient(`${discord.gatewayUrl}/?${query}`);
  clients.push(client);
  return client;
}

/** The parts of a GUILD_CREATE `d` the tests look at. */
export interface GuildCreateData {
  id: string;
  members: Array<{ user: { id: string } }>;
  presences: Array<{ user: { id: string } }>;
  roles: Array<Record<string, unknown>>;
  channels: Array<{ name: string; permission_overwrites: unknown[] } & Record<string, unknown>>;
  [key: string]: unknown;
}

/** The ids of members or presences. */
export function ids(list: Array<{ user: { id: string } }>): string[] {
  return list.map((entry) => entry.user.id);
}

/** A client that has identified (v6 without intents, v10 with all) and received READY. */
export async function identified(
  discord: FakeDiscord,
  version: 6 | 10 = 6,
  identify: Record<string, unknown> = {},
): Promise<{ client: GatewayClient; ready: Payload; sessionId: string }> {
  const client = connect(discord, `v=${version}&encoding=json`);
  await client.nextOp(10);
  client.identify(version === 10 ? { intents: ALL_INTENTS, properties: { os: "linux", browser: "t", device: "t" }, ...identify } : identify);
  const ready = await client.nextOp(0, "READY");
  return { client, ready, sessionId: (ready.d as { session_id: string }).session_id };
}

/** Resumes `sessionId` from `seq` on a new connection. */
export async function resumed(discord: FakeDiscord, sessionId: string, seq: number | null, version: 6 | 10 = 6): Promise<GatewayClient> {
  const client = connect(discord, `v=${version}&encoding=json`);
  await client.nextOp(10);
  client.send({ op: 6, d: { token: "fake-token", session_id: sessionId, seq } });
  return client;
}
