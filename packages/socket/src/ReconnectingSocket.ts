import { EventEmitter } from "node:events";
import { WsTransport, type Transport, type TransportConnection, type TransportListener } from "@nuwani/transport";
import { clampDelay, systemClock, type Clock } from "@nuwani/util";
import { Backoff } from "./Backoff.js";
import { checkCodecOptions, DEFAULT_MAX_PAYLOAD_SIZE, GatewayCodec } from "./GatewayCodec.js";
import { SocketError, type SocketErrorCode } from "./SocketError.js";
import type {
  CloseInitiator,
  ReconnectingSocketEvents,
  ReconnectingSocketOptions,
  ReconnectOptions,
  SocketCloseInfo,
  SocketCompression,
  SocketState,
} from "./types.js";
import { ReconnectPolicy } from "./ReconnectPolicy.js";
import { checkClose, closeQuietly, connectError, duration, RESET_CODE } from "./socketHelpers.js";
import { TRANSITIONS, type Closing, type Link, type Open, type State, type Waiting } from "./socketState.js";

/**
 * A WebSocket that keeps itself connected: one connection at a time, exponential backoff with
 * full jitter between attempts, connect and hello timeouts, and a codec that turns messages
 * (JSON text, or a `zlib-stream`) into payloads. Whether to reconnect after the server closed
 * is asked of a policy callback, since only the layer above knows its close codes.
 *
 * Nothing the network does throws out of it: failures are `error` events with a
 * {@link SocketError}; only misuse of its methods throws.
 *
 * @example
 * ```ts
 * const socket = new ReconnectingSocket({ url: "wss://gateway.discord.gg/?v=6&encoding=json" });
 * socket.on("payload", (payload) => handle(payload));
 * socket.on("error", (error) => log(error.code));
 * socket.connect();
 * ```
 */
export class ReconnectingSocket extends EventEmitter<ReconnectingSocketEvents> {
  readonly #url: string | (() => string);
  readonly #transport: Transport;
  readonly #compression: SocketCompression;
  readonly #maxPayloadSize: number;
  readonly #connectTimeout: number;
  readonly #helloTimeout: number;
  readonly #closeTimeout: number;
  readonly #stableAfter: number;
  readonly #dropJitter: number;
  readonly #policy: ReconnectPolicy;
  readonly #clock: Clock;

  #state: State = { kind: "idle" };
  /** Consecutive failed attempts (since `connect()` or the last healthy connection); the backoff exponent. */
  #attempt = 0;

  /** @throws {@link SocketError} `SOCKET_INVALID_ARGUMENT` for an invalid option. */
  constructor(options: ReconnectingSocketOptions) {
    super();
    const url: unknown = options.url;
    if (typeof url !== "function" && (typeof url !== "string" || url === "")) {
      throw new SocketError("SOCKET_INVALID_ARGUMENT", "url must be a non-empty string or a function returning one");
    }
    this.#url = options.url;
    this.#compression = options.compression ?? "none";
    this.#maxPayloadSize = options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE;
    checkCodecOptions(this.#compression, this.#maxPayloadSize);
    this.#connectTimeout = duration("connectTimeout", options.connectTimeout, 15_000, 1);
    this.#helloTimeout = duration("helloTimeout", options.helloTimeout, 20_000, 0);
    this.#closeTimeout = duration("closeTimeout", options.closeTimeout, 5_000, 0);
    this.#stableAfter = duration("backoff.stableAfter", options.backoff?.stableAfter, 30_000, 0);
    this.#dropJitter = duration("backoff.dropJitter", options.backoff?.dropJitter, 100, 0);
    if (this.#dropJitter >= 1000) {
      throw new SocketError("SOCKET_INVALID_ARGUMENT", `backoff.dropJitter must be below 1000 ms, got ${String(this.#dropJitter)}`);
    }
    const backoff = new Backoff({
      ...(options.backoff?.base === undefined ? {} : { base: options.backoff.base }),
      ...(options.backoff?.cap === undefined ? {} : { cap: options.backoff.cap }),
      ...(options.random === undefined ? {} : { random: options.random }),
    });
    this.#policy = new ReconnectPolicy({
      backoff,
      retryDelay: options.retryDelay,
      shouldReconnect: options.shouldReconnect,
      random: options.random ?? Math.random,
    });
    this.#clock = options.clock ?? systemClock;
    this.#transport = options.transport ?? new WsTransport({ clock: this.#clock });
  }

  /** What the socket is doing now. */
  get state(): SocketState {
    return this.#state.kind;
  }

  /**
   * Consecutive failed attempts since `connect()` or since the last healthy connection (one
   * marked by {@link ReconnectingSocket.markHealthy} or up for `backoff.stableAfter`; it drops
   * to 0 then). The next backoff delay after a failure is `random() × min(cap, base × 2^attempt)`.
   */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * Starts connecting, when idle. Does nothing while an attempt is in flight, a connection is
   * open or an attempt is planned: there is never more than one connection. While a close the
   * client asked for is still in progress, connects again once it is done.
   * @throws {@link SocketError} `SOCKET_DESTROYED` after `destroy()`.
   */
  connect(): void {
    const state = this.#state;
    switch (state.kind) {
      case "destroyed":
        throw new SocketError("SOCKET_DESTROYED", "connect() was called after destroy()");
      case "idle":
        this.#attempt = 0;
        this.#startAttempt();
        return;
      case "closing":
        if (!state.request.reconnect) {
          state.request.reconnect = true;
          state.request.delay = 0;
          this.#attempt = 0;
        }
        return;
      default:
        this.#debug(`connect() ignored: the socket is ${state.kind}`);
    }
  }

  /**
   * Tells the socket the open connection works (the gateway calls it once READY or RESUMED
   * came and dispatches flow). The failure count drops to 0, and when this connection ends the
   * first attempt goes out at once, after `random() × backoff.dropJitter` ms; only attempts
   * that fail after that meet the growing backoff. A connection never marked (and not up for
   * `backoff.stableAfter`) counts as a failed attempt when it ends, so a server that accepts
   * and drops at once is retried ever more slowly. Does nothing without an open connection.
   */
  markHealthy(): void {
    const state = this.#state;
    if (state.kind !== "open" || state.healthy) return;
    this.#setHealthy(state);
    this.#debug("connection marked healthy: failure count reset");
  }

  /**
   * Sends a payload as one JSON text message. The payload may hold a token: it is never
   * logged, and errors never quote it.
   * @throws {@link SocketError} `SOCKET_NOT_OPEN` when no connection is open,
   *   `SOCKET_ENCODE_ERROR` when `JSON.stringify` cannot encode the payload.
   */
  send(payload: unknown): void {
    const state = this.#requireOpen();
    let text: string | undefined;
    try {
      text = JSON.stringify(payload);
    } catch (error) {
      throw new SocketError("SOCKET_ENCODE_ERROR", "the payload cannot be encoded as JSON", { cause: error });
    }
    if (text === undefined) {
      throw new SocketError("SOCKET_ENCODE_ERROR", `a payload of type ${typeof payload} has no JSON form`);
    }
    this.#write(state, text);
  }

  /**
   * Sends a text message as it is.
   * @throws {@link SocketError} `SOCKET_NOT_OPEN` when no connection is open.
   */
  sendRaw(text: string): void {
    if (typeof text !== "string") throw new SocketError("SOCKET_INVALID_ARGUMENT", "sendRaw() takes a string");
    this.#write(this.#requireOpen(), text);
  }

  /**
   * Closes the connection with `code` and does not reconnect: cancels an attempt in flight or
   * a planned one, and leaves the socket `idle` (after `closing`, when a connection was open).
   * A later `connect()` starts again. Note that Discord ends the session on 1000 and 1001;
   * close with a 4xxx code to be able to resume it.
   * @param code - 1000 or 3000–4999. @defaultValue 1000
   * @param reason - at most 123 bytes of UTF-8. @defaultValue ""
   * @throws {@link SocketError} `SOCKET_INVALID_ARGUMENT` for another code or a longer reason.
   */
  close(code = 1000, reason = ""): void {
    checkClose(code, reason);
    const state = this.#state;
    switch (state.kind) {
      case "connecting":
        this.#transition({ kind: "idle" });
        this.#debug(`close(): attempt ${String(state.link.attempt)} cancelled`);
        return;
      case "waiting":
        this.#transition({ kind: "idle" });
        this.#debug("close(): planned attempt cancelled");
        return;
      case "open":
        this.#requestClose(state, code, reason, false, undefined);
        return;
      case "closing":
        state.request.reconnect = false;
        state.request.delay = undefined;
        return;
      default:
        return;
    }
  }

  /**
   * Closes the connection with `code` and connects again, without asking `shouldReconnect`.
   * For a zombie connection (no heartbeat ACK) or a server asking to reconnect (op 7). The
   * next attempt follows after `options.delay`, or the backoff delay. Without an open
   * connection: an attempt in flight is abandoned for a new one, an idle socket connects, a
   * close in progress is followed by a reconnect (with its own code), and a planned attempt
   * stays as it is.
   * @param code - 1000 or 3000–4999; keep it non-1000 to resume a Discord session. @defaultValue 4000
   * @param reason - at most 123 bytes of UTF-8. @defaultValue ""
   * @throws {@link SocketError} `SOCKET_DESTROYED` after `destroy()`; `SOCKET_INVALID_ARGUMENT`
   *   for an invalid code, reason or delay.
   */
  reconnect(code = RESET_CODE, reason = "", options: ReconnectOptions = {}): void {
    checkClose(code, reason);
    const { delay } = options;
    if (delay !== undefined && (!Number.isFinite(delay) || delay < 0)) {
      throw new SocketError("SOCKET_INVALID_ARGUMENT", `delay must be a finite number ≥ 0, got ${String(delay)}`);
    }
    const state = this.#state;
    switch (state.kind) {
      case "destroyed":
        throw new SocketError("SOCKET_DESTROYED", "reconnect() was called after destroy()");
      case "idle":
        this.#attempt = 0;
        if (delay === undefined) this.#startAttempt();
        else this.#wait(delay);
        return;
      case "connecting":
        this.#scheduleRetry(delay);
        this.#flushCallbackErrors();
        return;
      case "open":
        this.#requestClose(state, code, reason, true, delay);
        return;
      case "closing":
        state.request.reconnect = true;
        if (delay !== undefined) state.request.delay = delay;
        return;
      case "waiting":
        this.#debug("reconnect() ignored: an attempt is already planned");
        return;
    }
  }

  /**
   * Stops for good, synchronously: cancels attempts and timers, closes an open connection with
   * 1000 (a `close` event follows at once) and frees the codec. Later `connect()`/`reconnect()`
   * throw `SOCKET_DESTROYED`; `close()` and `destroy()` do nothing (idempotent).
   */
  destroy(): void {
    const state = this.#state;
    if (state.kind === "destroyed") return;
    this.#transition({ kind: "destroyed" });
    if (state.kind === "open") {
      closeQuietly(state.connection, 1000, "");
      this.emit("close", { code: 1000, reason: "", initiatedBy: "client", reconnect: false, delay: 0 });
    } else if (state.kind === "closing") {
      state.connection.terminate();
      const { code, reason } = state.request;
      this.emit("close", { code, reason, initiatedBy: "client", reconnect: false, delay: 0 });
    }
  }

  /** @deprecated Use {@link ReconnectingSocket.destroy}; this alias goes in the next major release. */
  dispose(): void {
    this.destroy();
  }

  // ---- state machine -----------------------------------------------------------------------

  /**
   * The one place the state changes. Leaving a state stops its timers, abandons its attempt
   * (unless it opened) and frees its codec, after the new state is in place.
   */
  #transition(next: State): void {
    const current = this.#state;
    if (!TRANSITIONS[current.kind].includes(next.kind)) {
      throw new Error(`@nuwani/socket: illegal state transition ${current.kind} → ${next.kind}`);
    }
    this.#state = next;
    switch (current.kind) {
      case "connecting":
        this.#clock.clearTimeout(current.timer);
        // Harmless for an attempt that already failed; a late success is terminated.
        if (next.kind !== "open") current.abort.abort();
        break;
      case "open":
        if (current.helloTimer !== undefined) this.#clock.clearTimeout(current.helloTimer);
        if (current.stableTimer !== undefined) this.#clock.clearTimeout(current.stableTimer);
        current.codec.close();
        break;
      case "closing":
        this.#clock.clearTimeout(current.timer);
        break;
      case "waiting":
        this.#clock.clearTimeout(current.timer);
        break;
      default:
        break;
    }
  }

  #startAttempt(): void {
    let url: string;
    try {
      const value: unknown = typeof this.#url === "function" ? this.#url() : this.#url;
      if (typeof value !== "string" || value === "") throw new TypeError("url() returned no URL");
      url = value;
    } catch (error) {
      if (this.#state.kind !== "idle") this.#transition({ kind: "idle" });
      this.#emitError(new SocketError("SOCKET_INVALID_URL", "the url option gave no usable URL; not retrying", { cause: error }));
      return;
    }

    const link: Link = { url, attempt: this.#attempt, early: undefined, earlyClose: undefined };
    const abort = new AbortController();
    const timer = this.#clock.setTimeout(() => {
      this.#onConnectTimeout(link);
    }, this.#connectTimeout);
    this.#transition({ kind: "connecting", link, abort, timer });

    // Created once per connection, not per message.
    const listener: TransportListener = {
      onMessage: (data) => {
        this.#onMessage(link, data);
      },
      onClose: (code, reason) => {
        this.#onClose(link, code, reason);
      },
      onError: (error) => {
        this.#onConnectionError(link, error);
      },
    };
    // Starts at once; a transport that throws instead of rejecting becomes a rejection too.
    const connect = async (): Promise<TransportConnection> =>
      await this.#transport.connect(url, listener, { timeout: this.#connectTimeout, signal: abort.signal });
    connect().then(
      (connection) => {
        this.#onConnected(link, connection);
      },
      (error: unknown) => {
        this.#onConnectFailed(link, error);
      },
    );
    this.#debug(`attempt ${String(link.attempt)}: connecting to ${url}`);
    this.emit("connecting", { attempt: link.attempt, url });
  }

  #onConnected(link: Link, connection: TransportConnection): void {
    const state = this.#state;
    if (state.kind !== "connecting" || state.link !== link) {
      // Cancelled, timed out or destroyed meanwhile: this connection belongs to nobody.
      connection.terminate();
      return;
    }
    const codec = new GatewayCodec({ compression: this.#compression, maxPayloadSize: this.#maxPayloadSize });
    const helloTimer =
      this.#helloTimeout > 0
        ? this.#clock.setTimeout(() => {
            this.#onHelloTimeout(link);
          }, this.#helloTimeout)
        : undefined;
    const stableTimer = this.#clock.setTimeout(() => {
      this.#onStable(link);
    }, this.#stableAfter);
    const { early, earlyClose } = link;
    link.early = undefined;
    link.earlyClose = undefined;
    this.#transition({ kind: "open", link, connection, codec, helloTimer, stableTimer, healthy: false });
    this.#debug(`attempt ${String(link.attempt)}: open`);
    this.emit("open", { attempt: link.attempt, url: link.url });

    // A transport may deliver the first messages (Discord's Hello often shares a TCP segment
    // with the upgrade response) before this promise reaction runs; they were kept in order.
    if (early !== undefined) for (const data of early) this.#onMessage(link, data);
    if (earlyClose !== undefined) this.#onClose(link, earlyClose.code, earlyClose.reason);
  }

  #onConnectFailed(link: Link, cause: unknown): void {
    const state = this.#state;
    if (state.kind !== "connecting" || state.link !== link) return; // cancelled or timed out: handled
    const error = connectError(cause, link.url);
    if (error.code === "SOCKET_INVALID_URL") {
      this.#transition({ kind: "idle" });
      this.#emitError(error);
      return;
    }
    const delay = this.#scheduleRetry(undefined);
    this.#debug(`attempt ${String(link.attempt)} failed (${error.code}); next attempt in ${String(delay)} ms`);
    this.#flushCallbackErrors();
    this.emit("retry", { attempt: link.attempt, delay, error });
    this.#emitError(error);
  }

  #onConnectTimeout(link: Link): void {
    const state = this.#state;
    if (state.kind !== "connecting" || state.link !== link) return;
    const delay = this.#scheduleRetry(undefined);
    this.#debug(`attempt ${String(link.attempt)} timed out; next attempt in ${String(delay)} ms`);
    this.#flushCallbackErrors();
    const error = new SocketError("SOCKET_CONNECT_TIMEOUT", `connecting to ${link.url} took longer than ${String(this.#connectTimeout)} ms`);
    this.emit("retry", { attempt: link.attempt, delay, error });
    this.#emitError(error);
  }

  /** The message path: one decode (one JSON.parse), one emit; no allocation of its own. */
  #onMessage(link: Link, data: string | Uint8Array): void {
    const state = this.#state;
    if (state.kind !== "open" || state.link !== link) {
      if (state.kind === "connecting" && state.link === link) (link.early ??= []).push(data);
      return; // a connection being closed, or one that is gone
    }
    if (state.helloTimer !== undefined) {
      this.#clock.clearTimeout(state.helloTimer);
      state.helloTimer = undefined;
    }
    let payload: unknown;
    try {
      payload = state.codec.decode(data);
    } catch (error) {
      this.#onDecodeError(state, error);
      return;
    }
    if (payload !== undefined) this.emit("payload", payload);
  }

  #onDecodeError(state: Open, cause: unknown): void {
    const error =
      cause instanceof SocketError ? cause : new SocketError("SOCKET_DECODE_ERROR", "a payload could not be decoded", { cause });
    if (state.codec.failed) {
      // Every later payload of this zlib stream would be garbage: start a fresh stream.
      this.#requestClose(state, RESET_CODE, error.code === "SOCKET_PAYLOAD_TOO_LARGE" ? "payload too large" : "decompression failed", true, undefined);
    }
    this.#emitError(error);
  }

  #onHelloTimeout(link: Link): void {
    const state = this.#state;
    if (state.kind !== "open" || state.link !== link) return;
    state.helloTimer = undefined;
    this.#requestClose(state, RESET_CODE, "hello timeout", true, undefined);
    this.#emitError(
      new SocketError("SOCKET_HELLO_TIMEOUT", `no message within ${String(this.#helloTimeout)} ms after opening ${link.url}`),
    );
  }

  #onStable(link: Link): void {
    const state = this.#state;
    if (state.kind !== "open" || state.link !== link) return;
    state.stableTimer = undefined;
    this.#setHealthy(state);
    this.#debug(`connection stable for ${String(this.#stableAfter)} ms: failure count reset`);
  }

  #setHealthy(state: Open): void {
    state.healthy = true;
    this.#attempt = 0;
    if (state.stableTimer !== undefined) {
      this.#clock.clearTimeout(state.stableTimer);
      state.stableTimer = undefined;
    }
  }

  #onConnectionError(link: Link, cause: { code: string; message: string }): void {
    const state = this.#state;
    if ((state.kind !== "open" && state.kind !== "connecting") || state.link !== link) {
      this.#debug(`ignored ${cause.code} of a closing connection`);
      return;
    }
    const code: SocketErrorCode = cause.code === "TRANSPORT_PAYLOAD_TOO_LARGE" ? "SOCKET_PAYLOAD_TOO_LARGE" : "SOCKET_CONNECTION_ERROR";
    this.#emitError(new SocketError(code, `the connection to ${link.url} failed (${cause.code})`, { cause }));
  }

  #onClose(link: Link, code: number, reason: string): void {
    const state = this.#state;
    switch (state.kind) {
      case "connecting":
        if (state.link === link) link.earlyClose = { code, reason };
        return;
      case "open":
        if (state.link === link) this.#onUnrequestedClose(code, reason, state.healthy);
        return;
      case "closing":
        if (state.link === link) this.#finishClose(state, code);
        return;
      default:
        return;
    }
  }

  /** The server closed, or the connection dropped: ask the policy. */
  #onUnrequestedClose(code: number, reason: string, healthy: boolean): void {
    const initiatedBy: CloseInitiator = code === 1006 || code === 1015 ? "network" : "server";
    const info: SocketCloseInfo = { code, reason, initiatedBy };
    const decision = this.#policy.decide(info);
    let delay = 0;
    if (decision.reconnect) delay = this.#scheduleRetry(decision.delay, healthy);
    else this.#transition({ kind: "idle" });
    this.#debug(`closed by ${initiatedBy} (${String(code)}); ${decision.reconnect ? `reconnecting in ${String(delay)} ms` : "not reconnecting"}`);
    this.#flushCallbackErrors();
    this.emit("close", { ...info, reconnect: decision.reconnect, delay });
  }

  /** Starts a close the client asked for; `#finishClose` completes it. */
  #requestClose(state: Open, code: number, reason: string, reconnect: boolean, delay: number | undefined): void {
    const { link, connection } = state;
    const timer = this.#clock.setTimeout(() => {
      const current = this.#state;
      if (current.kind !== "closing" || current.link !== link) return;
      this.#debug(`close did not complete within ${String(this.#closeTimeout)} ms: terminating`);
      connection.terminate();
      // A transport may report the close synchronously from terminate(); finish only once.
      if (this.#state === current) this.#finishClose(current, 1006);
    }, this.#closeTimeout);
    const closing: Closing = { kind: "closing", link, connection, request: { code, reason, reconnect, delay }, timer, healthy: state.healthy };
    this.#transition(closing);
    try {
      connection.close(code, reason);
    } catch (error) {
      this.#debug(`close failed (${error instanceof Error ? error.message : "unknown"}): terminating`);
      connection.terminate();
      if (this.#state === closing) this.#finishClose(closing, 1006);
    }
  }

  #finishClose(state: Closing, receivedCode: number): void {
    const { request } = state;
    let delay = 0;
    if (request.reconnect) delay = this.#scheduleRetry(request.delay, state.healthy);
    else this.#transition({ kind: "idle" });
    this.#debug(`closed by client (${String(request.code)}, server answered ${String(receivedCode)})`);
    this.#flushCallbackErrors();
    this.emit("close", {
      code: request.code,
      reason: request.reason,
      initiatedBy: "client",
      reconnect: request.reconnect,
      delay,
    });
  }

  /**
   * Waits before the next attempt: `delay` when given; else, after a healthy connection, a
   * short jitter (the first attempt goes out at once), or the backoff delay after a failure.
   * Only failures count towards the backoff exponent.
   */
  #scheduleRetry(delay: number | undefined, healthy = false): number {
    if (healthy) return this.#wait(delay ?? this.#policy.jitter() * this.#dropJitter);
    const chosen = delay ?? this.#policy.backoffDelay(this.#attempt);
    this.#attempt += 1;
    return this.#wait(chosen);
  }

  #wait(delay: number): number {
    const chosen = clampDelay(Math.round(delay));
    const waiting: Waiting = { kind: "waiting", timer: undefined };
    this.#transition(waiting);
    waiting.timer = this.#clock.setTimeout(() => {
      if (this.#state === waiting) this.#startAttempt();
    }, chosen);
    return chosen;
  }

  // ---- helpers -----------------------------------------------------------------------------

  #requireOpen(): Open {
    const state = this.#state;
    if (state.kind !== "open") throw new SocketError("SOCKET_NOT_OPEN", `cannot send: the socket is ${state.kind}`);
    return state;
  }

  #write(state: Open, text: string): void {
    try {
      state.connection.send(text);
    } catch (error) {
      const notOpen = (error as { code?: unknown } | null)?.code === "TRANSPORT_NOT_OPEN";
      throw new SocketError(
        notOpen ? "SOCKET_NOT_OPEN" : "SOCKET_CONNECTION_ERROR",
        notOpen ? "cannot send: the connection is no longer open" : "the transport failed to send",
        { cause: error },
      );
    }
  }

  #flushCallbackErrors(): void {
    for (const error of this.#policy.takeErrors()) this.#emitError(error);
  }

  /** Emits `error` only while someone listens: an unobserved 'error' event would throw. */
  #emitError(error: SocketError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else this.#debug(`${error.code}: ${error.message}`);
  }

  #debug(message: string): void {
    if (this.listenerCount("debug") > 0) this.emit("debug", message);
  }
}
