import { FakeGateway } from "@nuwani/fake-discord";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GatewayError } from "../src/GatewayError.js";
import { advanceUntil, LiveFixtures, seqs, strictlyIncreasing, types } from "./support/live.js";
import { ManualClock } from "@nuwani/util";
import { GatewayIntentBits } from "../src/index.js";

// A hostile or broken gateway, on the real fake Discord over loopback.
const live = new LiveFixtures();
const WAIT = { timeout: 5_000, interval: 5 };
const servers: FakeGateway[] = [];

afterEach(async () => {
  await live.cleanup();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** A WebSocket server on 127.0.0.1 that records the URL of every connection made to it. */
async function bystander(): Promise<{ port: number; connections: string[] }> {
  const server = new FakeGateway({ sendHello: false });
  servers.push(server);
  await server.start();
  const connections: string[] = [];
  server.on("connection", (connection) => connections.push(`${connection.path}?${connection.query.toString()}`));
  return { port: server.port, connections };
}

function indices(client: { dispatches: { t: unknown; d: unknown }[] }): number[] {
  return client.dispatches.filter((payload) => payload.t === "NUWANI_TEST").map((payload) => (payload.d as { i: number }).i);
}

describe("GatewayConnection against a hostile gateway", () => {
  it("regression: a garbage first frame and no HELLO left connect() hanging; the HELLO deadline replaces the connection", async () => {
    // The HELLO deadline runs on a clock shared by the fake and the client, moved by hand.
    const clock = new ManualClock();
    const discord = await live.discord({ clock });
    discord.faults.firstFrame("}}garbage{{");
    discord.sendHello = false;
    const client = live.client(discord, { helloTimeout: 100, clock });
    const connecting = client.gateway.connect();
    await vi.waitFor(() => expect(client.debug.some((line) => line.includes("SOCKET_DECODE_ERROR"))).toBe(true), WAIT);
    const codes = (): string[] => client.errors.map((error) => error.code);
    clock.advance(99);
    expect(codes()).not.toContain("GATEWAY_HELLO_TIMEOUT");
    clock.advance(1);
    expect(codes()).toContain("GATEWAY_HELLO_TIMEOUT");
    discord.faults.firstFrame('{"op":11}');
    discord.sendHello = true;
    // The close completes over the wire; the clock moves on while the next attempt backs off.
    await vi.waitFor(() => {
      clock.advance(10);
      expect(client.gateway.state).toBe("ready");
    }, WAIT);
    await connecting;
    expect(client.gateway.state).toBe("ready");
    expect(discord.identifies).toHaveLength(1);
    expect(discord.identifies[0]?.connectionId).toBeGreaterThan(1);
  });

  it("regression: one dispatch with s = 2^53 − 1 made the client deaf; it is ignored and the stream goes on, also across a resume", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ clock, heartbeatInterval: 60_000 });
    const client = live.client(discord, { clock });
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toContain("GUILD_CREATE"), WAIT);
    discord.dispatch("NUWANI_TEST", { i: 0 });
    discord.faults.dispatchWithSequence("NUWANI_TEST", { i: -1 }, Number.MAX_SAFE_INTEGER);
    discord.faults.dispatchWithSequence("NUWANI_TEST", { i: -2 }, 3.5);
    discord.dispatch("NUWANI_TEST", { i: 1 });
    await vi.waitFor(() => expect(indices(client)).toEqual([0, 1]), WAIT);
    discord.gateway.faults.dropAll();
    discord.dispatch("NUWANI_TEST", { i: 2 });
    await advanceUntil(clock, () => expect(indices(client)).toEqual([0, 1, 2]));
    expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "resumed", seq: 4 })]);
    expect(strictlyIncreasing(seqs(client))).toBe(true);
    expect(client.debug.some((line) => line.includes("implausible sequence"))).toBe(true);
  });

  it("regression: the token went in Resume to READY's foreign resume_gateway_url; it resumes at the base URL", async () => {
    const evil = await bystander();
    const clock = new ManualClock();
    const discord = await live.discord({ clock, heartbeatInterval: 60_000 });
    discord.faults.resumeGatewayUrl(`ws://localhost:${String(evil.port)}`);
    const client = live.client(discord, { version: 10, intents: GatewayIntentBits.Guilds, clock });
    await client.gateway.connect();
    expect(client.gateway.session?.resumeUrl).toBe(discord.gatewayUrl);
    discord.gateway.faults.dropAll();
    await advanceUntil(clock, () => expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "resumed" })]));
    expect(evil.connections).toEqual([]);
  });

  it("resumes at a resume_gateway_url on the base host (another port)", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ clock, heartbeatInterval: 60_000 });
    const client = live.client(discord, { version: 10, intents: GatewayIntentBits.Guilds, clock });
    const other = await bystander();
    discord.faults.resumeGatewayUrl(`ws://127.0.0.1:${String(other.port)}`);
    await client.gateway.connect();
    expect(client.gateway.session?.resumeUrl).toBe(`ws://127.0.0.1:${String(other.port)}`);
    discord.gateway.faults.dropAll();
    await advanceUntil(clock, () => expect(other.connections).toEqual(["/?v=10&encoding=json"]));
  });

  it("RATE_LIMITED for op 8 rejects that member request with GATEWAY_RATE_LIMITED and retryAfter in ms", async () => {
    const discord = await live.discord();
    const client = live.client(discord, { version: 10, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers });
    await client.gateway.connect();
    const request = client.gateway.requestGuildMembers({ guildId: "999999999999999999" }, { timeout: 10_000 });
    const settled = request.then(
      () => undefined,
      (error: unknown) => error,
    );
    await vi.waitFor(() => expect(discord.memberRequests).toHaveLength(1), WAIT);
    const nonce = (discord.memberRequests[0]?.d as { nonce: string }).nonce;
    discord.dispatch("RATE_LIMITED", { opcode: 8, retry_after: 2.25, meta: { guild_id: "999999999999999999", nonce } });
    const error = await settled;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "GATEWAY_RATE_LIMITED", retryAfter: 2250 });
  });
});
