import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BridgeError } from "../src/BridgeError.js";
import { formatEcho, loadFormats, mergeFormats, parseFormats } from "../src/formats.js";

const join_ = { channel: "echo", template: "**{name}** joined the server", priority: "low", coalesce: "joins" };

function failure(json: unknown): BridgeError {
  try {
    parseFormats(json);
  } catch (error) {
    return error as BridgeError;
  }
  throw new Error("expected parseFormats to throw");
}

describe("parseFormats", () => {
  it("reads tag → format", () => {
    const formats = parseFormats({ join: join_, report: { channel: "admin", template: "{name}: {reason}", priority: "admin" } });
    expect([...formats]).toEqual([
      ["join", join_],
      ["report", { channel: "admin", template: "{name}: {reason}", priority: "admin" }],
    ]);
  });

  it("parses JSON text", () => {
    expect(parseFormats(JSON.stringify({ join: join_ })).get("join")).toEqual(join_);
  });

  it.each([
    [undefined, "(root)", [], /object of echo tags/],
    ["bad tag", "(tag)", { "bad tag": join_ }, /letters, digits/],
    ["join", "(tag)", { join: "x" }, /must be an object/],
    ["join", "colour", { join: { ...join_, colour: "red" } }, /formats\.join\.colour is not a known field/],
    ["join", "channel", { join: { ...join_, channel: undefined } }, /formats\.join\.channel must be a channel role/],
    ["join", "channel", { join: { ...join_, channel: "#echo" } }, /channel role/],
    ["join", "template", { join: { ...join_, template: "" } }, /formats\.join\.template must be a non-empty string/],
    ["join", "template", { join: { ...join_, template: "x".repeat(1001) } }, /at most 1000/],
    ["join", "priority", { join: { ...join_, priority: "urgent" } }, /formats\.join\.priority must be one of admin, high, normal, low/],
    ["join", "coalesce", { join: { ...join_, coalesce: "" } }, /short label/],
    ["join", "coalesce", { join: { ...join_, priority: "admin" } }, /only allowed on normal and low/],
    ["join", "coalesce", { join: { ...join_, priority: "high" } }, /only allowed on normal and low/],
  ])("names tag %s and field %s", (tag, field, json, message) => {
    const error = failure(json);
    expect(error).toMatchObject({ code: "BRIDGE_FORMATS_INVALID", tag, field });
    expect(error.message).toMatch(message);
  });

  it("reports malformed JSON text with a position", () => {
    expect(failure('{"join": }')).toMatchObject({ code: "BRIDGE_CONFIG_MALFORMED", line: 1, column: 10 });
  });
});

describe("formatEcho", () => {
  const formats = parseFormats({ join: join_, kill: { channel: "echo", template: "{killer} killed {victim} ({weapon})", priority: "normal" } });

  it("fills the template, escaping fields", () => {
    expect(formatEcho("join", { id: 3, name: "**Evil**_@everyone" }, formats)).toEqual({
      channel: "echo",
      text: "**\\*\\*Evil\\*\\*\\_@\u200Beveryone** joined the server",
      priority: "low",
      coalesceKey: "joins",
    });
  });

  it("uses ? for a missing field and null as the coalesce key when there is none", () => {
    expect(formatEcho("kill", { killer: "A", victim: 7 }, formats)).toEqual({ channel: "echo", text: "A killed 7 (?)", priority: "normal", coalesceKey: null });
  });

  it("returns null for unknown tags, including Object.prototype names", () => {
    expect(formatEcho("nope", {}, formats)).toBeNull();
    expect(formatEcho("constructor", {}, formats)).toBeNull();
    expect(formatEcho("join", { toString: 1 }, formats)?.text).toBe("**?** joined the server");
  });

  it("strips colour codes and newlines from fields so a field cannot forge a line", () => {
    expect(formatEcho("join", { name: "{FF0000}A\n**B** joined" }, formats)?.text).toBe("**A \\*\\*B\\*\\* joined** joined the server");
  });
});

describe("mergeFormats", () => {
  it("lets overrides win and keeps the rest", () => {
    const base = parseFormats({ join: join_, quit: { channel: "echo", template: "{name} left", priority: "low" } });
    const merged = mergeFormats(base, parseFormats({ join: { channel: "admin", template: "J {name}", priority: "normal" } }));
    expect(merged.get("join")?.channel).toBe("admin");
    expect(merged.get("quit")?.template).toBe("{name} left");
  });
});

describe("loadFormats", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "nuwani-formats-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a formats file", async () => {
    await writeFile(join(dir, "formats.json"), JSON.stringify({ join: join_ }));
    expect((await loadFormats(join(dir, "formats.json"))).get("join")).toEqual(join_);
  });

  it("reports a missing file", async () => {
    await expect(loadFormats(join(dir, "missing.json"))).rejects.toMatchObject({ code: "BRIDGE_CONFIG_UNREADABLE" });
  });

  it("reports malformed JSON with line and column", async () => {
    await writeFile(join(dir, "formats.json"), '{\n  "join": {,}\n}');
    await expect(loadFormats(join(dir, "formats.json"))).rejects.toMatchObject({ code: "BRIDGE_CONFIG_MALFORMED", line: 2, column: 12 });
  });
});
