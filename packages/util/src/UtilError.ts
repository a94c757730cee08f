/** The stable codes of {@link UtilError}. */
export type UtilErrorCode =
  /** An option is out of its range (the message names it and the accepted values). */
  | "UTIL_INVALID_OPTION"
  /** A wait was abandoned because its `AbortSignal` aborted (the default when no `abortError` is given). */
  | "UTIL_ABORTED";

/**
 * The one error class of `@nuwani/util`, a `RangeError` with a stable `code`. Packages that
 * build on util usually translate it into their own error (see `RateLimiterOptions.abortError`).
 */
export class UtilError extends RangeError {
  /** Stable machine-readable code. */
  public readonly code: UtilErrorCode;

  /** An error with `code` and a human-readable `message`. */
  public constructor(code: UtilErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UtilError";
    this.code = code;
  }
}
