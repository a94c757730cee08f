/**
 * LVP's string formatter (`javascript/base/format.js` in `LVPlayground/playground`), written
 * again: `sprintf`-like placeholders with LVP's number rules. The echo formats of
 * `irc_messages.json` and the bridge's own templates use it.
 *
 * | placeholder | value |
 * |---|---|
 * | `%s` | the parameter as given (a precision caps its length); LVP's quirk: an empty string or the number `0` shows nothing |
 * | `%d`, `%i` | `parseInt` of the parameter (a float is truncated), en-US grouping: `2,500,000` |
 * | `%f` | `parseFloat`, at most 2 decimals (or the precision), en-US grouping; `NaN` when not a number |
 * | `%$` | money: `parseInt`, `$2,500,000`, negative `-$2,500` |
 * | `%b`, `%o`, `%x`, `%X` | binary, octal, hexadecimal |
 * | `%%` | a `%` |
 *
 * Modifiers, in this order: `{n}` the n-th parameter (0-based; placeholders without it take
 * the next one in order, independently), `+` a forced sign, `0` or `'c` a padding character,
 * `-` left alignment, a width, `.p` a precision.
 */
import { BridgeError } from "./BridgeError.js";
import type { EchoParam as Param } from "@nuwani/game";

/** A piece of a compiled format: literal text, or a placeholder. */
export type LvpFormatPart =
  | { readonly kind: "text"; readonly text: string }
  | {
      readonly kind: "placeholder";
      readonly type: string;
      readonly index: number | undefined;
      readonly sign: boolean;
      readonly padding: string | undefined;
      readonly leftAlign: boolean;
      readonly width: number | undefined;
      readonly precision: number | undefined;
    };

/** A format compiled by {@link compileLvpFormat}. */
export interface CompiledLvpFormat {
  readonly parts: readonly LvpFormatPart[];
  /** How many parameters a call needs at least: the sequential placeholders, and 1 + the highest index. */
  readonly required: number;
}

const PLACEHOLDER = /^(?:\{(\d+)\})?(\+)?(0|'[^$])?(-)?(\d+)?(?:\.(\d+))?([bdfoisxX$])/;
const NUMERIC = new Set(["d", "i", "f", "$"]);
const MAX_INDEX = 99;
const MAX_WIDTH = 200;

// Created on first use: Intl formatters are costly, and most processes never format.
let numberFormat: Intl.NumberFormat | undefined;
let currencyFormat: Intl.NumberFormat | undefined;

function formatNumber(value: number): string {
  numberFormat ??= new Intl.NumberFormat("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  return numberFormat.format(value);
}

function formatMoney(value: number): string {
  currencyFormat ??= new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 0, maximumFractionDigits: 0 });
  return currencyFormat.format(value);
}

function invalidFormat(tag: string, message: string): BridgeError {
  return new BridgeError("BRIDGE_FORMATS_INVALID", `formats.${tag}: ${message}`, { tag, field: "template" });
}

/**
 * Compiles an LVP format string. The syntax errors LVP's formatter throws on at run time are
 * found here, at load time: a `%` at the end, an unknown placeholder, a named (`%{name}s`) or
 * optioned placeholder (the echo passes positional parameters only).
 * @param tag - the echo tag, named in errors
 * @throws {@link BridgeError} `BRIDGE_FORMATS_INVALID` naming `tag`, field `template`
 */
export function compileLvpFormat(format: string, tag: string): CompiledLvpFormat {
  const parts: LvpFormatPart[] = [];
  let text = "";
  let sequential = 0;
  let highest = -1;
  for (let index = 0; index < format.length; index++) {
    const character = format[index];
    if (character !== "%") {
      text += character;
      continue;
    }
    const rest = format.slice(index + 1);
    if (rest === "") throw invalidFormat(tag, "a % at the end (write %% for a percent sign)");
    if (rest.startsWith("%")) {
      text += "%";
      index++;
      continue;
    }
    const match = PLACEHOLDER.exec(rest);
    if (match === null) {
      const shown = rest.slice(0, 12);
      throw invalidFormat(tag, `unknown placeholder "%${shown}" (use %s, %d, %f, %$, %{n}s, … or %% for a percent sign)`);
    }
    const [whole, position, sign, padding, leftAlign, width, precision, type] = match;
    const explicit = position === undefined ? undefined : Number(position);
    if (explicit !== undefined && explicit > MAX_INDEX) throw invalidFormat(tag, `parameter index ${explicit} is above ${MAX_INDEX}`);
    const widthValue = width === undefined ? undefined : Number(width);
    if (widthValue !== undefined && widthValue > MAX_WIDTH) throw invalidFormat(tag, `width ${widthValue} is above ${MAX_WIDTH}`);
    if (text !== "") parts.push({ kind: "text", text });
    text = "";
    parts.push({
      kind: "placeholder",
      type: type!,
      index: explicit,
      sign: sign !== undefined,
      padding: padding?.replace(/^'/, ""),
      leftAlign: leftAlign !== undefined,
      width: widthValue,
      precision: precision === undefined ? undefined : Math.min(Number(precision), 100),
    });
    if (explicit === undefined) sequential++;
    else highest = Math.max(highest, explicit);
    index += whole.length;
  }
  if (text !== "") parts.push({ kind: "text", text });
  return { parts, required: Math.max(sequential, highest + 1) };
}

/** What a placeholder shows before sign and padding, as LVP's formatter computes it. */
function valueOf(type: string, parameter: Param, precision: number | undefined): string | number {
  const text = String(parameter);
  switch (type) {
    case "b":
      return parseInt(text, 10).toString(2);
    case "d":
    case "i":
      return formatNumber(parseInt(text, 10));
    case "f": {
      const value = parseFloat(text);
      if (Number.isNaN(value)) return "NaN";
      if (precision === undefined) return formatNumber(value);
      return new Intl.NumberFormat("en-US", { maximumFractionDigits: Math.min(precision, 100) }).format(value);
    }
    case "o":
      return parseInt(text, 10).toString(8);
    case "x":
      return (parseInt(text, 10) >>> 0).toString(16);
    case "X":
      return (parseInt(text, 10) >>> 0).toString(16).toUpperCase();
    case "$":
      return formatMoney(parseInt(text, 10));
    default: // "s"
      return precision === undefined ? parameter : text.slice(0, precision);
  }
}

/**
 * Renders a compiled format with `params`, as LVP's `format()` would. `transform` sees each
 * substituted value (the bridge escapes them for Discord); literal text passes unchanged.
 * Returns `undefined` when `params` are too few (LVP throws then).
 */
export function renderLvpFormat(compiled: CompiledLvpFormat, params: readonly Param[], transform: (value: string) => string = (value) => value): string | undefined {
  if (params.length < compiled.required) return undefined;
  let next = 0;
  let out = "";
  for (const part of compiled.parts) {
    if (part.kind === "text") {
      out += part.text;
      continue;
    }
    const parameter = part.index === undefined ? params[next++] : params[part.index];
    if (parameter === undefined) return undefined;
    const value = valueOf(part.type, parameter, part.precision);
    // LVP's formatter shows nothing for a falsy value (an empty string, or 0 or NaN given to %s).
    if (value === "" || value === 0 || Number.isNaN(value)) continue;
    const numeric = NUMERIC.has(part.type);
    const negative = numeric && Number(parameter) < 0;
    const sign = numeric ? (negative ? "-" : part.sign ? "+" : "") : "";
    const string = negative ? String(value).slice(1) : String(value);
    const paddingLength = part.width === undefined ? 0 : part.width - sign.length - string.length;
    let shown: string;
    if (paddingLength > 0) {
      const character = part.padding ?? " ";
      const padding = character.repeat(paddingLength);
      if (part.leftAlign) shown = sign + string + padding;
      else if (character === "0") shown = sign + padding + string;
      else shown = padding + sign + string;
    } else {
      shown = sign + string;
    }
    out += transform(shown);
  }
  return out;
}

/**
 * Formats `format` with `params` exactly as LVP's `format()` does (for the placeholders
 * above), for plain text. Returns `undefined` when `params` are too few.
 * @throws {@link BridgeError} `BRIDGE_FORMATS_INVALID` when `format` is malformed
 */
export function formatLvp(format: string, params: readonly Param[]): string | undefined {
  return renderLvpFormat(compileLvpFormat(format, "(format)"), params);
}
