/**
 * LVP's echo formats (`data/irc_messages.json` in `LVPlayground/playground`) compiled for
 * Discord, with the semantics of LVP's `nuwani/echo/message_formatter.js`: the IRC directives
 * of a format become routing, the rest is formatted by LVP's string formatter (`formatLvp`).
 */
import { BridgeError } from "./BridgeError.js";
import { checkCoalesce, isEchoPriority, tooFewParameters, type EchoFormat, type EchoParams, type EchoPriority, type FormattedEcho } from "./echoFormat.js";
import { compileLvpFormat, renderLvpFormat } from "./lvpFormat.js";
import { escapeForDiscord, stripControlCharacters } from "./sanitize.js";

/** Who may read a line: LVP's IRC prefixes (`+`, `%`/`@`, `&`), or everyone. */
export type EchoAudience = "all" | "vips" | "administrators" | "management";

/** LVP's IRC channel prefixes and the audience each stands for. */
export const LVP_PREFIX_AUDIENCES: Readonly<Record<string, EchoAudience>> = {
  "+": "vips",
  "%": "administrators",
  "@": "administrators",
  "&": "management",
};

/** The channel role of each audience, by default: a VIP line goes to the `vip` channel, etc. */
export const LVP_AUDIENCE_CHANNELS: Readonly<Record<EchoAudience, string>> = {
  all: "echo",
  vips: "vip",
  administrators: "admin",
  management: "management",
};

/** LVP's IRC channels and the channel role each maps to, by default (names compare case-insensitively). */
export const LVP_CHANNELS: Readonly<Record<string, string>> = {
  "#LVP": "echo",
  "#LVP.Echo": "echo",
  "#LVP.Crew": "admin",
  "#LVP.Management": "management",
  "#LVP.VIP": "vip",
};

/** The priority (and coalesce label) of a tag. */
export interface LvpTagPriority {
  readonly priority: EchoPriority;
  readonly coalesce?: string;
}

/**
 * Priorities of LVP's public tags, by default. A tag not listed gets `admin` when it goes to
 * administrators or management (or to a channel chosen per call), `high` when it is a NOTICE,
 * and `normal` otherwise.
 */
export const LVP_PRIORITIES: Readonly<Record<string, LvpTagPriority>> = {
  init: { priority: "high" },
  join: { priority: "low", coalesce: "joins" },
  "join-sampcac": { priority: "low", coalesce: "joins" },
  guest: { priority: "low", coalesce: "joins" },
  login: { priority: "low", coalesce: "logins" },
  quit: { priority: "low", coalesce: "quits" },
  "quit-reason": { priority: "low", coalesce: "quits" },
  chat: { priority: "normal", coalesce: "chat messages" },
  "chat-from-irc": { priority: "normal", coalesce: "chat messages" },
  death: { priority: "low", coalesce: "deaths" },
  kill: { priority: "low", coalesce: "kills" },
  "kill-no-reason": { priority: "low", coalesce: "kills" },
  "notice-announce": { priority: "high" },
  "notice-say": { priority: "high" },
  achievement: { priority: "low", coalesce: "achievements" },
  "notice-minigame": { priority: "low", coalesce: "minigame lines" },
  "notice-minigame-win": { priority: "low", coalesce: "minigame lines" },
  buy: { priority: "low", coalesce: "property sales" },
  sell: { priority: "low", coalesce: "property sales" },
  "sell-all": { priority: "low", coalesce: "property sales" },
  merchant: { priority: "low", coalesce: "merchant lines" },
  "fightclub-start": { priority: "low", coalesce: "fight club lines" },
  "fightclub-winner": { priority: "low", coalesce: "fight club lines" },
  "fightclub-draw": { priority: "low", coalesce: "fight club lines" },
  "reaction-calculate": { priority: "low", coalesce: "reaction tests" },
  "reaction-remember": { priority: "low", coalesce: "reaction tests" },
  "reaction-remember-2": { priority: "low", coalesce: "reaction tests" },
  "reaction-repeat": { priority: "low", coalesce: "reaction tests" },
  "reaction-result": { priority: "low", coalesce: "reaction tests" },
  "reaction-unscramble": { priority: "low", coalesce: "reaction tests" },
};

/** How LVP's format strings route on Discord. Every field has LVP's defaults. */
export interface LvpFormatOptions {
  /**
   * LVP (IRC) channel name → channel role, for `<target:#Channel>` and `<target:{n}>`; merged
   * over the defaults, names compare case-insensitively. @defaultValue {@link LVP_CHANNELS}
   */
  readonly channels?: Readonly<Record<string, string>>;
  /** Audience → channel role; merged over the defaults. @defaultValue {@link LVP_AUDIENCE_CHANNELS} */
  readonly audiences?: Readonly<Partial<Record<EchoAudience, string>>>;
  /** Tag → priority; merged over the defaults. @defaultValue {@link LVP_PRIORITIES} */
  readonly priorities?: Readonly<Record<string, LvpTagPriority>>;
}

type Target = { readonly kind: "param"; readonly index: number } | { readonly kind: "channel"; readonly role: string } | { readonly kind: "member"; readonly name: string };

const ROLE = /^[A-Za-z][\w-]*$/;
const TARGET_PARAMETER = /^\{(\d+)\}$/;
// LVP's check of a target (an IRC channel or nickname).
const VALID_TARGET = /^[a-z_\-[\]\\^{}|`#&][a-z0-9_.\-[\]\\^{}|`#&]*$/i;
const MAX_RECIPIENT_LENGTH = 100;

function invalid(tag: string, field: string, message: string): BridgeError {
  return new BridgeError("BRIDGE_FORMATS_INVALID", `formats.${tag}: ${message}`, { tag, field });
}

function invalidOption(field: string, message: string): BridgeError {
  return new BridgeError("BRIDGE_INVALID_ARGUMENT", message, { field });
}

/** Untrusted text shown in an error message: no controls, at most 40 characters, quoted. */
function shown(value: string): string {
  const plain = stripControlCharacters(value);
  return JSON.stringify(plain.length > 40 ? `${plain.slice(0, 40)}…` : plain);
}

function role(value: unknown, field: string): string {
  if (typeof value !== "string" || !ROLE.test(value)) throw invalidOption(field, `${field} must be a channel role such as "echo" or "admin"`);
  return value;
}

/** The options with their defaults, validated. */
function resolveOptions(options: LvpFormatOptions): {
  channels: Map<string, string>;
  audiences: Record<EchoAudience, string>;
  priorities: Readonly<Record<string, LvpTagPriority>>;
} {
  const channels = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...LVP_CHANNELS, ...options.channels })) {
    if (!VALID_TARGET.test(name) || !/^[#&]/.test(name)) throw invalidOption(`channels.${name}`, `channels: ${shown(name)} is not an IRC channel name such as "#LVP.Crew"`);
    channels.set(name.toLowerCase(), role(value, `channels.${name}`));
  }
  const audiences = { ...LVP_AUDIENCE_CHANNELS };
  for (const [audience, value] of Object.entries(options.audiences ?? {})) {
    if (!Object.hasOwn(LVP_AUDIENCE_CHANNELS, audience)) throw invalidOption(`audiences.${audience}`, `audiences: ${shown(audience)} is not one of all, vips, administrators, management`);
    if (value !== undefined) audiences[audience as EchoAudience] = role(value, `audiences.${audience}`);
  }
  return { channels, audiences, priorities: { ...LVP_PRIORITIES, ...options.priorities } };
}

/**
 * Compiles one of LVP's echo formats (a value of `irc_messages.json`), as LVP's message
 * formatter reads it:
 *
 * - `<color:N>` (N 0–15) and `<color>` are dropped;
 * - `<prefix:+|%|@|&>`: the line goes to the channel of that audience (VIPs, administrators,
 *   administrators, management);
 * - `<target:#Channel>`: to the mapped channel; `<target:Nick>`: a direct message to that member;
 *   `<target:{n}>`: parameter n chooses, per call (a `#channel` must be mapped);
 * - `<command:NOTICE>`: as a notice (on Discord: the same line, or a direct message when the
 *   target is a member); `<command:MODE>` with `+m`/`-m`: mute/unmute the echo channel.
 *
 * The directives are read from the format only, never from parameters. The text is plain (LVP's
 * `***` is not markdown): the whole line is escaped for Discord.
 * @throws {@link BridgeError} `BRIDGE_FORMATS_INVALID` naming `tag` (a colour above 15, an unknown
 *   prefix or command, an invalid or unmapped target, a malformed placeholder, MODE other than
 *   `+m`/`-m`), or `BRIDGE_INVALID_ARGUMENT` for invalid `options`
 */
export function compileLvpEcho(tag: string, format: string, options: LvpFormatOptions = {}): EchoFormat {
  const { channels, audiences, priorities } = resolveOptions(options);
  const { rest, audience, target, command } = readDirectives(tag, format, channels);
  const compiled = compileLvpFormat(rest, tag);
  const defaultRole = audiences[audience];
  if (command === "MODE") return modeFormat(tag, format, compiled, target, defaultRole);

  const configured = Object.hasOwn(priorities, tag) ? priorities[tag] : undefined;
  let priority: EchoPriority;
  if (configured !== undefined) {
    if (!isEchoPriority(configured.priority)) throw invalidOption(`priorities.${tag}`, `priorities.${tag}.priority must be one of admin, high, normal, low`);
    priority = configured.priority;
  } else {
    const privileged = new Set([audiences.administrators, audiences.management]);
    const routed = target?.kind === "channel" ? target.role : defaultRole;
    priority = target?.kind === "param" || privileged.has(routed) ? "admin" : command === "NOTICE" ? "high" : "normal";
  }
  const coalesce = checkCoalesce(tag, priority, configured?.coalesce, `priorities.${tag}`);
  return {
    source: format,
    syntax: "lvp",
    priority,
    coalesce,
    render(params: EchoParams): FormattedEcho | null {
      const { channel, recipient } = destination(tag, target, defaultRole, channels, params);
      const plain = renderLvpFormat(compiled, params);
      if (plain === undefined) throw tooFewParameters(tag, compiled.required, params.length);
      const text = escapeForDiscord(plain).trim();
      if (text === "") return null;
      if (recipient !== undefined) return { kind: "notice", recipient, text, priority };
      return { kind: "message", channel, text, priority, coalesceKey: coalesce ?? null };
    },
  };
}

/** LVP's directives of a format, in the order of its formatter (colours, prefixes, targets, commands), and the text left. */
function readDirectives(
  tag: string,
  format: string,
  channels: ReadonlyMap<string, string>,
): { rest: string; audience: EchoAudience; target: Target | undefined; command: "PRIVMSG" | "NOTICE" | "MODE" } {
  // Assigned in the callbacks below: the casts keep TypeScript from narrowing to the initial values.
  let audience = "all" as EchoAudience;
  let target = undefined as Target | undefined;
  let command = "PRIVMSG" as "PRIVMSG" | "NOTICE" | "MODE";
  let rest = format.replace(/<color>/g, "");
  rest = rest.replace(/<color:(\d+)>/g, (_, colour: string) => {
    if (Number(colour) > 15) throw invalid(tag, "colour", `IRC colour ${colour} is not 0–15`);
    return "";
  });
  rest = rest.replace(/<prefix:(.+?)>/g, (_, prefix: string) => {
    const found = prefix.length === 1 && Object.hasOwn(LVP_PREFIX_AUDIENCES, prefix) ? LVP_PREFIX_AUDIENCES[prefix] : undefined;
    if (found === undefined) throw invalid(tag, "prefix", `unknown prefix ${shown(prefix)} (use +, %, @ or &)`);
    audience = found;
    return "";
  });
  rest = rest.replace(/<target:(.+?)>/g, (_, name: string) => {
    target = readTarget(tag, name, channels);
    return "";
  });
  rest = rest.replace(/<command:(.+?)>/g, (_, name: string) => {
    if (name !== "NOTICE" && name !== "MODE") throw invalid(tag, "command", `unknown command ${shown(name)} (use NOTICE or MODE)`);
    command = name;
    return "";
  });
  return { rest, audience, target, command };
}

/** A `<target:…>` directive: a parameter, a mapped channel, or a member. */
function readTarget(tag: string, name: string, channels: ReadonlyMap<string, string>): Target {
  const parameter = TARGET_PARAMETER.exec(name);
  if (parameter !== null) return { kind: "param", index: Number(parameter[1]) };
  if (!VALID_TARGET.test(name)) throw invalid(tag, "target", `invalid target ${shown(name)}`);
  if (!/^[#&]/.test(name)) return { kind: "member", name };
  const mapped = channels.get(name.toLowerCase());
  if (mapped === undefined) throw invalid(tag, "target", `the target channel ${shown(name)} maps to no channel role (see the channels option)`);
  return { kind: "channel", role: mapped };
}

/** A `<command:MODE>` format: `+m` or `-m` on a channel role. */
function modeFormat(tag: string, format: string, compiled: ReturnType<typeof compileLvpFormat>, target: Target | undefined, defaultRole: string): EchoFormat {
  const [only, ...others] = compiled.parts;
  const mode = only?.kind === "text" && others.length === 0 ? only.text.trim() : undefined;
  if (mode !== "+m" && mode !== "-m") throw invalid(tag, "command", "MODE supports +m (mute) and -m (unmute) only");
  if (target !== undefined && target.kind !== "channel") throw invalid(tag, "target", "MODE needs a channel target");
  const channel = target?.kind === "channel" ? target.role : defaultRole;
  const result: FormattedEcho = { kind: "mode", channel, mute: mode === "+m" };
  return { source: format, syntax: "lvp", priority: "high", coalesce: undefined, render: () => result };
}

/** Where one call goes: the channel role, or the member a direct message is for. */
function destination(
  tag: string,
  target: Target | undefined,
  defaultRole: string,
  channels: ReadonlyMap<string, string>,
  params: EchoParams,
): { channel: string; recipient: string | undefined } {
  if (target?.kind === "channel") return { channel: target.role, recipient: undefined };
  if (target?.kind === "member") return { channel: defaultRole, recipient: target.name };
  if (target === undefined) return { channel: defaultRole, recipient: undefined };
  const value = params[target.index];
  if (value === undefined) throw tooFewParameters(tag, target.index + 1, params.length);
  const name = String(value);
  if (/^[#&]/.test(name)) {
    const mapped = channels.get(name.toLowerCase());
    if (mapped === undefined) {
      throw new BridgeError("BRIDGE_ECHO_INVALID", `echo "${tag}" targets channel ${shown(name)}, which maps to no channel role`, { tag, field: "target" });
    }
    return { channel: mapped, recipient: undefined };
  }
  const recipient = stripControlCharacters(name).trim();
  if (recipient === "" || recipient.length > MAX_RECIPIENT_LENGTH) {
    throw new BridgeError("BRIDGE_ECHO_INVALID", `echo "${tag}" targets ${shown(name)}, which is not a member name`, { tag, field: "target" });
  }
  return { channel: defaultRole, recipient };
}
