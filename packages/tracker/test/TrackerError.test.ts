import { describe, expect, it } from "vitest";
import { TrackerError } from "../src/TrackerError.js";

describe("TrackerError", () => {
  it("has a name, a stable code, the event and the cause", () => {
    const cause = new Error("inner");
    const error = new TrackerError("TRACKER_SYNC_FAILED", "failed", { cause, event: "GUILD_CREATE" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TrackerError");
    expect(error.code).toBe("TRACKER_SYNC_FAILED");
    expect(error.event).toBe("GUILD_CREATE");
    expect(error.cause).toBe(cause);
    expect(TrackerError.is(error)).toBe(true);
    expect(TrackerError.is(error, "TRACKER_SYNC_FAILED")).toBe(true);
    expect(TrackerError.is(error, "TRACKER_INVALID_PAYLOAD")).toBe(false);
    expect(TrackerError.is(new Error("x"))).toBe(false);
    expect(new TrackerError("TRACKER_INVALID_ARGUMENT", "x")).not.toHaveProperty("event");
  });
});

describe("TrackerError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new TrackerError("TRACKER_SYNC_FAILED", "x");
    expect(TrackerError.is(error)).toBe(true);
    expect(TrackerError.is(error, "TRACKER_SYNC_FAILED")).toBe(true);
    expect(TrackerError.is(error, "TRACKER_INVALID_PAYLOAD")).toBe(false);
    if (TrackerError.is(error, "TRACKER_SYNC_FAILED")) expect(error.code).toBe("TRACKER_SYNC_FAILED"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "TRACKER_SYNC_FAILED";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "TRACKER_SYNC_FAILED" }, "TRACKER_SYNC_FAILED", null, undefined, 0]) {
      expect(TrackerError.is(value)).toBe(false);
      expect(TrackerError.is(value, "TRACKER_SYNC_FAILED")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new TrackerError("TRACKER_SYNC_FAILED", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TrackerError");
    expect(String(error)).toBe("TrackerError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new TrackerError("TRACKER_SYNC_FAILED", "x")).toBe(false);
    expect("cause" in new TrackerError("TRACKER_SYNC_FAILED", "x", { cause: undefined })).toBe(false);
  });
});
