import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdentifyThrottle } from "../src/IdentifyThrottle.js";
import type { ScriptedConnection } from "./support/ScriptedTransport.js";
import { createHarness, flush, track, type Harness } from "./support/harness.js";

let harness: Harness | undefined;
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  harness?.gateway.destroy();
  harness = undefined;
  vi.useRealTimers();
});

/**
 * Plays Discord for `rounds` steps of 1 s: every new connection gets HELLO, and every Identify
 * is answered by `answer` (op 9, or READY then op 9). Returns the Identifies over all connections.
 */
async function play(h: Harness, answer: (connection: ScriptedConnection, round: number) => void, done: () => boolean, rounds = 200): Promise<number> {
  const helloed = new Set<ScriptedConnection>();
  const answered = new Map<ScriptedConnection, number>();
  for (let round = 0; round < rounds && !done(); round++) {
    for (const connection of h.transport.connections) {
      if (!helloed.has(connection) && connection.state === "open") {
        helloed.add(connection);
        connection.hello();
      }
      const seen = answered.get(connection) ?? 0;
      if (connection.identifies.length > seen && connection.state === "open") {
        answered.set(connection, connection.identifies.length);
        answer(connection, round);
      }
    }
    await flush();
    await vi.advanceTimersByTimeAsync(1_000);
  }
  return h.transport.connections.reduce((sum, connection) => sum + connection.identifies.length, 0);
}

describe("GatewayConnection with an IdentifyThrottle: op 9 storms", () => {
  it("issue 9: every Identify answered with op 9 d:false stops the connection with GATEWAY_IDENTIFY_STORM after the storm limit", async () => {
    const identifyThrottle = new IdentifyThrottle({ storm: { limit: 3, window: 600_000 } });
    identifyThrottle.setSessionStartLimit({ total: 1000, remaining: 1000, reset_after: 86_400_000 });
    harness = createHarness({ identifyThrottle, random: () => 0 });
    const { gateway, log } = harness;
    const connecting = track(gateway.connect());
    const identifies = await play(harness, (connection) => connection.invalidSession(false), () => connecting.settled);
    expect(connecting.settled).toBe(true);
    expect(connecting.error).toMatchObject({ code: "GATEWAY_IDENTIFY_STORM" });
    expect(identifies).toBe(3);
    expect(log.errors.map((error) => error.code)).toEqual(["GATEWAY_IDENTIFY_STORM"]);
    expect(gateway.state).toBe("stopped");
    // Long before the daily limit: 997 session starts are left.
    expect(identifyThrottle.sessionStartLimit?.remaining).toBe(997);
  });

  it("a READY between the Identifies keeps the connection going: the connection reports it to the throttle", async () => {
    const identifyThrottle = new IdentifyThrottle({ storm: { limit: 2, window: 600_000 } });
    harness = createHarness({ identifyThrottle, random: () => 0 });
    const { gateway, log } = harness;
    const connecting = track(gateway.connect());
    const identifies = await play(
      harness,
      (connection, round) => {
        connection.ready(`session-${round}`, 1);
        connection.invalidSession(false);
      },
      () => false,
      60,
    );
    expect(identifies).toBeGreaterThan(4);
    await flush();
    expect(connecting.error).toBeUndefined();
    expect(log.errors).toEqual([]);
    expect(gateway.state).not.toBe("stopped");
  });
});
