import { afterEach, describe, expect, it } from "vitest";
import type { GatewayBotEvent } from "../src/BridgeEvents.js";
import { startHarness, TOKEN, type Harness } from "./support/harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("Bridge: the typed gatewayBot event (GET /gateway/bot before identifying)", () => {
  it("asking, then answered with the session starts left", async () => {
    harness = await startHarness({ start: false, fake: { sessionStartLimit: { total: 1000, remaining: 7, resetAfter: 3_600_000 } } });
    const events: GatewayBotEvent[] = [];
    harness.bridge.on("gatewayBot", (event) => events.push(event));
    await harness.bridge.start();
    expect(events).toEqual([{ kind: "asking" }, { kind: "answered", sessionStarts: { remaining: 7, total: 1000 } }]);
  });

  it("asking, then failed with the error's code (401), never the token", async () => {
    harness = await startHarness({ start: false, discord: { token: "wrong.Token-NEVER-PRINT" } });
    const events: GatewayBotEvent[] = [];
    harness.bridge.on("gatewayBot", (event) => events.push(event));
    await harness.bridge.start().catch(() => undefined);
    expect(events.map((event) => event.kind)).toEqual(["asking", "failed"]);
    expect(events[1]!.problem).toMatch(/^REST_UNAUTHORIZED/);
    expect(JSON.stringify(events)).not.toContain("wrong.Token");
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it("regression: a GET /gateway/bot that failed because stop() came first was still reported after the stop", async () => {
    harness = await startHarness({ start: false });
    const { bridge } = harness;
    const after: string[] = [];
    let stopped = false;
    bridge.on("gatewayBot", (event) => {
      if (stopped) after.push(event.kind);
    });
    bridge.on("debug", (message) => {
      if (stopped) after.push(message);
    });
    const starting = bridge.start().catch(() => undefined);
    await bridge.stop();
    stopped = true;
    await starting;
    expect(after.filter((line) => line === "failed" || line.startsWith("GET /gateway/bot failed"))).toEqual([]);
  });
});
