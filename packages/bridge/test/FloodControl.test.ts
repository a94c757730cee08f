import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FloodControl } from "../src/FloodControl.js";

describe("FloodControl", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("defaults to 4 lines per 4 s per user and 10 per 2 s overall", () => {
    const flood = new FloodControl();
    expect([1, 2, 3, 4].map(() => flood.admit("a", 1))).toEqual(["ok", "ok", "ok", "ok"]);
    expect(flood.admit("a", 1)).toBe("user");
    for (const user of ["b", "c"]) for (let i = 0; i < 3; i++) expect(flood.admit(user, 1)).toBe("ok");
    expect(flood.admit("d", 1)).toBe("overall");
    expect(flood.refused).toEqual({ user: 1, overall: 1 });
    vi.advanceTimersByTime(2000);
    expect(flood.admit("d", 1)).toBe("ok");
    expect(flood.admit("a", 1)).toBe("user");
    vi.advanceTimersByTime(2000);
    expect(flood.admit("a", 1)).toBe("ok");
  });

  it("admits a message of several lines whole or refuses it whole", () => {
    const flood = new FloodControl({ perUser: { limit: 3, window: 1000 }, overall: { limit: 100, window: 1000 } });
    expect(flood.admit("a", 2)).toBe("ok");
    expect(flood.admit("a", 2)).toBe("user");
    expect(flood.admit("a", 1)).toBe("ok");
    vi.advanceTimersByTime(999);
    expect(flood.admit("a", 1)).toBe("user");
    vi.advanceTimersByTime(1);
    expect(flood.admit("a", 3)).toBe("ok");
    expect(flood.refused).toEqual({ user: 2, overall: 0 });
  });

  it("forgets users whose window passed (bounded memory)", () => {
    const flood = new FloodControl({ perUser: { limit: 1, window: 100 }, overall: { limit: 1_000, window: 100 } });
    for (let i = 0; i < 500; i++) expect(flood.admit(`user-${i}`, 1)).toBe("ok");
    vi.advanceTimersByTime(100);
    expect(flood.admit("user-0", 1)).toBe("ok");
  });

  it("rejects bad limits", () => {
    expect(() => new FloodControl({ perUser: { limit: 0, window: 1 } })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "perUser" }));
    expect(() => new FloodControl({ overall: { limit: 1, window: 2 ** 31 } })).toThrow(expect.objectContaining({ field: "overall" }));
  });
});
