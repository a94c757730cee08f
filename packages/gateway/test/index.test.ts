import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/gateway", () => {
  it("exports what a bot needs at runtime: the connection, its error, the identify throttle and Discord's enums; no machinery, no clock", () => {
    expect(Object.keys(api).sort()).toEqual([
      "ActivityType",
      "GatewayCloseCodes",
      "GatewayConnection",
      "GatewayDispatchEvents",
      "GatewayError",
      "GatewayIntentBits",
      "GatewayOpcodes",
      "IdentifyThrottle",
      "PresenceUpdateStatus",
      "v10",
      "v6",
    ]);
  });
});
