import { describe, expect, it } from "vitest";
import { neutraliseTerminal, REPLACEMENT } from "../src/neutraliseTerminal.js";

/** Anything a terminal would act on, rather than show. */
// eslint-disable-next-line no-control-regex -- asserting no control character is left
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

describe("neutraliseTerminal", () => {
  it.each([
    ["clear screen and home (CSI)", "evil\u001b[2J\u001b[H", `evil${REPLACEMENT}${REPLACEMENT}`],
    ["OSC 52 clipboard write ended by BEL", "a\u001b]52;c;ZXZpbA==\u0007b", `a${REPLACEMENT}b`],
    ["OSC 52 ended by ST", "a\u001b]52;c;ZXZpbA==\u001b\\b", `a${REPLACEMENT}b`],
    ["an unterminated OSC eats the rest", "a\u001b]0;title", `a${REPLACEMENT}`],
    ["OSC 8 hyperlink", "\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007", `${REPLACEMENT}click${REPLACEMENT}`],
    ["8-bit CSI", "x\u009b31my", `x${REPLACEMENT}y`],
    ["8-bit OSC ended by 8-bit ST", "x\u009d52;c;AA==\u009cy", `x${REPLACEMENT}y`],
    ["cursor movement", "ab\u001b[3Dcd\u001b[1A", `ab${REPLACEMENT}cd${REPLACEMENT}`],
    ["a lone ESC and charset switch", "a\u001b(0b\u001bc", `a${REPLACEMENT}b${REPLACEMENT}`],
    ["carriage return, backspace, bell, DEL", "ok\rno\u0008\u0007\u007f", `ok${REPLACEMENT}no${REPLACEMENT.repeat(3)}`],
    ["bidi overrides and isolates", "\u202eabc\u2066d\u200f", `${REPLACEMENT}abc${REPLACEMENT}d${REPLACEMENT}`],
    ["zero-width characters (dropped: the bridge breaks mentions with one)", "<\u200b@123> a\ufeffb\u200dc", "<@123> abc"],
  ])("neutralises %s", (_name, input, expected) => {
    const output = neutraliseTerminal(input);
    expect(output).toBe(expected);
    expect(output).not.toMatch(CONTROL);
  });

  it("keeps newlines, plain text and emoji; tabs become spaces", () => {
    expect(neutraliseTerminal("line 1\nline\t2 👋 ärger")).toBe("line 1\nline 2 👋 ärger");
  });

  it("leaves no control character in any string", () => {
    let all = "";
    for (let code = 0; code < 0x2070; code++) all += String.fromCharCode(code);
    expect(neutraliseTerminal(all)).not.toMatch(CONTROL);
  });
});
