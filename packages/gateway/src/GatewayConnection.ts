import { EventEmitter } from "node:events";
import { GatewayEngine } from "./GatewayEngine.js";
import type { MemberRequestResult } from "./MemberChunkCollector.js";
import type {
  GatewayConnectionEvents,
  GatewayConnectionOptions,
  GatewayConnectOptions,
  GatewayMemberRequest,
  GatewayMemberRequestOptions,
  GatewayPresence,
  GatewaySendOptions,
  GatewaySession,
  GatewayState,
  GatewayVersion,
} from "./types.js";

/**
 * A connection to the Discord gateway: Hello → Identify or Resume, heartbeats with zombie
 * detection, op 1/7/9 and every close code, the command and identify limits, member requests
 * and presence updates. Dispatches reach `dispatch` listeners exactly once, in sequence order,
 * also across resumes; fatal close codes stop it with a {@link GatewayError} (never a loop).
 * Every wait is bounded: HELLO and READY deadlines, `connect()`'s `timeout` and `signal`.
 *
 * Lifecycle: `connect()` / `disconnect()` open and close a session and may be repeated;
 * `destroy()` is final.
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
  readonly #engine: GatewayEngine<V>;

  /**
   * Checks the options and sets up the connection; nothing connects until {@link GatewayConnection.connect}.
   * @throws {@link GatewayError} `GATEWAY_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: GatewayConnectionOptions<V>) {
    super();
    this.#engine = new GatewayEngine(options, this);
    this.version = this.#engine.version;
  }

  /** The current state. */
  get state(): GatewayState {
    return this.#engine.state;
  }

  /** Milliseconds between the last heartbeat and its ACK; -1 before the first. */
  get latency(): number {
    return this.#engine.latency;
  }

  /** The session, to resume later (also in another process); null without one. */
  get session(): GatewaySession | null {
    return this.#engine.session;
  }

  /**
   * Connects, and resolves once the session is ready or resumed. Rejects with the typed error
   * when a fatal close code stops the connection, when `disconnect()` is called first
   * (`GATEWAY_DISCONNECTED`), when `options.signal` aborts (`GATEWAY_ABORTED`), after
   * `options.timeout` ms (`GATEWAY_CONNECT_TIMEOUT`), and after `destroy()`
   * (`GATEWAY_DESTROYED`). Giving up on the timeout or signal also stops the attempts, unless
   * another `connect()` still waits; the session is kept for a later resume.
   */
  connect(options: GatewayConnectOptions = {}): Promise<void> {
    return this.#engine.connect(options);
  }

  /**
   * Closes the connection. By default with 1000, which ends the session on Discord's side;
   * with `{ resumable: true }` with 4000 instead, keeping the session so that a later
   * `connect()` (or another process, via {@link GatewayConnection.session}) can resume it.
   * Pending `connect()`, `send()` and member requests reject with `GATEWAY_DISCONNECTED`.
   */
  disconnect(options: { resumable?: boolean } = {}): void {
    this.#engine.disconnect(options.resumable === true);
  }

  /**
   * Stops everything for good, synchronously (timers, socket), ending the session (close
   * 1000), and removes every listener. Pending `connect()`, `send()` and member requests
   * reject with `GATEWAY_DESTROYED`, and so does a later `connect()`. Idempotent.
   */
  destroy(): void {
    if (this.#engine.destroyed) return;
    this.#engine.destroy();
    this.removeAllListeners();
  }

  /**
   * Requests guild members (op 8). Resolves with the members of every GUILD_MEMBERS_CHUNK
   * that answers it (matched by nonce); `onChunk` sees each chunk as it arrives. Rejects with
   * `GATEWAY_RATE_LIMITED` (its `retryAfter` in milliseconds) when Discord answers with a v10
   * `RATE_LIMITED` dispatch for its nonce, `GATEWAY_REQUEST_TIMEOUT` when no chunk comes in
   * time, `GATEWAY_NOT_CONNECTED` without a ready session, `GATEWAY_INVALID_OPTION` for both
   * `query` and `userIds`, and `GATEWAY_ABORTED` when `options.signal` aborts — while op 8
   * waits in the command limiter (its slot is freed and op 8 is never sent) or while chunks
   * are awaited (the nonce is forgotten; chunks that still come are ignored by this request
   * and only reach `dispatch` listeners).
   */
  requestGuildMembers(request: GatewayMemberRequest, options: GatewayMemberRequestOptions = {}): Promise<MemberRequestResult> {
    return this.#engine.requestGuildMembers(request, options);
  }

  /**
   * Updates the bot's presence (op 3), within its own limit of 5 per 20 s (a sixth waits).
   * Rejects with `GATEWAY_NOT_CONNECTED` without a ready session.
   */
  updatePresence(presence: GatewayPresence<V>): Promise<void> {
    return this.#engine.updatePresence(presence);
  }

  /**
   * Sends any gateway command through the rate limiter (120 per 60 s, room kept for
   * heartbeats). Rejects with `GATEWAY_NOT_CONNECTED` without a ready session,
   * `GATEWAY_PAYLOAD_TOO_LARGE` over 4096 bytes, `GATEWAY_DISCONNECTED` when the
   * connection closes while it waits, and `GATEWAY_ABORTED` when `options.signal` aborts
   * while it waits for the limiter (the command is then never sent and frees its place).
   */
  send(payload: { op: number; d: unknown }, options: GatewaySendOptions = {}): Promise<void> {
    return this.#engine.send(payload, options);
  }
}
