import { describe, expect, it } from "vitest";
import { FakeDiscordError } from "../src/FakeDiscordError.js";

describe("FakeDiscordError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new FakeDiscordError("FAKE_DISCORD_TIMEOUT", "x");
    expect(FakeDiscordError.is(error)).toBe(true);
    expect(FakeDiscordError.is(error, "FAKE_DISCORD_TIMEOUT")).toBe(true);
    expect(FakeDiscordError.is(error, "FAKE_DISCORD_NOT_STARTED")).toBe(false);
    if (FakeDiscordError.is(error, "FAKE_DISCORD_TIMEOUT")) expect(error.code).toBe("FAKE_DISCORD_TIMEOUT"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "FAKE_DISCORD_TIMEOUT";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "FAKE_DISCORD_TIMEOUT" }, "FAKE_DISCORD_TIMEOUT", null, undefined, 0]) {
      expect(FakeDiscordError.is(value)).toBe(false);
      expect(FakeDiscordError.is(value, "FAKE_DISCORD_TIMEOUT")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new FakeDiscordError("FAKE_DISCORD_TIMEOUT", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("FakeDiscordError");
    expect(String(error)).toBe("FakeDiscordError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new FakeDiscordError("FAKE_DISCORD_TIMEOUT", "x")).toBe(false);
    expect("cause" in new FakeDiscordError("FAKE_DISCORD_TIMEOUT", "x", { cause: undefined })).toBe(false);
  });
});
