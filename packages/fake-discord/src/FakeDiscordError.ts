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

  /** An error with its stable `code`, a message, and the original error as `cause`. */
  constructor(code: FakeDiscordErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
