import { describe, expect, it } from "vitest";
import { MAX_TIMER_MS, ManualClock } from "../src/index.js";

describe("ManualClock", () => {
  it("runs due timers in time order, then in the order they were set, and moves only when told", () => {
    const clock = new ManualClock(0);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => ran.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => ran.push(`c@${clock.now()}`), 20);
    expect(clock.pending).toBe(3);
    clock.advance(15);
    expect(ran).toEqual(["a@10"]);
    expect(clock.now()).toBe(15);
    clock.advance(5);
    expect(ran).toEqual(["a@10", "b@20", "c@20"]);
    expect(clock.pending).toBe(0);
  });

  it("runs timers set by a timer when they fall due within the same advance", () => {
    const clock = new ManualClock(0);
    const ran: number[] = [];
    const tick = (): void => {
      ran.push(clock.now());
      if (ran.length < 5) clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    clock.advance(350);
    expect(ran).toEqual([100, 200, 300]);
    clock.advance(1000);
    expect(ran).toEqual([100, 200, 300, 400, 500]);
  });

  it("clearTimeout cancels; a cleared or spent handle is harmless", () => {
    const clock = new ManualClock();
    let ran = 0;
    const handle = clock.setTimeout(() => ran++, 10);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    clock.clearTimeout("nonsense");
    clock.advance(100);
    expect(ran).toBe(0);
  });

  it("like Node, runs an over-long or NaN delay after 1 ms, and records the longest delay asked for", () => {
    const clock = new ManualClock(0);
    const ran: number[] = [];
    clock.setTimeout(() => ran.push(clock.now()), MAX_TIMER_MS + 1);
    clock.setTimeout(() => ran.push(clock.now()), Number.NaN);
    clock.setTimeout(() => ran.push(clock.now()), MAX_TIMER_MS);
    clock.advance(1);
    expect(ran).toEqual([1, 1]);
    expect(clock.longest).toBe(MAX_TIMER_MS + 1);
  });

  it("advanceAsync lets promises settle between timers", async () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    const wait = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms));
    void (async () => {
      await wait(10);
      seen.push(`first@${clock.now()}`);
      await wait(10); // set after the first resolved: needs the loop to turn inside advanceAsync
      seen.push(`second@${clock.now()}`);
    })();
    await clock.advanceAsync(20);
    expect(seen).toEqual(["first@10", "second@20"]);
  });
});
