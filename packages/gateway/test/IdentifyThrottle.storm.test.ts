import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdentifyThrottle } from "../src/IdentifyThrottle.js";
import { createHarness, flush, opened, track, type Harness } from "./support/harness.js";

let harness: Harness | undefined;
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  harness?.gateway.destroy();
  harness = undefined;
  vi.useRealTimers();
});

describe("GatewayConnection with an IdentifyThrottle: op 9 storms", () => {
  it("issue 9: every Identify answered with op 9 d:false stops the connection with GATEWAY_IDENTIFY_STORM after the storm limit", async () => {
    const identifyThrottle = new IdentifyThrottle({ storm: { limit: 3, window: 600_000 } });
    identifyThrottle.setSessionStartLimit({ total: 1000, remaining: 1000, reset_after: 86_400_000 });
    harness = createHarness({ identifyThrottle, random: () => 0 });
    const { gateway, transport, log } = harness;
    const connecting = track(gateway.connect());
    const connection = await opened(transport, 1);
    connection.hello();
    await flush();
    // Answer each Identify with Invalid Session, for as long as the client keeps identifying.
    for (let round = 0; round < 20 && !connecting.settled; round++) {
      if (connection.identifies.length > round) connection.invalidSession(false);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(connecting.settled).toBe(true);
    expect(connecting.error).toMatchObject({ code: "GATEWAY_IDENTIFY_STORM" });
    expect(connection.identifies).toHaveLength(3);
    expect(log.errors.map((error) => error.code)).toEqual(["GATEWAY_IDENTIFY_STORM"]);
    expect(gateway.state).toBe("stopped");
    // Long before the daily limit: 997 session starts are left.
    expect(identifyThrottle.sessionStartLimit?.remaining).toBe(997);
  });

  it("a READY between the Identifies keeps the connection going: the connection reports it to the throttle", async () => {
    const identifyThrottle = new IdentifyThrottle({ storm: { limit: 2, window: 600_000 } });
    harness = createHarness({ identifyThrottle, random: () => 0 });
    const { gateway, transport } = harness;
    const connecting = track(gateway.connect());
    const connection = await opened(transport, 1);
    connection.hello();
    await flush();
    for (let round = 1; round <= 5; round++) {
      expect(connection.identifies).toHaveLength(round);
      connection.ready(`session-${round}`, 1);
      await flush();
      connection.invalidSession(false);
      await vi.advanceTimersByTimeAsync(6_000);
    }
    expect(connecting.error).toBeUndefined();
    expect(gateway.state).not.toBe("stopped");
    expect(identifyThrottle.unreadyIdentifies()).toBe(1);
  });
});
