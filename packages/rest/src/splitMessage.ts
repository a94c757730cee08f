import { RestError } from "./RestError.js";

/** Options of {@link splitMessage}. */
export interface SplitMessageOptions {
  /**
   * The longest piece, in Unicode code points, as Discord counts (`"👍"` is one, though its
   * JavaScript `.length` is 2).
   * @defaultValue 2000
   */
  maxLength?: number;
}

/**
 * What must stay in one piece: user, nickname, role and channel mentions, custom emoji, and
 * a markdown escape (a backslash and the code point it escapes).
 */
const TOKENS = /<@!?\d+>|<@&\d+>|<#\d+>|<a?:\w+:\d+>|\\[\s\S]/gu;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The index `count` code points after `from` (at most `text.length`). */
function advance(text: string, from: number, count: number): number {
  let index = from;
  for (let n = 0; n < count && index < text.length; n++) {
    index += isHighSurrogate(text.charCodeAt(index)) && isLowSurrogate(text.charCodeAt(index + 1)) ? 2 : 1;
  }
  return index;
}

/** How many code points `text` has, as Discord counts a message's length. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    count++;
  }
  return count;
}

/**
 * Splits a message into pieces of at most `maxLength` code points for Discord's 2000
 * character limit (Discord counts code points, so 2000 emoji fit in one message). It cuts at the last line break that fits, else at the last space, else
 * anywhere; the line break or space cut at is dropped, nothing else is. It never cuts
 * inside a surrogate pair, a mention (`<@123>`, `<@!123>`, `<@&123>`, `<#123>`), a custom
 * emoji (`<:name:id>`, `<a:name:id>`) or a markdown escape (`\*`), unless such a token is
 * itself longer than `maxLength`.
 *
 * @returns the pieces: `[text]` when it fits, `[]` for an empty text
 */
export function splitMessage(text: string, options: SplitMessageOptions = {}): string[] {
  const maxLength = options.maxLength ?? 2000;
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw new RestError("REST_INVALID_ARGUMENT", `maxLength must be an integer ≥ 2, got ${maxLength}`);
  }
  if (text === "") return [];
  if (text.length <= maxLength || codePointLength(text) <= maxLength) return [text];

  // blocked[i]: cutting between text[i - 1] and text[i] would break a token or a pair.
  const blocked = new Uint8Array(text.length + 1);
  for (let i = 1; i < text.length; i++) {
    if (isHighSurrogate(text.charCodeAt(i - 1)) && isLowSurrogate(text.charCodeAt(i))) blocked[i] = 1;
  }
  for (const match of text.matchAll(TOKENS)) {
    const end = match.index + match[0].length;
    for (let i = match.index + 1; i < end; i++) blocked[i] = 1;
  }

  const pieces: string[] = [];
  let start = 0;
  for (;;) {
    const limit = advance(text, start, maxLength); // the piece is text[start, cut) with cut ≤ limit
    if (limit >= text.length) break; // the rest fits
    let cut = -1;
    let skip = 0;
    for (const separator of ["\n", " "]) {
      for (let i = limit; i > start; i--) {
        if (text[i] === separator && blocked[i] === 0 && blocked[i + 1] === 0) {
          cut = i;
          skip = 1;
          break;
        }
      }
      if (cut !== -1) break;
    }
    if (cut === -1) {
      for (let i = limit; i > start; i--) {
        if (blocked[i] === 0) {
          cut = i;
          break;
        }
      }
    }
    if (cut === -1) {
      // A token longer than maxLength: cut it, but still not inside a surrogate pair.
      cut = isHighSurrogate(text.charCodeAt(limit - 1)) && isLowSurrogate(text.charCodeAt(limit)) ? limit - 1 : limit;
    }
    pieces.push(text.slice(start, cut));
    start = cut + skip;
  }
  // The cut may have dropped the text's last character (a line break or space): no empty piece.
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}
