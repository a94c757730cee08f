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
  /** Always `"UtilError"`. */
  public override readonly name = "UtilError";
  /** What went wrong, stable across versions. */
  public readonly code: UtilErrorCode;

  /**
   * Whether `value` is a {@link UtilError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   await limiter.take(signal);
   * } catch (error) {
   *   if (UtilError.is(error, "UTIL_ABORTED")) console.log(error.message);
   *   else throw error;
   * }
   * ```
   */
  public static is(value: unknown, code?: UtilErrorCode): value is UtilError {
    return value instanceof UtilError && (code === undefined || value.code === code);
  }

  /** An error with `code` and a human-readable `message`. */
  public constructor(code: UtilErrorCode, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
