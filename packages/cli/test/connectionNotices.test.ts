import { describe, expect, it } from "vitest";
import { describeGatewayBot, describeReconnecting, type ReconnectingEvent } from "../src/connectionNotices.js";

/** A failed attempt's error shaped as the gateway's: GATEWAY_SOCKET_ERROR caused by the socket's error (the CLI does not depend on the gateway). */
function failure(code: string): NonNullable<ReconnectingEvent["error"]> {
  const cause = Object.assign(new Error(code), { code });
  return Object.assign(new Error(`Socket error ${code}`, { cause }), { code: "GATEWAY_SOCKET_ERROR" }) as unknown as NonNullable<ReconnectingEvent["error"]>;
}

describe("describeReconnecting", () => {
  it("shows failed attempts with the wait before the next, invalid sessions and planned reconnects", () => {
    const event = (fields: Partial<ReconnectingEvent>): ReconnectingEvent => ({ reason: "dropped", attempt: 1, delay: 0, resume: true, ...fields });
    expect(describeReconnecting(event({ reason: "connectFailed", attempt: 2, delay: 1234, error: failure("SOCKET_CONNECT_FAILED") }))).toBe(
      "attempt 1 failed (SOCKET_CONNECT_FAILED); next attempt in 1.2 s",
    );
    expect(describeReconnecting(event({ reason: "connectFailed", attempt: 6, delay: 30_000, error: failure("SOCKET_CONNECT_TIMEOUT") }))).toBe(
      "attempt 5 timed out; next attempt in 30.0 s",
    );
    expect(describeReconnecting(event({ reason: "dropped", delay: 250, code: 1006 }))).toBe("reconnecting in 0.3 s (will resume)");
    expect(describeReconnecting(event({ reason: "closed", delay: 50, code: 4009, resume: false }))).toBe("reconnecting in 0.1 s (will identify)");
    expect(describeReconnecting(event({ reason: "zombie", delay: 1000, code: 4000 }))).toBe("reconnecting in 1.0 s (will resume)");
    expect(describeReconnecting(event({ reason: "invalidSession", delay: 3000, resume: false, code: 4000 }))).toBe("invalid session; identifying in 3.0 s");
    expect(describeReconnecting(event({ reason: "invalidSession", delay: 1200 }))).toBe("invalid session; resuming in 1.2 s");
  });
});

describe("describeGatewayBot", () => {
  it("shows the request, its failure and the session starts left", () => {
    expect(describeGatewayBot({ kind: "asking" })).toBe("GET /gateway/bot: asking for the session start limit before identifying");
    expect(describeGatewayBot({ kind: "failed", problem: "REST_NETWORK_ERROR: …" })).toBe(
      "GET /gateway/bot failed (REST_NETWORK_ERROR: …); identifying without the session start limit",
    );
    expect(describeGatewayBot({ kind: "answered", sessionStarts: { remaining: 7, total: 1000 } })).toBe("session starts: 7 of 1000 left");
    expect(describeGatewayBot({ kind: "answered", problem: "BRIDGE_X: bad" })).toBe("GET /gateway/bot: ignored an invalid session_start_limit (BRIDGE_X: bad)");
    expect(describeGatewayBot({ kind: "answered" })).toBeUndefined();
  });
});
