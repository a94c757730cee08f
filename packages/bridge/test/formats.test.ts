import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BridgeError } from "../src/BridgeError.js";
import { formatEcho, loadFormats, mergeFormats, parseFormats } from "../src/formats.js";

const join_ = { channel: "echo", template: "**%{1}s** joined the server", priority: "low", coalesce: "joins" };

function failure(json: unknown): BridgeError {
  try {
    parseFormats(json);
  } catch (error) {
    return error as BridgeError;
  }
  throw new Error("expected parseFormats to throw");
}

describe("parseFormats", () => {
  it("reads tag → format, bridge entries and LVP strings side by side", () => {
    const formats = parseFormats({ join: join_, report: { channel: "admin", template: "%s: %s", priority: "admin" }, status: "<prefix:+>[%d] %s" });
    expect([...formats.keys()]).toEqual(["join", "report", "status"]);
    expect(formats.get("join")).toMatchObject({ source: join_.template, syntax: "bridge", priority: "low", coalesce: "joins" });
    expect(formats.get("report")).toMatchObject({ syntax: "bridge", priority: "admin", coalesce: undefined });
    expect(formats.get("status")).toMatchObject({ source: "<prefix:+>[%d] %s", syntax: "lvp", priority: "normal" });
  });

  it("parses JSON text", () => {
    expect(parseFormats(JSON.stringify({ join: join_ })).get("join")).toMatchObject({ source: join_.template });
  });

  it.each([
    [undefined, "(root)", [], /object of echo tags/],
    ["bad tag", "(tag)", { "bad tag": join_ }, /letters, digits/],
    ["join", "(tag)", { join: 5 }, /must be an LVP format string or an object/],
    ["join", "template", { join: { ...join_, template: "%z" } }, /unknown placeholder "%z"/],
    ["join", "template", { join: "50%" }, /a % at the end/],
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
  const formats = parseFormats({ join: join_, kill: { channel: "echo", template: "%{2}s killed %{0}s (%{4}s) for %{5}$", priority: "normal" } });

  it("fills the template with positional parameters, escaping each", () => {
    expect(formatEcho("join", [3, "**Evil**_@everyone"], formats)).toEqual({
      kind: "message",
      channel: "echo",
      text: "**\\*\\*Evil\\*\\*\\_@\u200Beveryone** joined the server",
      priority: "low",
      coalesceKey: "joins",
    });
  });

  it("formats numbers as LVP does and uses null as the coalesce key when there is none", () => {
    expect(formatEcho("kill", ["B", 2, "A", 1, "M4", 2500000], formats)).toEqual({
      kind: "message",
      channel: "echo",
      text: "A killed B (M4) for $2,500,000",
      priority: "normal",
      coalesceKey: null,
    });
  });

  it("throws BRIDGE_ECHO_INVALID naming the tag when parameters are missing (LVP's formatter throws too)", () => {
    expect(() => formatEcho("kill", ["B", 2, "A"], formats)).toThrow(expect.objectContaining({ code: "BRIDGE_ECHO_INVALID", tag: "kill", field: "params" }));
  });

  it("returns null for unknown tags, including Object.prototype names", () => {
    expect(formatEcho("nope", [], formats)).toBeNull();
    expect(formatEcho("constructor", [], formats)).toBeNull();
    expect(formatEcho("toString", [], formats)).toBeNull();
  });

  it("returns null for a line that renders empty", () => {
    expect(formatEcho("blank", [""], parseFormats({ blank: "<color:3>%s" }))).toBeNull();
  });

  it("strips colour codes and newlines from parameters so a parameter cannot forge a line", () => {
    const line = formatEcho("join", [1, "{FF0000}A\n**B** joined"], formats);
    expect(line?.kind === "message" ? line.text : undefined).toBe("**A \\*\\*B\\*\\* joined** joined the server");
  });
});

describe("mergeFormats", () => {
  it("lets overrides win and keeps the rest", () => {
    const base = parseFormats({ join: join_, quit: { channel: "echo", template: "%{1}s left", priority: "low" } });
    const merged = mergeFormats(base, parseFormats({ join: { channel: "admin", template: "J %{1}s", priority: "normal" } }));
    expect(formatEcho("join", [1, "A"], merged)).toMatchObject({ channel: "admin", text: "J A" });
    expect(merged.get("quit")?.source).toBe("%{1}s left");
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
    expect((await loadFormats(join(dir, "formats.json"))).get("join")).toMatchObject({ source: join_.template, priority: "low" });
  });

  it("reports a missing file", async () => {
    await expect(loadFormats(join(dir, "missing.json"))).rejects.toMatchObject({ code: "BRIDGE_CONFIG_UNREADABLE" });
  });

  it("reports malformed JSON with line and column", async () => {
    await writeFile(join(dir, "formats.json"), '{\n  "join": {,}\n}');
    await expect(loadFormats(join(dir, "formats.json"))).rejects.toMatchObject({ code: "BRIDGE_CONFIG_MALFORMED", line: 2, column: 12 });
  });
});
