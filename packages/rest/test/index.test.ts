import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/rest", () => {
  it("exports its public API", () => {
    expect(Object.keys(api).sort()).toEqual([
      "Bucket",
      "DiscordRest",
      "GlobalLimiter",
      "InvalidRequestGuard",
      "RateLimitManager",
      "RestError",
      "VERSION",
      "codePointLength",
      "encodeEmoji",
      "routeKey",
      "splitMessage",
      "systemClock",
    ]);
  });
});
