import { describe, expect, it } from "vitest";
import { SocketError } from "../src/SocketError.js";

describe("SocketError", () => {
  it("has a stable code, a name and the original error as cause", () => {
    const cause = new Error("ECONNREFUSED");
    const error = new SocketError("SOCKET_CONNECT_FAILED", "connecting failed", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SocketError");
    expect(error.code).toBe("SOCKET_CONNECT_FAILED");
    expect(error.message).toBe("connecting failed");
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe("SocketError: connecting failed");
  });

  it("has no cause unless given one", () => {
    expect(new SocketError("SOCKET_NOT_OPEN", "not open").cause).toBeUndefined();
  });
});

describe("SocketError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new SocketError("SOCKET_NOT_OPEN", "x");
    expect(SocketError.is(error)).toBe(true);
    expect(SocketError.is(error, "SOCKET_NOT_OPEN")).toBe(true);
    expect(SocketError.is(error, "SOCKET_DESTROYED")).toBe(false);
    if (SocketError.is(error, "SOCKET_NOT_OPEN")) expect(error.code).toBe("SOCKET_NOT_OPEN"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "SOCKET_NOT_OPEN";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "SOCKET_NOT_OPEN" }, "SOCKET_NOT_OPEN", null, undefined, 0]) {
      expect(SocketError.is(value)).toBe(false);
      expect(SocketError.is(value, "SOCKET_NOT_OPEN")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new SocketError("SOCKET_NOT_OPEN", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SocketError");
    expect(String(error)).toBe("SocketError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new SocketError("SOCKET_NOT_OPEN", "x")).toBe(false);
    expect("cause" in new SocketError("SOCKET_NOT_OPEN", "x", { cause: undefined })).toBe(false);
  });
});
