import { describe, expect, it } from "vitest";
import { TransportError } from "../src/index.js";

describe("TransportError", () => {
  it("carries a stable code and the cause", () => {
    const cause = new Error("boom");
    const error = new TransportError("TRANSPORT_NOT_OPEN", "not open", { cause });
    expect(error.code).toBe("TRANSPORT_NOT_OPEN");
    expect(error.name).toBe("TransportError");
    expect(error.cause).toBe(cause);
  });
});
