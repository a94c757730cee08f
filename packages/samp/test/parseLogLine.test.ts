import { describe, expect, it } from "vitest";
import { parseLogLine, stripLogPrefix } from "../src/parseLogLine.js";
import { escapeEchoParam, formatEchoLine, parseEchoBody, unescapeEchoParam } from "../src/echoLine.js";

const PREFIXES = ["", "[07:04:45] ", "[2026-11-29T07:04:45+0000] [Info] ", "[Info] ", "[2026-11-29T07:04:45+0000] "];

describe("parseLogLine", () => {
  for (const prefix of PREFIXES) {
    describe(`with prefix ${JSON.stringify(prefix)}`, () => {
      it("parses chat, join, part with reason, kill with weapon, death with weapon", () => {
        expect(parseLogLine(`${prefix}[chat] [Gunther]: hello [there]: you`)).toEqual({ type: "chat", name: "Gunther", text: "hello [there]: you" });
        expect(parseLogLine(`${prefix}[join] [BB]Joe has joined the server (12:127.0.0.1)`)).toEqual({ type: "join", name: "[BB]Joe", id: 12 });
        expect(parseLogLine(`${prefix}[part] Gunther has left the server (3:0)`)).toEqual({ type: "part", name: "Gunther", id: 3, reason: 0 });
        expect(parseLogLine(`${prefix}[part] Gunther has left the server (3:2)`)).toMatchObject({ reason: 2 });
        expect(parseLogLine(`${prefix}[kill] Russell killed Gunther Desert Eagle`)).toEqual({ type: "kill", killer: "Russell", victim: "Gunther", weapon: "Desert Eagle" });
        expect(parseLogLine(`${prefix}[death] Gunther died 54`)).toEqual({ type: "death", name: "Gunther", reason: 54, weapon: "Splat" });
        expect(parseLogLine(`${prefix}[death] Gunther died 200`)).toMatchObject({ weapon: "reason 200" });
      });

      it("parses RCON lines without keeping a tried password or IP", () => {
        expect(parseLogLine(`${prefix}RCON (In-Game): Player #4 (Luce) has logged in.`)).toEqual({ type: "rcon-login", id: 4, name: "Luce" });
        const failed = parseLogLine(`${prefix}RCON (In-Game): Player #4 (Luce) <guess123> failed login.`);
        expect(failed).toEqual({ type: "rcon-login-failed", id: 4, name: "Luce" });
        expect(JSON.stringify(failed)).not.toContain("guess123");
        expect(parseLogLine(`${prefix}RCON (In-Game): Player #4 (Luce) failed login.`)).toEqual({ type: "rcon-login-failed", id: 4, name: "Luce" });
        expect(parseLogLine(`${prefix}RCON (In-Game): Player [Luce] sent command: kick 3`)).toEqual({ type: "rcon-command", name: "Luce", command: "kick 3" });
        const secret = parseLogLine(`${prefix}RCON (In-Game): Player [Luce] sent command: rcon_password newSecret`);
        expect(JSON.stringify(secret)).not.toContain("newSecret");
        expect(parseLogLine(`${prefix}BAD RCON ATTEMPT BY: 10.0.0.1`)).toEqual({ type: "rcon-bad-attempt" });
      });

      it("parses the echo convention", () => {
        expect(parseLogLine(`${prefix}[nuwani] notice-report\tGunther\t3\tRussell\t7\tcheating \\t here`)).toEqual({
          type: "echo",
          tag: "notice-report",
          params: ["Gunther", 3, "Russell", 7, "cheating \t here"],
        });
      });
    });
  }

  it("regression: chat from a name with brackets ([BB]Joe) was not parsed", () => {
    expect(parseLogLine("[chat] [[BB]Joe]: hi [there]: you")).toEqual({ type: "chat", name: "[BB]Joe", text: "hi [there]: you" });
    expect(parseLogLine("[chat] [a]]: x")).toEqual({ type: "chat", name: "a]", text: "x" });
  });

  it("ignores other lines and near misses", () => {
    expect(parseLogLine("SA-MP Dedicated Server")).toBeUndefined();
    expect(parseLogLine("[join] has joined the server (1:ip)")).toBeUndefined();
    expect(parseLogLine("[part] Gunther has left the server (3:7)")).toBeUndefined();
    expect(parseLogLine("[nuwani] Bad Tag\tx")).toBeUndefined();
    expect(parseLogLine("")).toBeUndefined();
  });

  it("never reads an echo out of chat text", () => {
    expect(parseLogLine("[chat] [Mallory]: [nuwani] notice-admin\tfake")).toMatchObject({ type: "chat", text: "[nuwani] notice-admin\tfake" });
  });

  it("strips SA-MP and open.mp prefixes", () => {
    expect(stripLogPrefix("[23:59:59] [chat] [A]: b")).toBe("[chat] [A]: b");
    expect(stripLogPrefix("[2026-11-29T07:04:45+0000] [Warning] x")).toBe("x");
    expect(stripLogPrefix("[chat] [A]: b")).toBe("[chat] [A]: b");
  });
});

describe("echo convention", () => {
  it("escapes backslashes, tabs and line breaks and round-trips any text", () => {
    const nasty = "a\\tb\t\\\\c\nd\re\\";
    expect(escapeEchoParam(nasty)).not.toMatch(/[\t\n\r]/);
    expect(unescapeEchoParam(escapeEchoParam(nasty))).toBe(nasty);
    const line = formatEchoLine("custom-tag", [nasty, 42, -3.5, "007", "12"]);
    expect(line.split("\t")).toHaveLength(6);
    expect(parseEchoBody(line.slice("[nuwani] ".length))).toEqual({ tag: "custom-tag", params: [nasty, 42, -3.5, "007", "12"] });
  });

  it("keeps an unknown escape as written", () => {
    expect(unescapeEchoParam("a\\xb")).toBe("a\\xb");
  });

  it("refuses bad tags and non-finite numbers", () => {
    expect(() => formatEchoLine("Bad Tag", [])).toThrow(RangeError);
    expect(() => formatEchoLine("ok", [Number.NaN])).toThrow(RangeError);
  });
});
