/**
 * Stable codes of {@link TrackerError}. Match on these, never on messages.
 *
 * - `TRACKER_INVALID_PAYLOAD`: a dispatch's `d` lacks a field the tracker needs, or has one of
 *   the wrong type. The dispatch (or the one bad entry of a list) is skipped; the state is
 *   left as it was. Reported through the `error` event (or `debug` when nobody listens).
 * - `TRACKER_INVALID_ARGUMENT`: a method was called with an argument of the wrong type or
 *   out of range; the message names it. Thrown.
 * - `TRACKER_ALREADY_ATTACHED`: `attach()` while another gateway is attached. Thrown.
 * - `TRACKER_HANDLER_FAILED`: applying a dispatch threw — almost always a listener of one of
 *   the tracker's events; `cause` is what was thrown. The tracker goes on with the next
 *   dispatch.
 * - `TRACKER_SYNC_FAILED`: the member sync of a large guild (op 8) failed (timeout, or still
 *   `GATEWAY_RATE_LIMITED` after `syncRetries` retries); `cause` is the gateway's error. The guild keeps the members it has and is
 *   synced again on its next GUILD_CREATE.
 */
export type TrackerErrorCode =
  | "TRACKER_INVALID_PAYLOAD"
  | "TRACKER_INVALID_ARGUMENT"
  | "TRACKER_ALREADY_ATTACHED"
  | "TRACKER_HANDLER_FAILED"
  | "TRACKER_SYNC_FAILED";

/** Extra details of a {@link TrackerError}. */
export interface TrackerErrorOptions {
  /** The underlying error, if any. @defaultValue undefined */
  cause?: unknown;
  /** The dispatch event (`t`) the error is about, if any. @defaultValue undefined */
  event?: string;
}

/** The one error class of `@nuwani/tracker`, with a stable {@link TrackerErrorCode}. */
export class TrackerError extends Error {
  /** Always `"TrackerError"`. */
  public override readonly name = "TrackerError";
  /** What went wrong, stable across versions. */
  public readonly code: TrackerErrorCode;
  /** The dispatch event (`t`) the error is about, when there is one. */
  public declare readonly event?: string;

  /** An error with its stable `code`, a message, and the original error as `cause`. */
  public constructor(code: TrackerErrorCode, message: string, options: TrackerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.event !== undefined) this.event = options.event;
  }

  /**
   * Whether `value` is a {@link TrackerError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * tracker.on("error", (error) => {
   *   if (TrackerError.is(error, "TRACKER_SYNC_FAILED")) console.log("member sync failed:", error.cause);
   * });
   * ```
   */
  public static is(value: unknown, code?: TrackerErrorCode): value is TrackerError {
    return value instanceof TrackerError && (code === undefined || value.code === code);
  }
}
