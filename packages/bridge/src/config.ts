import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { BridgeError } from "./BridgeError.js";
import { parseJson } from "./parseJson.js";
import { isRecord } from "./isRecord.js";

/** The level a Discord role grants; a member's level is the highest of their roles'. */
export type DiscordLevel = "management" | "administrator" | "vip";

/** A channel or role named in `nuwani.json`: by snowflake id, or by name. */
export type DiscordReference = { readonly kind: "id"; readonly id: string } | { readonly kind: "name"; readonly name: string };

/**
 * The roles channels play. `echo` and `admin` are required; `reports` defaults to the admin
 * channel and `announcements` to the echo channel. Other keys are kept, so a formats file can
 * send a tag to a channel of its own (`"channel": "kills"`).
 */
export interface DiscordChannels {
  /** Public echo of the game; its messages reach every player in game. */
  readonly echo: DiscordReference;
  /** The administrators' channel; its messages reach in-game administrators. */
  readonly admin: DiscordReference;
  /** Player reports. @defaultValue the admin channel */
  readonly reports: DiscordReference;
  /** Announcements. @defaultValue the echo channel */
  readonly announcements: DiscordReference;
  /** Further channel roles for formats files. */
  readonly [role: string]: DiscordReference;
}

/** A role → level mapping from `discord.levels`. */
export interface DiscordLevelMapping {
  readonly role: DiscordReference;
  readonly level: DiscordLevel;
}

/** The `discord` section of `nuwani.json`, validated: Discord is on. */
export interface EnabledBridgeConfig {
  readonly enabled: true;
  /** The bot token (from `NUWANI_DISCORD_TOKEN` when set). A secret: never log it. */
  readonly token: string;
  /** The application's client id (a snowflake). */
  readonly clientId: string;
  /** The OAuth2 client secret, if configured. The bot does not need it. A secret. */
  readonly clientSecret: string | undefined;
  /** Gateway URL override (`ws://` or `wss://`); otherwise asked from Discord. */
  readonly endpoint: string | undefined;
  /** REST base URL override (`http://` or `https://`). */
  readonly api: string | undefined;
  /** Gateway and REST version. @defaultValue 6 */
  readonly version: 6 | 10;
  /** Gateway intents. @defaultValue {@link DEFAULT_INTENTS} on version 10, none on 6 */
  readonly intents: number | undefined;
  /** The guild (server) id the bridge serves. */
  readonly guild: string;
  /** Channels by role. */
  readonly channels: DiscordChannels;
  /** Role → level mappings, in file order. */
  readonly levels: readonly DiscordLevelMapping[];
  /** Prefix of commands from Discord. @defaultValue `"!"` */
  readonly commandPrefix: string;
  /** Absolute path of a formats file (resolved against the config file's directory). */
  readonly formats: string | undefined;
  /** Things that were ignored, e.g. unknown fields. */
  readonly warnings: readonly string[];
}

/** Why Discord is off. */
export type DisabledReason = "no-file" | "no-section" | "disabled";

/** Discord is off: nothing connects. */
export interface DisabledBridgeConfig {
  readonly enabled: false;
  readonly reason: DisabledReason;
  readonly warnings: readonly string[];
}

/** The result of {@link loadConfig} and {@link parseConfig}. */
export type BridgeConfig = EnabledBridgeConfig | DisabledBridgeConfig;

/** The environment variable whose value, when non-empty, is the token (it wins over the file). */
export const TOKEN_ENVIRONMENT_VARIABLE = "NUWANI_DISCORD_TOKEN";

/**
 * Intents used on version 10 when none are configured: GUILDS, GUILD_MEMBERS,
 * GUILD_PRESENCES, GUILD_MESSAGES and MESSAGE_CONTENT.
 */
export const DEFAULT_INTENTS = (1 << 0) | (1 << 1) | (1 << 8) | (1 << 9) | (1 << 15);

const KNOWN_FIELDS = new Set([
  "enabled",
  "token",
  "clientId",
  "clientSecret",
  "endpoint",
  "api",
  "version",
  "intents",
  "guild",
  "channels",
  "levels",
  "commandPrefix",
  "formats",
]);
const LEVELS: readonly DiscordLevel[] = ["management", "administrator", "vip"];
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads `nuwani.json` and returns its `discord` section, validated. No path, or no file at
 * the path: Discord is off. A relative `formats` path is resolved against the file's
 * directory.
 * @param path - path of `nuwani.json`, or `undefined` for none
 * @param env - the environment, for `NUWANI_DISCORD_TOKEN`. @defaultValue `process.env`
 * @throws {@link BridgeError} `BRIDGE_CONFIG_UNREADABLE`, `BRIDGE_CONFIG_MALFORMED` or `BRIDGE_CONFIG_INVALID`
 */
export async function loadConfig(path: string | undefined, env: Environment = process.env): Promise<BridgeConfig> {
  if (path === undefined) return { enabled: false, reason: "no-file", warnings: [] };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { enabled: false, reason: "no-file", warnings: [] };
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new BridgeError("BRIDGE_CONFIG_UNREADABLE", `cannot read ${path} (${code})`, { cause: error });
  }
  const config = parseConfig(parseJson(text, path), env);
  if (config.enabled && config.formats !== undefined) {
    return hideSecrets({ ...config, formats: resolve(dirname(path), config.formats) });
  }
  return config;
}

/**
 * Validates the `discord` section of a parsed `nuwani.json` (other sections are ignored).
 * No section, or `"enabled": false`: Discord is off. A JSON string is parsed first.
 * @param json - the whole parsed file (or its text)
 * @param env - the environment, for `NUWANI_DISCORD_TOKEN`. @defaultValue `process.env`
 * @throws {@link BridgeError} `BRIDGE_CONFIG_INVALID` naming the field, or `BRIDGE_CONFIG_MALFORMED`
 */
export function parseConfig(json: unknown, env: Environment = process.env): BridgeConfig {
  const root = typeof json === "string" ? parseJson(json, "nuwani.json") : json;
  if (!isRecord(root)) throw invalid("(root)", "nuwani.json must contain a JSON object");
  if (!Object.hasOwn(root, "discord") || root.discord === undefined) {
    return { enabled: false, reason: "no-section", warnings: [] };
  }
  const section = root.discord;
  if (!isRecord(section)) throw invalid("discord", "discord must be an object");

  const enabled = section.enabled;
  if (enabled !== undefined && typeof enabled !== "boolean") {
    throw invalid("discord.enabled", "discord.enabled must be true or false");
  }
  const warnings = Object.keys(section)
    .filter((key) => !KNOWN_FIELDS.has(key))
    .map((key) => `discord.${key} is not a known field and is ignored`);
  if (enabled === false) return { enabled: false, reason: "disabled", warnings };

  const token = readToken(section, env);
  const clientId = snowflake(section.clientId, "discord.clientId");
  const clientSecret = optionalSecret(section.clientSecret);
  const endpoint = optionalUrl(section.endpoint, "discord.endpoint", ["ws:", "wss:"]);
  const api = optionalUrl(section.api, "discord.api", ["http:", "https:"]);
  const version = section.version ?? 6;
  if (version !== 6 && version !== 10) throw invalid("discord.version", "discord.version must be 6 or 10");
  const intents = readIntents(section.intents, version);
  const guild = snowflake(section.guild, "discord.guild");
  const channels = readChannels(section.channels);
  const levels = readLevels(section.levels);
  const commandPrefix = section.commandPrefix ?? "!";
  if (typeof commandPrefix !== "string" || !/^[^\s\p{C}]{1,8}$/u.test(commandPrefix)) {
    throw invalid("discord.commandPrefix", "discord.commandPrefix must be 1 to 8 characters without spaces");
  }
  const formats = section.formats;
  if (formats !== undefined && (typeof formats !== "string" || formats.trim() === "")) {
    throw invalid("discord.formats", "discord.formats must be the path of a formats file");
  }
  return hideSecrets({
    enabled: true,
    token,
    clientId,
    clientSecret,
    endpoint,
    api,
    version,
    intents,
    guild,
    channels,
    levels,
    commandPrefix,
    formats,
    warnings,
  });
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Keeps the token and the client secret out of `inspect()` (so `console.log` of the config or
 * of a `Bridge` holding it) and `JSON.stringify`; the fields themselves stay as they are.
 */
function hideSecrets(config: EnabledBridgeConfig): EnabledBridgeConfig {
  const shown = (): Record<string, unknown> => ({
    ...config,
    token: "[redacted]",
    ...(config.clientSecret === undefined ? {} : { clientSecret: "[redacted]" }),
  });
  Object.defineProperties(config, {
    [INSPECT]: { value: (_depth: number, options: object, inspect: (value: unknown, options: object) => string) => inspect(shown(), options) },
    toJSON: { value: shown },
  });
  return config;
}

function invalid(field: string, message: string): BridgeError {
  return new BridgeError("BRIDGE_CONFIG_INVALID", message, { field });
}

// Never quote the value of a secret field in an error.
function readToken(section: Record<string, unknown>, env: Environment): string {
  const fromEnv = env[TOKEN_ENVIRONMENT_VARIABLE];
  const fromEnvironment = fromEnv !== undefined && fromEnv !== "";
  const field = fromEnvironment ? TOKEN_ENVIRONMENT_VARIABLE : "discord.token";
  const token = fromEnvironment ? fromEnv : section.token;
  if (typeof token !== "string" || token.trim() === "") {
    throw invalid(field, `${field} must be a non-empty string (or set ${TOKEN_ENVIRONMENT_VARIABLE})`);
  }
  if (/^Bot\s/i.test(token)) throw invalid(field, `${field} must be the bare token, without the "Bot " prefix`);
  if (/[\s\p{C}]/u.test(token)) throw invalid(field, `${field} must not contain spaces or control characters`);
  return token;
}

function optionalSecret(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid("discord.clientSecret", "discord.clientSecret must be a non-empty string when present");
  }
  return value;
}

function snowflake(value: unknown, field: string): string {
  if (typeof value === "number") {
    throw invalid(field, `${field} must be a snowflake id as a string, in quotes (JSON numbers cannot hold it exactly)`);
  }
  if (typeof value !== "string" || !isSnowflake(value)) throw invalid(field, `${field} must be a snowflake id (a string of digits)`);
  return value;
}

function isSnowflake(value: string): boolean {
  return /^\d{1,20}$/.test(value) && BigInt(value) > 0n && BigInt(value) < 1n << 64n;
}

function optionalUrl(value: unknown, field: string, protocols: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  const expected = `${field} must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL`;
  if (typeof value !== "string") throw invalid(field, expected);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, expected);
  }
  if (!protocols.includes(url.protocol)) throw invalid(field, expected);
  return value;
}

function readIntents(value: unknown, version: 6 | 10): number | undefined {
  if (value === undefined) return version === 10 ? DEFAULT_INTENTS : undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw invalid("discord.intents", "discord.intents must be an integer bit set between 0 and 2147483647");
  }
  return value;
}

function reference(value: unknown, field: string, mention: RegExp, sigil: string): DiscordReference {
  if (typeof value === "number") {
    throw invalid(field, `${field} must be a name or a snowflake id as a string, in quotes`);
  }
  if (typeof value !== "string" || value.trim() === "") throw invalid(field, `${field} must be a name or a snowflake id`);
  const text = value.trim();
  const id = mention.exec(text)?.[1] ?? (/^\d+$/.test(text) ? text : undefined);
  if (id !== undefined) {
    if (!isSnowflake(id)) throw invalid(field, `${field} must be a name or a snowflake id`);
    return { kind: "id", id };
  }
  const name = text.startsWith(sigil) ? text.slice(sigil.length).trim() : text;
  if (name === "" || /\p{C}/u.test(name)) throw invalid(field, `${field} must be a name or a snowflake id`);
  return { kind: "name", name };
}

function readChannels(value: unknown): DiscordChannels {
  if (!isRecord(value)) {
    throw invalid("discord.channels", "discord.channels must be an object of channel roles (echo, admin, …) to channel names or ids");
  }
  for (const role of ["echo", "admin"]) {
    if (value[role] === undefined) throw invalid(`discord.channels.${role}`, `discord.channels.${role} is required: a channel name or id`);
  }
  const channels: Record<string, DiscordReference> = {};
  for (const [role, channel] of Object.entries(value)) {
    if (!/^[A-Za-z][\w-]*$/.test(role)) {
      throw invalid("discord.channels", "discord.channels keys must be role names of letters, digits, - and _");
    }
    channels[role] = reference(channel, `discord.channels.${role}`, /^<#(\d+)>$/, "#");
  }
  channels.reports ??= channels.admin!;
  channels.announcements ??= channels.echo!;
  return channels as unknown as DiscordChannels;
}

function readLevels(value: unknown): DiscordLevelMapping[] {
  if (value === undefined) return [];
  if (!isRecord(value)) throw invalid("discord.levels", "discord.levels must be an object of Discord role names or ids to levels");
  return Object.entries(value).map(([role, level]) => {
    const field = `discord.levels.${role}`;
    if (typeof level !== "string" || !LEVELS.includes(level as DiscordLevel)) {
      throw invalid(field, `${field} must be one of ${LEVELS.join(", ")}`);
    }
    return { role: reference(role, field, /^<@&(\d+)>$/, "@"), level: level as DiscordLevel };
  });
}
