import { describe, expect, it } from "vitest";
import { BridgeError } from "../src/BridgeError.js";

describe("BridgeError", () => {
  it("carries a code, a name, details and the cause", () => {
    const cause = new Error("inner");
    const error = new BridgeError("BRIDGE_SEND_FAILED", "failed", { channel: "echo", retryable: true, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "BridgeError", code: "BRIDGE_SEND_FAILED", message: "failed", channel: "echo", retryable: true, cause });
    expect(error.field).toBeUndefined();
  });

  it("names the field, tag, line and column", () => {
    expect(new BridgeError("BRIDGE_FORMATS_INVALID", "x", { tag: "join", field: "priority" })).toMatchObject({ tag: "join", field: "priority" });
    expect(new BridgeError("BRIDGE_CONFIG_MALFORMED", "x", { line: 2, column: 3 })).toMatchObject({ line: 2, column: 3 });
    expect("cause" in new BridgeError("BRIDGE_CONFIG_INVALID", "x")).toBe(false);
  });
});

describe("BridgeError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new BridgeError("BRIDGE_SEND_FAILED", "x");
    expect(BridgeError.is(error)).toBe(true);
    expect(BridgeError.is(error, "BRIDGE_SEND_FAILED")).toBe(true);
    expect(BridgeError.is(error, "BRIDGE_DESTROYED")).toBe(false);
    if (BridgeError.is(error, "BRIDGE_SEND_FAILED")) expect(error.code).toBe("BRIDGE_SEND_FAILED"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "BRIDGE_SEND_FAILED";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "BRIDGE_SEND_FAILED" }, "BRIDGE_SEND_FAILED", null, undefined, 0]) {
      expect(BridgeError.is(value)).toBe(false);
      expect(BridgeError.is(value, "BRIDGE_SEND_FAILED")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new BridgeError("BRIDGE_SEND_FAILED", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("BridgeError");
    expect(String(error)).toBe("BridgeError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new BridgeError("BRIDGE_SEND_FAILED", "x")).toBe(false);
    expect("cause" in new BridgeError("BRIDGE_SEND_FAILED", "x", { cause: undefined })).toBe(false);
  });
});
