import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/socket", () => {
  it("exports its public API, and the transport's for the layer above", () => {
    expect(Object.keys(api).sort()).toEqual([
      "Backoff",
      "DEFAULT_MAX_PAYLOAD_SIZE",
      "GatewayCodec",
      "ReconnectingSocket",
      "SocketError",
      "TransportError",
      "WsTransport",
      "systemClock",
    ]);
  });
});
