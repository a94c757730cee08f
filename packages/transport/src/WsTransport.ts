import { systemClock, type Clock } from "@nuwani/util";
import { WebSocket, type ClientOptions } from "ws";
import type { Transport, TransportConnection, TransportConnectOptions, TransportListener } from "./Transport.js";
import { TransportError } from "./TransportError.js";
import { WsConnection } from "./WsConnection.js";

/** Options of a {@link WsTransport}. */
export interface WsTransportOptions {
  /**
   * The largest message accepted, in bytes, after continuation frames are joined. A larger
   * one fails the connection with `TRANSPORT_PAYLOAD_TOO_LARGE` and close code 1009. A large
   * guild's GUILD_CREATE is several megabytes.
   * @defaultValue 67108864 (64 MiB)
   */
  maxPayload?: number;
  /**
   * Certificate authorities to trust for `wss://` (PEM), replacing Node's default list, e.g.
   * for a test server with a self-signed certificate.
   * @defaultValue Node's bundled root certificates
   */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * Verify the server's TLS certificate and host name. Only turn this off for local tests.
   * @defaultValue true
   */
  rejectUnauthorized?: boolean;
  /**
   * HTTP headers sent with every upgrade request (per-connect headers override them).
   * @defaultValue none
   */
  headers?: Record<string, string>;
  /**
   * Milliseconds allowed for TCP + TLS + WebSocket handshake when `connect` gets no
   * `timeout`; 0 waits forever.
   * @defaultValue 15000
   */
  handshakeTimeout?: number;
  /**
   * Time source of the handshake timeout (`@nuwani/util`'s `Clock`; the socket layer passes
   * the same one down).
   * @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily, so
   *   `vi.useFakeTimers()` works)
   */
  clock?: Clock;
}

const DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT = 15_000;

function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0) || Number.isNaN(value)) {
    throw new TransportError("TRANSPORT_INVALID_ARGUMENT", `${name} must be a number ≥ 0`);
  }
}

/**
 * A {@link Transport} on the `ws` library: `ws://` and `wss://` (TLS verification on), no
 * per-message deflate, a maximum payload, a handshake deadline and abort support. Text
 * messages arrive as strings, binary ones as `Buffer`s (a `Uint8Array`); `ws` joins
 * continuation frames.
 *
 * @example
 * ```ts
 * const transport = new WsTransport();
 * const connection = await transport.connect("wss://gateway.discord.gg/?v=6&encoding=json", {
 *   onMessage: (data) => console.log(data),
 *   onClose: (code, reason) => console.log("closed", code, reason),
 *   onError: (error) => console.log(error.code),
 * });
 * connection.send(JSON.stringify({ op: 1, d: null }));
 * ```
 */
export class WsTransport implements Transport {
  private readonly maxPayload: number;
  private readonly ca: string | Buffer | Array<string | Buffer> | undefined;
  private readonly rejectUnauthorized: boolean;
  private readonly headers: Record<string, string>;
  private readonly handshakeTimeout: number;
  private readonly clock: Clock;

  /** @throws TransportError `TRANSPORT_INVALID_ARGUMENT` for a negative size or timeout. */
  constructor(options: WsTransportOptions = {}) {
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    this.handshakeTimeout = options.handshakeTimeout ?? DEFAULT_TIMEOUT;
    checkNonNegative("maxPayload", this.maxPayload);
    checkNonNegative("handshakeTimeout", this.handshakeTimeout);
    this.ca = options.ca;
    this.rejectUnauthorized = options.rejectUnauthorized ?? true;
    this.headers = { ...options.headers };
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Opens a WebSocket connection. Resolves once the handshake is complete; rejects (exactly
   * once) with a {@link TransportError}: `TRANSPORT_INVALID_URL`, `TRANSPORT_CONNECT_TIMEOUT`,
   * `TRANSPORT_ABORTED`, `TRANSPORT_CONNECT_FAILED`, `TRANSPORT_TLS_ERROR` or
   * `TRANSPORT_HANDSHAKE_FAILED`. The listener is only called after the promise resolved.
   */
  connect(url: string, listener: TransportListener, options: TransportConnectOptions = {}): Promise<TransportConnection> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      return Promise.reject(new TransportError("TRANSPORT_INVALID_URL", "invalid WebSocket URL", { cause: error }));
    }
    if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
      return Promise.reject(
        new TransportError("TRANSPORT_INVALID_URL", `unsupported protocol ${parsed.protocol} (expected ws: or wss:)`),
      );
    }
    const timeout = options.timeout ?? this.handshakeTimeout;
    if (!(timeout >= 0)) {
      return Promise.reject(new TransportError("TRANSPORT_INVALID_ARGUMENT", "timeout must be a number ≥ 0"));
    }
    const signal = options.signal;
    if (signal?.aborted === true) {
      return Promise.reject(
        new TransportError("TRANSPORT_ABORTED", `connecting to ${parsed.host} was aborted`, { cause: signal.reason }),
      );
    }

    const wsOptions: ClientOptions = {
      perMessageDeflate: false,
      maxPayload: this.maxPayload,
      followRedirects: false,
      rejectUnauthorized: this.rejectUnauthorized,
      headers: options.headers === undefined ? this.headers : { ...this.headers, ...options.headers },
    };
    if (this.ca !== undefined) wsOptions.ca = this.ca;

    let ws: WebSocket;
    try {
      ws = new WebSocket(url, wsOptions);
    } catch (error) {
      return Promise.reject(new TransportError("TRANSPORT_INVALID_URL", "invalid WebSocket URL", { cause: error }));
    }
    return new Promise<TransportConnection>((resolve, reject) => {
      new WsConnection({ ws, url, host: parsed.host, listener, clock: this.clock, timeout, signal, resolve, reject });
    });
  }
}
