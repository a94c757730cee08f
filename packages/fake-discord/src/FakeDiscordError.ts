/** Stable codes of {@link FakeDiscordError}. */
export type FakeDiscordErrorCode =
  | "FAKE_DISCORD_NOT_STARTED"
  | "FAKE_DISCORD_ALREADY_STARTED"
  | "FAKE_DISCORD_LISTEN_FAILED"
  | "FAKE_DISCORD_TIMEOUT"
  | "FAKE_DISCORD_INVALID_ARGUMENT";

/** The one error class of `@nuwani/fake-discord`; match on `code`. */
export class FakeDiscordError extends Error {
  override readonly name = "FakeDiscordError";
  /** What went wrong, stable across versions. */
  readonly code: FakeDiscordErrorCode;

  /**
   * Whether `value` is a {@link FakeDiscordError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   await gateway.waitForConnection();
   * } catch (error) {
   *   if (FakeDiscordError.is(error, "FAKE_DISCORD_TIMEOUT")) console.log(error.message);
   *   else throw error;
   * }
   * ```
   */
  static is(value: unknown, code?: FakeDiscordErrorCode): value is FakeDiscordError {
    return value instanceof FakeDiscordError && (code === undefined || value.code === code);
  }

  /** An error with its stable `code`, a message, and the original error as `cause`. */
  constructor(code: FakeDiscordErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
