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
  | "TRANSPORT_NOT_OPEN";

/** The one error class of `@nuwani/transport`; match on `code`. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
