import { describe, expect, it } from "vitest";
import { WorkQueue } from "../src/WorkQueue.js";
import type { WorkTask } from "../src/WorkQueue.js";

function counter(steps: number, log: string[], name: string): WorkTask {
  let left = steps;
  return {
    step: () => {
      log.push(name);
      return --left === 0;
    },
  };
}

describe("WorkQueue", () => {
  it("runs a task pushed while idle at once", () => {
    const log: string[] = [];
    const queue = new WorkQueue({ budget: 100, now: () => 0, onError: () => undefined });
    queue.push(counter(1, log, "a"));
    expect(log).toEqual(["a"]);
    expect(queue.idle).toBe(true);
  });

  it("yields with setImmediate once the budget is spent, keeping order", async () => {
    const log: string[] = [];
    let time = 0;
    const queue = new WorkQueue({ budget: 5, now: () => (time += 3), onError: () => undefined });
    queue.push(counter(3, log, "a"));
    queue.push(counter(1, log, "b"));
    // The deadline is 3 + 5 = 8: after the first step the clock reads 6, after the second 9.
    expect(log).toEqual(["a", "a"]);
    expect(queue.idle).toBe(false);
    await queue.whenIdle();
    expect(log).toEqual(["a", "a", "a", "b"]);
    expect(queue.idle).toBe(true);
    await queue.whenIdle(); // resolves at once
  });

  it("call() runs at once when idle, and waits its turn behind work in flight", async () => {
    const log: string[] = [];
    let time = 0;
    const queue = new WorkQueue({ budget: 5, now: () => (time += 3), onError: () => undefined });
    queue.call((a: string, b: string) => log.push(a + b), "x", "1");
    expect(log).toEqual(["x1"]);
    queue.push(counter(3, log, "a"));
    queue.call((a: string, b: string) => log.push(a + b), "y", "2");
    expect(log).toEqual(["x1", "a", "a"]);
    await queue.whenIdle();
    expect(log).toEqual(["x1", "a", "a", "a", "y2"]);
  });

  it("call() reports what throws, and runs work its function queued", () => {
    const errors: unknown[] = [];
    const log: string[] = [];
    const queue = new WorkQueue({ budget: 100, now: () => 0, onError: (error) => errors.push(error) });
    queue.call(() => {
      throw new Error("boom");
    }, 0, 0);
    expect(errors).toHaveLength(1);
    queue.call(() => queue.push(counter(1, log, "queued inside")), 0, 0);
    expect(log).toEqual(["queued inside"]);
    expect(queue.idle).toBe(true);
  });

  it("reports a task that throws and goes on with the next", () => {
    const errors: unknown[] = [];
    const log: string[] = [];
    const queue = new WorkQueue({ budget: 100, now: () => 0, onError: (error) => errors.push(error) });
    queue.push({ step: () => { throw new Error("boom"); } });
    queue.push(counter(1, log, "b"));
    expect(errors).toEqual([new Error("boom")]);
    expect(log).toEqual(["b"]);
  });

  it("runs tasks pushed by a running task after it", () => {
    const log: string[] = [];
    const queue = new WorkQueue({ budget: 100, now: () => 0, onError: () => undefined });
    queue.push({ step: () => { queue.push(counter(1, log, "inner")); log.push("outer"); return true; } });
    expect(log).toEqual(["outer", "inner"]);
  });
});
