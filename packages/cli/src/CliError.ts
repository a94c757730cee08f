/**
 * Stable codes of {@link CliError}. Match on these, never on the message.
 *
 * | code | when | exit code |
 * |---|---|---|
 * | `CLI_INVALID_ARGUMENT` | an unknown option, a missing value, a positional argument, a bad `--for` | 2 |
 * | `CLI_CONFIG_NOT_FOUND` | the `--config` file does not exist (a mistyped path is not "Discord is off") | 2 |
 * | `CLI_NO_GAME` | `--config` enables Discord but names no real game source and `--simulate-game` was not given | 2 |
 */
export type CliErrorCode = "CLI_INVALID_ARGUMENT" | "CLI_CONFIG_NOT_FOUND" | "CLI_NO_GAME";

/** The one error class of `@nuwani/cli`; match on {@link CliError.code}. */
export class CliError extends Error {
  override readonly name = "CliError";
  /** What went wrong; stable across versions. */
  readonly code: CliErrorCode;

  /**
   * Whether `value` is a {@link CliError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   parseCliArgs(argv);
   * } catch (error) {
   *   if (CliError.is(error, "CLI_INVALID_ARGUMENT")) console.log(error.message);
   *   else throw error;
   * }
   * ```
   */
  static is(value: unknown, code?: CliErrorCode): value is CliError {
    return value instanceof CliError && (code === undefined || value.code === code);
  }

  /** An error with its stable `code`, a message (never with a secret), and the original error as `cause`. */
  constructor(code: CliErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
