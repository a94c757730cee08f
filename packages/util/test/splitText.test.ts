import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitText, truncateUnits } from "../src/index.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("splitText", () => {
  it("keeps a short line whole and trims it", () => {
    expect(splitText("  hello world  ", 144)).toEqual(["hello world"]);
  });

  it("gives no lines for an empty or blank text", () => {
    expect(splitText("", 10)).toEqual([]);
    expect(splitText("    ", 10)).toEqual([]);
  });

  it("cuts at the last space that fits and drops it", () => {
    expect(splitText("aaa bbb ccc", 7)).toEqual(["aaa bbb", "ccc"]);
    expect(splitText("aaaa bbbb cccc", 10)).toEqual(["aaaa bbbb", "cccc"]);
  });

  it("cuts a word longer than a line at a code point boundary, never inside a surrogate pair", () => {
    expect(splitText("abcdefgh", 3)).toEqual(["abc", "def", "gh"]);
    expect(splitText("ab😀cd", 3)).toEqual(["ab", "😀c", "d"]);
  });

  it("refuses a line length below 2 with UTIL_INVALID_OPTION", () => {
    expect(() => splitText("x", 1)).toThrow(expect.objectContaining({ code: "UTIL_INVALID_OPTION" }) as Error);
    expect(() => splitText("x", 2.5)).toThrow(expect.objectContaining({ code: "UTIL_INVALID_OPTION" }) as Error);
  });

  it("never exceeds the length, never splits a pair and loses no non-space text (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), fc.integer({ min: 2, max: 50 }), (text, max) => {
        const lines = splitText(text, max);
        for (const line of lines) {
          expect(line.length).toBeLessThanOrEqual(max);
          expect(line).not.toMatch(/^[\s]|[\s]$/u);
          expect(line).not.toMatch(LONE_SURROGATE);
        }
        expect(lines.join("").replace(/\s/gu, "")).toBe(text.replace(/\s/gu, ""));
      }),
      { numRuns: 300 },
    );
  });
});

describe("truncateUnits", () => {
  it("cuts to a length without splitting a surrogate pair", () => {
    expect(truncateUnits("abc", 5)).toBe("abc");
    expect(truncateUnits("ab😀", 3)).toBe("ab");
    expect(truncateUnits("ab😀", 4)).toBe("ab😀");
  });
});
