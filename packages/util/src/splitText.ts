import { UtilError } from "./UtilError.js";

/** `text` cut to at most `length` UTF-16 units, never between the halves of a surrogate pair. */
export function truncateUnits(text: string, length: number): string {
  if (text.length <= length) return text;
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

/**
 * Splits one line of text into lines of at most `maxUnits` UTF-16 units (the unit a game's
 * chat line is measured in): at the last space that fits when there is one, otherwise at a
 * code point boundary. Spaces at the cuts and at both ends are dropped; nothing else is.
 *
 * @returns the lines; `[]` for a text that is empty or only spaces
 * @throws {@link UtilError} `UTIL_INVALID_OPTION` unless `maxUnits` is an integer ≥ 2
 */
export function splitText(text: string, maxUnits: number): string[] {
  if (!Number.isInteger(maxUnits) || maxUnits < 2) {
    throw new UtilError("UTIL_INVALID_OPTION", `maxUnits must be an integer of at least 2, got ${String(maxUnits)}`);
  }
  const lines: string[] = [];
  let rest = text.trim();
  while (rest.length > maxUnits) {
    const space = rest.lastIndexOf(" ", maxUnits);
    const line = space > 0 ? rest.slice(0, space) : truncateUnits(rest, maxUnits);
    lines.push(line.trimEnd());
    rest = rest.slice(line.length).trimStart();
  }
  if (rest !== "") lines.push(rest);
  return lines;
}
