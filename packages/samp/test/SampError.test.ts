import { describe, expect, it } from "vitest";
import { SampError } from "../src/SampError.js";

describe("SampError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new SampError("SAMP_TIMEOUT", "x");
    expect(SampError.is(error)).toBe(true);
    expect(SampError.is(error, "SAMP_TIMEOUT")).toBe(true);
    expect(SampError.is(error, "SAMP_DESTROYED")).toBe(false);
    if (SampError.is(error, "SAMP_TIMEOUT")) expect(error.code).toBe("SAMP_TIMEOUT"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "SAMP_TIMEOUT";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "SAMP_TIMEOUT" }, "SAMP_TIMEOUT", null, undefined, 0]) {
      expect(SampError.is(value)).toBe(false);
      expect(SampError.is(value, "SAMP_TIMEOUT")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new SampError("SAMP_TIMEOUT", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SampError");
    expect(String(error)).toBe("SampError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new SampError("SAMP_TIMEOUT", "x")).toBe(false);
    expect("cause" in new SampError("SAMP_TIMEOUT", "x", { cause: undefined })).toBe(false);
  });
});
