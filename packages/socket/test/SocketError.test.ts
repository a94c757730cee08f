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
