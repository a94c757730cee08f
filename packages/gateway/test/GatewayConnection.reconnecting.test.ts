import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GatewayConnectionOptions, GatewayReconnectInfo, GatewayVersion } from "../src/index.js";
import { GatewayError } from "../src/index.js";
import { createHarness, flush, identified, opened, TOKEN, track } from "./support/harness.js";
import type { Harness } from "./support/harness.js";

let harnesses: Harness[] = [];

/** A connection whose random is 0.5: backoff 50, 100, 200 ms…, drop jitter 50 ms, op 9 wait 3000 ms. */
function harness(options: Partial<GatewayConnectionOptions<GatewayVersion>> = {}): Harness & { events: GatewayReconnectInfo[]; at: number[] } {
  const created = createHarness({ random: () => 0.5, backoff: { base: 100, cap: 1000, dropJitter: 100 }, ...options });
  harnesses.push(created);
  const events: GatewayReconnectInfo[] = [];
  const at: number[] = [];
  created.gateway.on("reconnecting", (info) => {
    events.push(info);
    at.push(Date.now());
  });
  return { ...created, events, at };
}

/** READY, then a dispatch: the connection counts as working (the socket's failure count is 0). */
async function working(h: Harness) {
  const session = await identified(h);
  session.connection.dispatch("GUILD_CREATE", 2, { id: "1" });
  await flush();
  return session;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  for (const { gateway } of harnesses) gateway.destroy();
  harnesses = [];
  vi.useRealTimers();
});

describe("GatewayConnection: the reconnecting event", () => {
  it("a dropped connection, then refused attempts: reason, attempt, delay, resume, code and the error of each", async () => {
    const h = harness();
    const { connection } = await working(h);
    h.transport.refuse = 2;
    connection.drop();
    await flush();
    expect(h.events).toEqual([{ reason: "dropped", attempt: 1, delay: 50, resume: true, code: 1006 }]);
    await vi.advanceTimersByTimeAsync(50 + 50 + 100);
    expect(h.events.map(({ reason, attempt, delay, resume }) => ({ reason, attempt, delay, resume }))).toEqual([
      { reason: "dropped", attempt: 1, delay: 50, resume: true },
      { reason: "connectFailed", attempt: 2, delay: 50, resume: true },
      { reason: "connectFailed", attempt: 3, delay: 100, resume: true },
    ]);
    const failed = h.events[1]!;
    expect(failed.code).toBeUndefined();
    expect(GatewayError.is(failed.error, "GATEWAY_SOCKET_ERROR")).toBe(true);
    expect((failed.error?.cause as { code?: string }).code).toBe("SOCKET_CONNECT_FAILED");
    // The error event reports the same error object.
    expect(h.log.errors.filter((error) => error.code === "GATEWAY_SOCKET_ERROR")).toEqual([failed.error, h.events[2]!.error]);
    // Each attempt goes out when the event said.
    expect(h.at).toEqual([0, 50, 100]);
    expect(h.transport.attempts).toHaveLength(4);
    const third = h.transport.last;
    third.hello();
    await flush();
    expect(third.resumes).toHaveLength(1);
    expect(h.events).toHaveLength(3);
  });

  it("Discord's close code, and resume false when the code ends the session (4009)", async () => {
    const h = harness();
    const { connection } = await working(h);
    connection.closeWith(4009, "Session timed out");
    await flush();
    expect(h.events).toEqual([{ reason: "closed", attempt: 1, delay: 50, resume: false, code: 4009 }]);
  });

  it.each([
    ["op 7", "reconnectRequested", (c: Harness["transport"]["last"]) => c.reconnect()],
    ["a READY without a session id", "invalidPayload", (c: Harness["transport"]["last"]) => c.dispatch("READY", 3, {})],
  ] as const)("%s: reason %s, the client's close code 4000, resume true", async (_name, reason, act) => {
    const h = harness();
    const { connection } = await working(h);
    act(connection);
    await flush();
    expect(h.events).toEqual([{ reason, attempt: 1, delay: 50, resume: true, code: 4000 }]);
  });

  it("a zombie connection (no heartbeat ACK): reason zombie", async () => {
    const h = harness();
    const { connection } = await working(h);
    connection.ack();
    // First beat at 0.5 × 41 250 ms, unanswered; the next is due 41 250 ms later.
    await vi.advanceTimersByTimeAsync(20_625 + 41_250);
    expect(h.events).toEqual([{ reason: "zombie", attempt: 1, delay: 50, resume: true, code: 4000 }]);
  });

  it("op 9, not resumable: one event, reason invalidSession, after the op 9 wait, to identify", async () => {
    const h = harness();
    const { connection } = await working(h);
    connection.invalidSession(false);
    await flush();
    expect(h.events).toEqual([{ reason: "invalidSession", attempt: 1, delay: 3000, resume: false, code: 4000 }]);
    await vi.advanceTimersByTimeAsync(2999);
    expect(h.transport.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.transport.attempts).toHaveLength(2);
  });

  it("op 9, resumable: reason invalidSession, resume true, no close code (the connection stays open)", async () => {
    const h = harness();
    const { connection } = await working(h);
    connection.invalidSession(true);
    await flush();
    expect(h.events).toEqual([{ reason: "invalidSession", attempt: 1, delay: 3000, resume: true }]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(connection.resumes).toHaveLength(1);
  });

  it("no HELLO while connecting: reason timeout, attempt 2 (the first never worked), identify", async () => {
    const h = harness({ helloTimeout: 5000 });
    track(h.gateway.connect());
    await opened(h.transport, 1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.events).toEqual([{ reason: "timeout", attempt: 2, delay: 50, resume: false, code: 4000 }]);
  });

  it("not emitted for disconnect(), destroy() or a fatal close", async () => {
    const h = harness();
    const first = await working(h);
    h.gateway.disconnect({ resumable: true });
    await flush();
    const again = track(h.gateway.connect());
    const second = await opened(h.transport, 2);
    second.hello();
    await flush();
    second.resumed(3);
    await flush();
    expect(again.settled).toBe(true);
    second.closeWith(4004, "Authentication failed.");
    await flush();
    expect(h.gateway.state).toBe("stopped");
    const third = harness();
    await working(third);
    third.gateway.destroy();
    await flush();
    expect(first.connection.closed).toBeDefined();
    expect(h.events).toEqual([]);
    expect(third.events).toEqual([]);
  });

  it("never carries the token", async () => {
    const h = harness();
    const { connection } = await working(h);
    h.transport.refuse = 1;
    connection.drop();
    await vi.advanceTimersByTimeAsync(200);
    expect(h.events.length).toBeGreaterThan(1);
    expect(JSON.stringify(h.events, (_key, value: unknown) => (value instanceof Error ? { ...value, message: value.message } : value))).not.toContain(TOKEN);
  });
});
