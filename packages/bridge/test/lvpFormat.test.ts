import { describe, expect, it } from "vitest";
import { compileLvpFormat, formatLvp } from "../src/lvpFormat.js";

describe("formatLvp (LVP's base/format.js)", () => {
  it.each([
    ["Hello %s, I have %$ for %d days!", ["Joe", 12.945, 14], "Hello Joe, I have $12 for 14 days!"],
    ["%d", [25.75], "25"],
    ["%d", [-25.75], "-25"],
    ["%d", ["15,123"], "15"],
    ["%d", [2500000], "2,500,000"],
    ["%i", ["42 garbage"], "42"],
    ["%d", ["abc"], "NaN"],
    ["%f", [1234.5678], "1,234.57"],
    ["%f", ["314e-2"], "3.14"],
    ["%f", ["FF2"], "NaN"],
    ["%.4f", [1.23456], "1.2346"],
    ["%$", [2500000], "$2,500,000"],
    ["%$", [-2500], "-$2,500"],
    ["%$", [1234.56], "$1,234"],
    ["%+d", [25], "+25"],
    ["%05d", [25], "00025"],
    ["%05d", [-25], "-0025"],
    ["%'~5d", [25], "~~~25"],
    ["%-5d|", [25], "25   |"],
    ["%'~-5d|", [25], "25~~~|"],
    ["%5s|", ["ab"], "   ab|"],
    ["%.3s", ["banana"], "ban"],
    // LVP's comment says "banaaa", but its code pads on the left unless "-" is given.
    ["%'a6.3s", ["banana"], "aaaban"],
    ["%b %o %x %X", [10, 8, 255, 255], "1010 10 ff FF"],
    ["[%{1}d] [%{0}s] %s", ["a", 20], "[20] [a] a"],
    ["100%% sure, %s", ["yes"], "100% sure, yes"],
    ["[%s]", [""], "[]"],
    ["[%s]", [0], "[]"],
    ["[%s]", [7], "[7]"],
  ])("%s with %j → %s", (format, params, expected) => {
    expect(formatLvp(format, params)).toBe(expected);
  });

  it("returns undefined when parameters are too few (LVP throws)", () => {
    expect(formatLvp("%s %s", ["a"])).toBeUndefined();
    expect(formatLvp("%{2}s", ["a", "b"])).toBeUndefined();
    expect(compileLvpFormat("%s %{3}d %s", "t").required).toBe(4);
    expect(compileLvpFormat("%s %s %{0}d", "t").required).toBe(2);
  });

  it("throws BRIDGE_FORMATS_INVALID for malformed formats", () => {
    expect(() => formatLvp("50%", [])).toThrow(expect.objectContaining({ code: "BRIDGE_FORMATS_INVALID", field: "template" }));
    expect(() => formatLvp("%y", [])).toThrow(expect.objectContaining({ code: "BRIDGE_FORMATS_INVALID" }));
    expect(() => formatLvp("%500d", [1])).toThrow(expect.objectContaining({ code: "BRIDGE_FORMATS_INVALID" }));
  });
});
