import type { Transport } from "@nuwani/transport";
import type { Clock } from "@nuwani/util";
import type { SocketError } from "./SocketError.js";

/**
 * How payloads are framed on the wire. It must match the URL: `"zlib-stream"` goes with
 * `compress=zlib-stream` in the gateway URL; the socket does not edit the URL.
 */
export type SocketCompression = "none" | "zlib-stream";

/**
 * Who ended a connection: `"client"` (this socket: `close()`, `reconnect()`, `destroy()`, a
 * hello timeout, a broken zlib stream), `"server"` (a close frame arrived), or `"network"`
 * (the TCP connection dropped without a close frame: codes 1006 and 1015).
 */
export type CloseInitiator = "client" | "server" | "network";

/** How a connection ended; what the reconnect policy is asked about. */
export interface SocketCloseInfo {
  /**
   * The close code: the one the server sent (or 1006 when the connection dropped), or, for a
   * close the client asked for, the code it asked for.
   */
  code: number;
  /** The close reason, `""` when none was given. */
  reason: string;
  /** Who ended the connection. */
  initiatedBy: CloseInitiator;
}

/** The `close` event: how the connection ended, and what happens next. */
export interface SocketCloseEvent extends SocketCloseInfo {
  /** Whether the socket will connect again (state `waiting`) or stays `idle`/`destroyed`. */
  reconnect: boolean;
  /** Milliseconds until the next attempt; 0 when not reconnecting. */
  delay: number;
}

/**
 * The answer of a reconnect policy: reconnect or not, optionally after a given delay in
 * milliseconds instead of the backoff schedule (the gateway waits 1–5 s after op 9 this way).
 */
export type ReconnectDecision = boolean | { reconnect: boolean; delay?: number };

/**
 * What the socket is doing: `idle` (not connected, nothing planned), `connecting` (one attempt
 * in flight), `open`, `closing` (a close the client asked for is in progress), `waiting` (for
 * the next attempt), `destroyed` (terminal).
 */
export type SocketState = "idle" | "connecting" | "open" | "closing" | "waiting" | "destroyed";

/** Backoff options of a {@link ReconnectingSocketOptions}. */
export interface SocketBackoffOptions {
  /**
   * The ceiling of the first retry, in milliseconds; each further retry doubles it.
   * @defaultValue 1000
   */
  base?: number;
  /**
   * No delay is ever longer than this, in milliseconds.
   * @defaultValue 60000
   */
  cap?: number;
  /**
   * A connection that stays open this many milliseconds counts as healthy even if nobody
   * called `markHealthy()`; one that closes sooner without being marked counts as a failed
   * attempt.
   * @defaultValue 30000
   */
  stableAfter?: number;
  /**
   * After a healthy connection ends, the first attempt goes out after `random() × dropJitter`
   * milliseconds (under 1000): at once, with just enough jitter to spread many clients that
   * lost their connection together. Only the attempts that fail after it back off.
   * @defaultValue 100
   */
  dropJitter?: number;
}

/** Options of a `ReconnectingSocket`. */
export interface ReconnectingSocketOptions {
  /**
   * The WebSocket URL, or a function asked before every attempt (the layer above may change
   * it, e.g. to a resume URL). The URL is not treated as a secret: it appears in events.
   */
  url: string | (() => string);
  /** @defaultValue a `WsTransport` from `@nuwani/transport` with its defaults */
  transport?: Transport;
  /** @defaultValue "none" */
  compression?: SocketCompression;
  /**
   * The largest payload in bytes after joining frames and inflating; a larger one is
   * `SOCKET_PAYLOAD_TOO_LARGE` and replaces the connection.
   * @defaultValue 104857600 (100 MiB)
   */
  maxPayloadSize?: number;
  /**
   * Milliseconds for TCP + TLS + WebSocket handshake before the attempt fails with
   * `SOCKET_CONNECT_TIMEOUT` (and is retried).
   * @defaultValue 15000
   */
  connectTimeout?: number;
  /**
   * Milliseconds after opening within which the first message must arrive, else the socket
   * closes with 4000 and reconnects (`SOCKET_HELLO_TIMEOUT`). 0 disables.
   * @defaultValue 20000
   */
  helloTimeout?: number;
  /**
   * Milliseconds a client-side close may take before the connection is terminated.
   * @defaultValue 5000
   */
  closeTimeout?: number;
  /** @defaultValue `{ base: 1000, cap: 60000, stableAfter: 30000, dropJitter: 100 }` */
  backoff?: SocketBackoffOptions;
  /**
   * Replaces the backoff schedule of failed attempts: the delay in milliseconds after failure
   * number `attempt` (0 for the first failure after `connect()` or after a healthy connection).
   * The attempt right after a healthy connection ended uses `dropJitter` instead.
   * @defaultValue `random() × min(cap, base × 2^attempt)`
   */
  retryDelay?: (attempt: number) => number;
  /**
   * Asked after every close the client did not ask for (server close frames and dropped
   * connections), before the `close` event. Not asked for connect failures, which are always
   * retried except `SOCKET_INVALID_URL`; call `close()` from an `error` listener to give up.
   * @defaultValue always reconnect, after the backoff delay
   */
  shouldReconnect?: (close: SocketCloseInfo) => ReconnectDecision;
  /**
   * Time source of every timer (connect, hello and close timeouts, backoff waits, the
   * stability timer); passed down to the default `WsTransport` too.
   * @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily)
   */
  clock?: Clock;
  /**
   * Random source for the backoff jitter, returning a number in [0, 1).
   * @defaultValue `Math.random`
   */
  random?: () => number;
}

/** Options of `ReconnectingSocket.reconnect()`. */
export interface ReconnectOptions {
  /**
   * Milliseconds to wait before the next attempt.
   * @defaultValue the backoff delay
   */
  delay?: number;
}

/** The `connecting` and `open` events: which attempt, to which URL. */
export interface SocketAttemptInfo {
  /**
   * Consecutive failed attempts before this one, since `connect()` or since the last healthy
   * connection: 0 for the attempt `connect()` starts and for the first one after a healthy
   * connection dropped, 1 after one failure, and so on. The backoff grows with it.
   */
  attempt: number;
  /** The URL of this attempt. */
  url: string;
}

/** The `retry` event: an attempt failed before the connection opened, and the next one is planned. */
export interface SocketRetryInfo {
  /** The attempt that failed, counted as in the `connecting` event (0 for the first since `connect()` or a healthy connection). */
  attempt: number;
  /** Milliseconds until the next attempt (the backoff delay). */
  delay: number;
  /**
   * Why it failed: `SOCKET_CONNECT_FAILED`, `SOCKET_CONNECT_TIMEOUT` or `SOCKET_TLS_ERROR`; the
   * same error the `error` event reports right after.
   */
  error: SocketError;
}

/**
 * Events of a `ReconnectingSocket`, as labelled tuples for Node's typed `EventEmitter`.
 * State changes happen before the event, so a listener sees the new `state` and may call
 * `close()`/`destroy()` (e.g. from `error` or `close`) to stop any planned attempt.
 */
export interface ReconnectingSocketEvents {
  /** An attempt starts. */
  connecting: [info: SocketAttemptInfo];
  /** A connection opened; `send()` works from now on. */
  open: [info: SocketAttemptInfo];
  /** One decoded payload, in the order the server sent them. */
  payload: [payload: unknown];
  /** A connection that had opened ended. Connect failures are `retry` and `error` events instead. */
  close: [info: SocketCloseEvent];
  /** An attempt failed before the connection opened; the next follows after `delay` ms. Before its `error` event. */
  retry: [info: SocketRetryInfo];
  /**
   * Something failed; see `SocketErrorCode`. Emitted only while someone listens, so an
   * unobserved error never throws; it becomes a `debug` message then.
   */
  error: [error: SocketError];
  /** Diagnostics in English; never payload contents. */
  debug: [message: string];
}
