import { describe, expect, it } from "vitest";
import { DISCORD_EPOCH, snowflake } from "../src/snowflake.js";

describe("snowflake", () => {
  it("encodes the time since Discord's epoch in the top bits and the increment in the low 22", () => {
    const ms = Date.UTC(2020, 8, 1);
    const id = BigInt(snowflake(ms, 5));
    expect(Number(id >> 22n) + DISCORD_EPOCH).toBe(ms);
    expect(id & 0x3fffffn).toBe(5n);
  });

  it("matches Discord's documented example", () => {
    // PROTOCOL.md §8: 175928847299117063 was made at 1462015105796.
    expect(snowflake(1462015105796, Number(175928847299117063n & 0x3fffffn))).toBe("175928847299117063");
  });
});
