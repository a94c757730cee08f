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
