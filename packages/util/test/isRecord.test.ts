import { describe, expect, it } from "vitest";
import { isRecord } from "../src/index.js";

describe("isRecord", () => {
  it("accepts objects and refuses null, arrays and primitives", () => {
    expect([{}, { a: 1 }, Object.create(null) as object].map(isRecord)).toEqual([true, true, true]);
    expect([null, undefined, [], [1], "x", 1, true, () => 1].map(isRecord)).toEqual([false, false, false, false, false, false, false, false]);
  });
});
