import { EventEmitter } from "node:events";
import { ReconnectingSocket } from "@nuwani/socket";
import type { ReconnectDecision, SocketCloseEvent, SocketCloseInfo, SocketError } from "@nuwani/socket";
import { systemClock, type Clock } from "@nuwani/util";
import { classifyClose } from "./closeCodes.js";
import { CommandLimiter } from "./CommandLimiter.js";
import { ConnectWaiters } from "./ConnectWaiters.js";
import { baseUrlText, checkOptions, connectUrl, identifyData, trustedResumeUrl } from "./connectionOptions.js";
import { Heartbeat } from "./Heartbeat.js";
import { TRANSITIONS, type Identifying, type Ready, type Resuming, type State, type Connecting } from "./connectionState.js";
import { GatewayError } from "./GatewayError.js";
import { IdentifyThrottle } from "./IdentifyThrottle.js";
import { checkSequence, helloInterval, parseRateLimited } from "./inbound.js";
import { SessionState } from "./SessionState.js";
import { MemberChunkCollector, createNonce } from "./MemberChunkCollector.js";
import type { MemberChunk, MemberRequestResult } from "./MemberChunkCollector.js";
import type {
  GatewayConnectionEvents,
  GatewayConnectionOptions,
  GatewayConnectOptions,
  GatewayDispatch,
  GatewayPresence,
  GatewaySendOptions,
  GatewaySession,
  GatewayState,
  GatewayVersion,
} from "./types.js";

/** The largest payload Discord accepts from a client, in bytes. */
const MAX_PAYLOAD_BYTES = 4096;


/**
 * A connection to the Discord gateway: Hello → Identify or Resume, heartbeats with zombie
 * detection, op 1/7/9 and every close code, the command and identify limits, member requests
 * and presence updates. Dispatches reach `dispatch` listeners exactly once, in sequence order,
 * also across resumes; fatal close codes stop it with a {@link GatewayError} (never a loop).
 * Every wait is bounded: HELLO and READY deadlines, `connect()`'s `timeout` and `signal`.
 *
 * @example
 * ```ts
 * const gateway = new GatewayConnection({ token, url, intents: 513 }); // version 10
 * gateway.on("dispatch", (payload) => handle(payload));
 * gateway.on("error", (error) => log(error.code)); // e.g. GATEWAY_AUTHENTICATION_FAILED
 * await gateway.connect({ timeout: 60_000 }); // READY
 * ```
 */
export class GatewayConnection<V extends GatewayVersion = 10> extends EventEmitter<GatewayConnectionEvents<V>> {
  /** The gateway version spoken. */
  readonly version: V;
  readonly #token: string;
  readonly #options: GatewayConnectionOptions<V>;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #baseUrl: URL;
  readonly #helloTimeout: number;
  readonly #readyTimeout: number;
  readonly #socket: ReconnectingSocket;
  readonly #limiter: CommandLimiter;
  readonly #throttle: IdentifyThrottle;
  readonly #members: MemberChunkCollector;

  #state: State = { kind: "idle" };
  readonly #session = new SessionState();
  #latency = -1;

  /** A fatal close seen by the reconnect policy, acted on in the `close` event that follows. */
  #fatal: GatewayError | null = null;
  #destroyed = false;
  readonly #waiters: ConnectWaiters;

  /**
   * Checks the options and sets up the connection; nothing connects until {@link GatewayConnection.connect}.
   * @throws {@link GatewayError} `GATEWAY_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: GatewayConnectionOptions<V>) {
    super();
    const checked = checkOptions(options);
    this.version = checked.version;
    this.#token = checked.token;
    this.#baseUrl = checked.baseUrl;
    this.#helloTimeout = checked.helloTimeout;
    this.#readyTimeout = checked.readyTimeout;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#throttle = options.identifyThrottle ?? new IdentifyThrottle({ clock: this.#clock });
    this.#limiter = new CommandLimiter({ clock: this.#clock });
    this.#members = new MemberChunkCollector({ clock: this.#clock });
    this.#waiters = new ConnectWaiters(this.#clock);
    if (options.session) {
      const { sessionId, sequence, resumeUrl } = options.session;
      this.#session.start(sessionId, sequence, this.version === 10 ? trustedResumeUrl(this.#baseUrl, resumeUrl) : null);
    }

    this.#socket = new ReconnectingSocket({
      url: () => this.#connectUrl(),
      compression: options.compress ? "zlib-stream" : "none",
      connectTimeout: options.connectTimeout ?? 15_000,
      // The HELLO deadline is the gateway's own: any first message would stop the socket's.
      helloTimeout: 0,
      shouldReconnect: (close) => this.#onUnexpectedClose(close),
      clock: this.#clock,
      random: this.#random,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.#socket.on("payload", (payload) => {
      this.#onPayload(payload);
    });
    this.#socket.on("open", ({ attempt }) => {
      this.#onOpen(attempt);
    });
    this.#socket.on("close", (info) => {
      this.#onClose(info);
    });
    this.#socket.on("error", (error) => {
      this.#onSocketError(error);
    });
    this.#socket.on("debug", (message) => {
      this.#debug(`socket: ${message}`);
    });
  }

  /** The current state. */
  get state(): GatewayState {
    return this.#state.kind;
  }

  /** Milliseconds between the last heartbeat and its ACK; -1 before the first. */
  get latency(): number {
    return this.#latency;
  }

  /** The session, to resume later (also in another process); null without one. */
  get session(): GatewaySession | null {
    return this.#session.snapshot(baseUrlText(this.#baseUrl));
  }

  /**
   * Connects, and resolves once the session is ready or resumed. Rejects with the typed error
   * when a fatal close code stops the connection, when `disconnect()` is called first, when
   * `options.signal` aborts (`GATEWAY_ABORTED`) or after `options.timeout` ms
   * (`GATEWAY_CONNECT_TIMEOUT`). Giving up that way also stops the attempts, unless another
   * `connect()` still waits; the session is kept for a later resume.
   */
  connect(options: GatewayConnectOptions = {}): Promise<void> {
    if (this.#destroyed) {
      return Promise.reject(new GatewayError("GATEWAY_DISCONNECTED", "connect() was called after destroy()."));
    }
    const { signal, timeout } = options;
    if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout) || timeout <= 0)) {
      return Promise.reject(GatewayError.invalidOption("timeout", "a positive number of milliseconds", timeout));
    }
    if (signal?.aborted) return Promise.reject(GatewayError.fromAbort(signal));
    if (this.#state.kind === "ready") return Promise.resolve();
    const ready = this.#waiters.add(signal, timeout, (error) => {
      if (this.#waiters.size === 0 && this.#attempting()) {
        this.#debug(`connect() gave up (${error.code}): stopping the attempts, keeping the session`);
        this.disconnect({ resumable: true });
      }
    });
    const kind = this.#state.kind;
    if (kind === "idle" || kind === "disconnected" || kind === "stopped") {
      this.#transition({ kind: "connecting", helloTimer: undefined });
      this.#socket.connect();
    }
    return ready;
  }

  /**
   * Closes the connection. By default with 1000, which ends the session on Discord's side;
   * with `{ resumable: true }` with 4000 instead, keeping the session so that a later
   * `connect()` (or another process, via {@link session}) can resume it.
   */
  disconnect(options: { resumable?: boolean } = {}): void {
    const resumable = options.resumable === true;
    const error = new GatewayError("GATEWAY_DISCONNECTED", "The connection was closed by disconnect().");
    this.#transition({ kind: "disconnected" });
    if (!resumable) this.#clearSession(error);
    this.#debug(resumable ? "disconnect(): closing with 4000, keeping the session" : "disconnect(): closing with 1000, ending the session");
    this.#socket.close(resumable ? 4000 : 1000, resumable ? "reconnecting later" : "session ended");
    this.#limiter.cancelAll(error);
    this.#members.cancelAll(error);
    this.#waiters.rejectAll(error);
  }

  /**
   * Stops everything for good (timers, socket), ending the session (close 1000), and removes
   * every listener. A later `connect()` rejects with `GATEWAY_DISCONNECTED`.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.disconnect();
    this.#destroyed = true;
    this.#socket.dispose();
    this.removeAllListeners();
  }

  /**
   * Requests guild members (op 8). Resolves with the members of every GUILD_MEMBERS_CHUNK
   * that answers it (matched by nonce); `onChunk` sees each chunk as it arrives. Rejects with
   * `GATEWAY_RATE_LIMITED` (its `retryAfter` in milliseconds) when Discord answers with a v10
   * `RATE_LIMITED` dispatch for its nonce, `GATEWAY_REQUEST_TIMEOUT` when no chunk comes in
   * time, `GATEWAY_NOT_CONNECTED` without a ready session, and `GATEWAY_ABORTED` when
   * `options.signal` aborts — while op 8 waits in the command limiter (its slot is freed and
   * op 8 is never sent) or while chunks are awaited (the nonce is forgotten; chunks that still
   * come are ignored by this request and only reach `dispatch` listeners).
   */
  async requestGuildMembers(
    request: {
      guildId: string;
      query?: string;
      limit?: number;
      userIds?: string[];
      presences?: boolean;
    },
    options: {
      onChunk?: (chunk: MemberChunk) => void;
      timeout?: number;
      /** Keep the members to resolve with; off when `onChunk` consumes them. @defaultValue true */
      collect?: boolean;
      /** Gives up when aborted (`GATEWAY_ABORTED`). @defaultValue undefined (no signal) */
      signal?: AbortSignal;
    } = {},
  ): Promise<MemberRequestResult> {
    if (request.query !== undefined && request.userIds !== undefined) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "Give either query or userIds, not both.");
    }
    const nonce = createNonce();
    const pending = this.#members.begin(nonce, {
      timeout: options.timeout ?? this.#options.memberRequestTimeout ?? 30_000,
      ...(options.onChunk ? { onChunk: options.onChunk } : {}),
      ...(options.collect === undefined ? {} : { collect: options.collect }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const d: Record<string, unknown> = { guild_id: request.guildId, nonce };
    if (request.userIds !== undefined) d.user_ids = request.userIds;
    else {
      d.query = request.query ?? "";
      d.limit = request.limit ?? 0;
    }
    if (request.presences !== undefined) d.presences = request.presences;
    try {
      await this.#command({ op: 8, d }, "normal", true, options.signal);
    } catch (error) {
      pending.cancel(error as Error);
    }
    return pending.promise;
  }

  /**
   * Updates the bot's presence (op 3), within its own limit of 5 per 20 s (a sixth waits).
   * Rejects with `GATEWAY_NOT_CONNECTED` without a ready session.
   */
  async updatePresence(presence: GatewayPresence<V>): Promise<void> {
    await this.#command({ op: 3, d: presence }, "presence", true);
  }

  /**
   * Sends any gateway command through the rate limiter (120 per 60 s, room kept for
   * heartbeats). Rejects with `GATEWAY_NOT_CONNECTED` without a ready session,
   * `GATEWAY_PAYLOAD_TOO_LARGE` over 4096 bytes, and `GATEWAY_DISCONNECTED` when the
   * connection closes while it waits, and `GATEWAY_ABORTED` when `options.signal` aborts
   * while it waits for the limiter (the command is then never sent and frees its place).
   */
  async send(payload: { op: number; d: unknown }, options: GatewaySendOptions = {}): Promise<void> {
    await this.#command(payload, "normal", true, options.signal);
  }

  // ---- state machine -----------------------------------------------------------------------

  /**
   * The one place the state changes. Leaving a state stops its timers (the HELLO and READY
   * deadlines, the op 9 wait, the identify throttle wait, and the heartbeat unless the next
   * state keeps the same connection's heartbeat), then the `state` event tells listeners.
   */
  #transition(next: State): void {
    const current = this.#state;
    if (!TRANSITIONS[current.kind].includes(next.kind)) {
      throw new Error(`@nuwani/gateway: illegal state transition ${current.kind} → ${next.kind}`);
    }
    this.#state = next;
    switch (current.kind) {
      case "connecting":
        if (current.helloTimer !== undefined) this.#clock.clearTimeout(current.helloTimer);
        break;
      case "identifying":
        current.abort.abort();
        if (current.timer !== undefined) this.#clock.clearTimeout(current.timer);
        break;
      case "resuming":
        if (current.timer !== undefined) this.#clock.clearTimeout(current.timer);
        break;
      default:
        break;
    }
    if ("heartbeat" in current && (!("heartbeat" in next) || next.heartbeat !== current.heartbeat)) {
      current.heartbeat.stop();
    }
    if (current.kind !== next.kind) this.emit("state", next.kind, current.kind);
  }

  /** Whether attempts are under way (a `connect()` giving up stops them). */
  #attempting(): boolean {
    const kind = this.#state.kind;
    return kind === "connecting" || kind === "identifying" || kind === "resuming" || kind === "reconnecting";
  }

  /** The heartbeat of the current connection, once HELLO came. */
  #heartbeatOf(state: State): Heartbeat | undefined {
    return "heartbeat" in state ? state.heartbeat : undefined;
  }

  // ---- the socket ---------------------------------------------------------------------------

  #onOpen(attempt: number): void {
    const kind = this.#state.kind;
    if (kind !== "connecting" && kind !== "reconnecting") return;
    this.#debug(`connected (attempt ${String(attempt + 1)})`);
    const state: Connecting = {
      kind: "connecting",
      helloTimer:
        this.#helloTimeout > 0
          ? this.#clock.setTimeout(() => {
              if (this.#state === state) this.#onHelloTimeout();
            }, this.#helloTimeout)
          : undefined,
    };
    this.#transition(state);
  }

  #onHelloTimeout(): void {
    this.#debug(`no HELLO within ${String(this.#helloTimeout)} ms of opening: reconnecting`);
    this.#reconnect(4000, "hello timeout");
    this.#emitError(new GatewayError("GATEWAY_HELLO_TIMEOUT", `No HELLO within ${String(this.#helloTimeout)} ms of the connection opening.`));
  }

  #onSocketError(error: SocketError): void {
    this.#debug(`socket error ${error.code}: ${error.message}`);
    if (error.code === "SOCKET_INVALID_URL" && this.#attempting()) {
      // The socket stopped (it never retries an unusable URL): so must the connection.
      this.#stop(new GatewayError("GATEWAY_SOCKET_ERROR", `The gateway URL is unusable (${error.code}).`, { cause: error }));
      return;
    }
    this.#emitError(new GatewayError("GATEWAY_SOCKET_ERROR", `Socket error ${error.code}: ${error.message}`, { cause: error }));
  }

  /**
   * The socket's policy, asked while it is still handling the close: it only decides. The
   * fatal stop (events, rejections) happens in the `close` event that follows, once the socket
   * is idle, so listeners may call `connect()` again.
   */
  #onUnexpectedClose(close: SocketCloseInfo): ReconnectDecision {
    const verdict = classifyClose(close.code);
    this.#debug(`closed by ${close.initiatedBy} with ${String(close.code)}: ${verdict.description}`);
    if (verdict.action === "fatal") {
      this.#fatal = new GatewayError(
        verdict.error ?? "GATEWAY_AUTHENTICATION_FAILED",
        `Discord closed the connection with ${String(close.code)}: ${verdict.description}`,
        { closeCode: close.code },
      );
      return false;
    }
    if (verdict.action === "identify") {
      this.#clearSession(new GatewayError("GATEWAY_DISCONNECTED", `The session ended (close ${String(close.code)}).`, { closeCode: close.code }));
    }
    return true;
  }

  #onClose(info: SocketCloseEvent): void {
    // Commands queued for this connection are cancelled first: releasing them into the fresh
    // budget would spend the next connection's slots (and hold back its Identify/Resume).
    this.#limiter.cancelAll(new GatewayError("GATEWAY_DISCONNECTED", `The connection closed (${String(info.code)}) before the command was sent.`));
    this.#limiter.reset();
    const fatal = this.#fatal;
    if (fatal !== null) {
      this.#fatal = null;
      this.#stop(fatal);
      return;
    }
    const kind = this.#state.kind;
    if (kind === "disconnected" || kind === "stopped" || kind === "idle") return;
    if (info.reconnect) {
      this.#transition({ kind: "reconnecting" });
      this.#debug(`reconnecting in ${String(info.delay)} ms (${this.#session.id !== null ? "will resume" : "will identify"})`);
    } else {
      this.#stop(new GatewayError("GATEWAY_DISCONNECTED", `The connection closed (${String(info.code)}) and will not reconnect.`, { closeCode: info.code }));
    }
  }

  // ---- the wire -----------------------------------------------------------------------------

  #connectUrl(): string {
    return connectUrl(this.#session.connectBase(baseUrlText(this.#baseUrl)), this.version, this.#options.compress === true);
  }

  /**
   * Sends one payload within the limits. `needsSession`: a user command, which Discord only
   * accepts on an identified connection (else it closes with 4003), so it needs state `ready`.
   */
  async #command(
    payload: { op: number; d: unknown },
    priority: "heartbeat" | "normal" | "presence",
    needsSession = false,
    signal?: AbortSignal,
  ): Promise<void> {
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw new GatewayError("GATEWAY_PAYLOAD_TOO_LARGE", `A gateway payload may not exceed ${String(MAX_PAYLOAD_BYTES)} bytes (op ${String(payload.op)}).`);
    }
    if (needsSession) this.#requireSession(payload.op);
    await this.#limiter.send(priority, signal);
    if (needsSession) this.#requireSession(payload.op);
    if (this.#socket.state !== "open") {
      throw new GatewayError("GATEWAY_NOT_CONNECTED", `Cannot send op ${String(payload.op)}: not connected.`);
    }
    this.#socket.sendRaw(text);
  }

  #requireSession(op: number): void {
    if (this.#state.kind !== "ready" || this.#socket.state !== "open") {
      throw new GatewayError("GATEWAY_NOT_CONNECTED", `Cannot send op ${String(op)}: no ready session (state ${this.#state.kind}).`);
    }
  }

  #onPayload(raw: unknown): void {
    if (typeof raw !== "object" || raw === null) {
      this.#debug(`ignored a payload that is not an object (${raw === null ? "null" : typeof raw})`);
      return;
    }
    const payload = raw as { op?: unknown; d?: unknown; s?: unknown; t?: unknown };
    switch (payload.op) {
      case 0:
        this.#onDispatch(payload);
        return;
      case 1:
        this.#onHeartbeatRequest();
        return;
      case 7:
        this.#debug("server asked to reconnect (op 7)");
        this.#reconnect(4000, "reconnect requested");
        return;
      case 9:
        this.#onInvalidSession(payload.d === true);
        return;
      case 10:
        this.#onHello(payload.d);
        return;
      case 11:
        this.#onHeartbeatAck();
        return;
      default:
        this.#debug(`ignored a payload with op ${typeof payload.op === "number" ? String(payload.op) : typeof payload.op}`);
    }
  }

  #onDispatch(payload: { d?: unknown; s?: unknown; t?: unknown }): void {
    const { s, t } = payload;
    if (typeof t !== "string") {
      this.#debug(`ignored a dispatch whose t is ${t === null ? "null" : typeof t}`);
      return;
    }
    const checked = checkSequence(t, s, this.#session.delivered);
    if ("skip" in checked) {
      if (checked.skip !== undefined) this.#debug(checked.skip);
      return;
    }
    const { seq } = checked;
    switch (t) {
      case "READY":
        this.#onReady(payload as GatewayDispatch<V>, seq);
        return;
      case "RESUMED":
        this.#onResumed(payload as GatewayDispatch<V>, seq);
        return;
      case "GUILD_MEMBERS_CHUNK":
        this.#session.advance(seq);
        this.#members.handleChunk(payload.d as never);
        break;
      case "RATE_LIMITED":
        this.#session.advance(seq);
        this.#onRateLimited(payload.d);
        break;
      default:
        this.#session.advance(seq);
        break;
    }
    const state = this.#state;
    const heartbeat = this.#heartbeatOf(state);
    if (heartbeat !== undefined) heartbeat.dispatches++;
    if (state.kind === "ready" && !state.healthy) this.#markHealthy(state);
    this.emit("dispatch", payload as GatewayDispatch<V>);
  }

  #onReady(payload: GatewayDispatch<V>, seq: number | null): void {
    const d = payload.d as { session_id?: unknown; resume_gateway_url?: unknown } | null;
    if (typeof d !== "object" || d === null || typeof d.session_id !== "string" || d.session_id === "") {
      // Reading it would throw into the socket's message handler (an uncaught exception).
      this.#debug("READY without a session_id; reconnecting");
      this.#reconnect(4000, "invalid ready");
      return;
    }
    const state = this.#state;
    if (state.kind !== "identifying" && state.kind !== "resuming" && state.kind !== "ready") {
      this.#debug(`ignored a READY in state ${state.kind}`);
      return;
    }
    let resumeUrl: string | null = null;
    if (this.version === 10 && d.resume_gateway_url !== undefined) {
      resumeUrl = trustedResumeUrl(this.#baseUrl, d.resume_gateway_url);
      if (resumeUrl === null) this.#debug("READY's resume_gateway_url is not on the gateway's host or domain: resuming at the base URL");
    }
    this.#session.start(d.session_id, seq ?? 0, resumeUrl);
    this.#debug(`ready: session ${d.session_id}`);
    // The Identify reached READY: it no longer counts towards the op 9 storm guard.
    this.#throttle.sessionReady(this.#options.shard?.[0] ?? 0);
    if (state.kind === "ready") this.#markHealthy(state);
    else this.#transition({ kind: "ready", heartbeat: state.heartbeat, healthy: false });
    this.emit("dispatch", payload);
    this.emit("ready", this.session!);
    this.#waiters.resolveAll();
  }

  #onResumed(payload: GatewayDispatch<V>, seq: number | null): void {
    const state = this.#state;
    if (this.#session.id === null) {
      this.#debug("RESUMED without a session: protocol error, reconnecting to identify");
      this.#reconnect(4000, "unexpected resumed");
      this.#emitError(new GatewayError("GATEWAY_INVALID_PAYLOAD", "The gateway sent RESUMED while no session was held."));
      return;
    }
    if (state.kind !== "resuming") {
      this.#debug(`ignored a RESUMED in state ${state.kind}`);
      return;
    }
    this.#session.advance(seq);
    this.#debug(`resumed at sequence ${String(this.#session.sequence)}`);
    const ready: Ready = { kind: "ready", heartbeat: state.heartbeat, healthy: false };
    this.#transition(ready);
    // The replay (dispatches delivered before RESUMED) shows the connection works.
    if (state.heartbeat.dispatches > 0) this.#markHealthy(ready);
    this.emit("dispatch", payload);
    this.emit("resumed", this.session!);
    this.#waiters.resolveAll();
  }

  #markHealthy(state: Ready): void {
    state.healthy = true;
    this.#socket.markHealthy();
  }

  /** v10: Discord refused a command (op 8) for now; the pending request learns when to retry. */
  #onRateLimited(d: unknown): void {
    const info = parseRateLimited(d);
    if (info === undefined) return;
    const { opcode, nonce, retryAfter: ms } = info;
    this.#debug(`rate limited: op ${typeof opcode === "number" ? String(opcode) : "?"}, retry after ${String(ms)} ms`);
    if (opcode !== 8 || typeof nonce !== "string") return;
    this.#members.fail(
      nonce,
      new GatewayError("GATEWAY_RATE_LIMITED", `Request Guild Members (nonce ${nonce}) was rate limited; retry after ${String(ms)} ms.`, {
        retryAfter: ms,
      }),
    );
  }

  #onHello(d: unknown): void {
    const state = this.#state;
    if (state.kind !== "connecting") {
      this.#debug(`ignored a HELLO in state ${state.kind}`);
      return;
    }
    const hello = helloInterval(d);
    if ("reject" in hello) {
      this.#debug(hello.reject);
      this.#reconnect(4000, "invalid hello");
      return;
    }
    const { interval } = hello;
    const heartbeat = new Heartbeat(interval, this.#clock);
    this.#debug(`hello: heartbeat every ${String(interval)} ms`);
    if (this.#session.resumable) {
      const resuming: Resuming = { kind: "resuming", heartbeat, timer: undefined };
      this.#transition(resuming);
      this.#startHeartbeat(heartbeat);
      this.#sendResume(resuming);
    } else {
      const identifying: Identifying = { kind: "identifying", heartbeat, abort: new AbortController(), timer: undefined };
      this.#transition(identifying);
      this.#startHeartbeat(heartbeat);
      void this.#identify(identifying);
    }
  }

  #sendResume(state: Resuming): void {
    this.#debug(`resuming session ${String(this.#session.id)} at sequence ${String(this.#session.sequence)}`);
    this.#command({ op: 6, d: { token: this.#token, session_id: this.#session.id, seq: this.#session.sequence } }, "normal").catch((error: unknown) => {
      this.#debug(`resume not sent: ${(error as Error).message}`);
    });
    state.timer = this.#readyDeadline(state, "RESUMED");
  }

  async #identify(state: Identifying): Promise<void> {
    const shardId = this.#options.shard?.[0] ?? 0;
    try {
      await this.#throttle.acquire(shardId, state.abort.signal);
    } catch (error) {
      if (this.#state !== state) return;
      if (error instanceof GatewayError && (error.code === "GATEWAY_SESSION_LIMIT_EXHAUSTED" || error.code === "GATEWAY_IDENTIFY_STORM")) {
        this.#stop(error);
        return;
      }
      this.#debug(`identify not sent: ${(error as Error).message}`);
      return;
    }
    if (this.#state !== state || this.#socket.state !== "open") return;
    this.#debug(`identifying (v${String(this.version)}${this.#options.shard ? `, shard ${this.#options.shard.join("/")}` : ""})`);
    this.#command({ op: 2, d: identifyData(this.#options, this.version, this.#token) }, "normal").catch((error: unknown) => {
      // Retrying cannot shrink it (a huge presence): stop rather than hang.
      if (GatewayError.is(error, "GATEWAY_PAYLOAD_TOO_LARGE")) this.#stop(error);
      else this.#debug(`identify not sent: ${(error as Error).message}`);
    });
    if (this.#state === state) state.timer = this.#readyDeadline(state, "READY");
  }

  /** The deadline for READY/RESUMED after Identify/Resume: the connection is replaced. */
  #readyDeadline(state: Identifying | Resuming, what: "READY" | "RESUMED"): unknown {
    if (this.#readyTimeout === 0) return undefined;
    return this.#clock.setTimeout(() => {
      if (this.#state !== state) return;
      this.#debug(`no ${what} within ${String(this.#readyTimeout)} ms: reconnecting`);
      this.#reconnect(4000, `${what.toLowerCase()} timeout`);
      this.#emitError(new GatewayError("GATEWAY_READY_TIMEOUT", `No ${what} within ${String(this.#readyTimeout)} ms.`));
    }, this.#readyTimeout);
  }

  /**
   * Op 9. `d: true` with a session: wait 1–5 s, then Resume on this connection. Otherwise the
   * session is gone: close, and Identify on a new connection to the base URL after 1–5 s.
   */
  #onInvalidSession(resumable: boolean): void {
    const state = this.#state;
    if (state.kind !== "identifying" && state.kind !== "resuming" && state.kind !== "ready") {
      this.#debug(`ignored op 9 in state ${state.kind}`);
      return;
    }
    const delay = 1000 + Math.floor(this.#random() * 4000);
    if (resumable && this.#session.id !== null) {
      this.#debug(`invalid session (resumable): resuming in ${String(delay)} ms`);
      // The session is not usable until the resume: no user commands meanwhile.
      const resuming: Resuming = { kind: "resuming", heartbeat: state.heartbeat, timer: undefined };
      this.#transition(resuming);
      resuming.timer = this.#clock.setTimeout(() => {
        if (this.#state !== resuming) return;
        resuming.timer = undefined;
        this.#sendResume(resuming);
      }, delay);
      return;
    }
    this.#clearSession(new GatewayError("GATEWAY_DISCONNECTED", "The session was invalidated (op 9)."));
    this.#debug(`invalid session (not resumable): identifying on a new connection in ${String(delay)} ms`);
    this.#reconnect(4000, "invalid session", delay);
  }

  // ---- heartbeats ---------------------------------------------------------------------------

  /** Beats every `interval`, the first after a random part of it (so reconnecting clients spread out). */
  #startHeartbeat(heartbeat: Heartbeat): void {
    heartbeat.start(Math.floor(heartbeat.interval * this.#random()), () => {
      if (this.#heartbeatOf(this.#state) !== heartbeat) return false;
      if (!heartbeat.acked) {
        this.#debug("no heartbeat ACK since the last heartbeat: zombie connection, reconnecting");
        this.#reconnect(4000, "heartbeat not acknowledged");
        return false;
      }
      this.#sendHeartbeat(heartbeat);
      return true;
    });
  }

  #sendHeartbeat(heartbeat: Heartbeat): void {
    heartbeat.sent();
    this.#debug(`heartbeat (seq ${String(this.#session.sequence)})`);
    this.#command({ op: 1, d: this.#session.sequence }, "heartbeat").catch((error: unknown) => {
      this.#debug(`heartbeat not sent: ${(error as Error).message}`);
    });
  }

  #onHeartbeatRequest(): void {
    const heartbeat = this.#heartbeatOf(this.#state);
    if (heartbeat === undefined) {
      this.#debug("ignored a heartbeat request before HELLO");
      return;
    }
    this.#debug("heartbeat requested by the server");
    this.#sendHeartbeat(heartbeat);
  }

  #onHeartbeatAck(): void {
    const state = this.#state;
    const heartbeat = this.#heartbeatOf(state);
    if (heartbeat === undefined) {
      this.#debug("ignored a heartbeat ACK before HELLO");
      return;
    }
    this.#latency = heartbeat.ack();
    this.#debug(`heartbeat ACK after ${String(this.#latency)} ms`);
    if (state.kind === "ready" && !state.healthy) this.#markHealthy(state);
  }

  // ---- closing ------------------------------------------------------------------------------

  #reconnect(code: number, reason: string, delay?: number): void {
    this.#transition({ kind: "reconnecting" });
    this.#socket.reconnect(code, reason, delay === undefined ? {} : { delay });
  }

  #stop(error: GatewayError): void {
    this.#transition({ kind: "stopped", error });
    this.#clearSession(error);
    this.#limiter.cancelAll(error);
    this.#members.cancelAll(error);
    this.#debug(`stopped: ${error.code}`);
    // Already idle after a fatal close; open (no session) when the session limit is spent.
    this.#socket.close(1000, "stopped");
    this.#waiters.rejectAll(error);
    this.#emitError(error);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Forgets the session; member requests it had pending can never be answered now. */
  #clearSession(error: GatewayError): void {
    this.#session.clear();
    this.#members.cancelAll(error);
  }

  #emitError(error: GatewayError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
  }

  #debug(message: string): void {
    if (this.listenerCount("debug") > 0) this.emit("debug", message);
  }
}
