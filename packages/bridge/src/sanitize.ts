/**
 * Text crossing between Discord and the game. Discord → game: no colour codes (`{RRGGBB}`),
 * no control characters, one line at a time at most the game's line length. Game → Discord:
 * markdown escaped, mentions and `@everyone`/`@here` neutralised, one line per line.
 */

import { GAME_LINE_LENGTH } from "@nuwani/game";
import { splitText, truncateUnits } from "@nuwani/util";

const ZERO_WIDTH_SPACE = "\u200B";
// Line breaks and tabs become spaces; the rest of the controls (C0, DEL, C1, bidi overrides,
// lone surrogates) are removed.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROLS = /[\p{Cc}\p{Cs}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
const COLOUR_CODE = /\{[0-9A-Fa-f]{6}\}/g;
// Invisible characters that can hide or disguise text in game: zero-width space, non-joiner
// and joiner, word joiner and the invisible operators, the byte-order mark, the Mongolian
// vowel separator, the soft hyphen, the combining grapheme joiner, Hangul fillers, and the
// interlinear annotation and tag characters.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|\u034F|\u115F|\u1160|\uDB40[\uDC00-\uDC7F]/g;

/** Removes control characters (line breaks and tabs become spaces), bidi controls included. */
export function stripControlCharacters(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(CONTROLS, "");
}

/** Removes zero-width and other invisible characters (see the source for the list). */
export function stripInvisibleCharacters(text: string): string {
  return text.replace(INVISIBLE, "");
}

/**
 * Removes SA-MP colour codes (`{RRGGBB}`), repeatedly, so that removing one cannot join the
 * halves of another (`{FF{000000}0000}`).
 */
export function stripColourCodes(text: string): string {
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = current.replace(COLOUR_CODE, "");
  } while (current !== previous);
  return current;
}

/** Options of {@link sanitizeForGame}. */
export interface SanitizeForGameOptions {
  /** Longest result, in characters; longer text is cut and ends in `…`. @defaultValue 432 (three game lines) */
  readonly maxLength?: number;
}

/**
 * Makes Discord text safe for the game: custom emoji become `:name:`, control characters (bidi
 * controls included), zero-width and other invisible characters, and colour codes are removed, whitespace runs collapse to one space, and the result is trimmed
 * and capped at `maxLength` (ending in `…` when cut).
 */
export function sanitizeForGame(text: string, options: SanitizeForGameOptions = {}): string {
  const { maxLength = 3 * GAME_LINE_LENGTH } = options;
  const plain = stripColourCodes(stripInvisibleCharacters(stripControlCharacters(text.replace(/<a?(:\w+:)\d+>/g, "$1"))));
  const collapsed = plain.replace(/\s+/gu, " ").trim();
  if (collapsed.length <= maxLength) return collapsed;
  return `${truncateUnits(collapsed, Math.max(0, maxLength - 1)).trimEnd()}…`;
}

/**
 * Splits one line of game text into lines of at most `lineLength` characters, at the last
 * space that fits when there is one, otherwise at a code point boundary (`splitText` of
 * `@nuwani/util`); an empty text is one empty line.
 * @param lineLength - @defaultValue {@link GAME_LINE_LENGTH}
 * @throws RangeError (`UtilError` `UTIL_INVALID_OPTION`) unless `lineLength` is an integer of at least 2
 */
export function splitGameLines(text: string, lineLength: number = GAME_LINE_LENGTH): string[] {
  const lines = splitText(text, lineLength);
  return lines.length === 0 ? [""] : lines;
}

/** Options of {@link formatDiscordChat}. */
export interface FormatDiscordChatOptions {
  /** The game's line length. @defaultValue {@link GAME_LINE_LENGTH} */
  readonly lineLength?: number;
  /** Longest message text before it is cut with `…`. @defaultValue three game lines */
  readonly maxLength?: number;
  /** The prefix. @defaultValue `"[Discord]"` */
  readonly prefix?: string;
}

/**
 * Formats a Discord message for the game as `[Discord] name: text`, sanitised (the name is
 * capped at 32 characters) and split into game lines. Returns no lines when nothing is left
 * of the text.
 */
export function formatDiscordChat(name: string, text: string, options: FormatDiscordChatOptions = {}): string[] {
  const { lineLength = GAME_LINE_LENGTH, maxLength = 3 * lineLength, prefix = "[Discord]" } = options;
  const safeText = sanitizeForGame(text, { maxLength });
  if (safeText === "") return [];
  const safeName = sanitizeForGame(name, { maxLength: 32 }) || "?";
  return splitGameLines(`${prefix} ${safeName}: ${safeText}`, lineLength);
}

/**
 * Makes game text safe for Discord, on one line: control characters and colour codes are
 * removed; markdown (`\ * _ ~ ` | > < [ ] # -` and a leading `1.`) is backslash-escaped;
 * `@everyone` and `@here` get a zero-width space after the `@`; mention syntax (`<@id>`,
 * `<@&id>`, `<#id>`, `<:emoji:id>`, `<t:…>`) cannot form. Send it with
 * `allowed_mentions: { parse: [] }` as well.
 */
export function escapeForDiscord(text: string): string {
  const plain = stripColourCodes(stripControlCharacters(text)).replace(/ {2,}/g, " ");
  return plain
    .replace(/[\\*_~`|><[\]#-]/g, "\\$&")
    .replace(/^(\s*\d+)\./, "$1\\.")
    .replace(/@(?=(everyone|here))/giu, `@${ZERO_WIDTH_SPACE}`)
    .replace(/<(?=[@#:/]|a:|t:)/g, `<${ZERO_WIDTH_SPACE}`);
}
