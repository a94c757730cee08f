import { EventEmitter } from "node:events";
import { ReconnectingSocket } from "@nuwani/socket";
import type { ReconnectDecision, SocketCloseInfo } from "@nuwani/socket";
import type { Transport } from "@nuwani/socket";
import type * as V6 from "discord-api-types/v6";
import type * as V10 from "discord-api-types/v10";
import type { Clock } from "./Clock.js";
import { defaultClock } from "./Clock.js";
import { classifyClose } from "./closeCodes.js";
import { CommandLimiter } from "./CommandLimiter.js";
import { GatewayError } from "./GatewayError.js";
import { IdentifyThrottle } from "./IdentifyThrottle.js";
import { MemberChunkCollector, createNonce } from "./MemberChunkCollector.js";
import type { MemberChunk, MemberRequestResult } from "./MemberChunkCollector.js";

/** The gateway versions spoken. */
export type GatewayVersion = 6 | 10;

/** A dispatch (op 0) as received: `t` names the event, `s` is its sequence number. */
export type GatewayDispatch<V extends GatewayVersion = 6> = V extends 10
  ? V10.GatewayDispatchPayload
  : V6.GatewayDispatchPayload;

/**
 * What a presence update (op 3, and Identify's `presence`) carries: `game` for v6,
 * `activities` for v10. On v6 a bot may only send an activity's `name`, `type` and `url`
 * (discord-api-types types `game` as a received activity, with `created_at`; that is not sent).
 */
export type GatewayPresence<V extends GatewayVersion = 6> = V extends 10
  ? V10.GatewayPresenceUpdateData
  : Omit<V6.GatewayPresenceUpdateData, "game"> & {
      game: Pick<V6.GatewayActivity, "name" | "type" | "url"> | null;
    };

/** Identify connection properties; the gateway adds the `$` prefix for v6. */
export interface IdentifyProperties {
  /** @defaultValue `process.platform` */
  os?: string;
  /** @defaultValue "nuwani" */
  browser?: string;
  /** @defaultValue "nuwani" */
  device?: string;
}

/** What is needed to resume a session, also after a process restart. */
export interface GatewaySession {
  sessionId: string;
  sequence: number;
  /** Where to resume (v10's `resume_gateway_url`; the base URL on v6). */
  resumeUrl: string;
}

/** Where the connection is. */
export type GatewayState =
  | "idle"
  | "connecting"
  | "identifying"
  | "resuming"
  | "ready"
  | "reconnecting"
  | "disconnected"
  | "stopped";

/** Options of a {@link GatewayConnection}. */
export interface GatewayConnectionOptions<V extends GatewayVersion = 6> {
  /** The bot token, without the `Bot ` prefix (one is stripped). Never logged. */
  token: string;
  /**
   * The gateway URL (from `GET /gateway/bot`); query parameters are added here.
   * @defaultValue "wss://gateway.discord.gg"
   */
  url?: string;
  /** @defaultValue 6 */
  version?: V;
  /**
   * Gateway intents: optional on v6, required on v10 (else `GATEWAY_INVALID_OPTION`).
   * @defaultValue undefined (not sent)
   */
  intents?: number;
  /** `[shard_id, num_shards]`. @defaultValue undefined (not sent) */
  shard?: [number, number];
  /** 50–250. @defaultValue undefined (not sent: Discord's 50) */
  largeThreshold?: number;
  /** Identify connection properties. @defaultValue `{ os: process.platform, browser: "nuwani", device: "nuwani" }` */
  properties?: IdentifyProperties;
  /** Presence to identify with. @defaultValue undefined (not sent) */
  presence?: GatewayPresence<V>;
  /** v6 `guild_subscriptions` (presence and typing events). @defaultValue undefined (not sent: Discord's true) */
  guildSubscriptions?: boolean;
  /** Transport compression (`compress=zlib-stream`). @defaultValue false */
  compress?: boolean;
  /** A session to resume at the first connect (from {@link GatewayConnection.session}). @defaultValue undefined */
  session?: GatewaySession;
  /**
   * Shared by all connections of a process so identifies respect `max_concurrency` and the
   * daily session start limit.
   * @defaultValue a new `IdentifyThrottle` of this connection's own
   */
  identifyThrottle?: IdentifyThrottle;
  /** @defaultValue 15000 */
  connectTimeout?: number;
  /** Close and retry when HELLO does not arrive in time. @defaultValue 20000 */
  helloTimeout?: number;
  /** Gap allowed between two member chunks of one request. @defaultValue 30000 */
  memberRequestTimeout?: number;
  /** Backoff of the socket beneath. @defaultValue `{ base: 1000, cap: 60000, stableAfter: 30000 }` */
  backoff?: { base?: number; cap?: number; stableAfter?: number };
  /** The WebSocket transport (a fake in tests, a proxy-aware one…). @defaultValue a `WsTransport` */
  transport?: Transport;
  /** Time source of every timer. @defaultValue {@link defaultClock} (the globals, looked up lazily) */
  clock?: Clock;
  /** Random source in [0, 1) for the heartbeat jitter, the op 9 wait and the backoff. @defaultValue Math.random */
  random?: () => number;
}

/** Events of a {@link GatewayConnection}. */
export interface GatewayConnectionEvents<V extends GatewayVersion = 6> {
  /** Every dispatch, exactly once and in sequence order, also across resumes. */
  dispatch: [payload: GatewayDispatch<V>];
  /** A new session started (READY). */
  ready: [session: GatewaySession];
  /** A session was resumed (RESUMED). */
  resumed: [session: GatewaySession];
  /** The state changed. */
  state: [state: GatewayState, previous: GatewayState];
  /**
   * The connection stopped for good: a fatal close code, an exhausted session start limit, or
   * an Identify over 4096 bytes. Emitted only while someone listens; `connect()` rejects too.
   */
  error: [error: GatewayError];
  /** What the connection is doing; never contains the token. */
  debug: [message: string];
}

const DEFAULT_URL = "wss://gateway.discord.gg";
const MAX_PAYLOAD_BYTES = 4096;

/**
 * A connection to the Discord gateway: Hello → Identify or Resume, heartbeats with zombie
 * detection, op 1/7/9 and every close code, the command and identify limits, member requests
 * and presence updates. Dispatches reach `dispatch` listeners exactly once, in sequence order,
 * also across resumes; fatal close codes stop it with a {@link GatewayError} (never a loop).
 *
 * @example
 * ```ts
 * const gateway = new GatewayConnection({ token, url, version: 10, intents: 513 });
 * gateway.on("dispatch", (payload) => handle(payload));
 * gateway.on("error", (error) => log(error.code)); // e.g. GATEWAY_AUTHENTICATION_FAILED
 * await gateway.connect(); // READY
 * ```
 */
export class GatewayConnection<V extends GatewayVersion = 6> extends EventEmitter<
  GatewayConnectionEvents<V>
> {
  readonly version: V;
  readonly #token: string;
  readonly #options: GatewayConnectionOptions<V>;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #baseUrl: string;
  readonly #socket: ReconnectingSocket;
  readonly #limiter: CommandLimiter;
  readonly #throttle: IdentifyThrottle;
  readonly #members: MemberChunkCollector;

  #state: GatewayState = "idle";
  #sessionId: string | null = null;
  #sequence: number | null = null;
  #resumeUrl: string | null = null;
  /** The sequence of the last dispatch delivered, to drop replays delivered twice. */
  #delivered = 0;

  #heartbeatInterval = 0;
  #heartbeatTimer: unknown = null;
  #acked = true;
  #lastHeartbeatAt = 0;
  #latency = -1;

  #invalidSessionTimer: unknown = null;
  #identifyAbort: AbortController | null = null;
  /** A fatal close seen by the reconnect policy, acted on in the `close` event that follows. */
  #fatal: GatewayError | null = null;
  #destroyed = false;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(options: GatewayConnectionOptions<V>) {
    super();
    if (typeof options.token !== "string" || options.token.length === 0) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "The token must be a non-empty string.");
    }
    const version = (options.version ?? 6) as V;
    if (version !== 6 && version !== 10) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", `Unsupported gateway version ${String(version)}; use 6 or 10.`);
    }
    if (version === 10 && options.intents === undefined) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "Gateway v10 requires intents.");
    }
    if (options.intents !== undefined && (!Number.isInteger(options.intents) || options.intents < 0)) {
      throw GatewayError.invalidOption("intents", "a non-negative integer", options.intents);
    }
    if (
      options.largeThreshold !== undefined &&
      (!Number.isInteger(options.largeThreshold) || options.largeThreshold < 50 || options.largeThreshold > 250)
    ) {
      throw GatewayError.invalidOption("largeThreshold", "an integer from 50 to 250", options.largeThreshold);
    }
    if (options.session !== undefined) {
      const { sessionId, sequence, resumeUrl } = options.session;
      if (typeof sessionId !== "string" || sessionId === "" || !Number.isInteger(sequence) || sequence < 0 || typeof resumeUrl !== "string") {
        throw new GatewayError("GATEWAY_INVALID_OPTION", "session must be { sessionId: string, sequence: integer >= 0, resumeUrl: string }.");
      }
    }
    if (options.shard !== undefined) {
      const [id, count] = options.shard;
      if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) {
        throw new GatewayError("GATEWAY_INVALID_OPTION", "shard must be [shard_id, num_shards] with 0 <= shard_id < num_shards.");
      }
    }
    this.version = version;
    this.#token = options.token.replace(/^Bot\s+/i, "");
    this.#options = options;
    this.#clock = options.clock ?? defaultClock;
    this.#random = options.random ?? Math.random;
    this.#baseUrl = (options.url ?? DEFAULT_URL).replace(/\?.*$/, "").replace(/\/+$/, "");
    this.#throttle = options.identifyThrottle ?? new IdentifyThrottle({ clock: this.#clock });
    this.#limiter = new CommandLimiter({ clock: this.#clock });
    this.#members = new MemberChunkCollector({ clock: this.#clock });
    if (options.session) this.#restore(options.session);

    this.#socket = new ReconnectingSocket({
      url: () => this.#connectUrl(),
      compression: options.compress ? "zlib-stream" : "none",
      connectTimeout: options.connectTimeout ?? 15_000,
      helloTimeout: options.helloTimeout ?? 20_000,
      shouldReconnect: (close) => this.#onUnexpectedClose(close),
      clock: this.#clock,
      random: this.#random,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.#socket.on("payload", (payload) => this.#onPayload(payload));
    this.#socket.on("open", ({ attempt }) => this.#debug(`connected (attempt ${attempt + 1})`));
    this.#socket.on("close", (info) => this.#onClose(info));
    this.#socket.on("error", (error) => this.#debug(`socket error ${error.code}: ${error.message}`));
    this.#socket.on("debug", (message) => this.#debug(`socket: ${message}`));
  }

  /** The current state. */
  get state(): GatewayState {
    return this.#state;
  }

  /** Milliseconds between the last heartbeat and its ACK; -1 before the first. */
  get latency(): number {
    return this.#latency;
  }

  /** The session, to resume later (also in another process); null without one. */
  get session(): GatewaySession | null {
    if (this.#sessionId === null || this.#sequence === null) return null;
    return { sessionId: this.#sessionId, sequence: this.#sequence, resumeUrl: this.#resumeUrl ?? this.#baseUrl };
  }

  /**
   * Connects, and resolves once the session is ready or resumed. Rejects with the typed
   * error when a fatal close code stops the connection, or when `disconnect()` is called
   * first.
   */
  connect(): Promise<void> {
    if (this.#destroyed) {
      return Promise.reject(new GatewayError("GATEWAY_DISCONNECTED", "connect() was called after destroy()."));
    }
    if (this.#state === "ready") return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#state === "idle" || this.#state === "disconnected" || this.#state === "stopped") {
      this.#setState("connecting");
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
    this.#stopTimers();
    this.#identifyAbort?.abort();
    const error = new GatewayError("GATEWAY_DISCONNECTED", "The connection was closed by disconnect().");
    if (!resumable) this.#clearSession(error);
    this.#debug(resumable ? "disconnect(): closing with 4000, keeping the session" : "disconnect(): closing with 1000, ending the session");
    this.#socket.close(resumable ? 4000 : 1000, resumable ? "reconnecting later" : "session ended");
    this.#limiter.cancelAll(error);
    this.#members.cancelAll(error);
    this.#rejectWaiters(error);
    this.#setState("disconnected");
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
   * that answers it (matched by nonce); `onChunk` sees each chunk as it arrives.
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
    });
    const d: Record<string, unknown> = { guild_id: request.guildId, nonce };
    if (request.userIds !== undefined) d.user_ids = request.userIds;
    else {
      d.query = request.query ?? "";
      d.limit = request.limit ?? 0;
    }
    if (request.presences !== undefined) d.presences = request.presences;
    try {
      await this.#command({ op: 8, d }, "normal", true);
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
   * connection closes while it waits.
   */
  async send(payload: { op: number; d: unknown }): Promise<void> {
    await this.#command(payload, "normal", true);
  }

  // ---------------------------------------------------------------- the wire

  #connectUrl(): string {
    const base = this.#sessionId !== null && this.#resumeUrl !== null ? this.#resumeUrl : this.#baseUrl;
    const query = `v=${this.version}&encoding=json${this.#options.compress ? "&compress=zlib-stream" : ""}`;
    return `${base.replace(/\?.*$/, "").replace(/\/+$/, "")}/?${query}`;
  }

  /**
   * Sends one payload within the limits. `needsSession`: a user command, which Discord only
   * accepts on an identified connection (else it closes with 4003), so it needs state `ready`.
   */
  async #command(
    payload: { op: number; d: unknown },
    priority: "heartbeat" | "normal" | "presence",
    needsSession = false,
  ): Promise<void> {
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw new GatewayError("GATEWAY_PAYLOAD_TOO_LARGE", `A gateway payload may not exceed ${MAX_PAYLOAD_BYTES} bytes (op ${payload.op}).`);
    }
    if (needsSession) this.#requireSession(payload.op);
    await this.#limiter.send(priority);
    if (needsSession) this.#requireSession(payload.op);
    if (this.#socket.state !== "open") {
      throw new GatewayError("GATEWAY_NOT_CONNECTED", `Cannot send op ${payload.op}: not connected.`);
    }
    this.#socket.sendRaw(text);
  }

  #requireSession(op: number): void {
    if (this.#state !== "ready" || this.#socket.state !== "open") {
      throw new GatewayError("GATEWAY_NOT_CONNECTED", `Cannot send op ${op}: no ready session (state ${this.#state}).`);
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
        this.#onDispatch(payload as GatewayDispatch<V>);
        return;
      case 1:
        this.#debug("heartbeat requested by the server");
        this.#sendHeartbeat();
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
        this.#acked = true;
        this.#latency = this.#clock.now() - this.#lastHeartbeatAt;
        this.#debug(`heartbeat ACK after ${this.#latency} ms`);
        return;
      default:
        this.#debug(`ignored a payload with op ${String(payload.op)}`);
    }
  }

  #onDispatch(payload: GatewayDispatch<V>): void {
    const s = payload.s as number | null;
    const t = payload.t as string;
    if (typeof s === "number") {
      if (s <= this.#delivered && t !== "READY") {
        // A replayed dispatch this client already delivered.
        return;
      }
      this.#sequence = s;
      this.#delivered = s;
    }
    switch (t) {
      case "READY": {
        const d = payload.d as { session_id?: unknown; resume_gateway_url?: string } | null;
        if (typeof d !== "object" || d === null || typeof d.session_id !== "string") {
          // Reading it would throw into the socket's message handler (an uncaught exception).
          this.#debug("READY without a session_id; reconnecting");
          this.#reconnect(4000, "invalid ready");
          return;
        }
        this.#sessionId = d.session_id;
        this.#resumeUrl = d.resume_gateway_url ?? this.#baseUrl;
        this.#sequence = s ?? 0;
        this.#delivered = s ?? 0;
        this.#debug(`ready: session ${d.session_id}`);
        // The Identify reached READY: it no longer counts towards the op 9 storm guard.
        this.#throttle.sessionReady(this.#options.shard?.[0] ?? 0);
        this.#setState("ready");
        this.emit("dispatch", payload);
        this.emit("ready", this.session!);
        this.#resolveWaiters();
        return;
      }
      case "RESUMED":
        this.#debug(`resumed at sequence ${String(this.#sequence)}`);
        this.#setState("ready");
        this.emit("dispatch", payload);
        this.emit("resumed", this.session!);
        this.#resolveWaiters();
        return;
      case "GUILD_MEMBERS_CHUNK":
        this.#members.handleChunk(payload.d as never);
        break;
      default:
        break;
    }
    this.emit("dispatch", payload);
  }

  #onHello(d: unknown): void {
    const interval = (d as { heartbeat_interval?: unknown } | null)?.heartbeat_interval;
    if (typeof interval !== "number" || !(interval > 0)) {
      this.#debug("HELLO without a valid heartbeat_interval; reconnecting");
      this.#reconnect(4000, "invalid hello");
      return;
    }
    this.#heartbeatInterval = interval;
    this.#acked = true;
    this.#scheduleHeartbeat(Math.floor(interval * this.#random()));
    this.#debug(`hello: heartbeat every ${interval} ms`);
    if (this.#sessionId !== null && this.#sequence !== null) this.#resume();
    else void this.#identify();
  }

  #resume(): void {
    this.#setState("resuming");
    this.#debug(`resuming session ${this.#sessionId} at sequence ${this.#sequence}`);
    this.#command({ op: 6, d: { token: this.#token, session_id: this.#sessionId, seq: this.#sequence } }, "normal").catch(
      (error: unknown) => this.#debug(`resume not sent: ${(error as Error).message}`),
    );
  }

  async #identify(): Promise<void> {
    this.#setState("identifying");
    this.#identifyAbort?.abort();
    const abort = new AbortController();
    this.#identifyAbort = abort;
    const shardId = this.#options.shard?.[0] ?? 0;
    try {
      await this.#throttle.acquire(shardId, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return;
      if (error instanceof GatewayError && (error.code === "GATEWAY_SESSION_LIMIT_EXHAUSTED" || error.code === "GATEWAY_IDENTIFY_STORM")) {
        this.#stop(error);
        return;
      }
      this.#debug(`identify not sent: ${(error as Error).message}`);
      return;
    }
    if (abort.signal.aborted || this.#socket.state !== "open") return;
    this.#debug(`identifying (v${this.version}${this.#options.shard ? `, shard ${this.#options.shard.join("/")}` : ""})`);
    this.#command({ op: 2, d: this.#identifyData() }, "normal").catch((error: unknown) => {
      // Retrying cannot shrink it (a huge presence): stop rather than hang.
      if (GatewayError.is(error, "GATEWAY_PAYLOAD_TOO_LARGE")) this.#stop(error);
      else this.#debug(`identify not sent: ${(error as Error).message}`);
    });
  }

  #identifyData(): Record<string, unknown> {
    const o = this.#options;
    const os = o.properties?.os ?? process.platform;
    const browser = o.properties?.browser ?? "nuwani";
    const device = o.properties?.device ?? "nuwani";
    const d: Record<string, unknown> = {
      token: this.#token,
      properties: this.version === 6 ? { $os: os, $browser: browser, $device: device } : { os, browser, device },
      compress: false,
    };
    if (o.largeThreshold !== undefined) d.large_threshold = o.largeThreshold;
    if (o.shard !== undefined) d.shard = o.shard;
    if (o.presence !== undefined) d.presence = o.presence;
    if (o.intents !== undefined) d.intents = o.intents;
    if (o.guildSubscriptions !== undefined && this.version === 6) d.guild_subscriptions = o.guildSubscriptions;
    return d;
  }

  #onInvalidSession(resumable: boolean): void {
    this.#identifyAbort?.abort();
    if (!resumable) this.#clearSession(new GatewayError("GATEWAY_DISCONNECTED", "The session was invalidated (op 9)."));
    this.#stopInvalidSessionWait();
    // The session is not usable until the resume or identify below: no user commands meanwhile.
    this.#setState(resumable && this.#sessionId !== null ? "resuming" : "identifying");
    // Discord: wait a random 1–5 s, then identify (or resume when the session may be resumed).
    const delay = 1000 + Math.floor(this.#random() * 4000);
    this.#debug(`invalid session (resumable: ${resumable}); ${resumable && this.#sessionId !== null ? "resuming" : "identifying"} in ${delay} ms`);
    this.#invalidSessionTimer = this.#clock.setTimeout(() => {
      this.#invalidSessionTimer = null;
      if (this.#socket.state !== "open") return;
      if (resumable && this.#sessionId !== null) this.#resume();
      else void this.#identify();
    }, delay);
  }

  // ------------------------------------------------------------ heartbeats

  #scheduleHeartbeat(delay: number): void {
    this.#stopHeartbeat();
    this.#heartbeatTimer = this.#clock.setTimeout(() => {
      this.#heartbeatTimer = null;
      if (!this.#acked) {
        this.#debug("no heartbeat ACK since the last heartbeat: zombie connection, reconnecting");
        this.#reconnect(4000, "heartbeat not acknowledged");
        return;
      }
      this.#sendHeartbeat();
      this.#scheduleHeartbeat(this.#heartbeatInterval);
    }, delay);
  }

  #sendHeartbeat(): void {
    this.#acked = false;
    this.#lastHeartbeatAt = this.#clock.now();
    this.#debug(`heartbeat (seq ${String(this.#sequence)})`);
    this.#command({ op: 1, d: this.#sequence }, "heartbeat").catch((error: unknown) =>
      this.#debug(`heartbeat not sent: ${(error as Error).message}`),
    );
  }

  // ------------------------------------------------------------- closing

  #reconnect(code: number, reason: string): void {
    this.#stopTimers();
    this.#setState("reconnecting");
    this.#socket.reconnect(code, reason);
  }

  /**
   * The socket's policy, asked while it is still handling the close: it only decides. The
   * fatal stop (events, rejections) happens in the `close` event that follows, once the socket
   * is idle, so listeners may call `connect()` again.
   */
  #onUnexpectedClose(close: SocketCloseInfo): ReconnectDecision {
    const verdict = classifyClose(close.code);
    this.#debug(`closed by ${close.initiatedBy} with ${close.code}: ${verdict.description}`);
    if (verdict.action === "fatal") {
      this.#fatal = new GatewayError(
        verdict.error ?? "GATEWAY_AUTHENTICATION_FAILED",
        `Discord closed the connection with ${close.code}: ${verdict.description}`,
        { closeCode: close.code },
      );
      return false;
    }
    if (verdict.action === "identify") {
      this.#clearSession(new GatewayError("GATEWAY_DISCONNECTED", `The session ended (close ${close.code}).`, { closeCode: close.code }));
    }
    return true;
  }

  #onClose(info: SocketCloseInfo & { reconnect: boolean; delay: number }): void {
    this.#stopTimers();
    this.#identifyAbort?.abort();
    // Commands queued for this connection are cancelled first: releasing them into the fresh
    // budget would spend the next connection's slots (and hold back its Identify/Resume).
    this.#limiter.cancelAll(new GatewayError("GATEWAY_DISCONNECTED", `The connection closed (${info.code}) before the command was sent.`));
    this.#limiter.reset();
    const fatal = this.#fatal;
    if (fatal !== null) {
      this.#fatal = null;
      this.#stop(fatal);
      return;
    }
    if (info.reconnect && this.#state !== "stopped" && this.#state !== "disconnected") {
      this.#setState("reconnecting");
      this.#debug(`reconnecting in ${info.delay} ms (${this.#sessionId !== null ? "will resume" : "will identify"})`);
    }
  }

  #stop(error: GatewayError): void {
    this.#stopTimers();
    this.#identifyAbort?.abort();
    this.#clearSession(error);
    this.#limiter.cancelAll(error);
    this.#members.cancelAll(error);
    this.#setState("stopped");
    this.#debug(`stopped: ${error.code}`);
    // Already idle after a fatal close; open (no session) when the session limit is spent.
    this.#socket.close(1000, "stopped");
    this.#rejectWaiters(error);
    if (this.listenerCount("error") > 0) this.emit("error", error);
  }

  // -------------------------------------------------------------- helpers

  #restore(session: GatewaySession): void {
    this.#sessionId = session.sessionId;
    this.#sequence = session.sequence;
    this.#delivered = session.sequence;
    this.#resumeUrl = session.resumeUrl;
  }

  /** Forgets the session; member requests it had pending can never be answered now. */
  #clearSession(error: GatewayError): void {
    this.#sessionId = null;
    this.#sequence = null;
    this.#resumeUrl = null;
    this.#delivered = 0;
    this.#members.cancelAll(error);
  }

  #stopTimers(): void {
    this.#stopHeartbeat();
    this.#stopInvalidSessionWait();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeatTimer === null) return;
    this.#clock.clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
  }

  #stopInvalidSessionWait(): void {
    if (this.#invalidSessionTimer === null) return;
    this.#clock.clearTimeout(this.#invalidSessionTimer);
    this.#invalidSessionTimer = null;
  }

  #setState(state: GatewayState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit("state", state, previous);
  }

  #resolveWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  #rejectWaiters(error: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  #debug(message: string): void {
    if (this.listenerCount("debug") > 0) this.emit("debug", message);
  }
}
