import type { EventEmitter } from "node:events";
import { ReconnectingSocket } from "@nuwani/socket";
import type { ReconnectDecision, SocketCloseEvent, SocketCloseInfo, SocketError, SocketRetryInfo } from "@nuwani/socket";
import { systemClock, type Clock } from "@nuwani/util";
import { classifyClose } from "./closeCodes.js";
import { CommandLimiter } from "./CommandLimiter.js";
import { ConnectWaiters } from "./ConnectWaiters.js";
import { baseUrlText, checkOptions, connectUrl, trustedResumeUrl } from "./connectionOptions.js";
import { TRANSITIONS, type Connecting, type State } from "./connectionState.js";
import { GatewayError } from "./GatewayError.js";
import type { Heartbeat } from "./Heartbeat.js";
import { IdentifyThrottle } from "./IdentifyThrottle.js";
import { MemberChunkCollector } from "./MemberChunkCollector.js";
import { SessionState } from "./SessionState.js";
import type {
  GatewayConnectionEvents,
  GatewayConnectionOptions,
  GatewayConnectOptions,
  GatewayReconnectInfo,
  GatewayReconnectReason,
  GatewaySession,
  GatewayState,
  GatewayVersion,
} from "./types.js";

/** The largest payload Discord accepts from a client, in bytes. */
const MAX_PAYLOAD_BYTES = 4096;

/**
 * The link half of a GatewayConnection's engine: the state machine and its transitions, the
 * socket beneath (opens, closes and the close-code policy), connect/disconnect/destroy, the
 * outbound path through the command limiter, and the session held. The protocol on top
 * (payloads, Hello → Identify or Resume, heartbeats) is {@link GatewayEngine}.
 * @internal
 */
export abstract class GatewayLink<V extends GatewayVersion = 10> {
  protected readonly events: EventEmitter<GatewayConnectionEvents<V>>;
  /** The gateway version spoken. */
  readonly version: V;
  protected readonly token: string;
  protected readonly options: GatewayConnectionOptions<V>;
  protected readonly clock: Clock;
  protected readonly random: () => number;
  protected readonly baseUrl: URL;
  protected readonly helloTimeout: number;
  protected readonly readyTimeout: number;
  protected readonly socket: ReconnectingSocket;
  protected readonly limiter: CommandLimiter;
  protected readonly throttle: IdentifyThrottle;
  protected readonly members: MemberChunkCollector;

  protected current: State = { kind: "idle" };
  protected readonly sessionState = new SessionState();
  protected latencyMs = -1;

  /** A fatal close seen by the reconnect policy, acted on in the `close` event that follows. */
  protected fatal: GatewayError | null = null;
  protected wasDestroyed = false;
  /** Why this client asked the socket to reconnect, for the `reconnecting` event of the close that follows. */
  protected reconnectReason: GatewayReconnectReason | undefined;
  /** The last failed attempt's socket error and its wrapper, so `reconnecting` and `error` report the same error. */
  protected retryError: { readonly socket: SocketError; readonly gateway: GatewayError } | undefined;
  protected readonly waiters: ConnectWaiters;

  /** @throws {@link GatewayError} `GATEWAY_INVALID_OPTION` when an option is invalid. */
  constructor(options: GatewayConnectionOptions<V>, events: EventEmitter<GatewayConnectionEvents<V>>) {
    this.events = events;
    const checked = checkOptions(options);
    this.version = checked.version;
    this.token = checked.token;
    this.baseUrl = checked.baseUrl;
    this.helloTimeout = checked.helloTimeout;
    this.readyTimeout = checked.readyTimeout;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.throttle = options.identifyThrottle ?? new IdentifyThrottle({ clock: this.clock });
    this.limiter = new CommandLimiter({ clock: this.clock });
    this.members = new MemberChunkCollector({ clock: this.clock });
    this.waiters = new ConnectWaiters(this.clock);
    if (options.session) {
      const { sessionId, sequence, resumeUrl } = options.session;
      this.sessionState.start(sessionId, sequence, this.version === 10 ? trustedResumeUrl(this.baseUrl, resumeUrl) : null);
    }

    this.socket = new ReconnectingSocket({
      url: () => this.connectUrl(),
      compression: options.compress ? "zlib-stream" : "none",
      connectTimeout: options.connectTimeout ?? 15_000,
      // The HELLO deadline is the gateway's own: any first message would stop the socket's.
      helloTimeout: 0,
      shouldReconnect: (close) => this.onUnexpectedClose(close),
      clock: this.clock,
      random: this.random,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.socket.on("payload", (payload) => {
      this.onPayload(payload);
    });
    this.socket.on("open", ({ attempt }) => {
      this.onOpen(attempt);
    });
    this.socket.on("close", (info) => {
      this.onClose(info);
    });
    this.socket.on("retry", (info) => {
      this.onRetry(info);
    });
    this.socket.on("error", (error) => {
      this.onSocketError(error);
    });
    this.socket.on("debug", (message) => {
      this.debug(`socket: ${message}`);
    });
  }

  /** The current state. */
  get state(): GatewayState {
    return this.current.kind;
  }

  /** Milliseconds between the last heartbeat and its ACK; -1 before the first. */
  get latency(): number {
    return this.latencyMs;
  }

  /** The session, to resume later (also in another process); null without one. */
  get session(): GatewaySession | null {
    return this.sessionState.snapshot(baseUrlText(this.baseUrl));
  }

  /** Connects; see {@link GatewayConnection.connect}. */
  connect(options: GatewayConnectOptions = {}): Promise<void> {
    if (this.wasDestroyed) {
      return Promise.reject(new GatewayError("GATEWAY_DESTROYED", "connect() was called after destroy()."));
    }
    const { signal, timeout } = options;
    if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout) || timeout <= 0)) {
      return Promise.reject(GatewayError.invalidOption("timeout", "a positive number of milliseconds", timeout));
    }
    if (signal?.aborted) return Promise.reject(GatewayError.fromAbort(signal));
    if (this.current.kind === "ready") return Promise.resolve();
    const ready = this.waiters.add(signal, timeout, (error) => {
      if (this.waiters.size === 0 && this.attempting()) {
        this.debug(`connect() gave up (${error.code}): stopping the attempts, keeping the session`);
        this.disconnect(true);
      }
    });
    const kind = this.current.kind;
    if (kind === "idle" || kind === "disconnected" || kind === "stopped") {
      this.transition({ kind: "connecting", helloTimer: undefined });
      this.socket.connect();
    }
    return ready;
  }

  /** Closes with 1000 (ending the session), or with 4000 when `resumable`; see {@link GatewayConnection.disconnect}. */
  disconnect(resumable: boolean): void {
    this.end(resumable, new GatewayError("GATEWAY_DISCONNECTED", "The connection was closed by disconnect()."));
  }

  /** Closes the connection (keeping the session when `resumable`) and rejects pending work with `error`. */
  protected end(resumable: boolean, error: GatewayError): void {
    this.reconnectReason = undefined;
    this.transition({ kind: "disconnected" });
    if (!resumable) this.clearSession(error);
    this.debug(resumable ? "disconnect(): closing with 4000, keeping the session" : "disconnect(): closing with 1000, ending the session");
    this.socket.close(resumable ? 4000 : 1000, resumable ? "reconnecting later" : "session ended");
    this.limiter.cancelAll(error);
    this.members.cancelAll(error);
    this.waiters.rejectAll(error);
  }

  /** Whether {@link GatewayEngine.destroy} was called. */
  get destroyed(): boolean {
    return this.wasDestroyed;
  }

  /** Ends the session (close 1000) and stops for good; pending work rejects with `GATEWAY_DESTROYED`. */
  destroy(): void {
    if (this.wasDestroyed) return;
    this.wasDestroyed = true;
    this.end(false, new GatewayError("GATEWAY_DESTROYED", "The connection was destroyed."));
    this.socket.destroy();
  }

  // ---- state machine -----------------------------------------------------------------------

  /**
   * The one place the state changes. Leaving a state stops its timers (the HELLO and READY
   * deadlines, the op 9 wait, the identify throttle wait, and the heartbeat unless the next
   * state keeps the same connection's heartbeat), then the `state` event tells listeners.
   */
  protected transition(next: State): void {
    const current = this.current;
    if (!TRANSITIONS[current.kind].includes(next.kind)) {
      throw new Error(`@nuwani/gateway: illegal state transition ${current.kind} → ${next.kind}`);
    }
    this.current = next;
    switch (current.kind) {
      case "connecting":
        if (current.helloTimer !== undefined) this.clock.clearTimeout(current.helloTimer);
        break;
      case "identifying":
        current.abort.abort();
        if (current.timer !== undefined) this.clock.clearTimeout(current.timer);
        break;
      case "resuming":
        if (current.timer !== undefined) this.clock.clearTimeout(current.timer);
        break;
      default:
        break;
    }
    if ("heartbeat" in current && (!("heartbeat" in next) || next.heartbeat !== current.heartbeat)) {
      current.heartbeat.stop();
    }
    if (current.kind !== next.kind) this.events.emit("state", next.kind, current.kind);
  }

  /** Whether attempts are under way (a `connect()` giving up stops them). */
  protected attempting(): boolean {
    const kind = this.current.kind;
    return kind === "connecting" || kind === "identifying" || kind === "resuming" || kind === "reconnecting";
  }

  /** The heartbeat of the current connection, once HELLO came. */
  protected heartbeatOf(state: State): Heartbeat | undefined {
    return "heartbeat" in state ? state.heartbeat : undefined;
  }

  // ---- the socket ---------------------------------------------------------------------------

  protected onOpen(attempt: number): void {
    const kind = this.current.kind;
    if (kind !== "connecting" && kind !== "reconnecting") return;
    this.debug(`connected (attempt ${String(attempt + 1)})`);
    const state: Connecting = {
      kind: "connecting",
      helloTimer:
        this.helloTimeout > 0
          ? this.clock.setTimeout(() => {
              if (this.current === state) this.onHelloTimeout();
            }, this.helloTimeout)
          : undefined,
    };
    this.transition(state);
  }

  protected onHelloTimeout(): void {
    this.debug(`no HELLO within ${String(this.helloTimeout)} ms of opening: reconnecting`);
    this.reconnect("timeout", 4000, "hello timeout");
    this.emitError(new GatewayError("GATEWAY_HELLO_TIMEOUT", `No HELLO within ${String(this.helloTimeout)} ms of the connection opening.`));
  }

  protected onSocketError(error: SocketError): void {
    this.debug(`socket error ${error.code}: ${error.message}`);
    if (error.code === "SOCKET_INVALID_URL" && this.attempting()) {
      // The socket stopped (it never retries an unusable URL): so must the connection.
      this.stop(new GatewayError("GATEWAY_SOCKET_ERROR", `The gateway URL is unusable (${error.code}).`, { cause: error }));
      return;
    }
    const retried = this.retryError;
    this.retryError = undefined;
    this.emitError(retried?.socket === error ? retried.gateway : socketError(error));
  }

  /** An attempt failed before opening; the socket planned the next one (its `error` event follows). */
  protected onRetry(info: SocketRetryInfo): void {
    const error = socketError(info.error);
    this.retryError = { socket: info.error, gateway: error };
    if (!this.attempting()) return;
    this.emitReconnecting({ reason: "connectFailed", delay: info.delay, error });
  }

  /**
   * The socket's policy, asked while it is still handling the close: it only decides. The
   * fatal stop (events, rejections) happens in the `close` event that follows, once the socket
   * is idle, so listeners may call `connect()` again.
   */
  protected onUnexpectedClose(close: SocketCloseInfo): ReconnectDecision {
    const verdict = classifyClose(close.code);
    this.debug(`closed by ${close.initiatedBy} with ${String(close.code)}: ${verdict.description}`);
    if (verdict.action === "fatal") {
      this.fatal = new GatewayError(
        verdict.error ?? "GATEWAY_AUTHENTICATION_FAILED",
        `Discord closed the connection with ${String(close.code)}: ${verdict.description}`,
        { closeCode: close.code },
      );
      return false;
    }
    if (verdict.action === "identify") {
      this.clearSession(new GatewayError("GATEWAY_DISCONNECTED", `The session ended (close ${String(close.code)}).`, { closeCode: close.code }));
    }
    return true;
  }

  protected onClose(info: SocketCloseEvent): void {
    // Commands queued for this connection are cancelled first: releasing them into the fresh
    // budget would spend the next connection's slots (and hold back its Identify/Resume).
    this.limiter.cancelAll(new GatewayError("GATEWAY_DISCONNECTED", `The connection closed (${String(info.code)}) before the command was sent.`));
    this.limiter.reset();
    const fatal = this.fatal;
    if (fatal !== null) {
      this.fatal = null;
      this.stop(fatal);
      return;
    }
    const kind = this.current.kind;
    if (kind === "disconnected" || kind === "stopped" || kind === "idle") return;
    const asked = this.reconnectReason;
    this.reconnectReason = undefined;
    if (info.reconnect) {
      this.transition({ kind: "reconnecting" });
      this.debug(`reconnecting in ${String(info.delay)} ms (${this.sessionState.id !== null ? "will resume" : "will identify"})`);
      // A close this client asked for has its reason; the socket closes by itself only for a payload it could not decode.
      const reason: GatewayReconnectReason =
        info.initiatedBy === "client" ? (asked ?? "invalidPayload") : info.initiatedBy === "network" ? "dropped" : "closed";
      this.emitReconnecting({ reason, delay: info.delay, code: info.code });
    } else {
      this.stop(new GatewayError("GATEWAY_DISCONNECTED", `The connection closed (${String(info.code)}) and will not reconnect.`, { closeCode: info.code }));
    }
  }

  // ---- the wire -----------------------------------------------------------------------------

  protected connectUrl(): string {
    return connectUrl(this.sessionState.connectBase(baseUrlText(this.baseUrl)), this.version, this.options.compress === true);
  }

  /**
   * Sends one payload within the limits. `needsSession`: a user command, which Discord only
   * accepts on an identified connection (else it closes with 4003), so it needs state `ready`.
   */
  protected async command(
    payload: { op: number; d: unknown },
    priority: "heartbeat" | "normal" | "presence",
    needsSession = false,
    signal?: AbortSignal,
  ): Promise<void> {
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw new GatewayError("GATEWAY_PAYLOAD_TOO_LARGE", `A gateway payload may not exceed ${String(MAX_PAYLOAD_BYTES)} bytes (op ${String(payload.op)}).`);
    }
    if (needsSession) this.requireSession(payload.op);
    await this.limiter.send(priority, signal);
    if (needsSession) this.requireSession(payload.op);
    if (this.socket.state !== "open") {
      throw new GatewayError("GATEWAY_NOT_CONNECTED", `Cannot send op ${String(payload.op)}: not connected.`);
    }
    this.socket.sendRaw(text);
  }

  protected requireSession(op: number): void {
    if (this.current.kind !== "ready" || this.socket.state !== "open") {
      throw new GatewayError("GATEWAY_NOT_CONNECTED", `Cannot send op ${String(op)}: no ready session (state ${this.current.kind}).`);
    }
  }


  /** Handles one payload from the socket (the protocol half). */
  protected abstract onPayload(raw: unknown): void;

  // ---- closing ------------------------------------------------------------------------------

  /** Replaces the connection (closing with `code`), for `cause`; the `reconnecting` event follows the close. */
  protected reconnect(cause: GatewayReconnectReason, code: number, reason: string, delay?: number): void {
    this.reconnectReason = cause;
    this.transition({ kind: "reconnecting" });
    this.socket.reconnect(code, reason, delay === undefined ? {} : { delay });
  }

  protected stop(error: GatewayError): void {
    this.transition({ kind: "stopped", error });
    this.clearSession(error);
    this.limiter.cancelAll(error);
    this.members.cancelAll(error);
    this.debug(`stopped: ${error.code}`);
    // Already idle after a fatal close; open (no session) when the session limit is spent.
    this.socket.close(1000, "stopped");
    this.waiters.rejectAll(error);
    this.emitError(error);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Forgets the session; member requests it had pending can never be answered now. */
  protected clearSession(error: GatewayError): void {
    this.sessionState.clear();
    this.members.cancelAll(error);
  }

  /**
   * The `reconnecting` event: `attempt` is the socket's, read once it planned the next attempt
   * (failures so far, reset by a healthy connection), and `resume` what HELLO will decide.
   */
  protected emitReconnecting(info: Omit<GatewayReconnectInfo, "attempt" | "resume">): void {
    this.events.emit("reconnecting", { ...info, attempt: this.socket.attempt + 1, resume: this.sessionState.resumable });
  }

  protected emitError(error: GatewayError): void {
    if (this.events.listenerCount("error") > 0) this.events.emit("error", error);
  }

  protected debug(message: string): void {
    if (this.events.listenerCount("debug") > 0) this.events.emit("debug", message);
  }
}

/** A socket error as the connection reports it. */
function socketError(error: SocketError): GatewayError {
  return new GatewayError("GATEWAY_SOCKET_ERROR", `Socket error ${error.code}: ${error.message}`, { cause: error });
}
