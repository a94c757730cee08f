import { isAbsolute, resolve } from "node:path";
import iconv from "iconv-lite";
import { SampError } from "./SampError.js";
import { DEFAULT_ENCODING } from "./CodePage.js";
import { isRecord, MAX_TIMER_MS, Secret } from "@nuwani/util";
import type { ServerVariant } from "./SampQueryClient.js";

/** The environment variable whose non-empty value is the RCON password (it wins over the file). */
export const RCON_PASSWORD_ENVIRONMENT_VARIABLE = "NUWANI_RCON_PASSWORD";

/** The `game` section of `nuwani.json`, validated. */
export interface GameConfig {
  /** `"samp"` or `"openmp"`. */
  readonly type: ServerVariant;
  /** The server's host. @defaultValue `"127.0.0.1"` */
  readonly host: string;
  /** The server's UDP port. @defaultValue 7777 */
  readonly port: number;
  /** The RCON password (from `NUWANI_RCON_PASSWORD` when set), hidden from every printout. Without one, nothing can be delivered into the game. */
  readonly rconPassword: Secret | undefined;
  /** The server log (absolute, or resolved against `baseDirectory`); without it there are no echo events. */
  readonly logPath: string | undefined;
  /** The server's code page. @defaultValue `"windows-1252"` */
  readonly encoding: string;
  /** The server runs `pawn/nuwani.inc`. @defaultValue false */
  readonly pawnInclude: boolean;
  /** Roster/health poll in ms. @defaultValue 5000 */
  readonly pollInterval: number;
  /** "down" after this long without answers, in ms. @defaultValue 30000 */
  readonly downAfter: number;
  /** "down" after this long without a log line while players are online, in ms; 0 = off. @defaultValue 0, or 180000 with `pawnInclude` */
  readonly logSilentAfter: number;
  /** Wait per query attempt, in ms. @defaultValue 1000 */
  readonly queryTimeout: number;
  /** Further attempts per query. @defaultValue 2 */
  readonly queryRetries: number;
  /** Query datagrams per second. @defaultValue 10 */
  readonly queriesPerSecond: number;
  /** Quiet period that ends an RCON reply, in ms. @defaultValue 250 */
  readonly rconQuietPeriod: number;
  /** How often the log is polled besides `fs.watch`, in ms. @defaultValue 1000 */
  readonly logPollInterval: number;
  /** Unknown fields that were ignored. */
  readonly warnings: readonly string[];
}

const KNOWN = new Set([
  "type", "host", "port", "rconPassword", "logPath", "encoding", "pawnInclude", "pollInterval", "downAfter",
  "logSilentAfter", "queryTimeout", "queryRetries", "queriesPerSecond", "rconQuietPeriod", "logPollInterval",
]);

type Environment = Readonly<Record<string, string | undefined>>;

/** Options of {@link parseGameConfig}. */
export interface ParseGameConfigOptions {
  /** Directory a relative `logPath` is resolved against (the config file's). @defaultValue the working directory */
  readonly baseDirectory?: string;
}

function invalid(field: string, message: string): SampError {
  return new SampError("SAMP_CONFIG_INVALID", message, { field });
}

function integer(section: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const value = section[key] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`game.${key}`, `game.${key} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Validates the `game` section of `nuwani.json` field by field; an error names the field
 * (`SAMP_CONFIG_INVALID`, `field` = `game.port`, …) and never quotes the RCON password.
 * @param section - the value of `game` in the parsed file
 * @param env - for `NUWANI_RCON_PASSWORD`. @defaultValue `process.env`
 * @throws {@link SampError} `SAMP_CONFIG_INVALID`
 */
export function parseGameConfig(section: unknown, env: Environment = process.env, options: ParseGameConfigOptions = {}): GameConfig {
  if (!isRecord(section)) throw invalid("game", "game must be an object");
  const warnings = Object.keys(section).filter((key) => !KNOWN.has(key)).map((key) => `game.${key} is not a known field and is ignored`);

  const type = section.type;
  if (type !== "samp" && type !== "openmp") throw invalid("game.type", 'game.type must be "samp" or "openmp"');

  const host = section.host ?? "127.0.0.1";
  if (typeof host !== "string" || !/^[A-Za-z0-9.-]{1,253}$/.test(host)) throw invalid("game.host", "game.host must be a host name or IPv4 address");
  const port = integer(section, "port", 7777, 1, 65535);

  const fromEnv = env[RCON_PASSWORD_ENVIRONMENT_VARIABLE];
  const useEnv = fromEnv !== undefined && fromEnv !== "";
  const passwordField = useEnv ? RCON_PASSWORD_ENVIRONMENT_VARIABLE : "game.rconPassword";
  const rawPassword = useEnv ? fromEnv : section.rconPassword;
  let rconPassword: Secret | undefined;
  if (rawPassword !== undefined) {
    if (typeof rawPassword !== "string" || rawPassword === "" || rawPassword.length > 128 || /[\s\p{C}]/u.test(rawPassword)) {
      throw invalid(passwordField, `${passwordField} must be 1 to 128 characters without spaces or control characters`);
    }
    if (rawPassword === "changeme") throw invalid(passwordField, `${passwordField} is the server's default password, which disables RCON`);
    rconPassword = new Secret(rawPassword);
  }

  const rawLog = section.logPath;
  if (rawLog !== undefined && (typeof rawLog !== "string" || rawLog.trim() === "" || rawLog.includes("\0"))) {
    throw invalid("game.logPath", "game.logPath must be the path of the server log");
  }
  const logPath = rawLog === undefined ? undefined : isAbsolute(rawLog) ? rawLog : resolve(options.baseDirectory ?? process.cwd(), rawLog);

  const encoding = section.encoding ?? DEFAULT_ENCODING;
  if (typeof encoding !== "string" || !iconv.encodingExists(encoding)) {
    throw invalid("game.encoding", "game.encoding must be a code page name such as windows-1252 or windows-1251");
  }
  const pawnInclude = section.pawnInclude ?? false;
  if (typeof pawnInclude !== "boolean") throw invalid("game.pawnInclude", "game.pawnInclude must be true or false");

  const pollInterval = integer(section, "pollInterval", 5000, 100, MAX_TIMER_MS);
  const downAfter = integer(section, "downAfter", 30_000, 1000, MAX_TIMER_MS);
  const logSilentAfter = integer(section, "logSilentAfter", pawnInclude ? 180_000 : 0, 0, MAX_TIMER_MS);
  const queryTimeout = integer(section, "queryTimeout", 1000, 50, 60_000);
  const queryRetries = integer(section, "queryRetries", 2, 0, 10);
  const queriesPerSecond = integer(section, "queriesPerSecond", 10, 1, 30);
  const rconQuietPeriod = integer(section, "rconQuietPeriod", 250, 10, 10_000);
  const logPollInterval = integer(section, "logPollInterval", 1000, 10, MAX_TIMER_MS);

  return {
    type, host, port, rconPassword, logPath, encoding, pawnInclude, pollInterval, downAfter, logSilentAfter,
    queryTimeout, queryRetries, queriesPerSecond, rconQuietPeriod, logPollInterval, warnings,
  };
}
