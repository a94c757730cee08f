import { describe, expect, it } from "vitest";
import { UtilError } from "../src/UtilError.js";

describe("UtilError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new UtilError("UTIL_ABORTED", "x");
    expect(UtilError.is(error)).toBe(true);
    expect(UtilError.is(error, "UTIL_ABORTED")).toBe(true);
    expect(UtilError.is(error, "UTIL_INVALID_OPTION")).toBe(false);
    if (UtilError.is(error, "UTIL_ABORTED")) expect(error.code).toBe("UTIL_ABORTED"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "UTIL_ABORTED";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "UTIL_ABORTED" }, "UTIL_ABORTED", null, undefined, 0]) {
      expect(UtilError.is(value)).toBe(false);
      expect(UtilError.is(value, "UTIL_ABORTED")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new UtilError("UTIL_ABORTED", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("UtilError");
    expect(String(error)).toBe("UtilError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new UtilError("UTIL_ABORTED", "x")).toBe(false);
    expect("cause" in new UtilError("UTIL_ABORTED", "x", { cause: undefined })).toBe(false);
  });
});
