import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointLength, splitMessage } from "../src/splitMessage.js";

const TOKENS = /<@!?\d+>|<@&\d+>|<#\d+>|<a?:\w+:\d+>|\\[\s\S]/gu;

const SEPARATORS = new Set(["\n", " "]);

/**
 * Lines the pieces up against the input: each piece is the next stretch of the input, and
 * after each one at most one character may have been dropped, only a line break or a space.
 * Whitespace makes this ambiguous ("  " then " "), so every alignment is tried.
 * @returns for each cut, where the piece ended and where the next one began; `undefined`
 *   if the pieces cannot come from the input
 */
function align(text: string, pieces: string[]): Array<[end: number, next: number]> | undefined {
  const walk = (index: number, at: number): Array<[number, number]> | undefined => {
    if (index === pieces.length) return at === text.length || (at === text.length - 1 && SEPARATORS.has(text[at]!)) ? [] : undefined;
    const piece = pieces[index]!;
    if (piece === "" || !text.startsWith(piece, at)) return undefined;
    const end = at + piece.length;
    if (index === pieces.length - 1) return walk(index + 1, end);
    for (const next of SEPARATORS.has(text[end] ?? "") ? [end + 1, end] : [end]) {
      const rest = walk(index + 1, next);
      if (rest !== undefined) return [[end, next], ...rest];
    }
    return undefined;
  };
  return walk(0, 0);
}

function reassembles(text: string, pieces: string[]): boolean {
  return align(text, pieces) !== undefined;
}

/** The offsets in `text` where pieces end and begin. */
function cuts(text: string, pieces: string[]): number[] {
  return (align(text, pieces) ?? []).flat();
}

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(" ", "\n", "  ", "\n\n") },
  { weight: 2, arbitrary: fc.constantFrom("😀", "👍🏽", "🇳🇱", "👨‍👩‍👧", "é", "𝕏") },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("<@", "<@!", "<@&", "<#"), fc.bigInt({ min: 1n, max: 10n ** 19n }))
      .map(([prefix, id]) => `${prefix}${id}>`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("<:", "<a:"), fc.stringMatching(/^\w{1,8}$/), fc.bigInt({ min: 1n, max: 10n ** 19n }))
      .map(([prefix, name, id]) => `${prefix}${name}:${id}>`),
  },
  { weight: 1, arbitrary: fc.constantFrom("\\*", "\\_", "\\\\", "\\`", "\\|", "\\😀", "\\ ", "\\\n") },
);
const message = fc.array(piece, { maxLength: 120 }).map((parts) => parts.join(""));

describe("splitMessage", () => {
  it("returns short texts whole and an empty text as no pieces", () => {
    expect(splitMessage("hello")).toEqual(["hello"]);
    expect(splitMessage("x".repeat(2000))).toEqual(["x".repeat(2000)]);
    expect(splitMessage("")).toEqual([]);
  });

  it("prefers line breaks, then spaces, then cuts hard", () => {
    expect(splitMessage("aaaa bbbb\ncccc dddd", { maxLength: 12 })).toEqual(["aaaa bbbb", "cccc dddd"]);
    expect(splitMessage("aaaa bbbb cccc", { maxLength: 10 })).toEqual(["aaaa bbbb", "cccc"]);
    expect(splitMessage("abcdefghij", { maxLength: 4 })).toEqual(["abcd", "efgh", "ij"]);
    expect(splitMessage(`${"a".repeat(1500)}\n${"b".repeat(1500)}`)).toEqual(["a".repeat(1500), "b".repeat(1500)]);
  });

  it("never cuts a surrogate pair, a mention, a custom emoji or a markdown escape", () => {
    expect(splitMessage("aaa😀b", { maxLength: 4 })).toEqual(["aaa😀", "b"]); // 4 code points, 5 UTF-16 units
    expect(splitMessage("aaaa😀", { maxLength: 4 })).toEqual(["aaaa", "😀"]);
    expect(splitMessage("ab<@123456>", { maxLength: 9 })).toEqual(["ab", "<@123456>"]);
    expect(splitMessage("a<a:x:1>", { maxLength: 7 })).toEqual(["a", "<a:x:1>"]);
    expect(splitMessage("abc\\*d", { maxLength: 4 })).toEqual(["abc", "\\*d"]);
    expect(splitMessage("ab\\ cd", { maxLength: 4 })).toEqual(["ab\\ ", "cd"]); // an escaped space is no place to cut at
  });

  it("regression: a cut at the text's last character (a space) leaves no empty piece", () => {
    const text = `<@&1000000000000000000><@1000000000000000000><a:aa:1000000000000000000> `;
    expect(splitMessage(text, { maxLength: 71 })).toEqual([text.slice(0, 71)]);
    expect(splitMessage("abcd\n", { maxLength: 4 })).toEqual(["abcd"]);
  });

  it("cuts a token longer than maxLength rather than exceed it (but not inside a pair)", () => {
    const pieces = splitMessage("<@123456789>", { maxLength: 5 });
    expect(pieces.join("")).toBe("<@123456789>");
    expect(pieces.every((part) => [...part].length <= 5)).toBe(true);
    expect(splitMessage("😀😀😀", { maxLength: 2 })).toEqual(["😀😀", "😀"]);
  });

  it("rejects a maxLength below 2 with REST_INVALID_ARGUMENT", () => {
    for (const maxLength of [1, 0, 2.5, Number.NaN]) expect(() => splitMessage("abc", { maxLength })).toThrow(expect.objectContaining({ code: "REST_INVALID_ARGUMENT" }) as Error);
  });

  it("property: pieces fit, reassemble the input modulo the separators cut at, and keep tokens and pairs whole", () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 40, max: 200 }), (text, maxLength) => {
        const pieces = splitMessage(text, { maxLength });
        expect(pieces.every((part) => part.length >= 1 && [...part].length <= maxLength)).toBe(true);
        expect(reassembles(text, pieces)).toBe(true);
        for (const at of cuts(text, pieces)) {
          const before = text.charCodeAt(at - 1);
          const after = text.charCodeAt(at);
          expect(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff).toBe(false);
          for (const token of text.matchAll(TOKENS)) {
            expect(at > token.index && at < token.index + token[0].length).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("property: even with a tiny maxLength, pieces fit and reassemble the input, and no surrogate pair is cut", () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 2, max: 30 }), (text, maxLength) => {
        const pieces = splitMessage(text, { maxLength });
        expect(pieces.every((part) => part.length >= 1 && [...part].length <= maxLength)).toBe(true);
        expect(reassembles(text, pieces)).toBe(true);
        for (const part of pieces) {
          expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(part)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("property: with Discord's 2000 limit, every piece is sendable and nothing is lost", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), (parts) => {
        const text = parts.join("\n");
        const pieces = splitMessage(text);
        expect(pieces.every((part) => [...part].length <= 2000)).toBe(true);
        expect(reassembles(text, pieces)).toBe(true);
        if ([...text].length <= 2000) expect(pieces).toEqual(text === "" ? [] : [text]);
      }),
      { numRuns: 100 },
    );
  });

  it("regression: length was counted in UTF-16 units, so 2000 emoji (one Discord message) were split in two; now in code points", () => {
    const emoji = "👍".repeat(2000);
    expect(splitMessage(emoji)).toEqual([emoji]);
    expect(codePointLength(emoji)).toBe(2000);
    const pieces = splitMessage(`${emoji}👍`);
    expect(pieces.map((piece) => codePointLength(piece))).toEqual([2000, 1]);
    expect(pieces.join("")).toBe(`${emoji}👍`);
    expect(splitMessage("a😀b😀c😀d", { maxLength: 3 })).toEqual(["a😀b", "😀c😀", "d"]);
    expect(codePointLength("\ud800x")).toBe(2); // a lone surrogate counts as one
  });
});
