import type { EchoParam } from "@nuwani/game";

/** The marker that starts an echo line in the server log (after any timestamp/level prefix). */
export const ECHO_MARKER = "[nuwani] ";

const TAG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const STRING_MARK = "\\s";
const NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?$/;

/**
 * Escapes one echo parameter: `\` → `\\`, tab → `\t`, line feed → `\n`, carriage return → `\r`.
 */
export function escapeEchoParam(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** Undoes {@link escapeEchoParam}; an unknown escape `\x` stays as it is, a lone trailing `\` too. */
export function unescapeEchoParam(value: string): string {
  return value.replace(/\\([\\tnr])/g, (_, c: string) => (c === "\\" ? "\\" : c === "t" ? "\t" : c === "n" ? "\n" : "\r"));
}

/**
 * Formats an echo line as the Pawn include prints it: `[nuwani] tag<TAB>param1<TAB>param2…`,
 * each parameter escaped (`\` → `\\`, tab → `\t`, line feed → `\n`, carriage return → `\r`). For
 * tests and non-Pawn gamemodes.
 */
export function formatEchoLine(tag: string, params: readonly EchoParam[]): string {
  if (!TAG.test(tag)) throw new RangeError("an echo tag is 1–64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
  const fields = params.map((param) => {
    if (typeof param === "number") {
      if (!Number.isFinite(param)) throw new RangeError("an echo number must be finite");
      return String(param);
    }
    // A string that reads as a number is marked `\s` so that it stays a string.
    return (NUMBER.test(param) ? STRING_MARK : "") + escapeEchoParam(param);
  });
  return [ECHO_MARKER + tag, ...fields].join("\t");
}

/**
 * Parses the part of a log line after {@link ECHO_MARKER}: the tag, then tab-separated
 * parameters, unescaped. A parameter in canonical number form (`42`, `-7`, `3.5`; no leading
 * zeros, no `+`, at most 15 digits each side) becomes a number, unless marked with a leading
 * `\s` (then it is the string after the mark); everything else stays a string.
 * Returns `undefined` for a malformed tag.
 */
export function parseEchoBody(body: string): { tag: string; params: EchoParam[] } | undefined {
  const fields = body.split("\t");
  const tag = fields[0]!;
  if (!TAG.test(tag)) return undefined;
  const params = fields.slice(1).map((field): EchoParam => {
    if (field.startsWith(STRING_MARK)) return unescapeEchoParam(field.slice(STRING_MARK.length));
    return NUMBER.test(field) ? Number(field) : unescapeEchoParam(field);
  });
  return { tag, params };
}
