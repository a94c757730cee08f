import { systemClock } from "@nuwani/util";
import { describe, expect, it } from "vitest";
import { unrefTimer } from "../src/unrefTimer.js";

describe("unrefTimer", () => {
  it("unrefs a Node timer of the default clock, so a forgotten poll never keeps the process alive", () => {
    const handle = unrefTimer(systemClock.setTimeout(() => undefined, 60_000)) as NodeJS.Timeout;
    try {
      expect(handle.hasRef()).toBe(false);
    } finally {
      systemClock.clearTimeout(handle);
    }
  });

  it("passes an injected clock's handles without unref through untouched", () => {
    expect(unrefTimer(7)).toBe(7);
    expect(unrefTimer(undefined)).toBeUndefined();
    const handle = { id: 1 };
    expect(unrefTimer(handle)).toBe(handle);
  });
});
