import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BridgeError } from "../src/BridgeError.js";
import { formatEcho, loadFormats, parseFormats, type EchoFormats, type FormattedEcho } from "../src/formats.js";
import { LVP_AUDIENCE_CHANNELS, LVP_CHANNELS, LVP_PREFIX_AUDIENCES, compileLvpEcho } from "../src/lvpFormats.js";
import { CALLS, LVP_FILE, LVP_JSON, LVP_TEXT, type Param } from "./support/lvpCalls.js";

// ---- A reference model of LVP's message formatter, written from its source -------------------
// (message_formatter.js + base/format.js, for the placeholders irc_messages.json uses), with
// colours (IRC's and SA-MP's) left out. Independent of the implementation under test.

interface LvpLine {
  readonly command: string;
  readonly destination: string;
  readonly text: string;
}

const ECHO_CHANNEL = "#LVP.Echo";

function lvpReference(format: string, params: readonly Param[]): LvpLine {
  let command = "PRIVMSG";
  let destination = ECHO_CHANNEL;
  let prefix = "";
  let rest = format.replace(/<color>/g, "").replace(/<color:(\d+)>/g, "");
  rest = rest.replace(/<prefix:(.+?)>/g, (_, p: string) => ((prefix = p), ""));
  rest = rest.replace(/<target:(.+?)>/g, (_, t: string) => {
    const m = /^\{(\d+)\}$/.exec(t);
    destination = m ? String(params[Number(m[1])]) : t;
    return "";
  });
  rest = rest.replace(/<command:(.+?)>/g, (_, c: string) => ((command = c), ""));
  let next = 0;
  const text = rest.replace(/%%|%(?:\{(\d+)\})?([sdf$])/g, (whole, index: string | undefined, type: string) => {
    if (whole === "%%") return "%";
    const p = index === undefined ? params[next++] : params[Number(index)];
    if (p === undefined) throw new Error("not enough parameters");
    switch (type) {
      case "d":
        return new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }).format(parseInt(String(p), 10));
      case "f":
        return new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }).format(parseFloat(String(p)));
      case "$":
        return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(
          parseInt(String(p), 10),
        );
      default:
        return p ? String(p) : "";
    }
  });
  return { command, destination: prefix + destination, text: text.replace(/\{[0-9A-Fa-f]{6}\}/g, "") };
}

/** What the model's IRC line means on Discord, with the default channel mapping. */
function expectedRouting(line: LvpLine): { kind: string; where: string } {
  if (line.command === "MODE") return { kind: "mode", where: "echo" };
  const prefix = LVP_PREFIX_AUDIENCES[line.destination[0]!];
  const name = prefix === undefined ? line.destination : line.destination.slice(1);
  if (!name.startsWith("#")) return { kind: "notice", where: name };
  const mapped = Object.entries(LVP_CHANNELS).find(([channel]) => channel.toLowerCase() === name.toLowerCase())?.[1];
  if (name === ECHO_CHANNEL && prefix !== undefined) return { kind: "message", where: LVP_AUDIENCE_CHANNELS[prefix] };
  return { kind: "message", where: mapped ?? "(unmapped)" };
}

/** The text as Discord shows it: backslash escapes and zero-width spaces gone. */
function shownOnDiscord(text: string): string {
  return text.replace(/\\([\\*_~`|><[\]#\-.])/g, "$1").replaceAll("\u200B", "");
}

function routingOf(result: FormattedEcho): { kind: string; where: string } {
  if (result.kind === "message") return { kind: "message", where: result.channel };
  if (result.kind === "notice") return { kind: "notice", where: result.recipient };
  return { kind: "mode", where: result.channel };
}

function textOf(result: FormattedEcho): string {
  return result.kind === "mode" ? (result.mute ? "+m" : "-m") : result.text;
}

function formatsError(json: unknown): BridgeError {
  try {
    parseFormats(json);
  } catch (error) {
    return error as BridgeError;
  }
  throw new Error("expected parseFormats to throw");
}

function echoError(formats: EchoFormats, tag: string, params: Param[]): BridgeError {
  try {
    formatEcho(tag, params, formats);
  } catch (error) {
    return error as BridgeError;
  }
  throw new Error("expected formatEcho to throw");
}

describe("LVP's irc_messages.json", () => {
  const formats = parseFormats(LVP_JSON);

  it("is the verbatim copy the README names, with 51 tags, each with a realistic call here", () => {
    expect(createHash("sha256").update(LVP_TEXT).digest("hex")).toBe("2dc8e3546c68d1ee0b7bcd85e28206819996411264d916cf53b3cc40eb743a7f");
    expect(Object.keys(LVP_JSON)).toHaveLength(51);
    expect(formats.size).toBe(51);
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(LVP_JSON).sort());
  });

  it("loads from the file as a formats source", async () => {
    const loaded = await loadFormats(LVP_FILE);
    expect([...loaded.keys()]).toEqual(Object.keys(LVP_JSON));
    expect(loaded.get("join")).toMatchObject({ syntax: "lvp", priority: "low", coalesce: "joins" });
  });

  it.each(Object.keys(LVP_JSON))("renders %s with no placeholders, colour codes or live mentions left", (tag) => {
    const result = formatEcho(tag, CALLS[tag]!, formats);
    expect(result).not.toBeNull();
    const text = textOf(result!);
    expect(text).not.toMatch(/%[sdf$%{]/);
    expect(text).not.toMatch(/<(color|prefix|target|command)\b/);
    expect(text).not.toMatch(/\{[0-9A-Fa-f]{6}\}/);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(text).not.toMatch(/[\u0000-\u001F]/);
    expect(text).not.toMatch(/@(everyone|here)/);
    expect(text).not.toMatch(/<[@#]/);
    // Markdown from parameters (and LVP's own "***") shows as typed.
    expect(text).not.toMatch(/(?<!\\)\*\*/);
    expect(text).not.toMatch(/(?<!\\)__/);
  });

  it("groups money as LVP does and truncates %d", () => {
    const text = (tag: string, params: Param[] = CALLS[tag]!): string => shownOnDiscord(textOf(formatEcho(tag, params, formats)!));
    expect(text("buy")).toBe("*** Luce (Id:12) has bought the Four Dragons Casino property for $2,500,000.");
    expect(text("sell")).toBe("*** Luce (Id:12) has sold the Pirate Ship property for $1,250,000.");
    expect(text("merchant")).toBe("*** The merchant wants to purchase a Infernus for $2,500,000.");
    expect(text("reaction-unscramble")).toBe('*** First player to unscramble "ghaysatck" wins $7,500!');
    expect(text("reaction-result")).toBe("*** Luce (Id:12) has won the reaction test in 3 seconds!");
    expect(text("sell-all", ["Luce", 12, -2500])).toBe("*** Luce (Id:12) has sold all their properties for -$2,500.");
    expect(text("join", [2500000, "Big"])).toBe("[2,500,000] *** Big has joined the game.");
  });

  it("routes by prefix, target and command", () => {
    const route = (tag: string): unknown => routingOf(formatEcho(tag, CALLS[tag]!, formats)!);
    expect(route("chat")).toEqual({ kind: "message", where: "echo" });
    expect(route("chat-vip")).toEqual({ kind: "message", where: "vip" });
    expect(route("chat-admin")).toEqual({ kind: "message", where: "admin" });
    expect(route("join-ip-gpci")).toEqual({ kind: "message", where: "admin" });
    expect(route("chat-gang")).toEqual({ kind: "message", where: "management" });
    expect(route("report")).toEqual({ kind: "message", where: "admin" });
    expect(route("chat-irc")).toEqual({ kind: "message", where: "admin" });
    expect(routingOf(formatEcho("chat-irc", ["#lvp.management", "Luce", 12, "hi"], formats)!)).toEqual({ kind: "message", where: "management" });
    expect(formatEcho("chat-irc-notice", CALLS["chat-irc-notice"]!, formats)).toEqual({
      kind: "notice",
      recipient: "DiscordUser",
      text: "Message from Gunther (Id:13): Hey George!",
      priority: "admin",
    });
    expect(formatEcho("mute-echo", [], formats)).toEqual({ kind: "mode", channel: "echo", mute: true });
    expect(formatEcho("unmute-echo", [], formats)).toEqual({ kind: "mode", channel: "echo", mute: false });
  });

  it("never drops administrator lines: every line for administrators or management has priority admin", () => {
    for (const [tag, format] of formats) {
      const result = format.render(CALLS[tag]!);
      if (result?.kind === "message" && ["admin", "management"].includes(result.channel)) expect([tag, result.priority]).toEqual([tag, "admin"]);
    }
  });

  /**
   * The closing-note figure: how many of the 51 tags render exactly as LVP's formatter would
   * (colour codes aside) — the same text as Discord shows it, to the same place.
   */
  it("matches LVP's formatter on all 51 tags (text as Discord shows it, and routing)", () => {
    const differences: string[] = [];
    let matches = 0;
    for (const [tag, format] of Object.entries(LVP_JSON)) {
      const reference = lvpReference(format, CALLS[tag]!);
      const result = formatEcho(tag, CALLS[tag]!, formats)!;
      const expected = { text: reference.text, ...expectedRouting(reference) };
      const actual = { text: shownOnDiscord(textOf(result)), ...routingOf(result) };
      if (JSON.stringify(actual) === JSON.stringify(expected)) matches++;
      else differences.push(`${tag}: LVP ${JSON.stringify(expected)} / bridge ${JSON.stringify(actual)}`);
    }
    expect(differences).toEqual([]);
    expect(matches).toBe(51);
  });
});

describe("LVP formats: parameters are untrusted", () => {
  const formats = parseFormats(LVP_JSON);

  // Hostile text: markdown, mention syntax, colour-code pieces, placeholders and directives.
  const hostile = fc
    .array(fc.constantFrom(..."aZ09 *_~`|<>[]#-.@&:/\\{}%$!", "everyone", "here", "FF0000", "<@123>", "<target:#LVP.Crew>", "%s", "\n"), { maxLength: 12 })
    .map((parts) => parts.join(""));
  const param = fc.oneof(hostile, fc.integer({ min: -3_000_000_000, max: 3_000_000_000 }), fc.double({ noNaN: true, min: -1e9, max: 1e9 }));

  it("property: any parameters, every tag: the same text as LVP's formatter (as Discord shows it), no live mention or markdown from a parameter", () => {
    const tags = Object.keys(LVP_JSON);
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.array(param, { minLength: 6, maxLength: 6 }), (tag, random) => {
        const call = CALLS[tag]!.map((given, index) => random[index] ?? given);
        // A per-call target must name a mapped channel or a member: keep the realistic one.
        if (tag === "chat-irc" || tag === "chat-irc-notice") call[0] = CALLS[tag]![0]!;
        const result = formatEcho(tag, call, formats);
        const expected = lvpReference(LVP_JSON[tag]!, call).text.replace(/\s+/g, " ").trim();
        if (result === null) {
          expect(expected).toBe("");
          return;
        }
        const text = textOf(result);
        expect(shownOnDiscord(text)).toBe(expected);
        expect(text).not.toMatch(/@(everyone|here)/);
        expect(text).not.toMatch(/<[@#:/]/);
        expect(text).not.toMatch(/(?<!\\)[*_~`|]/);
      }),
      { numRuns: 500 },
    );
  });

  it("cannot route or restyle a line through a parameter", () => {
    const result = formatEcho("chat", [1, "<target:#LVP.Crew><prefix:&>", "<command:MODE>+m <color:4>red"], formats);
    expect(result).toMatchObject({ kind: "message", channel: "echo" });
    expect(shownOnDiscord(textOf(result!))).toBe("[1] <target:#LVP.Crew><prefix:&>: <command:MODE>+m <color:4>red");
  });

  it("keeps one line: newlines in parameters become spaces", () => {
    const result = formatEcho("chat", [1, "Luce", "one\n**two**\r\nthree"], formats);
    expect(textOf(result!)).toBe("\\[1\\] Luce: one \\*\\*two\\*\\* three");
  });

  it("does not let a placeholder in a parameter expand", () => {
    expect(shownOnDiscord(textOf(formatEcho("chat", [1, "%s%d%$", "%{0}s"], formats)!))).toBe("[1] %s%d%$: %{0}s");
  });

  it("refuses a per-call target that names an unmapped channel, and a blank member", () => {
    expect(echoError(formats, "chat-irc", ["#secret", "Luce", 12, "hi"])).toMatchObject({ code: "BRIDGE_ECHO_INVALID", tag: "chat-irc", field: "target" });
    expect(echoError(formats, "chat-irc-notice", ["\u0007 ", "Luce", 12, "hi"])).toMatchObject({ code: "BRIDGE_ECHO_INVALID", field: "target" });
  });

  it("refuses too few parameters, as LVP's formatter does, naming the tag", () => {
    const error = echoError(formats, "kill", ["Victim", 2, "Killer", 1]);
    expect(error).toMatchObject({ code: "BRIDGE_ECHO_INVALID", tag: "kill", field: "params" });
    expect(error.message).toBe('echo "kill" needs 5 parameters, got 4');
    expect(echoError(formats, "chat-irc", [])).toMatchObject({ code: "BRIDGE_ECHO_INVALID", tag: "chat-irc" });
  });

  it("shows an empty string (and 0 given to %s) as nothing, as LVP does", () => {
    expect(textOf(formatEcho("notice-minigame-win", ["Luce", 12, "race", 2, "nd", ""], formats)!)).toBe("\\*\\*\\* Luce (Id:12) has finished the race game in 2nd position.");
    expect(textOf(formatEcho("reaction-calculate", [0, 100], formats)!)).toBe("\\*\\*\\* First player to calculate wins $100!");
  });
});

describe("LVP formats: malformed formats", () => {
  it.each([
    ["<color:51>x", "colour", /IRC colour 51 is not 0–15/],
    ["<prefix:hello>World", "prefix", /unknown prefix "hello"/],
    ["<prefix:~>World", "prefix", /unknown prefix/],
    ["<target:***>Hello", "target", /invalid target/],
    ["<target:#Elsewhere>Hello", "target", /maps to no channel role/],
    ["<command:KICK>x", "command", /unknown command "KICK"/],
    ["<command:MODE>+o", "command", /MODE supports \+m/],
    ["<command:MODE><target:Joe>+m", "target", /MODE needs a channel target/],
    ["100%", "template", /a % at the end/],
    ["%q", "template", /unknown placeholder "%q"/],
    ["%{name}s", "template", /unknown placeholder/],
    ["%{100}s", "template", /index 100/],
  ])("%s → BRIDGE_FORMATS_INVALID, field %s", (format, field, message) => {
    const error = formatsError({ broken: format });
    expect(error).toMatchObject({ code: "BRIDGE_FORMATS_INVALID", tag: "broken", field });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^formats\.broken: /);
  });
});

describe("LVP formats: options", () => {
  it("maps channels and audiences as configured", () => {
    const formats = parseFormats(
      { crew: "<target:#Crew.Elsewhere>%s", vip: "<prefix:+>%s" },
      { channels: { "#Crew.Elsewhere": "crew" }, audiences: { vips: "echo" } },
    );
    expect(formatEcho("crew", ["a"], formats)).toMatchObject({ kind: "message", channel: "crew", priority: "normal" });
    expect(formatEcho("vip", ["b"], formats)).toMatchObject({ kind: "message", channel: "echo" });
  });

  it("takes priorities per tag, and derives them for the rest", () => {
    const format = compileLvpEcho("x", "<prefix:%>%s", { priorities: { y: { priority: "low" } } });
    expect(format.priority).toBe("admin");
    expect(compileLvpEcho("y", "%s", { priorities: { y: { priority: "low", coalesce: "whys" } } })).toMatchObject({ priority: "low", coalesce: "whys" });
    expect(compileLvpEcho("z", "<command:NOTICE><target:Joe>%s").priority).toBe("high");
  });

  it("rejects invalid options with BRIDGE_INVALID_ARGUMENT", () => {
    expect(() => compileLvpEcho("x", "%s", { channels: { "no-hash": "echo" } })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT" }));
    expect(() => compileLvpEcho("x", "%s", { channels: { "#ok": "not a role" } })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT" }));
    expect(() => compileLvpEcho("x", "%s", { audiences: { everyone: "echo" } as never })).toThrow(expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT" }));
    expect(() => compileLvpEcho("x", "%s", { priorities: { x: { priority: "urgent" as never } } })).toThrow(
      expect.objectContaining({ code: "BRIDGE_INVALID_ARGUMENT", field: "priorities.x" }),
    );
    expect(() => compileLvpEcho("x", "%s", { priorities: { x: { priority: "admin", coalesce: "xs" } } })).toThrow(
      expect.objectContaining({ code: "BRIDGE_FORMATS_INVALID", field: "coalesce" }),
    );
  });
});
