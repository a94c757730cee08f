import type { Transport } from "@nuwani/transport";
import type { Clock } from "@nuwani/util";
import type * as V6 from "discord-api-types/v6";
import type * as V10 from "discord-api-types/v10";
import type { GatewayError } from "./GatewayError.js";
import type { IdentifyThrottle } from "./IdentifyThrottle.js";
import type { MemberChunk } from "./MemberChunkCollector.js";

// The public types of a GatewayConnection: its options, events, states and session.

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

/**
 * Why a {@link GatewayConnection} reconnects (the `reason` of its `reconnecting` event):
 *
 * - `connectFailed`: an attempt failed before the connection opened (refused, TLS, timed out);
 *   `error` says why.
 * - `closed`: Discord closed the connection; `code` is its close code.
 * - `dropped`: the connection dropped without a close frame (`code` 1006 or 1015).
 * - `reconnectRequested`: Discord asked for a reconnect (op 7).
 * - `invalidSession`: Discord invalidated the session (op 9).
 * - `zombie`: a heartbeat was not acknowledged before the next was due.
 * - `timeout`: no HELLO, READY or RESUMED came in time.
 * - `invalidPayload`: Discord sent what breaks the protocol (an unusable HELLO, READY or
 *   RESUMED, or a payload that could not be decoded).
 */
export type GatewayReconnectReason =
  | "connectFailed"
  | "closed"
  | "dropped"
  | "reconnectRequested"
  | "invalidSession"
  | "zombie"
  | "timeout"
  | "invalidPayload";

/** The `reconnecting` event of a {@link GatewayConnection}: what ended, and what comes next when. */
export interface GatewayReconnectInfo {
  /** Why it reconnects. */
  reason: GatewayReconnectReason;
  /**
   * Which attempt in a row comes next, counted from 1: 1 for the first after a working
   * connection ended, n + 1 after n attempts in a row that failed (each failure lengthens the
   * backoff). The Resume on the same connection after a resumable op 9 keeps the number of the
   * connection it runs on.
   */
  attempt: number;
  /** Milliseconds until the next attempt (or, after a resumable op 9, until the Resume). */
  delay: number;
  /** Whether a Resume follows (missed dispatches are replayed) rather than a fresh Identify. */
  resume: boolean;
  /**
   * The close code of the connection that ended: Discord's, 1006 for a dropped connection, or
   * the code this client closed with (4000). Absent for `connectFailed` and for a resumable
   * op 9 (the connection stays open).
   */
  code?: number;
  /** For `connectFailed`: the same `GATEWAY_SOCKET_ERROR` the `error` event reports, its `cause` the socket's error. */
  error?: GatewayError;
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
   * The connection set out to get the session back: a connection ended, an attempt failed, or
   * Discord invalidated the session (op 9); the next attempt follows after `info.delay` ms.
   * Not emitted for `disconnect()`, `destroy()` or a fatal close (those do not reconnect).
   */
  reconnecting: [info: GatewayReconnectInfo];
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

/** What {@link GatewayConnection.requestGuildMembers} asks for (op 8). */
export interface GatewayMemberRequest {
  /** The guild whose members to request. */
  guildId: string;
  /** Members whose username starts with this; `""` for all. Not with `userIds`. @defaultValue "" */
  query?: string;
  /** The most members to return with `query`; 0 for no limit. @defaultValue 0 */
  limit?: number;
  /** These members (up to 100). Not with `query`. @defaultValue undefined */
  userIds?: string[];
  /** Include their presences (needs the presence intent). @defaultValue undefined (not sent) */
  presences?: boolean;
}

/** Options of {@link GatewayConnection.requestGuildMembers}. */
export interface GatewayMemberRequestOptions {
  /** Sees each GUILD_MEMBERS_CHUNK as it arrives. @defaultValue undefined */
  onChunk?: (chunk: MemberChunk) => void;
  /** Gap allowed between two chunks, in ms. @defaultValue the connection's `memberRequestTimeout` (30000) */
  timeout?: number;
  /** Keep the members to resolve with; off when `onChunk` consumes them. @defaultValue true */
  collect?: boolean;
  /** Gives up when aborted (`GATEWAY_ABORTED`). @defaultValue undefined (no signal) */
  signal?: AbortSignal;
}
