import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isRecord, Secret } from "@nuwani/util";
import { BridgeError } from "./BridgeError.js";
import type { PlayerLevel } from "@nuwani/game";
import { LevelLadder, type LevelRoles } from "./LevelLadder.js";
import { parseJson } from "./parseJson.js";

/** A channel or role named in `nuwani.json`: by snowflake id, or by name. */
export type DiscordReference = { readonly kind: "id"; readonly id: string } | { readonly kind: "name"; readonly name: string };

/**
 * How a channel role is found: as configured (an id or a name), or, when `nuwani.json` does
 * not name it, by its documented default names (`#echo`; `#admin` or `#crew`; `#management`; `#vip`), first found wins.
 */
export type DiscordChannelReference = DiscordReference | { readonly kind: "default"; readonly names: readonly string[] };

/**
 * The default channel names of the channel roles LVP's audiences use, looked up in the guild
 * when `discord.channels` does not name the role: `#echo` (what happens in game; its messages
 * reach every player), `#admin` or `#crew` (the administrators), `#management` and `#vip`.
 */
export const DEFAULT_CHANNEL_NAMES: Readonly<Record<"echo" | "admin" | "management" | "vip", readonly string[]>> = {
  echo: ["echo"],
  admin: ["admin", "crew"],
  management: ["management"],
  vip: ["vip"],
};

/**
 * The roles channels play. `echo`, `admin`, `management` and `vip` are LVP's audiences (found
 * by their default names unless configured); `reports` defaults to the admin channel and
 * `announcements` to the echo channel. Other keys are kept, so a formats file can send a tag
 * to a channel of its own (`"channel": "kills"`).
 */
export interface DiscordChannels {
  /** Public echo of the game; its messages reach every player in game. */
  readonly echo: DiscordChannelReference;
  /** The administrators' channel (LVP's crew); its messages reach in-game administrators. */
  readonly admin: DiscordChannelReference;
  /** Management's channel; its messages reach in-game Management. */
  readonly management: DiscordChannelReference;
  /** The VIPs' channel; its messages reach in-game VIPs. */
  readonly vip: DiscordChannelReference;
  /** Player reports. @defaultValue the admin channel */
  readonly reports: DiscordChannelReference;
  /** Announcements. @defaultValue the echo channel */
  readonly announcements: DiscordChannelReference;
  /** Further channel roles for formats files. */
  readonly [role: string]: DiscordChannelReference;
}

/** A role → level mapping from `discord.levels` (or the defaults). */
export interface DiscordLevelMapping {
  /** The Discord role: by id, or by its exact name. */
  readonly role: DiscordReference;
  /** A level of the ladder. */
  readonly level: PlayerLevel;
}

/**
 * The Discord role → level mappings used when `discord.levels` is absent, by exact role name:
 * `Management`, `Administrator` and `VIP` grant the ladder's Management, administrator and VIP
 * levels.
 */
export const DEFAULT_ROLE_NAMES: Readonly<Record<keyof LevelRoles, string>> = { vip: "VIP", administrator: "Administrator", management: "Management" };

/** The `discord` section of `nuwani.json`, validated: Discord is on. */
export interface EnabledBridgeConfig {
  readonly enabled: true;
  /** The bot token (from `NUWANI_DISCORD_TOKEN` when set). A {@link Secret}: shown as `[redacted]`. */
  readonly token: Secret;
  /** The application's client id (a snowflake). */
  readonly clientId: string;
  /** The OAuth2 client secret, if configured. The bot does not need it. A {@link Secret}. */
  readonly clientSecret: Secret | undefined;
  /** Gateway URL override (`ws://` or `wss://`; a `?v=6` or `?v=10` in it chooses the version); otherwise asked from Discord. */
  readonly endpoint: string | undefined;
  /** REST base URL override (`http://` or `https://`). */
  readonly api: string | undefined;
  /** Gateway and REST version. @defaultValue 10, or the `v` of `endpoint` */
  readonly version: 6 | 10;
  /** Gateway intents. @defaultValue GUILDS, GUILD_MEMBERS, GUILD_PRESENCES, GUILD_MESSAGES and MESSAGE_CONTENT on version 10, none on 6 */
  readonly intents: number | undefined;
  /** The guild (server) id the bridge serves. @defaultValue the bot's only guild (found on connect) */
  readonly guild: string | undefined;
  /** Channels by role. */
  readonly channels: DiscordChannels;
  /** The level ladder (`discord.ladder`, `discord.ladderRoles`). @defaultValue LVP's */
  readonly ladder: LevelLadder;
  /** Role → level mappings, in file order. @defaultValue the roles named `VIP`, `Administrator` and `Management` */
  readonly levels: readonly DiscordLevelMapping[];
  /** Prefix of commands from Discord. @defaultValue `"!"` */
  readonly commandPrefix: string;
  /** Absolute path of a formats file (resolved against the config file's directory). */
  readonly formats: string | undefined;
  /** Things that were ignored or look wrong, e.g. unknown fields, v6 on Discord's own hosts. */
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
  "ladder",
  "ladderRoles",
  "levels",
  "commandPrefix",
  "formats",
]);
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
    return { ...config, formats: resolve(dirname(path), config.formats) };
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
  const version = readVersion(section.version, endpoint);
  if (version === 6) {
    const host = [endpoint, api].flatMap((url) => (url === undefined ? [] : [new URL(url).hostname]));
    if (endpoint === undefined || host.some(isDiscordHost)) {
      warnings.push("version 6 of the gateway and REST API is retired on Discord's own hosts; connect with version 10 (drop ?v=6 from discord.endpoint) unless a proxy speaks version 6");
    }
  }
  const intents = readIntents(section.intents, version);
  const guild = section.guild === undefined ? undefined : snowflake(section.guild, "discord.guild");
  const channels = readChannels(section.channels);
  const ladder = readLadder(section.ladder, section.ladderRoles);
  const levels = readLevels(section.levels, ladder);
  const commandPrefix = section.commandPrefix ?? "!";
  if (typeof commandPrefix !== "string" || !/^[^\s\p{C}]{1,8}$/u.test(commandPrefix)) {
    throw invalid("discord.commandPrefix", "discord.commandPrefix must be 1 to 8 characters without spaces");
  }
  const formats = section.formats;
  if (formats !== undefined && (typeof formats !== "string" || formats.trim() === "")) {
    throw invalid("discord.formats", "discord.formats must be the path of a formats file");
  }
  return {
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
    ladder,
    levels,
    commandPrefix,
    formats,
    warnings,
  };
}

const DISCORD_HOSTS = ["discord.gg", "discord.com", "discordapp.com", "discordapp.net"];

function isDiscordHost(hostname: string): boolean {
  return DISCORD_HOSTS.some((host) => hostname === host || hostname.endsWith(`.${host}`));
}

function readVersion(value: unknown, endpoint: string | undefined): 6 | 10 {
  const query = endpoint === undefined ? null : new URL(endpoint).searchParams.get("v");
  let fromEndpoint: 6 | 10 | undefined;
  if (query !== null) {
    if (query !== "6" && query !== "10") throw invalid("discord.endpoint", "discord.endpoint may ask for ?v=6 or ?v=10 only");
    fromEndpoint = query === "6" ? 6 : 10;
  }
  if (value === undefined) return fromEndpoint ?? 10;
  if (value !== 6 && value !== 10) throw invalid("discord.version", "discord.version must be 6 or 10");
  if (fromEndpoint !== undefined && fromEndpoint !== value) {
    throw invalid("discord.version", `discord.version is ${value} but discord.endpoint asks for ?v=${fromEndpoint}`);
  }
  return value;
}

function invalid(field: string, message: string): BridgeError {
  return new BridgeError("BRIDGE_CONFIG_INVALID", message, { field });
}

// Never quote the value of a secret field in an error.
function readToken(section: Record<string, unknown>, env: Environment): Secret {
  const fromEnv = env[TOKEN_ENVIRONMENT_VARIABLE];
  const fromEnvironment = fromEnv !== undefined && fromEnv !== "";
  const field = fromEnvironment ? TOKEN_ENVIRONMENT_VARIABLE : "discord.token";
  const token = fromEnvironment ? fromEnv : section.token;
  if (typeof token !== "string" || token.trim() === "") {
    throw invalid(field, `${field} must be a non-empty string (or set ${TOKEN_ENVIRONMENT_VARIABLE})`);
  }
  if (/^Bot\s/i.test(token)) throw invalid(field, `${field} must be the bare token, without the "Bot " prefix`);
  if (/[\s\p{C}]/u.test(token)) throw invalid(field, `${field} must not contain spaces or control characters`);
  return new Secret(token);
}

function optionalSecret(value: unknown): Secret | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid("discord.clientSecret", "discord.clientSecret must be a non-empty string when present");
  }
  return new Secret(value);
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
  if (value !== undefined && !isRecord(value)) {
    throw invalid("discord.channels", "discord.channels must be an object of channel roles (echo, admin, …) to channel names or ids");
  }
  const channels: Record<string, DiscordChannelReference> = {};
  for (const [role, channel] of Object.entries(value ?? {})) {
    if (!/^[A-Za-z][\w-]*$/.test(role)) {
      throw invalid("discord.channels", "discord.channels keys must be role names of letters, digits, - and _");
    }
    channels[role] = reference(channel, `discord.channels.${role}`, /^<#(\d+)>$/, "#");
  }
  for (const [role, names] of Object.entries(DEFAULT_CHANNEL_NAMES)) channels[role] ??= { kind: "default", names };
  channels.reports ??= channels.admin!;
  channels.announcements ??= channels.echo!;
  return channels as DiscordChannels;
}

function readLadder(levels: unknown, roles: unknown): LevelLadder {
  const names: string[] = [];
  if (levels !== undefined) {
    if (!Array.isArray(levels)) throw invalid("discord.ladder", "discord.ladder must be an array of level names, lowest first");
    for (const level of levels as readonly unknown[]) {
      if (typeof level !== "string") throw invalid("discord.ladder", "discord.ladder must be an array of level names, lowest first");
      names.push(level);
    }
  }
  const chosen: Partial<Record<keyof LevelRoles, string>> = {};
  if (roles !== undefined) {
    const wrong = (): BridgeError => invalid("discord.ladderRoles", "discord.ladderRoles must map vip, administrator and management to levels of discord.ladder");
    if (!isRecord(roles)) throw wrong();
    for (const [key, level] of Object.entries(roles)) {
      if ((key !== "vip" && key !== "administrator" && key !== "management") || typeof level !== "string") throw wrong();
      chosen[key] = level;
    }
  }
  try {
    return new LevelLadder({ ...(levels === undefined ? {} : { levels: names }), roles: chosen });
  } catch (error) {
    const field =
      roles !== undefined && error instanceof BridgeError && error.field?.startsWith("roles") === true ? `discord.ladderRoles${error.field.slice(5)}` : "discord.ladder";
    throw invalid(field, `${field}: ${(error as Error).message}`);
  }
}

function readLevels(value: unknown, ladder: LevelLadder): DiscordLevelMapping[] {
  if (value === undefined) {
    return (Object.keys(DEFAULT_ROLE_NAMES) as (keyof LevelRoles)[]).map((key) => ({
      role: { kind: "name", name: DEFAULT_ROLE_NAMES[key] },
      level: ladder.roles[key],
    }));
  }
  if (!isRecord(value)) throw invalid("discord.levels", "discord.levels must be an object of Discord role names or ids to levels");
  return Object.entries(value).map(([role, level]) => {
    const field = `discord.levels.${role}`;
    if (typeof level !== "string" || !ladder.has(level)) {
      throw invalid(field, `${field} must be one of ${ladder.levels.join(", ")}`);
    }
    return { role: reference(role, field, /^<@&(\d+)>$/, "@"), level };
  });
}
