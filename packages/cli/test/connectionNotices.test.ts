import { describe, expect, it } from "vitest";
import { describeReconnect } from "../src/connectionNotices.js";

describe("describeReconnect", () => {
  it("shows retries, failures with the wait before the next attempt, and planned reconnects", () => {
    expect(describeReconnect("gateway: socket: attempt 0: connecting to ws://127.0.0.1:1")).toBeUndefined();
    expect(describeReconnect("gateway: socket: attempt 2: connecting to ws://127.0.0.1:1")).toBe("attempt 3: connecting to ws://127.0.0.1:1");
    expect(describeReconnect("gateway: socket: attempt 0 failed (TRANSPORT_CONNECT_FAILED); next attempt in 1234 ms")).toBe(
      "attempt 1 failed (TRANSPORT_CONNECT_FAILED); next attempt in 1.2 s",
    );
    expect(describeReconnect("gateway: socket: attempt 4 timed out; next attempt in 30000 ms")).toBe("attempt 5 timed out; next attempt in 30.0 s");
    expect(describeReconnect("gateway: reconnecting in 250 ms (will resume)")).toBe("reconnecting in 0.3 s (will resume)");
    expect(describeReconnect("gateway: invalid session (not resumable): identifying on a new connection in 3000 ms")).toBe(
      "invalid session; identifying in 3.0 s",
    );
    expect(describeReconnect("gateway: invalid session (resumable): resuming in 1200 ms")).toBe("invalid session; resuming in 1.2 s");
    expect(describeReconnect("gateway: heartbeat ACK after 3 ms")).toBeUndefined();
    expect(describeReconnect("GET /gateway/bot failed (REST_NETWORK_ERROR: …); identifying without the session start limit")).toBe(
      "GET /gateway/bot failed (REST_NETWORK_ERROR: …); identifying without the session start limit",
    );
    expect(describeReconnect("session starts: 7 of 1000 left")).toBe("session starts: 7 of 1000 left");
  });
});
