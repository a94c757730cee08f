import { readFile } from "node:fs/promises";
import { isRecord } from "@nuwani/util";
import { BridgeError } from "./BridgeError.js";
import { compileLvpFormat, renderLvpFormat } from "./lvpFormat.js";
import { checkCoalesce, isEchoPriority, tooFewParameters, type EchoFormat, type EchoParams, type FormattedEcho } from "./echoFormat.js";
import { compileLvpEcho, type LvpFormatOptions } from "./lvpFormats.js";
import { parseJson } from "./parseJson.js";
import { escapeForDiscord } from "./sanitize.js";

export { ECHO_PRIORITIES, type EchoFormat, type EchoParams, type EchoPriority, type FormattedEcho } from "./echoFormat.js";

/** Formats by tag. */
export type EchoFormats = ReadonlyMap<string, EchoFormat>;

/** Options of {@link parseFormats} and {@link loadFormats}: how LVP's format strings route. */
export type FormatsOptions = LvpFormatOptions;

const FIELDS = new Set(["channel", "template", "priority", "coalesce"]);
const NAME = /^[A-Za-z][\w-]*$/;
const MAX_TEMPLATE_LENGTH = 1000;

function invalid(tag: string | undefined, field: string, message: string): BridgeError {
  return new BridgeError("BRIDGE_FORMATS_INVALID", message, { field, ...(tag === undefined ? {} : { tag }) });
}

/** A bridge entry: Discord markdown around LVP placeholders; each parameter is escaped. */
function compileBridgeFormat(tag: string, fields: Record<string, unknown>): EchoFormat {
  for (const key of Object.keys(fields)) {
    if (!FIELDS.has(key)) throw invalid(tag, key, `formats.${tag}.${key} is not a known field (channel, template, priority, coalesce)`);
  }
  const { channel, template, priority, coalesce } = fields;
  if (typeof channel !== "string" || !NAME.test(channel)) {
    throw invalid(tag, "channel", `formats.${tag}.channel must be a channel role such as "echo" or "admin"`);
  }
  if (typeof template !== "string" || template.trim() === "" || template.length > MAX_TEMPLATE_LENGTH) {
    throw invalid(tag, "template", `formats.${tag}.template must be a non-empty string of at most ${MAX_TEMPLATE_LENGTH} characters`);
  }
  if (!isEchoPriority(priority)) {
    throw invalid(tag, "priority", `formats.${tag}.priority must be one of admin, high, normal, low`);
  }
  const label = checkCoalesce(tag, priority, coalesce, `formats.${tag}`);
  const compiled = compileLvpFormat(template, tag);
  return {
    source: template,
    syntax: "bridge",
    priority,
    coalesce: label,
    render(params) {
      const text = renderLvpFormat(compiled, params, escapeForDiscord);
      if (text === undefined) throw tooFewParameters(tag, compiled.required, params.length);
      if (text.trim() === "") return null;
      return { kind: "message", channel, text, priority, coalesceKey: label ?? null };
    },
  };
}

/**
 * Validates and compiles a formats file: an object of echo tag → format. A JSON string is
 * parsed first. Two kinds of entries, mixed freely:
 *
 * - the bridge's own, `{ "channel": "echo", "template": "➡️ **%{1}s** joined", "priority": "low", "coalesce": "joins" }`:
 *   the template is Discord markdown with LVP's placeholders (`%s`, `%d`, `%$`, `%{n}s`, …,
 *   see `formatLvp`), each parameter escaped;
 * - LVP's own, a string as in LVP's `irc_messages.json`, e.g. `"<prefix:%>*** %s (Id:%d)"`:
 *   plain text (escaped as a whole), `<color:N>` dropped, `<prefix:…>`/`<target:…>`/`<command:…>`
 *   routed as `options` say (see {@link FormatsOptions}).
 *
 * So LVP's `irc_messages.json` loads as it is. Unknown fields are errors (formats are ours to write).
 * @throws {@link BridgeError} `BRIDGE_FORMATS_INVALID` naming the tag and field, or `BRIDGE_CONFIG_MALFORMED`
 */
export function parseFormats(json: unknown, options: FormatsOptions = {}): EchoFormats {
  const root = typeof json === "string" ? parseJson(json, "the formats file") : json;
  if (!isRecord(root)) throw invalid(undefined, "(root)", "a formats file must be an object of echo tags to formats");
  const formats = new Map<string, EchoFormat>();
  for (const [tag, entry] of Object.entries(root)) {
    if (!NAME.test(tag)) throw invalid(tag, "(tag)", `formats tag "${tag}" must consist of letters, digits, - and _`);
    if (typeof entry === "string") {
      formats.set(tag, compileLvpEcho(tag, entry, options));
    } else if (isRecord(entry)) {
      formats.set(tag, compileBridgeFormat(tag, entry));
    } else {
      throw invalid(tag, "(tag)", `formats.${tag} must be an LVP format string or an object with channel, template and priority`);
    }
  }
  return formats;
}

/**
 * Reads and compiles a formats file (see {@link parseFormats}), e.g. LVP's `data/irc_messages.json`.
 * @throws {@link BridgeError} `BRIDGE_CONFIG_UNREADABLE`, `BRIDGE_CONFIG_MALFORMED` or `BRIDGE_FORMATS_INVALID`
 */
export async function loadFormats(path: string, options: FormatsOptions = {}): Promise<EchoFormats> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new BridgeError("BRIDGE_CONFIG_UNREADABLE", `cannot read formats file ${path} (${code})`, { cause: error });
  }
  return parseFormats(parseJson(text, path), options);
}

/** `overrides` on top of `base`: a tag in both takes the override. */
export function mergeFormats(base: EchoFormats, overrides: EchoFormats): EchoFormats {
  return new Map([...base, ...overrides]);
}

/**
 * Formats one echo call for Discord: `null` for a tag without a format (or a line that renders
 * empty). Parameters are positional, in the gamemode's order.
 * @throws {@link BridgeError} `BRIDGE_ECHO_INVALID` naming the tag: too few parameters, or a
 *   per-call target that names no mapped channel and no valid member name
 */
export function formatEcho(tag: string, params: EchoParams, formats: EchoFormats): FormattedEcho | null {
  const format = formats.get(tag);
  if (format === undefined) return null;
  return format.render(params);
}
