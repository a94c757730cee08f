import { describe, expect, it } from "vitest";
import { FakeSampError } from "../src/FakeSampError.js";

describe("FakeSampError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new FakeSampError("FAKE_SAMP_TIMEOUT", "x");
    expect(FakeSampError.is(error)).toBe(true);
    expect(FakeSampError.is(error, "FAKE_SAMP_TIMEOUT")).toBe(true);
    expect(FakeSampError.is(error, "FAKE_SAMP_DESTROYED")).toBe(false);
    if (FakeSampError.is(error, "FAKE_SAMP_TIMEOUT")) expect(error.code).toBe("FAKE_SAMP_TIMEOUT"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "FAKE_SAMP_TIMEOUT";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "FAKE_SAMP_TIMEOUT" }, "FAKE_SAMP_TIMEOUT", null, undefined, 0]) {
      expect(FakeSampError.is(value)).toBe(false);
      expect(FakeSampError.is(value, "FAKE_SAMP_TIMEOUT")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new FakeSampError("FAKE_SAMP_TIMEOUT", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("FakeSampError");
    expect(String(error)).toBe("FakeSampError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new FakeSampError("FAKE_SAMP_TIMEOUT", "x")).toBe(false);
    expect("cause" in new FakeSampError("FAKE_SAMP_TIMEOUT", "x", { cause: undefined })).toBe(false);
  });
});
