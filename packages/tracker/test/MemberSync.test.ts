import { describe, expect, it } from "vitest";
import { rateLimitedRetryAfter } from "../src/MemberSync.js";

describe("rateLimitedRetryAfter", () => {
  it("recognises a gateway's op 8 rate-limit rejection by shape, from any gateway", () => {
    expect(rateLimitedRetryAfter({ code: "GATEWAY_RATE_LIMITED", retryAfter: 20_000 })).toBe(20_000);
    expect(rateLimitedRetryAfter(Object.assign(new Error("limited"), { code: "GATEWAY_RATE_LIMITED", retryAfter: 0 }))).toBe(0);
  });

  it("is undefined for anything else: another code, a missing, negative or non-numeric retryAfter, no object", () => {
    for (const error of [
      { code: "GATEWAY_REQUEST_TIMEOUT", retryAfter: 5 },
      { code: "GATEWAY_RATE_LIMITED" },
      { code: "GATEWAY_RATE_LIMITED", retryAfter: -1 },
      { code: "GATEWAY_RATE_LIMITED", retryAfter: Number.NaN },
      { code: "GATEWAY_RATE_LIMITED", retryAfter: "20" },
      null,
      "GATEWAY_RATE_LIMITED",
      undefined,
    ]) {
      expect(rateLimitedRetryAfter(error)).toBeUndefined();
    }
  });
});
