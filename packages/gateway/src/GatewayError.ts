/**
 * Stable codes of {@link GatewayError}. Match on these, never on messages.
 *
 * - `GATEWAY_AUTHENTICATION_FAILED`: the token was rejected (close 4004). Fatal.
 * - `GATEWAY_INVALID_SHARD`: the `shard` sent in Identify is invalid (close 4010). Fatal.
 * - `GATEWAY_SHARDING_REQUIRED`: the bot is in too many guilds for one connection (close 4011). Fatal.
 * - `GATEWAY_INVALID_API_VERSION`: the gateway rejected the `v=` version (close 4012). Fatal.
 * - `GATEWAY_INVALID_INTENTS`: the `intents` value is not a valid bit field (close 4013). Fatal.
 * - `GATEWAY_DISALLOWED_INTENTS`: a privileged intent is not enabled for the bot (close 4014). Fatal.
 * - `GATEWAY_SESSION_LIMIT_EXHAUSTED`: the daily session start limit is used up; identifying now
 *   would reset the bot's token, so the client refuses. The message says when it resets.
 * - `GATEWAY_IDENTIFY_STORM`: too many Identifies in a row did not reach READY (an op 9 storm);
 *   the client stops identifying long before the daily limit. Fatal.
 * - `GATEWAY_NOT_CONNECTED`: a command was sent while no session is open.
 * - `GATEWAY_PAYLOAD_TOO_LARGE`: an outbound payload exceeds 4096 bytes (Discord would close 4002).
 * - `GATEWAY_REQUEST_TIMEOUT`: a request (e.g. Request Guild Members) got no answer in time.
 * - `GATEWAY_DISCONNECTED`: pending work was cancelled because the connection went away.
 * - `GATEWAY_DESTROYED`: `destroy()` was called: pending work is cancelled, and the connection
 *   is unusable (a later `connect()` rejects with it).
 * - `GATEWAY_INVALID_OPTION`: an option or argument is out of range; the message names it.
 * - `GATEWAY_INVALID_PAYLOAD`: the gateway sent a payload that breaks the protocol.
 * - `GATEWAY_ABORTED`: a wait was cancelled through its `AbortSignal`; `cause` is the signal's reason.
 * - `GATEWAY_CONNECT_TIMEOUT`: `connect({ timeout })` got no ready session in time.
 * - `GATEWAY_HELLO_TIMEOUT`: no HELLO within `helloTimeout` of a connection opening; the connection is replaced.
 * - `GATEWAY_READY_TIMEOUT`: no READY/RESUMED within `readyTimeout` of Identify/Resume; the connection is replaced.
 * - `GATEWAY_RATE_LIMITED`: Discord rate limited a command (v10 `RATE_LIMITED` for op 8);
 *   `retryAfter` says how many milliseconds to wait before asking again.
 * - `GATEWAY_SOCKET_ERROR`: the socket beneath failed (`cause` is its `SocketError`); it
 *   reconnects by itself, unless the gateway URL is unusable (then fatal).
 */
export type GatewayErrorCode =
  | "GATEWAY_AUTHENTICATION_FAILED"
  | "GATEWAY_INVALID_SHARD"
  | "GATEWAY_SHARDING_REQUIRED"
  | "GATEWAY_INVALID_API_VERSION"
  | "GATEWAY_INVALID_INTENTS"
  | "GATEWAY_DISALLOWED_INTENTS"
  | "GATEWAY_SESSION_LIMIT_EXHAUSTED"
  | "GATEWAY_IDENTIFY_STORM"
  | "GATEWAY_NOT_CONNECTED"
  | "GATEWAY_PAYLOAD_TOO_LARGE"
  | "GATEWAY_REQUEST_TIMEOUT"
  | "GATEWAY_DISCONNECTED"
  | "GATEWAY_DESTROYED"
  | "GATEWAY_INVALID_OPTION"
  | "GATEWAY_INVALID_PAYLOAD"
  | "GATEWAY_ABORTED"
  | "GATEWAY_CONNECT_TIMEOUT"
  | "GATEWAY_HELLO_TIMEOUT"
  | "GATEWAY_READY_TIMEOUT"
  | "GATEWAY_RATE_LIMITED"
  | "GATEWAY_SOCKET_ERROR";

/** Extra details of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** The underlying error, if any. @defaultValue undefined */
  cause?: unknown;
  /** The WebSocket close code that caused the error, if any. @defaultValue undefined */
  closeCode?: number;
  /** For `GATEWAY_RATE_LIMITED`: milliseconds to wait before retrying. @defaultValue undefined */
  retryAfter?: number;
}

/**
 * The one error class of `@nuwani/gateway`. `code` is stable; `message` is for humans and
 * never contains the token.
 */
export class GatewayError extends Error {
  /** Always `"GatewayError"`. */
  public override readonly name = "GatewayError";
  /** What went wrong, stable across versions. */
  public readonly code: GatewayErrorCode;
  /** The WebSocket close code that caused the error, when there was one. */
  public declare readonly closeCode?: number;
  /** For `GATEWAY_RATE_LIMITED`: milliseconds to wait before retrying. */
  public declare readonly retryAfter?: number;

  /** An error with its stable `code`, a message (never with the token), the close code and the original error as `cause`. */
  public constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.closeCode !== undefined) this.closeCode = options.closeCode;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }

  /**
   * Whether `value` is a {@link GatewayError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   await gateway.requestGuildMembers({ guildId, query: "" });
   * } catch (error) {
   *   if (GatewayError.is(error, "GATEWAY_RATE_LIMITED")) console.log("retry in", error.retryAfter, "ms");
   *   else throw error;
   * }
   * ```
   */
  public static is(value: unknown, code?: GatewayErrorCode): value is GatewayError {
    return value instanceof GatewayError && (code === undefined || value.code === code);
  }

  /**
   * A `GATEWAY_INVALID_OPTION` error naming the option, what it must be, and what it was.
   * Only put values here that cannot be secrets (numbers, never the token).
   */
  public static invalidOption(name: string, expected: string, actual: unknown): GatewayError {
    const shown = typeof actual === "number" || typeof actual === "boolean" || actual == null ? String(actual) : typeof actual;
    return new GatewayError("GATEWAY_INVALID_OPTION", `${name} must be ${expected}, got ${shown}.`);
  }

  /**
   * The error a wait rejects with when its `AbortSignal` fires: the signal's reason itself if
   * that is a {@link GatewayError}, else a `GATEWAY_ABORTED` error with the reason as `cause`.
   */
  public static fromAbort(signal: AbortSignal): GatewayError {
    const reason: unknown = signal.reason;
    if (reason instanceof GatewayError) return reason;
    return new GatewayError("GATEWAY_ABORTED", "The wait was aborted.", { cause: reason });
  }
}
