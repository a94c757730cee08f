import { GAME_LINE_LENGTH } from "@nuwani/game";
import { splitText } from "@nuwani/util";


// Line breaks and tabs become spaces; other controls (C0, DEL, C1, bidi overrides, lone
// surrogates) are removed.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROLS = /[\p{Cc}\p{Cs}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
const COLOUR_CODE = /\{[0-9A-Fa-f]{6}\}/g;

/**
 * Makes text safe to put into an RCON command: line breaks and tabs become spaces, other
 * control characters go, SA-MP colour codes (`{RRGGBB}`) are removed repeatedly (so removing
 * one cannot join the halves of another), whitespace runs collapse and the ends are trimmed.
 */
export function sanitizeGameText(text: string): string {
  let current = text.replace(LINE_BREAKS, " ").replace(CONTROLS, "");
  let previous: string;
  do {
    previous = current;
    current = current.replace(COLOUR_CODE, "");
  } while (current !== previous);
  return current.replace(/\s+/gu, " ").trim();
}

/**
 * Splits one line of text into lines of at most `lineLength` characters, at the last space
 * that fits when there is one, otherwise at a code point boundary.
 * @deprecated Use `splitText(text, maxUnits)` of `@nuwani/util`, which this calls.
 * @param lineLength - @defaultValue {@link GAME_LINE_LENGTH}
 * @throws `UtilError` (a `RangeError`) `UTIL_INVALID_OPTION` unless `lineLength` is an integer ≥ 2
 */
export function splitGameLines(text: string, lineLength: number = GAME_LINE_LENGTH): string[] {
  return splitText(text, lineLength);
}
