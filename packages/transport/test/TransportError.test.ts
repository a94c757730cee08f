import { describe, expect, it } from "vitest";
import { TransportError } from "../src/index.js";

describe("TransportError", () => {
  it("carries a stable code and the cause", () => {
    const cause = new Error("boom");
    const error = new TransportError("TRANSPORT_NOT_OPEN", "not open", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("TRANSPORT_NOT_OPEN");
    expect(error.name).toBe("TransportError");
    expect(error.message).toBe("not open");
    expect(error.cause).toBe(cause);
  });

  it("carries the TLS code, HTTP status and close code when given, and nothing otherwise", () => {
    const tls = new TransportError("TRANSPORT_TLS_ERROR", "tls", { tlsCode: "CERT_HAS_EXPIRED" });
    expect(tls.tlsCode).toBe("CERT_HAS_EXPIRED");
    expect(new TransportError("TRANSPORT_HANDSHAKE_FAILED", "http", { status: 503 }).status).toBe(503);
    expect(new TransportError("TRANSPORT_PAYLOAD_TOO_LARGE", "big", { closeCode: 1009 }).closeCode).toBe(1009);
    const plain = new TransportError("TRANSPORT_ABORTED", "aborted");
    expect(Object.keys(plain)).toEqual(["name", "code"]);
    expect("cause" in plain).toBe(false);
  });
});

describe("TransportError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new TransportError("TRANSPORT_NOT_OPEN", "x");
    expect(TransportError.is(error)).toBe(true);
    expect(TransportError.is(error, "TRANSPORT_NOT_OPEN")).toBe(true);
    expect(TransportError.is(error, "TRANSPORT_ABORTED")).toBe(false);
    if (TransportError.is(error, "TRANSPORT_NOT_OPEN")) expect(error.code).toBe("TRANSPORT_NOT_OPEN"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "TRANSPORT_NOT_OPEN";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "TRANSPORT_NOT_OPEN" }, "TRANSPORT_NOT_OPEN", null, undefined, 0]) {
      expect(TransportError.is(value)).toBe(false);
      expect(TransportError.is(value, "TRANSPORT_NOT_OPEN")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new TransportError("TRANSPORT_NOT_OPEN", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TransportError");
    expect(String(error)).toBe("TransportError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new TransportError("TRANSPORT_NOT_OPEN", "x")).toBe(false);
    expect("cause" in new TransportError("TRANSPORT_NOT_OPEN", "x", { cause: undefined })).toBe(false);
  });
});
