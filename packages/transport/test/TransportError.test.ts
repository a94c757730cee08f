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
