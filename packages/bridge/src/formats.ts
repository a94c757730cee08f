import { readFile } from "node:fs/promises";
import { BridgeError } from "./BridgeError.js";
import type { EchoFields } from "./GameServer.js";
import { parseJson } from "./parseJson.js";
import { escapeForDiscord } from "./sanitize.js";

/**
 * How urgent an echo line is. `admin` lines (administrator traffic, reports) are never
 * coalesced or dropped; `high` ones are never coalesced; `normal` and `low` ones may be
 * coalesced (with a `coalesce` label) or dropped under overload, `low` first.
 */
export type EchoPriority = "admin" | "high" | "normal" | "low";

/** Every {@link EchoPriority}, most urgent first. */
export const ECHO_PRIORITIES: readonly EchoPriority[] = ["admin", "high", "normal", "low"];

/** How one echo tag is shown on Discord. */
export interface EchoFormat {
  /** Channel role (`echo`, `admin`, `reports`, …, see `discord.channels`). */
  readonly channel: string;
  /** Discord markdown with `{field}` placeholders; field values are escaped. */
  readonly template: string;
  readonly priority: EchoPriority;
  /** Label for coalesced lines under overload: `"joins"` → `… and 37 more joins`. */
  readonly coalesce?: string;
}

/** Formats by tag. */
export type EchoFormats = ReadonlyMap<string, EchoFormat>;

/** An echo line ready for the outbox. */
export interface FormattedEcho {
  readonly channel: string;
  readonly text: string;
  readonly priority: EchoPriority;
  /** The coalesce label, or `null` when the line is never coalesced. */
  readonly coalesceKey: string | null;
}

const FIELDS = new Set(["channel", "template", "priority", "coalesce"]);
const NAME = /^[A-Za-z][\w-]*$/;
const PLACEHOLDER = /\{([A-Za-z_]\w*)\}/g;
const MAX_TEMPLATE_LENGTH = 1000;

function invalid(tag: string | undefined, field: string, message: string): BridgeError {
  return new BridgeError("BRIDGE_FORMATS_INVALID", message, { field, ...(tag === undefined ? {} : { tag }) });
}

/**
 * Validates a formats file: an object of tag → {@link EchoFormat}. A JSON string is parsed
 * first. Unknown fields are errors (formats are ours to write).
 * @throws {@link BridgeError} `BRIDGE_FORMATS_INVALID` naming the tag and field, or `BRIDGE_CONFIG_MALFORMED`
 */
export function parseFormats(json: unknown): EchoFormats {
  const root = typeof json === "string" ? parseJson(json, "the formats file") : json;
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    throw invalid(undefined, "(root)", "a formats file must be an object of echo tags to formats");
  }
  const formats = new Map<string, EchoFormat>();
  for (const [tag, entry] of Object.entries(root)) {
    if (!NAME.test(tag)) throw invalid(tag, "(tag)", `formats tag "${tag}" must consist of letters, digits, - and _`);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw invalid(tag, "(tag)", `formats.${tag} must be an object with channel, template and priority`);
    }
    const fields = entry as Record<string, unknown>;
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
    if (typeof priority !== "string" || !(["admin", "high", "normal", "low"] as unknown[]).includes(priority)) {
      throw invalid(tag, "priority", `formats.${tag}.priority must be one of admin, high, normal, low`);
    }
    if (coalesce !== undefined) {
      if (typeof coalesce !== "string" || coalesce.trim() === "" || coalesce.length > 50) {
        throw invalid(tag, "coalesce", `formats.${tag}.coalesce must be a short label such as "joins"`);
      }
      if (priority === "admin" || priority === "high") {
        throw invalid(tag, "coalesce", `formats.${tag}.coalesce is only allowed on normal and low priority (${priority} lines are never coalesced)`);
      }
    }
    const format: EchoFormat = { channel, template, priority: priority as EchoPriority };
    formats.set(tag, coalesce === undefined ? format : { ...format, coalesce });
  }
  return formats;
}

/**
 * Reads and validates a formats file.
 * @throws {@link BridgeError} `BRIDGE_CONFIG_UNREADABLE`, `BRIDGE_CONFIG_MALFORMED` or `BRIDGE_FORMATS_INVALID`
 */
export async function loadFormats(path: string): Promise<EchoFormats> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new BridgeError("BRIDGE_CONFIG_UNREADABLE", `cannot read formats file ${path} (${code})`, { cause: error });
  }
  return parseFormats(parseJson(text, path));
}

/** `overrides` on top of `base`: a tag in both takes the override. */
export function mergeFormats(base: EchoFormats, overrides: EchoFormats): EchoFormats {
  return new Map([...base, ...overrides]);
}

/**
 * Formats an echo line for Discord, or returns `null` for a tag without a format. Field
 * values are escaped with {@link escapeForDiscord}; a placeholder without a field becomes `?`.
 */
export function formatEcho(tag: string, fields: EchoFields, formats: EchoFormats): FormattedEcho | null {
  const format = formats.get(tag);
  if (format === undefined) return null;
  const text = format.template.replace(PLACEHOLDER, (_, name: string) => {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    return value === undefined ? "?" : escapeForDiscord(String(value));
  });
  return { channel: format.channel, text, priority: format.priority, coalesceKey: format.coalesce ?? null };
}
