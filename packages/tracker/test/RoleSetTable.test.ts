import { describe, expect, it } from "vitest";
import { RoleSetTable } from "../src/RoleSetTable.js";

describe("RoleSetTable", () => {
  it("interns sets: same roles in any order share one frozen, sorted array", () => {
    const table = new RoleSetTable();
    const a = table.acquire(["3", "1", "2"]);
    const b = table.acquire(["1", "2", "3", "2"]);
    expect(a).toBe(b);
    expect(table.get(a)).toEqual(["1", "2", "3"]);
    expect(Object.isFrozen(table.get(a))).toBe(true);
    expect(table.acquire([])).toBe(0);
    expect(table.get(0)).toEqual([]);
    expect(table.size).toBe(2);
  });

  it("recycles a set once its last holder releases it", () => {
    const table = new RoleSetTable();
    const a = table.acquire(["1"]);
    table.acquire(["1"]);
    table.release(a);
    expect(table.get(a)).toEqual(["1"]);
    table.release(a);
    expect(table.size).toBe(1);
    const b = table.acquire(["9", "8"]);
    expect(b).toBe(a); // the slot is reused
    expect(table.get(b)).toEqual(["8", "9"]);
    expect(table.acquire(["1"])).not.toBe(b);
    table.release(0); // the empty set is never freed
    expect(table.get(0)).toEqual([]);
  });
});
