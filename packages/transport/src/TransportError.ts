/** Stable codes of {@link TransportError}. */
export type TransportErrorCode =
  | "TRANSPORT_INVALID_URL"
  | "TRANSPORT_CONNECT_TIMEOUT"
  | "TRANSPORT_ABORTED"
  | "TRANSPORT_CONNECT_FAILED"
  | "TRANSPORT_TLS_ERROR"
  | "TRANSPORT_HANDSHAKE_FAILED"
  | "TRANSPORT_PAYLOAD_TOO_LARGE"
  | "TRANSPORT_PROTOCOL_ERROR"
  | "TRANSPORT_NOT_OPEN"
  | "TRANSPORT_INVALID_ARGUMENT";

/** Extra details of a {@link TransportError}. */
export interface TransportErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** For `TRANSPORT_TLS_ERROR`: Node's TLS error code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  tlsCode?: string;
  /** For `TRANSPORT_HANDSHAKE_FAILED`: the HTTP status the server answered instead of 101. */
  status?: number;
  /** For errors on an open connection: the close code sent because of it (1009, 1002…). */
  closeCode?: number;
}

/** The one error class of `@nuwani/transport`; match on `code`. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  /** What went wrong, stable across versions. */
  readonly code: TransportErrorCode;
  /** For `TRANSPORT_TLS_ERROR`: Node's TLS error code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  declare readonly tlsCode?: string;
  /** For `TRANSPORT_HANDSHAKE_FAILED`: the HTTP status the server answered instead of 101. */
  declare readonly status?: number;
  /** For errors on an open connection: the close code sent because of it (1009, 1002…). */
  declare readonly closeCode?: number;

  /**
   * Whether `value` is a {@link TransportError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   connection.send(data);
   * } catch (error) {
   *   if (TransportError.is(error, "TRANSPORT_NOT_OPEN")) console.log(error.message);
   *   else throw error;
   * }
   * ```
   */
  static is(value: unknown, code?: TransportErrorCode): value is TransportError {
    return value instanceof TransportError && (code === undefined || value.code === code);
  }

  /** An error with its stable `code`, a message (never with a secret), the close code and the original error as `cause`. */
  constructor(code: TransportErrorCode, message: string, options?: TransportErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.tlsCode !== undefined) this.tlsCode = options.tlsCode;
    if (options?.status !== undefined) this.status = options.status;
    if (options?.closeCode !== undefined) this.closeCode = options.closeCode;
  }
}
