import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { type Clock, defaultEchoFormat, FakeSampLog, type FakeSampLogOptions } from "../src/index.js";

// 2026-11-29 07:04:45 UTC
const T = Date.UTC(2026, 10, 29, 7, 4, 45);
const fixedClock = (time = T): Clock => ({ now: () => time, setTimeout: () => undefined, clearTimeout: () => undefined });

function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), "fake-samp-log-")), "server_log.txt");
}

function open(options: Partial<FakeSampLogOptions> = {}): FakeSampLog {
  return new FakeSampLog({ path: tempLog(), clock: fixedClock(), ...options });
}

const read = (log: FakeSampLog, encoding = "latin1"): string => iconv.decode(readFileSync(log.path), encoding);

describe("prefixes", () => {
  it("SA-MP writes [HH:MM:SS] with timestamps on, nothing with them off", () => {
    const log = open();
    log.write("one");
    log.timestamps = false;
    log.write("two");
    expect(read(log)).toBe("[07:04:45] one\ntwo\n");
  });

  it("open.mp writes [ISO time+0000] [Info], or only [Info] without timestamps, or nothing without the prefix", () => {
    const log = open({ flavour: "openmp" });
    log.write("one");
    log.timestamps = false;
    log.write("two");
    expect(read(log)).toBe("[2026-11-29T07:04:45+0000] [Info] one\n[Info] two\n");
    const bare = open({ flavour: "openmp", timestamps: false, prefix: false });
    bare.write("three");
    expect(read(bare)).toBe("three\n");
  });

  it("the clock drives the timestamps; eol can be CRLF", () => {
    let now = T;
    const log = open({ eol: "\r\n", clock: { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined } });
    log.write("a");
    now += 3_600_000 + 61_000;
    log.write("b");
    expect(read(log)).toBe("[07:04:45] a\r\n[08:05:46] b\r\n");
  });
});

describe("lines", () => {
  it("writes join, part with reason, chat, kill and death lines as SA-MP does", () => {
    const log = open({ timestamps: false });
    log.join("Gunther", 3, "127.0.0.1");
    log.chat("Gunther", "hi [all]: ok");
    log.kill("Gunther", "Luce", 24);
    log.kill("Gunther", "Luce", "Custom Gun");
    log.kill("Gunther", "Luce", 99);
    log.death("Luce", 53);
    log.part("Gunther", 3, 0);
    log.part("Luce", 4, 2);
    expect(read(log).split("\n")).toEqual([
      "[join] Gunther has joined the server (3:127.0.0.1)",
      "[chat] [Gunther]: hi [all]: ok",
      "[kill] Gunther killed Luce Deagle",
      "[kill] Gunther killed Luce Custom Gun",
      "[kill] Gunther killed Luce 99",
      "[death] Luce died 53",
      "[part] Gunther has left the server (3:0)",
      "[part] Luce has left the server (4:2)",
      "",
    ]);
    expect(log.linesWritten).toBe(8);
    expect(log.lines[0]).toBe("[join] Gunther has joined the server (3:127.0.0.1)");
  });

  it("writes no chat lines without chat logging and no kill/death lines without death logging", () => {
    const log = open({ timestamps: false, logChat: false, logDeaths: false });
    expect(log.chat("A", "hi")).toBeUndefined();
    expect(log.kill("A", "B", 24)).toBeUndefined();
    expect(log.death("A", 53)).toBeUndefined();
    log.join("A", 0, "1.1.1.1");
    expect(read(log)).toBe("[join] A has joined the server (0:1.1.1.1)\n");
  });

  it("echo events use the include's [nuwani] tag\\tparam convention: escapes, numbers, numeric strings marked \\s", () => {
    const log = open({ timestamps: false });
    log.echo("admin", [7, "Gunther", "needs\thelp\nnow\r\\o/"]);
    log.echo("ping");
    expect(read(log)).toBe("[nuwani] admin\t7\tGunther\tneeds\\thelp\\nnow\\r\\\\o/\n[nuwani] ping\n");
    expect(defaultEchoFormat("score", ["42", -3.5, "-3.5", "007", "0", "1.", ""])).toBe("[nuwani] score\t\\s42\t-3.5\t\\s-3.5\t007\t\\s0\t1.\t");
  });

  it("the echo convention is a parameter", () => {
    const log = open({ timestamps: false, echoFormat: (tag, params) => `*** ${tag}(${params.join(",")})` });
    log.echo("report", ["A", "B"]);
    expect(read(log)).toBe("*** report(A,B)\n");
  });

  it("writes a burst as one append, in order", () => {
    const log = open({ timestamps: false });
    const messages = Array.from({ length: 10_000 }, (_, i) => `[chat] [P]: ${i}`);
    log.writeBurst(messages);
    const lines = read(log).split("\n");
    expect(lines).toHaveLength(10_001);
    expect(lines[9_999]).toBe("[chat] [P]: 9999");
    expect(log.bytesWritten).toBe(readFileSync(log.path).length);
  });

  it("appends to an existing file, as the servers do", () => {
    const path = tempLog();
    writeFileSync(path, "yesterday\n");
    const log = new FakeSampLog({ path, timestamps: false });
    log.write("today");
    expect(readFileSync(path, "latin1")).toBe("yesterday\ntoday\n");
  });

  it("keeps at most keepLines lines in memory, the newest", () => {
    const log = open({ timestamps: false, keepLines: 3 });
    for (let i = 0; i < 10; i++) log.write(`l${i}`);
    expect(log.lines).toEqual(["l7", "l8", "l9"]);
    expect(log.linesWritten).toBe(10);
  });
});

describe("rotation and truncation", () => {
  it("rotate() renames the file (.1, .2, …) and starts an empty one", () => {
    const log = open({ timestamps: false });
    log.write("a");
    expect(log.rotate()).toBe(`${log.path}.1`);
    expect(readFileSync(log.path, "latin1")).toBe("");
    log.write("b");
    expect(log.rotate()).toBe(`${log.path}.2`);
    log.write("c");
    expect([readFileSync(`${log.path}.1`, "latin1"), readFileSync(`${log.path}.2`, "latin1"), read(log)]).toEqual(["a\n", "b\n", "c\n"]);
    const custom = `${log.path}.old`;
    expect(log.rotate(custom)).toBe(custom);
    expect(readFileSync(custom, "latin1")).toBe("c\n");
  });

  it("truncate() empties the file in place; later lines start at offset 0", () => {
    const log = open({ timestamps: false });
    log.write("a long line before truncation");
    log.truncate();
    log.write("b");
    expect(read(log)).toBe("b\n");
  });

  it("file errors are FAKE_SAMP_LOG_FAILED", () => {
    expect(() => new FakeSampLog({ path: join(tmpdir(), "no-such-dir-fake-samp", "x", "log.txt") })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_LOG_FAILED" }));
    const log = open();
    log.rotate(`${log.path}.1`);
    expect(() => log.rotate(join(tmpdir(), "no-such-dir-fake-samp", "y"))).toThrow(expect.objectContaining({ code: "FAKE_SAMP_LOG_FAILED" }));
    expect(() => new FakeSampLog({ path: "" })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });
});

describe("code pages", () => {
  it("windows-1252: 0x80–0x9F characters are written as their single bytes", () => {
    const log = open({ timestamps: false });
    const text = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
    log.chat("Gunther", text);
    const bytes = readFileSync(log.path);
    const body = bytes.subarray("[chat] [Gunther]: ".length, bytes.length - 1);
    const expected = [0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8e, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9e, 0x9f];
    expect([...body]).toEqual(expected);
    expect(read(log, "windows-1252")).toBe(`[chat] [Gunther]: ${text}\n`);
  });

  it("windows-1251: Cyrillic names and text are single bytes of that code page", () => {
    const log = open({ timestamps: false, encoding: "windows-1251" });
    log.join("Вася", 0, "1.2.3.4");
    log.chat("Вася", "Привет, мир");
    const bytes = readFileSync(log.path);
    expect([...bytes.subarray(7, 11)]).toEqual([0xc2, 0xe0, 0xf1, 0xff]);
    expect(read(log, "windows-1251")).toBe("[join] Вася has joined the server (0:1.2.3.4)\n[chat] [Вася]: Привет, мир\n");
    expect(log.encoding).toBe("windows-1251");
  });

  it("an unknown code page is FAKE_SAMP_UNKNOWN_ENCODING", () => {
    expect(() => open({ encoding: "cp-none" })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_UNKNOWN_ENCODING" }));
  });
});
