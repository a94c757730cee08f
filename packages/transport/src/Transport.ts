import type { TransportError } from "./TransportError.js";

/** Options for one connection attempt. */
export interface TransportConnectOptions {
  /**
   * Milliseconds to wait for the TCP + TLS + WebSocket handshake before failing with
   * `TRANSPORT_CONNECT_TIMEOUT`; 0 waits forever.
   * @defaultValue the transport's handshake timeout, 15000 for `WsTransport`
   */
  timeout?: number;
  /** Aborting it cancels a pending connect (`TRANSPORT_ABORTED`); it has no effect once open. */
  signal?: AbortSignal;
  /**
   * Extra HTTP headers for the upgrade request.
   * @defaultValue none
   */
  headers?: Record<string, string>;
}

/**
 * What a connection reports. Called synchronously by the transport, in order; the first call
 * comes after the connect promise resolved (nothing received before is lost), no call happens
 * after `onClose`, and `onClose` happens exactly once. Listeners must not throw.
 */
export interface TransportListener {
  /** A whole message (continuation frames already joined): text as a string, binary as bytes. */
  onMessage(data: string | Uint8Array, isBinary: boolean): void;
  /** The connection closed (by either side, or because the TCP connection dropped: 1006). */
  onClose(code: number, reason: string): void;
  /** A failure on an open connection (payload too large, protocol error). `onClose` follows. */
  onError(error: TransportError): void;
}

/** The readiness of a connection. */
export type TransportConnectionState = "open" | "closing" | "closed";

/** One open WebSocket connection. */
export interface TransportConnection {
  /** The URL it connected to. */
  readonly url: string;
  /** Whether it is open, closing or closed. */
  readonly state: TransportConnectionState;
  /** Sends a text (string) or binary (bytes) message; `TRANSPORT_NOT_OPEN` when not open. */
  send(data: string | Uint8Array): void;
  /**
   * Starts the closing handshake with `code` (default 1000; 1000–1014 except 1004–1006, or
   * 3000–4999, else `TRANSPORT_INVALID_ARGUMENT`). Harmless when already closing or closed.
   */
  close(code?: number, reason?: string): void;
  /** Drops the TCP connection without a closing handshake (what a crash looks like). */
  terminate(): void;
}

/**
 * Opens WebSocket connections. The socket layer depends on this type only, so a fake (or a
 * different WebSocket library) can stand in.
 */
export interface Transport {
  /** Opens a connection; rejects with a `TransportError` (exactly once) when it cannot. */
  connect(
    url: string,
    listener: TransportListener,
    options?: TransportConnectOptions,
  ): Promise<TransportConnection>;
}
