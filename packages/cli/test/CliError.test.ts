import { describe, expect, it } from "vitest";
import { CliError } from "../src/CliError.js";

describe("CliError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new CliError("CLI_INVALID_ARGUMENT", "x");
    expect(CliError.is(error)).toBe(true);
    expect(CliError.is(error, "CLI_INVALID_ARGUMENT")).toBe(true);
    expect(CliError.is(error, "CLI_NO_GAME")).toBe(false);
    if (CliError.is(error, "CLI_INVALID_ARGUMENT")) expect(error.code).toBe("CLI_INVALID_ARGUMENT"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "CLI_INVALID_ARGUMENT";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "CLI_INVALID_ARGUMENT" }, "CLI_INVALID_ARGUMENT", null, undefined, 0]) {
      expect(CliError.is(value)).toBe(false);
      expect(CliError.is(value, "CLI_INVALID_ARGUMENT")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new CliError("CLI_INVALID_ARGUMENT", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CliError");
    expect(String(error)).toBe("CliError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new CliError("CLI_INVALID_ARGUMENT", "x")).toBe(false);
    expect("cause" in new CliError("CLI_INVALID_ARGUMENT", "x", { cause: undefined })).toBe(false);
  });
});
