import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { BridgeError } from "./BridgeError.js";

/**
 * Parses JSON text. On a syntax error it throws a {@link BridgeError}
 * (`BRIDGE_CONFIG_MALFORMED`) that names the line and column (1-based) but never quotes the
 * text: V8's own message may contain a slice of the source, which can hold the token, so the
 * original `SyntaxError` is not kept as `cause` either.
 * @param text - the JSON text; a leading byte order mark is ignored
 * @param what - how the message names the source, e.g. `nuwani.json`
 */
export function parseJson(text: string, what: string): unknown {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    const reported = /at position (\d+)/.exec(message);
    const offset = reported?.[1] !== undefined ? Number(reported[1]) : errorOffset(source);
    const { line, column } = lineAndColumn(source, offset);
    throw new BridgeError("BRIDGE_CONFIG_MALFORMED", `${what} is not valid JSON (line ${line}, column ${column})`, {
      line,
      column,
    });
  }
}

/** Errors of the scanner, reported on a whole token: the failure is where the token stops being valid, at its end. */
const TOKEN_ERRORS: ReadonlySet<string> = new Set(["InvalidSymbol", "InvalidNumberFormat", "UnexpectedEndOfString", "UnexpectedEndOfNumber", "InvalidUnicode", "InvalidCharacter"]);

/**
 * Offset of the first syntax error in `text`, by `jsonc-parser` in strict JSON mode (no
 * comments, no trailing commas), for the errors whose V8 message names no position (an invalid
 * literal such as `tru`, an unexpected token, empty input). The end of the text when it finds none.
 */
function errorOffset(text: string): number {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return text.length;
  return TOKEN_ERRORS.has(printParseErrorCode(first.error)) ? first.offset + first.length : first.offset;
}

/** 1-based line and column (in UTF-16 units) of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
