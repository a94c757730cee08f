import { FakeDiscord } from "@nuwani/fake-discord";
import type { FakeDiscordOptions } from "@nuwani/fake-discord";
import { GatewayConnection } from "../../src/GatewayConnection.js";
import type { GatewayConnectionOptions, GatewayDispatch, GatewayReconnectInfo, GatewayVersion } from "../../src/types.js";
import type { GatewayError } from "../../src/GatewayError.js";
import { IdentifyThrottle } from "../../src/IdentifyThrottle.js";
import { createSeededRandom, type ManualClock } from "@nuwani/util";

/**
 * Fixtures for tests against the real fake Discord on 127.0.0.1 (port 0), with real timers and
 * short intervals. Everything started here is stopped by {@link LiveFixtures.cleanup}.
 */
export class LiveFixtures {
  readonly #discords: FakeDiscord[] = [];
  readonly #gateways: GatewayConnection<GatewayVersion>[] = [];

  /** A started fake with a 1 s heartbeat and a 50 ms identify window (instead of 5 s). */
  async discord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const discord = new FakeDiscord({ heartbeatInterval: 1_000, identifyWindow: 50, ...options });
    this.#discords.push(discord);
    await discord.start();
    return discord;
  }

  /**
   * A client of `discord` with short waits: backoff ≤ 50 ms, identifies 100 ms apart, seeded
   * jitter; it records what its listeners see. A `clock` option (e.g. a `ManualClock`
   * shared with the fake) drives its identify throttle too.
   */
  client(discord: FakeDiscord, options: Partial<GatewayConnectionOptions<GatewayVersion>> = {}): LiveClient {
    const gateway = new GatewayConnection<GatewayVersion>({
      // Most tests are about the v6 protocol the seed spoke; v10 tests pass version: 10.
      version: 6,
      token: discord.token,
      url: discord.gatewayUrl,
      identifyThrottle: new IdentifyThrottle({ interval: 100, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
      backoff: { base: 10, cap: 50 },
      random: createSeededRandom(7),
      ...options,
    });
    this.#gateways.push(gateway);
    const client: LiveClient = { gateway, dispatches: [], debug: [], errors: [], reconnecting: [] };
    gateway.on("dispatch", (payload) => client.dispatches.push(payload));
    gateway.on("debug", (message) => client.debug.push(message));
    gateway.on("error", (error) => client.errors.push(error));
    gateway.on("reconnecting", (info) => client.reconnecting.push(info));
    return client;
  }

  async cleanup(): Promise<void> {
    for (const gateway of this.#gateways.splice(0)) gateway.destroy();
    await Promise.all(this.#discords.splice(0).map((discord) => discord.stop()));
  }
}

export interface LiveClient {
  gateway: GatewayConnection<GatewayVersion>;
  dispatches: GatewayDispatch<GatewayVersion>[];
  debug: string[];
  errors: GatewayError[];
  /** Every `reconnecting` event, in order. */
  reconnecting: GatewayReconnectInfo[];
}

/** The event names a client saw, in order. */
export function types(client: LiveClient): string[] {
  return client.dispatches.map((payload) => payload.t as string);
}

/** The sequence numbers a client saw, in order. */
export function seqs(client: LiveClient): number[] {
  return client.dispatches.map((payload) => payload.s);
}

/** Whether every number is larger than the one before. */
export function strictlyIncreasing(values: readonly number[]): boolean {
  return values.every((value, index) => index === 0 || value > (values[index - 1] as number));
}

/**
 * Moves `clock` (shared by a fake and its clients) `step` ms at a time, letting the event loop
 * turn after each step so that loopback I/O runs for real, until `check` stops throwing;
 * returns its value. Bounded by `limit` ms of clock time (then `check`'s error is thrown).
 * Time passes only on the clock: reconnect delays and the fake's outgoing delay cost no real time.
 */
export async function advanceUntil<T>(clock: ManualClock, check: () => T, { step = 1, limit = 30_000 }: { step?: number; limit?: number } = {}): Promise<T> {
  let failure: unknown;
  for (let elapsed = 0; elapsed <= limit; elapsed += step) {
    try {
      return check();
    } catch (error) {
      failure = error;
    }
    await clock.advanceAsync(step);
  }
  throw failure;
}

/** The delay of the reconnect the client planned last (its `reconnecting` event), in ms. */
export function plannedReconnect(client: LiveClient): number {
  const planned = client.reconnecting.at(-1);
  if (planned === undefined) throw new Error("no reconnect planned yet");
  return planned.delay;
}
