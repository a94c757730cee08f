import { GAME_LINE_LENGTH } from "@nuwani/game";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeForDiscord,
  formatDiscordChat,
  sanitizeForGame,
  splitGameLines,
  stripColourCodes,
  stripControlCharacters,
  stripInvisibleCharacters,
} from "../src/sanitize.js";

const COLOUR = /\{[0-9A-Fa-f]{6}\}/;
const CONTROL = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

/** Strings rich in the characters that matter here. */
const nasty = fc
  .array(
    fc.oneof(
      fc.constantFrom("{", "}", "FF", "00", "a", "0", "{FF0000}", "{", "\n", "\r", "\t", "\u0000", "\u001b", "\u007f", "\u0085", "\u202e"),
      fc.constantFrom("@", "everyone", "here", "@everyone", "@here", "<", ">", "<@", "<@&", "<#", "123", "&", "#", ":", "a:", "t:"),
      fc.constantFrom("*", "_", "~", "`", "|", "\\", "[", "]", "(", ")", "-", "1.", " ", "  ", "😀", "\uD83D", "\uDE00"),
      fc.string({ unit: "binary", maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

describe("stripControlCharacters", () => {
  it("turns line breaks and tabs into spaces and removes other controls", () => {
    expect(stripControlCharacters("a\nb\r\nc\td\u0000e\u001bf\u007fg\u202eh")).toBe("a b  c defgh");
  });

  it("removes lone surrogates but keeps pairs", () => {
    expect(stripControlCharacters("x\uD83Dy😀")).toBe("xy😀");
  });
});

describe("stripColourCodes", () => {
  it("removes colour codes, including ones formed by removing others", () => {
    expect(stripColourCodes("{FF0000}red {00ff00}green {FF{000000}0000}x")).toBe("red green x");
  });

  it("keeps braces that are not colour codes", () => {
    expect(stripColourCodes("{FF00} {GGGGGG} {name}")).toBe("{FF00} {GGGGGG} {name}");
  });
});

describe("stripInvisibleCharacters", () => {
  it("removes zero-width and other invisible characters, and keeps emoji sequences' visible parts", () => {
    expect(stripInvisibleCharacters("a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf\u00ADg\u180Eh\u034Fi\u3164j\u{E0041}k")).toBe("abcdefghijk");
  });
});

describe("regression: zero-width characters reached the game", () => {
  it("sanitizeForGame drops them, and a colour code split by one cannot survive", () => {
    expect(sanitizeForGame("{FF\u200B0000}ad\u200Dmin\u2066 \u202Etxt")).toBe("admin txt");
  });
});

describe("sanitizeForGame", () => {
  it("strips colour codes and control characters and collapses whitespace", () => {
    expect(sanitizeForGame("  {FF0000}hello\n\n\u0007world  {FFFFFF} ! ")).toBe("hello world !");
  });

  it("turns custom emoji into :name:", () => {
    expect(sanitizeForGame("gg <:lvp:123456789012345678> <a:spin:223456789012345678>")).toBe("gg :lvp: :spin:");
  });

  it("caps the length with an ellipsis", () => {
    const text = sanitizeForGame("x".repeat(5000));
    expect(text).toHaveLength(3 * GAME_LINE_LENGTH);
    expect(text.endsWith("…")).toBe(true);
    expect(sanitizeForGame("abcdef", { maxLength: 4 })).toBe("abc…");
  });

  it("does not split a surrogate pair when cutting", () => {
    expect(sanitizeForGame("ab😀cd", { maxLength: 4 })).toBe("ab…");
  });

  it("property: no colour code, no control character, never longer than maxLength", () => {
    fc.assert(
      fc.property(nasty, fc.integer({ min: 1, max: 300 }), (text, maxLength) => {
        const safe = sanitizeForGame(text, { maxLength });
        expect(safe).not.toMatch(COLOUR);
        expect(safe).not.toMatch(CONTROL);
        expect(safe.length).toBeLessThanOrEqual(maxLength);
        expect(safe).not.toMatch(/\s{2}/);
      }),
      { numRuns: 500 },
    );
  });
});

describe("splitGameLines", () => {
  it("keeps short text on one line", () => {
    expect(splitGameLines("hello")).toEqual(["hello"]);
    expect(splitGameLines("")).toEqual([""]);
  });

  it("splits at the last space that fits", () => {
    expect(splitGameLines("aaa bbb ccc ddd", 8)).toEqual(["aaa bbb", "ccc ddd"]);
  });

  it("splits a word longer than a line hard, at a code point boundary", () => {
    expect(splitGameLines("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(splitGameLines("abc😀def", 4)).toEqual(["abc", "😀de", "f"]);
  });

  it("splits 5,000 characters into 144-character lines", () => {
    const lines = splitGameLines("word ".repeat(1000));
    expect(lines.every((line) => line.length <= 144)).toBe(true);
    expect(lines.join(" ")).toBe("word ".repeat(1000).trim());
  });

  it("rejects a line length below 2", () => {
    expect(() => splitGameLines("x", 1)).toThrow(RangeError);
  });

  it("property: lines fit, none is empty, and no text is lost", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 2, max: 160 }), (raw, length) => {
        const text = raw.replace(/\s+/g, " ").trim();
        const lines = splitGameLines(text, length);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(length);
        if (text !== "") for (const line of lines) expect(line).not.toBe("");
        expect(lines.join("").replace(/ /g, "")).toBe(text.replace(/ /g, ""));
      }),
      { numRuns: 300 },
    );
  });
});

describe("formatDiscordChat", () => {
  it("formats [Discord] name: text", () => {
    expect(formatDiscordChat("Russell", "hello there")).toEqual(["[Discord] Russell: hello there"]);
  });

  it("sanitises the name and the text", () => {
    expect(formatDiscordChat("{FF0000}Evil\nName", "{00FF00}hi\u0000!")).toEqual(["[Discord] EvilName: hi!".replace("EvilName", "Evil Name")]);
  });

  it("splits long messages into game lines and caps them", () => {
    const lines = formatDiscordChat("Luce", "lorem ipsum ".repeat(500));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => line.length <= GAME_LINE_LENGTH)).toBe(true);
    expect(lines.join(" ").length).toBeLessThan(3 * GAME_LINE_LENGTH + 40);
  });

  it("returns nothing for text that is only colour codes and whitespace", () => {
    expect(formatDiscordChat("Luce", "{FF0000} \n\t")).toEqual([]);
  });

  it("uses a placeholder for an empty name, and takes options", () => {
    expect(formatDiscordChat("\u0000", "hi", { prefix: "[D]", lineLength: 6 })).toEqual(["[D] ?:", "hi"]);
  });

  it("property: no line contains a colour code or a control character or exceeds the line length", () => {
    fc.assert(
      fc.property(nasty, nasty, (name, text) => {
        for (const line of formatDiscordChat(name, text)) {
          expect(line).not.toMatch(COLOUR);
          expect(line).not.toMatch(CONTROL);
          expect(line.length).toBeLessThanOrEqual(GAME_LINE_LENGTH);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("escapeForDiscord", () => {
  it("escapes markdown", () => {
    expect(escapeForDiscord("**bold** _it_ ~~s~~ `code` ||spoiler|| > quote \\ [link](x) # - 1")).toBe(
      "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`code\\` \\|\\|spoiler\\|\\| \\> quote \\\\ \\[link\\](x) \\# \\- 1",
    );
  });

  it("escapes a leading ordered-list marker", () => {
    expect(escapeForDiscord("1. first")).toBe("1\\. first");
  });

  it("neutralises @everyone and @here with a zero-width space", () => {
    expect(escapeForDiscord("@everyone and @here and @Everyone")).toBe("@\u200Beveryone and @\u200Bhere and @\u200BEveryone");
  });

  it("neutralises mention syntax", () => {
    expect(escapeForDiscord("<@123> <@!123> <@&456> <#789> <:e:1> <t:0>")).toBe(
      "\\<\u200B@123\\> \\<\u200B@!123\\> \\<\u200B@&456\\> \\<\\#789\\> \\<\u200B:e:1\\> \\<\u200Bt:0\\>",
    );
  });

  it("keeps game text on one line and without colour codes", () => {
    expect(escapeForDiscord("{FF0000}line one\nline two")).toBe("line one line two");
  });

  it("property: no active @everyone/@here, no mention syntax, no colour code, no control character", () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const safe = escapeForDiscord(text);
        expect(safe).not.toMatch(/@(everyone|here)/i);
        expect(safe).not.toMatch(/<[@#:]/);
        expect(safe).not.toMatch(COLOUR);
        expect(safe).not.toMatch(CONTROL);
        expect(safe).not.toContain("\n");
        // every markdown character is escaped by an odd run of backslashes
        for (const match of safe.matchAll(/(\\*)([*_~`|>])/g)) expect(match[1]!.length % 2).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });
});
