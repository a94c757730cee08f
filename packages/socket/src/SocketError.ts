/**
 * Stable codes of {@link SocketError}. Match on these, never on the message.
 *
 * | code | when | what the socket does |
 * |---|---|---|
 * | `SOCKET_INVALID_ARGUMENT` | an option or argument is out of range (constructor, `close()`, `reconnect()`, `sendRaw()`) | throws |
 * | `SOCKET_DESTROYED` | `connect()`/`reconnect()` after `destroy()` | throws |
 * | `SOCKET_NOT_OPEN` | `send()`/`sendRaw()` while no connection is open | throws |
 * | `SOCKET_ENCODE_ERROR` | `send()` got a value `JSON.stringify` cannot encode | throws |
 * | `SOCKET_INVALID_URL` | the URL (or the `url()` callback) is unusable | `error` event, stops (idle) |
 * | `SOCKET_CONNECT_FAILED` | refused, reset, DNS, failed WebSocket handshake | `error` event, retries with backoff |
 * | `SOCKET_CONNECT_TIMEOUT` | no connection within `connectTimeout` | `error` event, retries with backoff |
 * | `SOCKET_TLS_ERROR` | TLS handshake or certificate verification failed | `error` event, retries with backoff |
 * | `SOCKET_HELLO_TIMEOUT` | no message within `helloTimeout` after opening | `error` event, closes with 4000, reconnects |
 * | `SOCKET_CONNECTION_ERROR` | the transport reported a failure on an open connection | `error` event; its close follows |
 * | `SOCKET_PAYLOAD_TOO_LARGE` | a payload exceeded `maxPayloadSize` (or the transport's limit) | `error` event, closes with 4000, reconnects |
 * | `SOCKET_DECOMPRESS_ERROR` | a zlib frame could not be inflated | `error` event; zlib-stream: closes with 4000 and reconnects (fresh context); a standalone frame is skipped |
 * | `SOCKET_DECODE_ERROR` | a payload is not valid JSON | `error` event, payload skipped |
 * | `SOCKET_CALLBACK_ERROR` | `shouldReconnect` or `retryDelay` threw or returned nonsense | `error` event, the default is used |
 */
export type SocketErrorCode =
  | "SOCKET_INVALID_ARGUMENT"
  | "SOCKET_DESTROYED"
  | "SOCKET_NOT_OPEN"
  | "SOCKET_ENCODE_ERROR"
  | "SOCKET_INVALID_URL"
  | "SOCKET_CONNECT_FAILED"
  | "SOCKET_CONNECT_TIMEOUT"
  | "SOCKET_TLS_ERROR"
  | "SOCKET_HELLO_TIMEOUT"
  | "SOCKET_CONNECTION_ERROR"
  | "SOCKET_PAYLOAD_TOO_LARGE"
  | "SOCKET_DECOMPRESS_ERROR"
  | "SOCKET_DECODE_ERROR"
  | "SOCKET_CALLBACK_ERROR";

/**
 * The one error class of `@nuwani/socket`; match on {@link SocketError.code}. The original
 * error (a `TransportError`, a zlib or JSON `SyntaxError`, …) is kept as `cause`. Messages
 * never contain payload contents, so a token that was being sent cannot leak through them.
 */
export class SocketError extends Error {
  override readonly name = "SocketError";
  /** What went wrong; stable across versions. */
  readonly code: SocketErrorCode;

  /**
   * Whether `value` is a {@link SocketError} (`instanceof`) and, when `code` is given, one with that
   * code. A type guard: inside the `if`, `value.code` and the details are typed.
   *
   * @example
   * ```ts
   * try {
   *   socket.send(payload);
   * } catch (error) {
   *   if (SocketError.is(error, "SOCKET_NOT_OPEN")) console.log(error.message);
   *   else throw error;
   * }
   * ```
   */
  static is(value: unknown, code?: SocketErrorCode): value is SocketError {
    return value instanceof SocketError && (code === undefined || value.code === code);
  }

  /** An error with its stable `code`, a message, and the original error as `cause`. */
  constructor(code: SocketErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
