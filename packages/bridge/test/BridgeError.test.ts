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
