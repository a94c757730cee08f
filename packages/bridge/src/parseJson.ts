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
    const offset = reported?.[1] !== undefined ? Number(reported[1]) : findJsonError(source);
    const { line, column } = lineAndColumn(source, offset);
    throw new BridgeError("BRIDGE_CONFIG_MALFORMED", `${what} is not valid JSON (line ${line}, column ${column})`, {
      line,
      column,
    });
  }
}

/** 1-based line and column (in UTF-16 units) of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Offset of the first JSON syntax error in `text` (a small recursive-descent scanner). */
function findJsonError(text: string): number {
  let i = 0;
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const ws = (): void => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const string = (): void => {
    if (text[i] !== '"') fail();
    i++;
    for (;;) {
      const char = text[i];
      if (char === undefined || char < " ") fail();
      i++;
      if (char === '"') return;
      if (char === "\\") {
        const escape = text[i];
        if (escape === "u") {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? "")) fail();
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) i++;
        else fail();
      }
    }
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const char = text[i];
    if (char === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (char === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (char === '"') string();
    else if (char === "t") literal("true");
    else if (char === "f") literal("false");
    else if (char === "n") literal("null");
    else number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return text.length;
  } catch {
    return i;
  }
}
