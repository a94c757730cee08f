import { describe, expect, it } from "vitest";
import { FakeDiscordError } from "../src/FakeDiscordError.js";
import { FakeRestFaults } from "../src/FakeRestFaults.js";

describe("FakeRestFaults", () => {
  it("queues 5xx answers and resets in order, and slows a number of responses", () => {
    const faults = new FakeRestFaults();
    faults.failNext(2, 502);
    faults.resetNext();
    expect(faults.pending).toBe(3);
    expect([faults.takeFault(), faults.takeFault(), faults.takeFault(), faults.takeFault()]).toEqual([
      { kind: "error", status: 502 },
      { kind: "error", status: 502 },
      { kind: "reset" },
      undefined,
    ]);
    faults.slow(100, 2);
    expect([faults.takeDelay(), faults.takeDelay(), faults.takeDelay()]).toEqual([100, 100, 0]);
    faults.slow(50);
    expect(faults.takeDelay()).toBe(50);
    faults.slow(0);
    expect(faults.takeDelay()).toBe(0);
    faults.failNext();
    faults.slow(10);
    faults.clear();
    expect([faults.takeFault(), faults.takeDelay()]).toEqual([undefined, 0]);
  });

  it("rejects nonsense with FAKE_DISCORD_INVALID_ARGUMENT", () => {
    const faults = new FakeRestFaults();
    for (const bad of [() => faults.failNext(0), () => faults.failNext(1, 404), () => faults.resetNext(1.5), () => faults.slow(-1), () => faults.slow(1, -1)]) {
      expect(bad).toThrow(FakeDiscordError);
    }
  });
});
