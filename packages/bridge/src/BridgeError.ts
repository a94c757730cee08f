/**
 * Stable codes of {@link BridgeError}. Match on these, never on the message.
 *
 * | code | when | extra properties |
 * |---|---|---|
 * | `BRIDGE_CONFIG_INVALID` | a field of the `discord` section of `nuwani.json` has an invalid value | `field` (e.g. `discord.version`) |
 * | `BRIDGE_CONFIG_MALFORMED` | `nuwani.json` (or a formats file) is not valid JSON | `line`, `column` (1-based) when known |
 * | `BRIDGE_CONFIG_UNREADABLE` | `nuwani.json` exists but cannot be read (permissions, a directory, …) | `cause` |
 * | `BRIDGE_FORMATS_INVALID` | an entry of a formats file is invalid | `tag`, `field` |
 * | `BRIDGE_ECHO_INVALID` | an echo call cannot be rendered: fewer parameters than its format needs, or a per-call target naming no mapped channel and no valid member name (LVP's formatter throws on both) | `tag`, `field` (`params` or `target`) |
 * | `BRIDGE_INVALID_ARGUMENT` | an option or argument passed to a bridge API is out of range | `field` |
 * | `BRIDGE_DESTROYED` | a method was called after `destroy()` (the outbox) or `stop()` (the bridge) | |
 * | `BRIDGE_SEND_FAILED` | the outbox's send function failed; carried by the outbox's `failure` event | `channel`, `retryable`, `cause` |
 * | `BRIDGE_CONNECT_FAILED` | `Bridge.start()` could not connect to Discord (a fatal gateway error, e.g. a wrong token) | `cause` |
 * | `BRIDGE_CHANNEL_UNRESOLVED` | a channel of `discord.channels` is not in the guild (or the guild is missing); lines for it are dropped | `field` |
 * | `BRIDGE_GUILD_UNRESOLVED` | `discord.guild` is not set and the bot is in no guild, or in several (the message lists them): `Bridge.start()` rejects with it; or `discord.guild` is not a guild the bot is in (reported on READY) | `field` (`discord.guild`) |
 * | `BRIDGE_GAME_FAILED` | a call into the game (`deliver`, `announce`, a mute) threw or rejected; the bridge goes on | `cause` |
 * | `BRIDGE_RELAY_FAILED` | a reply, reaction, relayed message, direct message or channel permission change could not be handled; the bridge goes on | `cause` |
 * | `BRIDGE_RECIPIENT_UNRESOLVED` | a direct-message echo (LVP's NOTICE) names no member of the guild, or several; it is dropped (counted) | `tag`, `field` (`target`) |
 * | `BRIDGE_PERMISSION_MISSING` | LVP's `+m` could not deny SEND_MESSAGES in the channel, or `-m` could not restore @everyone's overwrite: the bot lacks MANAGE_ROLES there, or a bit the change touches is not held in the guild or the channel's category (Discord's rule); no request is made, the relay is paused or resumed all the same | `tag`, `channel` (the channel id) |
 */
export type BridgeErrorCode =
  | "BRIDGE_CONFIG_INVALID"
  | "BRIDGE_CONFIG_MALFORMED"
  | "BRIDGE_CONFIG_UNREADABLE"
  | "BRIDGE_FORMATS_INVALID"
  | "BRIDGE_ECHO_INVALID"
  | "BRIDGE_INVALID_ARGUMENT"
  | "BRIDGE_DESTROYED"
  | "BRIDGE_SEND_FAILED"
  | "BRIDGE_CONNECT_FAILED"
  | "BRIDGE_CHANNEL_UNRESOLVED"
  | "BRIDGE_GUILD_UNRESOLVED"
  | "BRIDGE_GAME_FAILED"
  | "BRIDGE_RELAY_FAILED"
  | "BRIDGE_RECIPIENT_UNRESOLVED"
  | "BRIDGE_PERMISSION_MISSING";

/** Extra, code-specific details of a {@link BridgeError}. */
export interface BridgeErrorDetails {
  /** The field at fault, as a dotted path (`discord.channels.echo`) or an option name. */
  readonly field?: string;
  /** The formats tag at fault (`BRIDGE_FORMATS_INVALID`, `BRIDGE_ECHO_INVALID`). */
  readonly tag?: string;
  /** 1-based line of a JSON syntax error (`BRIDGE_CONFIG_MALFORMED`). */
  readonly line?: number;
  /** 1-based column of a JSON syntax error (`BRIDGE_CONFIG_MALFORMED`). */
  readonly column?: number;
  /** The outbox channel key of a failed send (`BRIDGE_SEND_FAILED`). */
  readonly channel?: string;
  /** Whether the outbox will retry (`BRIDGE_SEND_FAILED`). */
  readonly retryable?: boolean;
  /** The original error. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@nuwani/bridge`; match on {@link BridgeError.code}. Messages never
 * contain the token or the client secret, not even when those fields are the ones at fault.
 */
export class BridgeError extends Error {
  override readonly name = "BridgeError";
  /** What went wrong; stable across versions. */
  readonly code: BridgeErrorCode;
  /** The field at fault, e.g. `discord.version` or `discord.channels.echo`. */
  readonly field: string | undefined;
  /** The formats tag at fault. */
  readonly tag: string | undefined;
  /** 1-based line of a JSON syntax error, when known. */
  readonly line: number | undefined;
  /** 1-based column of a JSON syntax error, when known. */
  readonly column: number | undefined;
  /** The outbox channel key of a failed send. */
  readonly channel: string | undefined;
  /** Whether the outbox retries the failed send. */
  readonly retryable: boolean | undefined;

  /** An error with its stable `code`, a message (never with the token) and the details of what failed. */
  constructor(code: BridgeErrorCode, message: string, details: BridgeErrorDetails = {}) {
    super(message, "cause" in details ? { cause: details.cause } : undefined);
    this.code = code;
    this.field = details.field;
    this.tag = details.tag;
    this.line = details.line;
    this.column = details.column;
    this.channel = details.channel;
    this.retryable = details.retryable;
  }
}
