import { describe, expect, it } from "vitest";
import { GatewayError } from "../src/GatewayError.js";

describe("GatewayError", () => {
  it("carries code, name, message, cause and close code", () => {
    const cause = new Error("socket gone");
    const error = new GatewayError("GATEWAY_AUTHENTICATION_FAILED", "bad token", { cause, closeCode: 4004 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("GatewayError");
    expect(error.code).toBe("GATEWAY_AUTHENTICATION_FAILED");
    expect(error.message).toBe("bad token");
    expect(error.cause).toBe(cause);
    expect(error.closeCode).toBe(4004);
    expect(String(error)).toBe("GatewayError: bad token");
  });

  it("leaves cause and closeCode absent when not given", () => {
    const error = new GatewayError("GATEWAY_NOT_CONNECTED", "not connected");
    expect("cause" in error).toBe(false);
    expect("closeCode" in error).toBe(false);
  });

  it("is() matches the class and optionally the code", () => {
    const error = new GatewayError("GATEWAY_DISCONNECTED", "gone");
    expect(GatewayError.is(error)).toBe(true);
    expect(GatewayError.is(error, "GATEWAY_DISCONNECTED")).toBe(true);
    expect(GatewayError.is(error, "GATEWAY_REQUEST_TIMEOUT")).toBe(false);
    expect(GatewayError.is(new Error("x"))).toBe(false);
    expect(GatewayError.is({ code: "GATEWAY_DISCONNECTED" })).toBe(false);
  });

  it("invalidOption() names the option and never prints a string value", () => {
    const numeric = GatewayError.invalidOption("limit", "a positive integer", -1);
    expect(numeric.code).toBe("GATEWAY_INVALID_OPTION");
    expect(numeric.message).toBe("limit must be a positive integer, got -1.");
    const secret = GatewayError.invalidOption("token", "non-empty", "MTIz.secret.token");
    expect(secret.message).not.toContain("secret");
    expect(secret.message).toBe("token must be non-empty, got string.");
  });

  it("fromAbort() passes a GatewayError reason through and wraps any other", () => {
    const own = new GatewayError("GATEWAY_DISCONNECTED", "gone");
    expect(GatewayError.fromAbort(AbortSignal.abort(own))).toBe(own);
    const reason = new Error("user");
    const wrapped = GatewayError.fromAbort(AbortSignal.abort(reason));
    expect(wrapped.code).toBe("GATEWAY_ABORTED");
    expect(wrapped.cause).toBe(reason);
  });
});

describe("GatewayError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new GatewayError("GATEWAY_DISCONNECTED", "x");
    expect(GatewayError.is(error)).toBe(true);
    expect(GatewayError.is(error, "GATEWAY_DISCONNECTED")).toBe(true);
    expect(GatewayError.is(error, "GATEWAY_REQUEST_TIMEOUT")).toBe(false);
    if (GatewayError.is(error, "GATEWAY_DISCONNECTED")) expect(error.code).toBe("GATEWAY_DISCONNECTED"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "GATEWAY_DISCONNECTED";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "GATEWAY_DISCONNECTED" }, "GATEWAY_DISCONNECTED", null, undefined, 0]) {
      expect(GatewayError.is(value)).toBe(false);
      expect(GatewayError.is(value, "GATEWAY_DISCONNECTED")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new GatewayError("GATEWAY_DISCONNECTED", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("GatewayError");
    expect(String(error)).toBe("GatewayError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new GatewayError("GATEWAY_DISCONNECTED", "x")).toBe(false);
    expect("cause" in new GatewayError("GATEWAY_DISCONNECTED", "x", { cause: undefined })).toBe(false);
  });
});
