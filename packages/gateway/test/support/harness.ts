import { GatewayConnection } from "../../src/GatewayConnection.js";
import type { GatewayConnectionOptions, GatewayDispatch, GatewayState, GatewayVersion } from "../../src/types.js";
import type { GatewayError } from "../../src/GatewayError.js";
import { createSeededRandom } from "@nuwani/util";
import { afterEach } from "vitest";
import { useFakeTimersPerTest } from "./fakeTimers.js";
import { flush, ScriptedTransport } from "./ScriptedTransport.js";
import type { ScriptedConnection } from "./ScriptedTransport.js";

/** A token that looks like one; no debug message or error may ever contain it. */
export const TOKEN = "NzkyNzE1NDU0MTk2MDg4ODQy.X-hvzA.Ovy4MCQywSkoMRRclStW4xAYK7I";

/** A promise with its outcome recorded, so tests can look without awaiting (and nothing is unhandled). */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  settled: boolean;
  value: T | undefined;
  error: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { promise, settled: false, value: undefined, error: undefined };
  promise.then(
    (value) => {
      tracked.settled = true;
      tracked.value = value;
    },
    (error: unknown) => {
      tracked.settled = true;
      tracked.error = error;
    },
  );
  return tracked;
}

/** Everything a connection told its listeners. */
export interface Recorded {
  debug: string[];
  errors: GatewayError[];
  dispatches: GatewayDispatch<GatewayVersion>[];
  states: GatewayState[];
}

export interface Harness {
  transport: ScriptedTransport;
  gateway: GatewayConnection<GatewayVersion>;
  log: Recorded;
}

/**
 * A connection on a {@link ScriptedTransport} with listeners that record everything. Defaults:
 * a seeded `random` (heartbeat jitter, op 9 wait and backoff: reproducible, and tests that
 * assert exact times pass a constant), `backoff` ≤ 1 s. No `clock`: the default one wraps the
 * globals lazily, so vitest's fake timers drive it.
 */
export function createHarness(options: Partial<GatewayConnectionOptions<GatewayVersion>> = {}, transport = new ScriptedTransport()): Harness {
  const gateway = new GatewayConnection<GatewayVersion>({
    // Most tests are about the v6 protocol the seed spoke; v10 tests pass version: 10.
    version: 6,
    token: TOKEN,
    transport,
    random: createSeededRandom(1),
    backoff: { base: 100, cap: 1000 },
    ...options,
  });
  const log: Recorded = { debug: [], errors: [], dispatches: [], states: [] };
  gateway.on("debug", (message) => log.debug.push(message));
  gateway.on("error", (error) => log.errors.push(error));
  gateway.on("dispatch", (payload) => log.dispatches.push(payload));
  gateway.on("state", (state) => log.states.push(state));
  return { transport, gateway, log };
}

/**
 * The set-up most connection tests share: fake timers from time 0 before each test, and after
 * it every harness made through the returned function destroyed and the real timers back.
 * Call it once at the top of a test file; the function it returns makes a {@link createHarness}.
 */
export function useHarnesses(): (options?: Partial<GatewayConnectionOptions<GatewayVersion>>) => Harness {
  let harnesses: Harness[] = [];
  useFakeTimersPerTest({ now: 0 });
  // Registered last, so it runs first: the harnesses go while the fake timers still stand.
  afterEach(() => {
    for (const { gateway } of harnesses) gateway.destroy();
    harnesses = [];
  });
  return (options = {}) => {
    const created = createHarness(options);
    harnesses.push(created);
    return created;
  };
}

/** A voice state update (op 4) numbered `i` in `d.i`: an ordinary command whose order a test can follow. */
export const voiceState = (i: number): { op: number; d: unknown } => ({
  op: 4,
  d: { guild_id: "1", channel_id: null, self_mute: false, self_deaf: false, i },
});

/** Lets a started attempt open: returns the new connection (HELLO not sent yet). */
export async function opened(transport: ScriptedTransport, count = transport.connections.length): Promise<ScriptedConnection> {
  await flush();
  if (transport.connections.length !== count) throw new Error(`expected ${count} connections, got ${transport.connections.length}`);
  return transport.last;
}

/**
 * connect() → HELLO → Identify → READY (session `sessionId`, s = 1). Returns the connection and
 * the tracked connect() promise.
 */
export async function identified(
  harness: Harness,
  sessionId = "session-1",
  heartbeatInterval = 41_250,
): Promise<{ connection: ScriptedConnection; connecting: Tracked<void> }> {
  const before = harness.transport.connections.length;
  const connecting = track(harness.gateway.connect());
  const connection = await opened(harness.transport, before + 1);
  connection.hello(heartbeatInterval);
  await flush();
  if (connection.identifies.length !== 1) throw new Error("the client did not identify");
  connection.ready(sessionId, 1);
  await flush();
  return { connection, connecting };
}

/** The dispatch sequence numbers the listeners saw. */
export function sequences(log: Recorded): (number | null)[] {
  return log.dispatches.map((payload) => payload.s as number | null);
}

export { flush };
