import { createGuild, FakeDiscord } from "@nuwani/fake-discord";
import { GatewayConnection, type GatewayReconnectInfo } from "@nuwani/gateway";
import { ManualClock } from "@nuwani/util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bridge } from "../src/Bridge.js";
import { parseConfig } from "../src/config.js";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

const TOKEN = "reconnect.Token-51c0-NEVER-PRINT";
/** Waits on loopback I/O (not on time passing): bounded, polled. */
const until = { timeout: 10_000, interval: 5 };
const ioTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A bridge on a gateway of the test's own, the fake Discord and both on one ManualClock: the
 * backoff and the fake's refusal window move only when the test says.
 */
async function setup() {
  const clock = new ManualClock();
  const guild = createGuild({ seed: 5, members: 8 });
  const discord = new FakeDiscord({ token: TOKEN, guilds: [guild], clock, identifyWindow: 50 });
  await discord.start();
  cleanups.push(() => discord.stop());
  const config = parseConfig(
    { discord: { token: TOKEN, clientId: guild.members[0]!.user.id, endpoint: discord.gatewayUrl, api: discord.restUrl, guild: guild.id, channels: { echo: "#echo", admin: "#admin" } } },
    {},
  );
  if (!config.enabled) throw new Error("enabled");
  // random 0.5: the drop jitter is 50 ms, the backoff 100, 200, 400 ms.
  const gateway = new GatewayConnection({ token: TOKEN, url: discord.gatewayUrl, intents: config.intents!, clock, random: () => 0.5, backoff: { base: 200, cap: 400, dropJitter: 100 } });
  cleanups.push(() => Promise.resolve(gateway.destroy()));
  const bridge = new Bridge({ config, game: new SimulatedGameServer({ seed: 1, clock }), gateway, clock });
  cleanups.push(() => bridge.stop());
  const events: GatewayReconnectInfo[] = [];
  bridge.on("reconnecting", (info) => events.push(info));
  const counts: number[] = [];
  bridge.on("reconnect", ({ count }) => counts.push(count));
  bridge.on("error", () => undefined);
  const ready = new Promise((resolve) => bridge.once("guildReady", resolve));
  await bridge.start();
  await ready;
  return { clock, discord, gateway, bridge, events, counts };
}

/** Moves the clock `ms` in steps of 10, letting loopback I/O answer between them. */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 10) {
    clock.advance(10);
    for (let turn = 0; turn < 5; turn++) await ioTurn();
  }
}

describe("Bridge: the gateway's reconnecting event", () => {
  it("forwards each reconnecting event as it is, and counts one reconnect per outage however many attempts it takes", async () => {
    const { clock, discord, bridge, events, counts } = await setup();
    expect(events).toEqual([]);
    expect(bridge.summary().reconnects).toBe(0);

    // Two attempts refused (the fake's window is on the shared clock), the third resumes.
    discord.gateway.faults.refuseConnections(250);
    discord.gateway.faults.dropAll();
    await vi.waitFor(() => expect(events).toHaveLength(1), until);
    expect(events[0]).toEqual({ reason: "dropped", attempt: 1, delay: 50, resume: true, code: 1006 });
    expect(bridge.summary().reconnects).toBe(1);
    await advance(clock, 50);
    await vi.waitFor(() => expect(events).toHaveLength(2), until);
    await advance(clock, 100);
    await vi.waitFor(() => expect(events).toHaveLength(3), until);
    expect(events.slice(1).map(({ reason, attempt, delay }) => ({ reason, attempt, delay }))).toEqual([
      { reason: "connectFailed", attempt: 2, delay: 100 },
      { reason: "connectFailed", attempt: 3, delay: 200 },
    ]);
    expect(events[1]!.error?.code).toBe("GATEWAY_SOCKET_ERROR");
    await advance(clock, 200);
    await vi.waitFor(() => expect(counts).toEqual([1]), until);
    expect(bridge.summary().reconnects).toBe(1);

    // A second outage is a second reconnect.
    discord.gateway.faults.dropAll();
    await vi.waitFor(() => expect(events).toHaveLength(4), until);
    expect(events[3]).toMatchObject({ reason: "dropped", resume: true });
    // The resumed connection had not yet proved itself (no dispatch since): the backoff goes on.
    await advance(clock, events[3]!.delay);
    await vi.waitFor(() => expect(counts).toEqual([1, 2]), until);
    expect(bridge.summary().reconnects).toBe(2);
  });

  it("forwards the failed attempts before the first session, which are no reconnect", async () => {
    const clock = new ManualClock();
    const guild = createGuild({ seed: 5, members: 8 });
    const discord = new FakeDiscord({ token: TOKEN, guilds: [guild], clock });
    await discord.start();
    cleanups.push(() => discord.stop());
    const config = parseConfig({ discord: { token: TOKEN, clientId: guild.members[0]!.user.id, endpoint: discord.gatewayUrl, api: discord.restUrl, guild: guild.id, channels: { echo: "#echo", admin: "#admin" } } }, {});
    if (!config.enabled) throw new Error("enabled");
    const gateway = new GatewayConnection({ token: TOKEN, url: discord.gatewayUrl, intents: config.intents!, clock, random: () => 0.5, backoff: { base: 200, cap: 400 } });
    cleanups.push(() => Promise.resolve(gateway.destroy()));
    const bridge = new Bridge({ config, game: new SimulatedGameServer({ seed: 1, clock }), gateway, clock });
    cleanups.push(() => bridge.stop());
    const events: GatewayReconnectInfo[] = [];
    bridge.on("reconnecting", (info) => events.push(info));
    discord.gateway.faults.refuseConnections(150);
    const started = bridge.start();
    await vi.waitFor(() => expect(events).toHaveLength(1), until);
    await advance(clock, 100);
    await vi.waitFor(() => expect(events).toHaveLength(2), until);
    await advance(clock, 200);
    await started;
    expect(events.map(({ reason, attempt }) => `${reason} ${attempt}`)).toEqual(["connectFailed 2", "connectFailed 3"]);
    expect(bridge.summary().reconnects).toBe(0);
  });
});
