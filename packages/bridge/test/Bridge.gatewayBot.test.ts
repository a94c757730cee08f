import { DiscordRest } from "@nuwani/rest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bridge } from "../src/Bridge.js";
import { startHarness, TOKEN, type Harness } from "./support/harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await harness?.close();
  harness = undefined;
});

/** One turn of the event loop (setImmediate is never faked here): lets loopback I/O run. */
const ioTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("Bridge: GET /gateway/bot before identifying (issue 9)", () => {
  it("issue 9: fetches GET /gateway/bot before the first Identify and feeds session_start_limit to the identify throttle", async () => {
    const gatewayBotBeforeIdentify: number[] = [];
    harness = await startHarness({ start: false, fake: { sessionStartLimit: { total: 1000, remaining: 7, resetAfter: 3_600_000 } } });
    const { discord, bridge } = harness;
    discord.on("identify", () => gatewayBotBeforeIdentify.push(discord.rest.requests.filter((request) => request.path === "/gateway/bot").length));
    const ready = new Promise((resolve) => bridge.once("guildReady", resolve));
    await bridge.start();
    await ready;
    expect(gatewayBotBeforeIdentify).toEqual([1]);
    expect(harness.log).toContain("session starts: 7 of 1000 left");
    expect(JSON.stringify(harness.log)).not.toContain(TOKEN);
  });

  it("connects to the URL GET /gateway/bot names when the config has no endpoint", async () => {
    harness = await startHarness({ start: false, discord: { endpoint: undefined } });
    const { discord, bridge } = harness;
    expect(harness.config.endpoint).toBeUndefined();
    await bridge.start();
    expect(discord.identifies).toHaveLength(1);
    expect(bridge.gateway.state).toBe("ready");
  });

  it("issue 9: does not identify when the daily session start limit is spent (BRIDGE_CONNECT_FAILED caused by GATEWAY_SESSION_LIMIT_EXHAUSTED)", async () => {
    harness = await startHarness({ start: false, fake: { sessionStartLimit: { total: 1000, remaining: 0, resetAfter: 3_600_000 } } });
    const { discord, bridge } = harness;
    const error = await bridge.start().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: "BRIDGE_CONNECT_FAILED", cause: { code: "GATEWAY_SESSION_LIMIT_EXHAUSTED" } });
    expect(discord.identifies).toHaveLength(0);
  });

  it("a failed GET /gateway/bot (401) is a debug line; the gateway then reports the wrong token, which is printed nowhere", async () => {
    harness = await startHarness({ start: false, discord: { token: "wrong.Token-NEVER-PRINT" } });
    const { bridge } = harness;
    const error = await bridge.start().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: "BRIDGE_CONNECT_FAILED", cause: { code: "GATEWAY_AUTHENTICATION_FAILED" } });
    expect(harness.log.join("\n")).toMatch(/GET \/gateway\/bot failed \(REST_UNAUTHORIZED/);
    expect(harness.log.join("\n") + String((error as Error).message)).not.toContain("wrong.Token");
  });

  it("stop() while GET /gateway/bot is in flight ends the start without identifying", async () => {
    harness = await startHarness({ start: false });
    const { discord, bridge } = harness;
    const starting = bridge.start().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await bridge.stop();
    expect(await starting).toMatchObject({ code: "BRIDGE_CONNECT_FAILED" });
    expect(discord.identifies).toHaveLength(0);
  });

  it("without getGatewayBot on a given REST client, identifies as before", async () => {
    harness = await startHarness({ start: false });
    const { discord } = harness;
    const bare = new DiscordRest({ token: TOKEN, baseUrl: discord.restUrl, version: 10 });
    const other = new Bridge({
      config: harness.config,
      game: harness.game,
      rest: {
        createMessage: (id, body) => bare.createMessage(id, body),
        createReaction: (id, m, e) => bare.createReaction(id, m, e),
        createDM: (id) => bare.createDM(id),
        editChannelPermissions: (id, overwriteId, overwrite) => bare.editChannelPermissions(id, overwriteId, overwrite),
        deleteChannelPermission: (id, overwriteId) => bare.deleteChannelPermission(id, overwriteId),
        destroy: () => bare.destroy(),
      },
    });
    await other.start();
    expect(discord.rest.requests.filter((request) => request.path === "/gateway/bot")).toHaveLength(0);
    expect(discord.identifies).toHaveLength(1);
    await other.stop();
  });

  it("issue 9: an op 9 storm (every Identify answered with Invalid Session) stops with GATEWAY_IDENTIFY_STORM after the storm limit, long before the daily limit", async () => {
    // The fake lets one Identify through per hour and answers the others with op 9 d:false.
    harness = await startHarness({
      start: false,
      fake: { identifyWindow: 3_600_000 },
      bridge: { gatewayOptions: { identify: { storm: { limit: 3, window: 600_000 } } } },
    });
    const { discord, bridge } = harness;
    const ready = new Promise((resolve) => bridge.once("guildReady", resolve));
    await bridge.start();
    await ready;
    const errors: Error[] = [];
    bridge.on("error", (error) => errors.push(error));

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    // Discord ends the session: from now on every Identify gets op 9.
    discord.faults.invalidSession(false);
    for (let step = 0; step < 400 && errors.length === 0; step++) {
      await vi.advanceTimersByTimeAsync(500);
      for (let turn = 0; turn < 5; turn++) await ioTurn();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "BRIDGE_CONNECT_FAILED", cause: { code: "GATEWAY_IDENTIFY_STORM" } });
    // One Identify that reached READY, then the storm limit's worth that did not.
    expect(discord.identifies.map((identify) => identify.outcome)).toEqual(["ready", "rate-limited", "rate-limited", "rate-limited"]);
    expect(discord.sessionStartLimit.remaining).toBeGreaterThan(990);
    expect(bridge.gateway.state).toBe("stopped");
  });
});
