/** Stable codes of {@link FakeSampError}. */
export type FakeSampErrorCode =
  /** `start()` was called on a server that is already listening. */
  | "FAKE_SAMP_ALREADY_STARTED"
  /** The UDP socket could not be bound (port in use, bad address); `cause` has the OS error. */
  | "FAKE_SAMP_LISTEN_FAILED"
  /** An option, argument or CLI flag is out of range or of the wrong type. */
  | "FAKE_SAMP_INVALID_ARGUMENT"
  /** The code page is not one `iconv-lite` knows. */
  | "FAKE_SAMP_UNKNOWN_ENCODING"
  /** No player has that id. */
  | "FAKE_SAMP_PLAYER_NOT_FOUND"
  /** The roster already holds `maxPlayers` players. */
  | "FAKE_SAMP_SERVER_FULL"
  /** Writing, renaming or truncating the log file failed; `cause` has the OS error. */
  | "FAKE_SAMP_LOG_FAILED"
  /** A `waitFor…` call saw nothing matching in time. */
  | "FAKE_SAMP_TIMEOUT"
  /** The object was destroyed (`FakeNuwaniInclude.destroy()`) and cannot be used again. */
  | "FAKE_SAMP_DESTROYED";

/** The one error class of `@nuwani/fake-samp`; match on `code`. */
export class FakeSampError extends Error {
  override readonly name = "FakeSampError";
  /** What went wrong, stable across versions. */
  readonly code: FakeSampErrorCode;

  /**
   * Whether `value` is a {@link FakeSampError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   await server.waitFor("rcon");
   * } catch (error) {
   *   if (FakeSampError.is(error, "FAKE_SAMP_TIMEOUT")) console.log(error.message);
   *   else throw error;
   * }
   * ```
   */
  static is(value: unknown, code?: FakeSampErrorCode): value is FakeSampError {
    return value instanceof FakeSampError && (code === undefined || value.code === code);
  }

  /** An error with its stable `code`, a message, and the original error as `cause`. */
  constructor(code: FakeSampErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
