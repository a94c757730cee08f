import { describe, expect, it } from "vitest";
import { Backoff } from "../src/Backoff.js";
import type { SocketError } from "../src/SocketError.js";

describe("Backoff", () => {
  it("doubles the ceiling per attempt up to the cap", () => {
    const backoff = new Backoff({ base: 100, cap: 5000 });
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((attempt) => backoff.ceiling(attempt))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  it("applies full jitter: random() × ceiling", () => {
    const values = [0, 0.25, 0.5, 0.999];
    let index = 0;
    const backoff = new Backoff({ base: 1000, cap: 60_000, random: () => values[index++]! });
    expect(values.map(() => backoff.delay(3))).toEqual([0, 2000, 4000, 7992]);
  });

  it("keeps a schedule of 10 failures within its bounds, never above the cap", () => {
    const backoff = new Backoff({ base: 1000, cap: 30_000 });
    for (let run = 0; run < 200; run++) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const delay = backoff.delay(attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(30_000, 1000 * 2 ** attempt));
      }
    }
  });

  it("does not overflow for huge attempt numbers", () => {
    const backoff = new Backoff({ base: 1000, cap: 60_000, random: () => 0.5 });
    expect(backoff.ceiling(5000)).toBe(60_000);
    expect(backoff.delay(5000)).toBe(30_000);
  });

  it("clamps a random source that leaves [0, 1)", () => {
    const above = new Backoff({ base: 100, cap: 1000, random: () => 7 });
    const below = new Backoff({ base: 100, cap: 1000, random: () => -1 });
    const broken = new Backoff({ base: 100, cap: 1000, random: () => Number.NaN });
    expect(above.delay(1)).toBe(200);
    expect(below.delay(1)).toBe(0);
    expect(broken.delay(1)).toBe(0);
  });

  it("uses base 1000 and cap 60000 by default", () => {
    const backoff = new Backoff();
    expect(backoff.base).toBe(1000);
    expect(backoff.cap).toBe(60_000);
  });

  it.each([
    { base: -1 },
    { base: Number.POSITIVE_INFINITY },
    { cap: Number.NaN },
    { cap: -5 },
  ])("rejects invalid options %o", (options) => {
    expect(() => new Backoff(options)).toThrow(expect.objectContaining({ code: "SOCKET_INVALID_ARGUMENT" }) as SocketError);
  });
});
