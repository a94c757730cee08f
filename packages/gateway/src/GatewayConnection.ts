import { EventEmitter } from "node:events";
import { ReconnectingSocket } from "@nuwani/socket";
import type { ReconnectDecision, SocketCloseEvent, SocketCloseInfo, SocketError } from "@nuwani/socket";
import type { Transport } from "@nuwani/transport";
import type * as V6 from "discord-api-types/v6";
import type * as V10 from "discord-api-types/v10";
import { MAX_TIMER_MS, systemClock, type Clock } from "@nuwani/util";
import { classifyClose } from "./closeCodes.js";
import { CommandLimiter } from "./CommandLimiter.js";
import { GatewayError } from "./GatewayError.js";
import { IdentifyThrottle } from "./IdentifyThrottle.js";
import { setLongTimeout, type LongTimeout } from "./longTimeout.js";
import { MemberChunkCollector, createNonce } from "./MemberChunkCollector.js";
import type { MemberChunk, MemberRequestResult } from "./MemberChunkCollector.js";

/** The gateway versions spoken. */
export type GatewayVersion = 6 | 10;

/** A dispatch (op 0) as received: `t` names the event, `s` is its sequence number. */
export type GatewayDispatch<V extends GatewayVersion = 10> = V extends 10
  ? V10.GatewayDispatchPayload
  : V6.GatewayDispatchPayload;

/**
 * What a presence update (op 3, and Identify's `presence`) carries: `game` for v6,
 * `activities` for v10. On v6 a bot may only send an activity's `name`, `type` and `url`
 * (discord-api-types types `game` as a received activity, with `created_at`; that is not sent).
 */
export type GatewayPresence<V extends GatewayVersion = 10> = V extends 10
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
  /** Where to resume (v10's `resume_gateway_url` when it is trusted; the base URL otherwise). */
  resumeUrl: string;
}

/**
 * Where the connection is: `idle` (never connected), `connecting` (a connection is being
 * opened, or waits for HELLO), `identifying`/`resuming` (HELLO came; Identify/Resume is on its
 * way or answered soon), `ready` (a session is open), `reconnecting` (the connection ended and
 * another follows), `disconnected` (by `disconnect()`), `stopped` (by a fatal error).
 */
export type GatewayState =
  | "idle"
  | "connecting"
  | "identifying"
  | "resuming"
  | "ready"
  | "reconnecting"
  | "disconnected"
  | "stopped";

/** Options of {@link GatewayConnection.connect}. */
export interface GatewayConnectOptions {
  /**
   * Gives up waiting when aborted: `connect()` rejects with `GATEWAY_ABORTED` (or the signal's
   * reason, when that is a `GatewayError`).
   * @defaultValue undefined (no signal)
   */
  signal?: AbortSignal;
  /**
   * Gives up after this many milliseconds without READY/RESUMED: `connect()` rejects with
   * `GATEWAY_CONNECT_TIMEOUT`. Any length works (long waits are chained timers).
   * @defaultValue undefined (waits until READY or a fatal error)
   */
  timeout?: number;
}

/** Options of {@link GatewayConnection.send}. */
export interface GatewaySendOptions {
  /**
   * Gives up waiting for the command limiter when aborted: `send()` rejects with
   * `GATEWAY_ABORTED` (or the signal's reason, when that is a `GatewayError`), the command is
   * not sent and its place in the queue is freed. Once sent, aborting has no effect.
   * @defaultValue undefined (no signal)
   */
  signal?: AbortSignal;
}

/** Options of a {@link GatewayConnection}. */
export interface GatewayConnectionOptions<V extends GatewayVersion = 10> {
  /** The bot token, without the `Bot ` prefix (one is stripped). Never logged. */
  token: string;
  /**
   * The gateway URL (from `GET /gateway/bot`), `ws:` or `wss:`; query parameters are added here.
   * @defaultValue "wss://gateway.discord.gg"
   */
  url?: string;
  /**
   * The gateway version. Discord deprecated v6 and announced its decommissioning; it stays
   * fully supported here when chosen.
   * @defaultValue 10
   */
  version?: V;
  /**
   * Gateway intents: required on v10 (else `GATEWAY_INVALID_OPTION`), optional on v6.
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
  /** Milliseconds for TCP + TLS + WebSocket handshake of one attempt. @defaultValue 15000 */
  connectTimeout?: number;
  /**
   * Milliseconds from the opening of a connection until HELLO, whatever else arrives first;
   * else the connection is replaced (`GATEWAY_HELLO_TIMEOUT`).
   * @defaultValue 20000
   */
  helloTimeout?: number;
  /**
   * Milliseconds from sending Identify (or Resume) until READY (or RESUMED); else the
   * connection is replaced (`GATEWAY_READY_TIMEOUT`).
   * @defaultValue 30000
   */
  readyTimeout?: number;
  /** Gap allowed between two member chunks of one request. @defaultValue 30000 */
  memberRequestTimeout?: number;
  /**
   * Backoff of the socket beneath, for failed attempts. After a connection that was working
   * (READY or RESUMED, and dispatches delivered) drops, the first attempt goes out at once
   * (`random() × dropJitter` ms).
   * @defaultValue `{ base: 1000, cap: 60000, stableAfter: 30000, dropJitter: 100 }`
   */
  backoff?: { base?: number; cap?: number; stableAfter?: number; dropJitter?: number };
  /** The WebSocket transport (a fake in tests, a proxy-aware one…). @defaultValue a `WsTransport` */
  transport?: Transport;
  /** Time source of every timer. @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily) */
  clock?: Clock;
  /** Random source in [0, 1) for the heartbeat jitter, the op 9 wait and the backoff. @defaultValue Math.random */
  random?: () => number;
}

/** Events of a {@link GatewayConnection}. */
export interface GatewayConnectionEvents<V extends GatewayVersion = 10> {
  /** Every dispatch, exactly once and in sequence order, also across resumes. */
  dispatch: [payload: GatewayDispatch<V>];
  /** A new session started (READY). */
  ready: [session: GatewaySession];
  /** A session was resumed (RESUMED). */
  resumed: [session: GatewaySession];
  /** The state changed. */
  state: [state: GatewayState, previous: GatewayState];
  /**
   * Something failed. When the connection stopped for good (a fatal close code, an exhausted
   * session start limit, an Identify over 4096 bytes), `state` is already `"stopped"` and
   * `connect()` rejects with the same error; otherwise (socket errors as
   * `GATEWAY_SOCKET_ERROR`, HELLO/READY deadlines, protocol errors) the connection recovers by
   * itself. Emitted only while someone listens.
   */
  error: [error: GatewayError];
  /** What the connection is doing; never contains the token. */
  debug: [message: string];
}

const DEFAULT_URL = "wss://gateway.discord.gg";
const MAX_PAYLOAD_BYTES = 4096;
/** HELLO's `heartbeat_interval` must lie in this range (Discord sends about 41 s). */
const MIN_HEARTBEAT_INTERVAL = 1_000;
const MAX_HEARTBEAT_INTERVAL = 600_000;
/**
 * A dispatch whose sequence jumps further ahead than this from the last one delivered is not
 * believed: a session's sequence grows by one per dispatch.
 */
const MAX_SEQUENCE_JUMP = 100_000;

/** One connection's heartbeat, from HELLO until the connection ends. */
interface Heartbeat {
  readonly interval: number;
  timer: unknown;
  acked: boolean;
  sentAt: number;
  /** Dispatches delivered on this connection (READY/RESUMED not counted). */
  dispatches: number;
}

interface Idle {
  readonly kind: "idle";
}
interface Connecting {
  readonly kind: "connecting";
  /** The HELLO deadline, from the socket's open (undefined while the attempt is in flight). */
  readonly helloTimer: unknown;
}
interface Identifying {
  readonly kind: "identifying";
  readonly heartbeat: Heartbeat;
  /** Cancels the wait for the identify throttle. */
  readonly abort: AbortController;
  /** The READY deadline, once Identify was sent. */
  timer: unknown;
}
interface Resuming {
  readonly kind: "resuming";
  readonly heartbeat: Heartbeat;
  /** The op 9 wait before Resume, then the RESUMED deadline. */
  timer: unknown;
}
interface Ready {
  readonly kind: "ready";
  readonly heartbeat: Heartbeat;
  /** Whether the socket was told this connection works. */
  healthy: boolean;
}
interface Reconnecting {
  readonly kind: "reconnecting";
}
interface Disconnected {
  readonly kind: "disconnected";
}
interface Stopped {
  readonly kind: "stopped";
  readonly error: GatewayError;
}

/** The connection state: one discriminated union, replaced only by `#transition`. */
type State = Idle | Connecting | Identifying | Resuming | Ready | Reconnecting | Disconnected | Stopped;

/** The transitions `#transition` allows; anything else is a bug and throws. */
const TRANSITIONS: Readonly<Record<GatewayState, readonly GatewayState[]>> = {
  idle: ["connecting", "disconnected", "stopped"],
  connecting: ["connecting", "identifying", "resuming", "reconnecting", "disconnected", "stopped"],
  identifying: ["ready", "reconnecting", "disconnected", "stopped"],
  resuming: ["resuming", "ready", "reconnecting", "disconnected", "stopped"],
  ready: ["resuming", "reconnecting", "disconnected", "stopped"],
  reconnecting: ["connecting", "reconnecting", "disconnected", "stopped"],
  disconnected: ["connecting", "disconnected", "stopped"],
  stopped: ["connecting", "disconnected", "stopped"],
};

/** A pending `connect()`. */
interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  /** Stops its timeout and abort listener. */
  readonly release: () => void;
}

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
  #sessionId: string | null = null;
  #sequence: number | null = null;
  #resumeUrl: string | null = null;
  /** The sequence of the last dispatch delivered, to drop replays delivered twice. */
  #delivered = 0;
  #latency = -1;

  /** A fatal close seen by the reconnect policy, acted on in the `close` event that follows. */
  #fatal: GatewayError | null = null;
  #destroyed = false;
  #waiters: Waiter[] = [];

  /**
   * Checks the options and sets up the connection; nothing connects until {@link GatewayConnection.connect}.
   * @throws {@link GatewayError} `GATEWAY_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: GatewayConnectionOptions<V>) {
    super();
    if (typeof options.token !== "string" || options.token.length === 0) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "The token must be a non-empty string.");
    }
    const version = (options.version ?? 10) as V;
    if (version !== 6 && version !== 10) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", `Unsupported gateway version ${String(version)}; use 6 or 10.`);
    }
    if (version === 10 && options.intents === undefined) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "Gateway v10 (the default version) requires intents; pass intents, or version: 6.");
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
      if (typeof sessionId !== "string" || sessionId === "" || !Number.isSafeInteger(sequence) || sequence < 0 || typeof resumeUrl !== "string") {
        throw new GatewayError("GATEWAY_INVALID_OPTION", "session must be { sessionId: string, sequence: integer >= 0, resumeUrl: string }.");
      }
    }
    if (options.shard !== undefined) {
      const [id, count] = options.shard;
      if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) {
        throw new GatewayError("GATEWAY_INVALID_OPTION", "shard must be [shard_id, num_shards] with 0 <= shard_id < num_shards.");
      }
    }
    this.#helloTimeout = timeoutOption("helloTimeout", options.helloTimeout, 20_000);
    this.#readyTimeout = timeoutOption("readyTimeout", options.readyTimeout, 30_000);
    this.version = version;
    this.#token = options.token.replace(/^Bot\s+/i, "");
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#baseUrl = parseBaseUrl(options.url ?? DEFAULT_URL);
    this.#throttle = options.identifyThrottle ?? new IdentifyThrottle({ clock: this.#clock });
    this.#limiter = new CommandLimiter({ clock: this.#clock });
    this.#members = new MemberChunkCollector({ clock: this.#clock });
    if (options.session) this.#restore(options.session);

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
    if (this.#sessionId === null || this.#sequence === null) return null;
    return { sessionId: this.#sessionId, sequence: this.#sequence, resumeUrl: this.#resumeUrl ?? this.#baseUrlText() };
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
    const ready = new Promise<void>((resolve, reject) => {
      let timer: LongTimeout | undefined;
      let onAbort: (() => void) | undefined;
      const waiter: Waiter = {
        resolve,
        reject,
        release: () => {
          timer?.cancel();
          if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
        },
      };
      const giveUp = (error: GatewayError): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index === -1) return;
        this.#waiters.splice(index, 1);
        waiter.release();
        reject(error);
        if (this.#waiters.length === 0 && this.#attempting()) {
          this.#debug(`connect() gave up (${error.code}): stopping the attempts, keeping the session`);
          this.disconnect({ resumable: true });
        }
      };
      if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
        timer = setLongTimeout(
          this.#clock,
          () => {
            giveUp(new GatewayError("GATEWAY_CONNECT_TIMEOUT", `No ready session within ${String(timeout)} ms.`));
          },
          timeout,
        );
      }
      if (signal !== undefined) {
        onAbort = () => {
          giveUp(GatewayError.fromAbort(signal));
        };
        signal.addEventListener("abort", onAbort, { once: true });
      }
      this.#waiters.push(waiter);
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
    this.#rejectWaiters(error);
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
      if (current.heartbeat.timer !== undefined) this.#clock.clearTimeout(current.heartbeat.timer);
      current.heartbeat.timer = undefined;
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
      this.#debug(`reconnecting in ${String(info.delay)} ms (${this.#sessionId !== null ? "will resume" : "will identify"})`);
    } else {
      this.#stop(new GatewayError("GATEWAY_DISCONNECTED", `The connection closed (${String(info.code)}) and will not reconnect.`, { closeCode: info.code }));
    }
  }

  // ---- the wire -----------------------------------------------------------------------------

  #baseUrlText(): string {
    return this.#baseUrl.href.replace(/\/+$/, "");
  }

  #connectUrl(): string {
    const base = this.#sessionId !== null && this.#resumeUrl !== null ? this.#resumeUrl : this.#baseUrlText();
    const query = `v=${String(this.version)}&encoding=json${this.#options.compress ? "&compress=zlib-stream" : ""}`;
    return `${base.replace(/\?.*$/, "").replace(/\/+$/, "")}/?${query}`;
  }

  /**
   * READY's `resume_gateway_url`, when it may be trusted with the token: the base URL's
   * scheme, and the base URL's host, or a host of Discord's gateway domain (`*.discord.gg`)
   * when the base URL is one. Else `null` (resume at the base URL).
   */
  #trustedResumeUrl(value: unknown): string | null {
    if (typeof value !== "string" || value.length > 2048) return null;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    const base = this.#baseUrl;
    if (url.protocol !== base.protocol || url.username !== "" || url.password !== "") return null;
    const host = url.hostname.toLowerCase();
    const baseHost = base.hostname.toLowerCase();
    const onDiscord = (name: string): boolean => name === "discord.gg" || name.endsWith(".discord.gg");
    if (host !== baseHost && !(onDiscord(baseHost) && onDiscord(host))) return null;
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "");
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
    if (s !== null && s !== undefined) {
      if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) {
        this.#debug(`ignored a ${t} dispatch with an invalid sequence; resuming from ${String(this.#delivered)}`);
        return;
      }
      if (t === "READY") {
        if (s > MAX_SEQUENCE_JUMP) {
          this.#debug(`ignored a READY with an implausible sequence ${String(s)}`);
          return;
        }
      } else {
        // A replayed dispatch this client already delivered.
        if (s <= this.#delivered) return;
        if (s - this.#delivered > MAX_SEQUENCE_JUMP) {
          this.#debug(`ignored a ${t} dispatch with an implausible sequence ${String(s)} (last ${String(this.#delivered)}); resuming from ${String(this.#delivered)}`);
          return;
        }
      }
    }
    const seq = typeof s === "number" ? s : null;
    switch (t) {
      case "READY":
        this.#onReady(payload as GatewayDispatch<V>, seq);
        return;
      case "RESUMED":
        this.#onResumed(payload as GatewayDispatch<V>, seq);
        return;
      case "GUILD_MEMBERS_CHUNK":
        this.#advance(seq);
        this.#members.handleChunk(payload.d as never);
        break;
      case "RATE_LIMITED":
        this.#advance(seq);
        this.#onRateLimited(payload.d);
        break;
      default:
        this.#advance(seq);
        break;
    }
    const state = this.#state;
    const heartbeat = this.#heartbeatOf(state);
    if (heartbeat !== undefined) heartbeat.dispatches++;
    if (state.kind === "ready" && !state.healthy) this.#markHealthy(state);
    this.emit("dispatch", payload as GatewayDispatch<V>);
  }

  #advance(seq: number | null): void {
    if (seq === null) return;
    this.#sequence = seq;
    this.#delivered = seq;
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
    this.#sessionId = d.session_id;
    this.#resumeUrl = null;
    if (this.version === 10 && d.resume_gateway_url !== undefined) {
      this.#resumeUrl = this.#trustedResumeUrl(d.resume_gateway_url);
      if (this.#resumeUrl === null) this.#debug("READY's resume_gateway_url is not on the gateway's host or domain: resuming at the base URL");
    }
    this.#sequence = seq ?? 0;
    this.#delivered = seq ?? 0;
    this.#debug(`ready: session ${d.session_id}`);
    // The Identify reached READY: it no longer counts towards the op 9 storm guard.
    this.#throttle.sessionReady(this.#options.shard?.[0] ?? 0);
    if (state.kind === "ready") this.#markHealthy(state);
    else this.#transition({ kind: "ready", heartbeat: state.heartbeat, healthy: false });
    this.emit("dispatch", payload);
    this.emit("ready", this.session!);
    this.#resolveWaiters();
  }

  #onResumed(payload: GatewayDispatch<V>, seq: number | null): void {
    const state = this.#state;
    if (this.#sessionId === null) {
      this.#debug("RESUMED without a session: protocol error, reconnecting to identify");
      this.#reconnect(4000, "unexpected resumed");
      this.#emitError(new GatewayError("GATEWAY_INVALID_PAYLOAD", "The gateway sent RESUMED while no session was held."));
      return;
    }
    if (state.kind !== "resuming") {
      this.#debug(`ignored a RESUMED in state ${state.kind}`);
      return;
    }
    this.#advance(seq);
    this.#debug(`resumed at sequence ${String(this.#sequence)}`);
    const ready: Ready = { kind: "ready", heartbeat: state.heartbeat, healthy: false };
    this.#transition(ready);
    // The replay (dispatches delivered before RESUMED) shows the connection works.
    if (state.heartbeat.dispatches > 0) this.#markHealthy(ready);
    this.emit("dispatch", payload);
    this.emit("resumed", this.session!);
    this.#resolveWaiters();
  }

  #markHealthy(state: Ready): void {
    state.healthy = true;
    this.#socket.markHealthy();
  }

  /** v10: Discord refused a command (op 8) for now; the pending request learns when to retry. */
  #onRateLimited(d: unknown): void {
    if (typeof d !== "object" || d === null) return;
    const { opcode, retry_after: retryAfter, meta } = d as { opcode?: unknown; retry_after?: unknown; meta?: unknown };
    const nonce = (meta as { nonce?: unknown } | null | undefined)?.nonce;
    const seconds = typeof retryAfter === "number" && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 0;
    const ms = Math.min(Math.ceil(seconds * 1000), MAX_TIMER_MS);
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
    const interval = (d as { heartbeat_interval?: unknown } | null)?.heartbeat_interval;
    if (typeof interval !== "number" || !(interval >= MIN_HEARTBEAT_INTERVAL && interval <= MAX_HEARTBEAT_INTERVAL)) {
      this.#debug(`HELLO with a heartbeat_interval outside ${String(MIN_HEARTBEAT_INTERVAL)}–${String(MAX_HEARTBEAT_INTERVAL)} ms; reconnecting`);
      this.#reconnect(4000, "invalid hello");
      return;
    }
    const heartbeat: Heartbeat = { interval, timer: undefined, acked: true, sentAt: 0, dispatches: 0 };
    this.#debug(`hello: heartbeat every ${String(interval)} ms`);
    if (this.#sessionId !== null && this.#sequence !== null) {
      const resuming: Resuming = { kind: "resuming", heartbeat, timer: undefined };
      this.#transition(resuming);
      this.#scheduleHeartbeat(heartbeat, Math.floor(interval * this.#random()));
      this.#sendResume(resuming);
    } else {
      const identifying: Identifying = { kind: "identifying", heartbeat, abort: new AbortController(), timer: undefined };
      this.#transition(identifying);
      this.#scheduleHeartbeat(heartbeat, Math.floor(interval * this.#random()));
      void this.#identify(identifying);
    }
  }

  #sendResume(state: Resuming): void {
    this.#debug(`resuming session ${String(this.#sessionId)} at sequence ${String(this.#sequence)}`);
    this.#command({ op: 6, d: { token: this.#token, session_id: this.#sessionId, seq: this.#sequence } }, "normal").catch((error: unknown) => {
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
    this.#command({ op: 2, d: this.#identifyData() }, "normal").catch((error: unknown) => {
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
    if (resumable && this.#sessionId !== null) {
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

  #scheduleHeartbeat(heartbeat: Heartbeat, delay: number): void {
    heartbeat.timer = this.#clock.setTimeout(() => {
      heartbeat.timer = undefined;
      if (this.#heartbeatOf(this.#state) !== heartbeat) return;
      if (!heartbeat.acked) {
        this.#debug("no heartbeat ACK since the last heartbeat: zombie connection, reconnecting");
        this.#reconnect(4000, "heartbeat not acknowledged");
        return;
      }
      this.#sendHeartbeat(heartbeat);
      this.#scheduleHeartbeat(heartbeat, heartbeat.interval);
    }, delay);
  }

  #sendHeartbeat(heartbeat: Heartbeat): void {
    heartbeat.acked = false;
    heartbeat.sentAt = this.#clock.now();
    this.#debug(`heartbeat (seq ${String(this.#sequence)})`);
    this.#command({ op: 1, d: this.#sequence }, "heartbeat").catch((error: unknown) => {
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
    heartbeat.acked = true;
    this.#latency = this.#clock.now() - heartbeat.sentAt;
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
    this.#rejectWaiters(error);
    this.#emitError(error);
  }

  // ---- helpers ------------------------------------------------------------------------------

  #restore(session: GatewaySession): void {
    this.#sessionId = session.sessionId;
    this.#sequence = session.sequence;
    this.#delivered = session.sequence;
    this.#resumeUrl = this.version === 10 ? this.#trustedResumeUrl(session.resumeUrl) : null;
  }

  /** Forgets the session; member requests it had pending can never be answered now. */
  #clearSession(error: GatewayError): void {
    this.#sessionId = null;
    this.#sequence = null;
    this.#resumeUrl = null;
    this.#delivered = 0;
    this.#members.cancelAll(error);
  }

  #resolveWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      waiter.release();
      waiter.resolve();
    }
  }

  #rejectWaiters(error: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      waiter.release();
      waiter.reject(error);
    }
  }

  #emitError(error: GatewayError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
  }

  #debug(message: string): void {
    if (this.listenerCount("debug") > 0) this.emit("debug", message);
  }
}

/** A timeout option: a number of milliseconds ≥ 0 (0 disables), capped at the longest timer. */
function timeoutOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw GatewayError.invalidOption(name, "a number of milliseconds ≥ 0", value);
  }
  return Math.min(value, MAX_TIMER_MS);
}

/** The base URL: `ws:` or `wss:`, its query and trailing slashes dropped. */
function parseBaseUrl(value: unknown): URL {
  if (typeof value !== "string") throw GatewayError.invalidOption("url", "a ws: or wss: URL", value);
  let url: URL;
  try {
    url = new URL(value.replace(/\?.*$/, ""));
  } catch {
    throw new GatewayError("GATEWAY_INVALID_OPTION", "url must be a ws: or wss: URL.");
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new GatewayError("GATEWAY_INVALID_OPTION", `url must be a ws: or wss: URL, got ${url.protocol}.`);
  }
  url.search = "";
  url.hash = "";
  return url;
}
