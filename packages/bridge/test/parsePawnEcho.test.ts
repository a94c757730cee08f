import { describe, expect, it } from "vitest";
import { defaultFormats } from "../src/defaultFormats.js";
import { formatEcho } from "../src/formats.js";
import { parsePawnEcho } from "../src/parsePawnEcho.js";

describe("parsePawnEcho (LVP's formatPawn)", () => {
  it.each([
    ["d", "42 garbage", [42]],
    ["d", "-15", [-15]],
    ["d", "15,123", [15]],
    ["d", "25.25", [25]],
    ["d", "25px", [25]],
    ["f", "314e-2", [3.14]],
    ["f", "0.0314E+2", [3.14]],
    ["s", "world :o", ["world"]],
    ["z", "world :o", ["world :o"]],
    ["dsz", " 42  text  hello all  ", [42, "text", "hello all"]],
    ["ffd", "314e-2 15.15 25.25", [3.14, 15.15, 25]],
    ["", "anything", []],
  ])("%s of %j", (format, message, params) => {
    expect(parsePawnEcho("t", format, message)).toEqual(params);
  });

  it("reads a number that is not one as NaN, as LVP does", () => {
    expect(parsePawnEcho("t", "df", "x y")).toEqual([NaN, NaN]);
  });

  it("throws BRIDGE_ECHO_INVALID for too few values or an unknown format character", () => {
    expect(() => parsePawnEcho("kill", "sdsdz", "Victim 2 Killer")).toThrow(expect.objectContaining({ code: "BRIDGE_ECHO_INVALID", tag: "kill", field: "params" }));
    expect(() => parsePawnEcho("t", "d", "")).toThrow(expect.objectContaining({ field: "params" }));
    expect(() => parsePawnEcho("t", "q", "x")).toThrow(expect.objectContaining({ code: "BRIDGE_ECHO_INVALID", field: "format" }));
  });

  it("feeds LVP's Pawn kill echo into the formats", () => {
    // Pawn: format(message, …, "%s %d %s %d %s", victim, victimid, killer, killerid, weapon); EchoMessage("kill", "sdsdz", message);
    const params = parsePawnEcho("kill", "sdsdz", "Gunther 13 Luce 12 Sawnoff Shotgun");
    expect(params).toEqual(["Gunther", 13, "Luce", 12, "Sawnoff Shotgun"]);
    expect(formatEcho("kill", params, defaultFormats)).toMatchObject({ text: "💀 **Luce** killed **Gunther** (Sawnoff Shotgun)" });
  });
});
