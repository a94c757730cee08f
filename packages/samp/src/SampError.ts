/**
 * Stable codes of {@link SampError}. Match on these, never on the message.
 *
 * | code | when |
 * |---|---|
 * | `SAMP_INVALID_ARGUMENT` | an option or argument is unusable (a bad port, an empty command, an unknown encoding, …) |
 * | `SAMP_CONFIG_INVALID` | a field of the `game` section of `nuwani.json` is invalid; `field` names it |
 * | `SAMP_TIMEOUT` | no answer to a query within `timeout`, on every attempt |
 * | `SAMP_MALFORMED_PACKET` | an answer that is truncated, too long or inconsistent (bounds-checked parsing failed) |
 * | `SAMP_PLAYER_LIST_UNAVAILABLE` | the server does not list players (above 100 players, or `c`/`d` unanswered) |
 * | `SAMP_RCON_DISABLED` | RCON was asked for, but no RCON password is configured |
 * | `SAMP_RCON_BAD_PASSWORD` | the server answered `Invalid RCON password.` |
 * | `SAMP_RCON_NO_REPLY` | a command that must answer (the probe of {@link SampQueryClient.verifyRcon}) got no reply; on open.mp a wrong password looks like this |
 * | `SAMP_QUEUE_FULL` | too many requests wait for the query pacing; the request was refused |
 * | `SAMP_SOCKET_ERROR` | the UDP socket failed (bind, send, DNS lookup of the host) |
 * | `SAMP_UNSUPPORTED` | the server cannot do this without the Pawn include (targeted delivery, mutes) |
 * | `SAMP_DESTROYED` | the query client was destroyed (by `destroy()`, or by its game server's `stop()`) before or while the request waited |
 * | `SAMP_LOG_ERROR` | the log file could not be read (other than not existing yet) |
 */
export type SampErrorCode =
  | "SAMP_INVALID_ARGUMENT"
  | "SAMP_CONFIG_INVALID"
  | "SAMP_TIMEOUT"
  | "SAMP_MALFORMED_PACKET"
  | "SAMP_PLAYER_LIST_UNAVAILABLE"
  | "SAMP_RCON_DISABLED"
  | "SAMP_RCON_BAD_PASSWORD"
  | "SAMP_RCON_NO_REPLY"
  | "SAMP_QUEUE_FULL"
  | "SAMP_SOCKET_ERROR"
  | "SAMP_UNSUPPORTED"
  | "SAMP_DESTROYED"
  | "SAMP_LOG_ERROR";

/** What a {@link SampError} knows besides its code. */
export interface SampErrorDetails {
  /** The query opcode (`i`, `r`, `c`, `d`, `p`, `x`) of the failed request. */
  readonly opcode?: string | undefined;
  /** The config field at fault (`game.port`, …) for `SAMP_CONFIG_INVALID`. */
  readonly field?: string | undefined;
  /** The original error. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@nuwani/samp`; match on {@link SampError.code}. It never carries the
 * RCON password, nor an RCON command's text (which may carry player text).
 */
export class SampError extends Error {
  override readonly name = "SampError";
  /** What went wrong; stable across versions. */
  readonly code: SampErrorCode;
  /** The query opcode of the failed request, when there was one. */
  readonly opcode: string | undefined;
  /** The config field at fault, for `SAMP_CONFIG_INVALID`. */
  readonly field: string | undefined;

  /**
   * Whether `value` is a {@link SampError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   await client.info();
   * } catch (error) {
   *   if (SampError.is(error, "SAMP_TIMEOUT")) console.log(error.message);
   *   else throw error;
   * }
   * ```
   */
  static is(value: unknown, code?: SampErrorCode): value is SampError {
    return value instanceof SampError && (code === undefined || value.code === code);
  }

  /** An error with its stable `code`, a message (never with the RCON password) and the details of what failed. */
  constructor(code: SampErrorCode, message: string, details: SampErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.opcode = details.opcode;
    this.field = details.field;
  }
}
