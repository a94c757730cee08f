import { randomBytes } from "node:crypto";
import { type Clock, isRecord, type SlidingWindow } from "@nuwani/util";
import { answerGuildMembersRequest, type GuildMembersRequestHost } from "./answerGuildMembersRequest.js";
import { FakeDiscordError } from "./FakeDiscordError.js";
import type {
  FakeCloseRecord,
  FakeDiscordEvents,
  FakeHeartbeatRecord,
  FakeIdentifyRecord,
  FakeMemberRequestRecord,
  FakeResumeRecord,
} from "./FakeDiscordRecords.js";
import { dispatchPrefix, sendDispatch } from "./FakeDispatcher.js";
import type { FakeGateway } from "./FakeGateway.js";
import type { FakeGatewayConnection } from "./FakeGatewayConnection.js";
import type { FakeGuilds } from "./FakeGuilds.js";
import { FakeSession, type FakeSessionState } from "./FakeSession.js";
import { guildCreatePayload, parseIdentify, readyPayload, stateAfterClose } from "./gatewayPayloads.js";
import type { UserFixture } from "./GuildFixture.js";
import type { IdentifyLimiter } from "./IdentifyLimiter.js";
import { Intents } from "./Intents.js";
import type { GatewayVersion } from "./serializeGuild.js";

/** @internal Emits one of the fake's events (the facade's `emit`). */
export type EmitFakeDiscordEvent = <K extends keyof FakeDiscordEvents>(event: K, ...args: FakeDiscordEvents[K]) => void;

/** @internal What the gateway protocol needs from the fake (its settings and collaborators). */
export interface GatewayProtocolHost {
  readonly gateway: FakeGateway;
  readonly clock: Clock;
  readonly token: string;
  readonly user: UserFixture;
  readonly applicationId: string;
  readonly guilds: FakeGuilds;
  readonly limiter: IdentifyLimiter;
  readonly memberRequests: GuildMembersRequestHost;
  readonly heartbeatTimeoutCode: number;
  readonly sessionTimeout: number;
  readonly replayBufferSize: number;
  /** A new connection's command limit (payloads per window), `undefined` when off. */
  commandWindow(): SlidingWindow | undefined;
  readonly privilegedIntents: number;
  readonly maxGuildsPerSession: number;
  /** The heartbeat timeout now (it follows the gateway's interval). */
  heartbeatTimeout(): number;
  /** Whether new connections get HELLO now. */
  sendHello(): boolean;
  /** The first-frame fault, if any. */
  firstFrame(): string | undefined;
  /** The `resume_gateway_url` READY gives v10 sessions now. */
  resumeGatewayUrl(): string;
  emit: EmitFakeDiscordEvent;
}

/** @internal The fake's view of one gateway connection. */
interface ConnectionState {
  readonly connection: FakeGatewayConnection;
  readonly version: GatewayVersion;
  session: FakeSession | undefined;
  /** The code the fake closed (or is closing) the connection with. */
  closeCode: number | undefined;
  heartbeatTimer: unknown;
  /** The payloads the client sent within the command limit's window. */
  readonly commands: SlidingWindow | undefined;
}

const MAX_PAYLOAD_BYTES = 4096;
const INVALID_SESSION = { op: 9, d: false, s: null, t: null } as const;

/**
 * @internal The gateway protocol of the fake Discord, over the connections of a
 * {@link FakeGateway}: HELLO and heartbeats, Identify and Resume, the ops a session may send,
 * the close codes and limits Discord enforces, and the life of each session (detached,
 * expired, invalidated). It keeps the records of what clients sent.
 */
export class GatewayProtocol {
  /** Every session the fake knows, by `session_id`, oldest first. */
  readonly sessions = new Map<string, FakeSession>();
  readonly identifies: FakeIdentifyRecord[] = [];
  readonly resumes: FakeResumeRecord[] = [];
  readonly heartbeats: FakeHeartbeatRecord[] = [];
  readonly closes: FakeCloseRecord[] = [];
  readonly memberRequests: FakeMemberRequestRecord[] = [];

  readonly #host: GatewayProtocolHost;
  readonly #states = new Map<FakeGatewayConnection, ConnectionState>();
  readonly #expiryTimers = new Map<FakeSession, unknown>();
  #running = false;

  /** The protocol on the host's gateway (it listens to the gateway's events). */
  constructor(host: GatewayProtocolHost) {
    this.#host = host;
    host.gateway.on("connection", (connection) => this.#onConnection(connection));
    host.gateway.on("payload", (connection, payload, raw) => this.#onPayload(connection, payload, raw));
    host.gateway.on("close", (connection, code) => this.#onClose(connection, code));
  }

  /** The servers are up: sessions waiting for a resume start expiring. */
  started(): void {
    this.#running = true;
    for (const session of this.sessions.values()) {
      if (session.state === "disconnected") this.#armExpiry(session);
    }
  }

  /** The servers are going down: no new expiry; call {@link GatewayProtocol.stopped} after. */
  stopping(): void {
    this.#running = false;
  }

  /** The servers are down: every connection is forgotten and every timer cleared. */
  stopped(): void {
    const { clock } = this.#host;
    for (const state of this.#states.values()) clock.clearTimeout(state.heartbeatTimer);
    this.#states.clear();
    for (const timer of this.#expiryTimers.values()) clock.clearTimeout(timer);
    this.#expiryTimers.clear();
  }

  /** Open connections the fake has not closed (all, or the one of a session). */
  targets(sessionId: string | undefined): FakeGatewayConnection[] {
    if (sessionId === undefined) return this.#host.gateway.connections.filter((connection) => this.#states.get(connection)?.closeCode === undefined);
    const connection = this.sessions.get(sessionId)?.connection;
    return connection === undefined ? [] : [connection];
  }

  /** Closes a connection (a fault, not a protocol rule) and records it. */
  close(connection: FakeGatewayConnection, code: number, reason: string): void {
    this.#closeConnection(connection, code, reason, false);
  }

  /** Op 9 on one connection: its session is detached (resumable or not) and it may identify again. */
  invalidate(connection: FakeGatewayConnection, resumable: boolean): void {
    const state = this.#states.get(connection);
    connection.send({ op: 9, d: resumable, s: null, t: null });
    const session = state?.session;
    if (state === undefined || session === undefined) return;
    state.session = undefined;
    if (session.connection === connection) this.#endSession(session, resumable ? "disconnected" : "invalidated");
  }

  /** Expires a session now; its connection, if any, is closed with 4009. */
  expire(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session === undefined) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `unknown session ${sessionId}`);
    const connection = session.connection;
    if (connection !== undefined) {
      const state = this.#states.get(connection);
      if (state !== undefined) state.session = undefined;
      this.#closeConnection(connection, 4009, "Session timed out.", false);
    }
    this.#endSession(session, "expired");
  }

  // ─── connections ──────────────────────────────────────────────────────────────────────

  #onConnection(connection: FakeGatewayConnection): void {
    const v = connection.query.get("v") ?? "6";
    const encoding = connection.query.get("encoding") ?? "json";
    const version = v === "6" ? 6 : v === "10" ? 10 : undefined;
    const state: ConnectionState = {
      connection,
      version: version ?? 6,
      session: undefined,
      closeCode: undefined,
      heartbeatTimer: undefined,
      commands: this.#host.commandWindow(),
    };
    this.#states.set(connection, state);
    if (version === undefined) {
      this.#enforce(state, 4012, "Invalid API version");
      return;
    }
    if (encoding !== "json") {
      this.#enforce(state, 4012, "Invalid encoding: this fake speaks json only");
      return;
    }
    const firstFrame = this.#host.firstFrame();
    if (firstFrame !== undefined) connection.sendRaw(firstFrame);
    if (!this.#host.sendHello()) return;
    connection.send({ op: 10, d: { heartbeat_interval: this.#host.gateway.heartbeatInterval, _trace: ["fake-discord"] }, s: null, t: null });
    this.#armHeartbeatTimer(state);
  }

  #onPayload(connection: FakeGatewayConnection, payload: unknown, raw: string): void {
    const state = this.#states.get(connection);
    if (state === undefined || state.closeCode !== undefined) return;
    // One payload more than the limit within the window closes the connection.
    if (state.commands !== undefined && !state.commands.tryTake()) {
      this.#enforce(state, 4008, "Rate limited.");
      return;
    }
    if (Buffer.byteLength(raw) > MAX_PAYLOAD_BYTES) {
      this.#enforce(state, 4002, "Payload too large.");
      return;
    }
    if (!isRecord(payload) || typeof payload.op !== "number" || !Number.isInteger(payload.op)) {
      this.#enforce(state, 4002, "Error while decoding payload.");
      return;
    }
    const { op, d } = payload;
    switch (op) {
      case 1:
        this.#onHeartbeat(state, d);
        return;
      case 2:
        this.#onIdentify(state, d);
        return;
      case 6:
        this.#onResume(state, d);
        return;
      case 3:
      case 4:
      case 8:
        break;
      default:
        this.#enforce(state, 4001, "Unknown opcode.");
        return;
    }
    const session = state.session;
    if (session === undefined) {
      this.#enforce(state, 4003, "Not authenticated.");
      return;
    }
    if (op === 8) this.#onRequestGuildMembers(state, session, d);
    else if (op === 3) this.#onPresenceUpdate(state, session, d);
    else if (!isRecord(d)) this.#enforce(state, 4001, "Invalid voice state update.");
  }

  #onClose(connection: FakeGatewayConnection, code: number): void {
    const state = this.#states.get(connection);
    if (state === undefined) return;
    this.#states.delete(connection);
    this.#host.clock.clearTimeout(state.heartbeatTimer);
    const session = state.session;
    if (session === undefined || session.connection !== connection) return;
    this.#endSession(session, stateAfterClose(state.closeCode ?? code));
  }

  // ─── ops ──────────────────────────────────────────────────────────────────────────────

  #onHeartbeat(state: ConnectionState, d: unknown): void {
    const record: FakeHeartbeatRecord = {
      connectionId: state.connection.id,
      sessionId: state.session?.id,
      d,
      at: this.#host.clock.now(),
    };
    this.heartbeats.push(record);
    state.session?.heartbeats.push(d);
    this.#armHeartbeatTimer(state);
    this.#host.emit("heartbeat", record);
    // The ACK (op 11) is the core's: FakeGateway answers op 1 unless `stopAcking` is on.
  }

  #onIdentify(state: ConnectionState, d: unknown): void {
    const host = this.#host;
    const record: FakeIdentifyRecord = { connectionId: state.connection.id, outcome: "closed", sessionId: undefined, closeCode: undefined, d };
    const fail = (code: number, reason: string): void => {
      record.closeCode = code;
      this.identifies.push(record);
      this.#enforce(state, code, reason);
      host.emit("identify", record);
    };
    if (state.session !== undefined) return fail(4005, "Already authenticated.");
    const request = parseIdentify(d, state.version, host.token, host.privilegedIntents);
    if ("code" in request) return fail(request.code, request.reason);
    if (host.guilds.heldBy(request.shard) > host.maxGuildsPerSession) return fail(4011, "Sharding required.");

    const verdict = host.limiter.attempt(request.shard?.[0] ?? 0);
    if (verdict !== "allowed") {
      record.outcome = verdict === "rate-limited" ? "rate-limited" : "session-limit";
      this.identifies.push(record);
      state.connection.send(INVALID_SESSION);
      host.emit("identify", record);
      return;
    }

    const session = new FakeSession(
      {
        id: randomBytes(16).toString("hex"),
        version: state.version,
        shard: request.shard,
        intents: request.intents,
        largeThreshold: request.largeThreshold,
        properties: request.properties,
        presence: request.presence,
        replayBufferSize: host.replayBufferSize,
        allowedPrivileged: host.privilegedIntents,
      },
      state.connection,
    );
    this.sessions.set(session.id, session);
    state.session = session;
    record.outcome = "ready";
    record.sessionId = session.id;
    this.identifies.push(record);
    host.emit("identify", record);
    this.#sendReady(session);
    host.emit("ready", session);
  }

  /** READY, then a GUILD_CREATE (or GUILD_DELETE when unavailable) per guild of the session. */
  #sendReady(session: FakeSession): void {
    const host = this.#host;
    const guilds = host.guilds.list.filter((guild) => session.ownsGuild(guild.id));
    const context = { user: host.user, applicationId: host.applicationId, resumeGatewayUrl: host.resumeGatewayUrl() };
    sendDispatch(session, dispatchPrefix("READY"), JSON.stringify(readyPayload(session, guilds, context)));
    if (!session.hasIntent(Intents.GUILDS)) return;
    for (const guild of guilds) {
      if (guild.unavailable) {
        sendDispatch(session, dispatchPrefix("GUILD_DELETE"), JSON.stringify({ id: guild.id, unavailable: true }));
      } else {
        sendDispatch(session, dispatchPrefix("GUILD_CREATE"), JSON.stringify(guildCreatePayload(guild, session, host.user.id)));
      }
    }
  }

  #onResume(state: ConnectionState, d: unknown): void {
    const host = this.#host;
    const record: FakeResumeRecord = {
      connectionId: state.connection.id,
      sessionId: isRecord(d) ? d.session_id : undefined,
      seq: isRecord(d) ? d.seq : undefined,
      outcome: "closed",
      closeCode: undefined,
      replayed: 0,
    };
    const fail = (code: number, reason: string): void => {
      record.closeCode = code;
      this.resumes.push(record);
      this.#enforce(state, code, reason);
      host.emit("resume", record);
    };
    if (state.session !== undefined) return fail(4005, "Already authenticated.");
    if (!isRecord(d) || typeof d.session_id !== "string" || (d.seq !== null && typeof d.seq !== "number")) {
      return fail(4001, "Invalid resume payload.");
    }
    if (d.token !== host.token) return fail(4004, "Authentication failed.");
    const session = this.sessions.get(d.session_id);
    // A resume that comes too late (the session expired) gets op 9 d:false, like one for an
    // unknown session; Discord does not close it with 4009.
    if (session === undefined || session.state === "invalidated" || session.state === "expired") {
      record.outcome = "unknown-session";
      this.resumes.push(record);
      state.connection.send(INVALID_SESSION);
      host.emit("resume", record);
      return;
    }
    const replay = session.replayAfter(d.seq ?? 0);
    if (replay === undefined) {
      this.#endSession(session, "invalidated");
      return fail(4007, "Invalid seq.");
    }
    this.#takeOver(state, session);
    for (const text of replay) state.connection.send(text);
    sendDispatch(session, dispatchPrefix("RESUMED"), JSON.stringify({ _trace: ["fake-discord"] }), false);
    record.outcome = "resumed";
    record.replayed = replay.length;
    this.resumes.push(record);
    host.emit("resume", record);
    host.emit("sessionState", session, "connected");
    host.emit("resumed", session);
  }

  /** Moves a resumed session onto the connection of `state`. */
  #takeOver(state: ConnectionState, session: FakeSession): void {
    const previous = session.connection;
    if (previous !== undefined) {
      // Still attached to an older connection (its close has not arrived yet, or the client
      // opened a second one): that one loses the session.
      const old = this.#states.get(previous);
      if (old !== undefined) {
        old.session = undefined;
        this.#enforce(old, 4000, "Session resumed elsewhere.");
      }
    }
    this.#clearExpiry(session);
    session.attach(state.connection);
    state.session = session;
  }

  #onPresenceUpdate(state: ConnectionState, session: FakeSession, d: unknown): void {
    if (!isRecord(d)) {
      this.#enforce(state, 4001, "Invalid presence update.");
      return;
    }
    session.presences.push(d);
    this.#host.emit("presenceUpdate", session, d);
  }

  #onRequestGuildMembers(state: ConnectionState, session: FakeSession, d: unknown): void {
    const result = answerGuildMembersRequest(this.#host.memberRequests, session, d);
    if (result.outcome === "refused") {
      this.#enforce(state, result.code, result.reason);
      return;
    }
    const record: FakeMemberRequestRecord = {
      connectionId: state.connection.id,
      sessionId: session.id,
      d,
      chunks: result.outcome === "answered" ? result.chunks : 0,
      outcome: result.outcome,
      retryAfter: result.outcome === "rate-limited" ? result.retryAfter : undefined,
    };
    this.memberRequests.push(record);
    this.#host.emit("requestGuildMembers", record);
  }

  // ─── closes and session life ──────────────────────────────────────────────────────────

  /** Closes a connection for a protocol reason, recording it. */
  #enforce(state: ConnectionState, code: number, reason: string): void {
    if (state.closeCode !== undefined) return;
    const record: FakeCloseRecord = { connectionId: state.connection.id, sessionId: state.session?.id, code, reason };
    this.#closeConnection(state.connection, code, reason, true);
    this.closes.push(record);
    this.#host.emit("enforcedClose", record);
  }

  #closeConnection(connection: FakeGatewayConnection, code: number, reason: string, enforced: boolean): void {
    const state = this.#states.get(connection);
    if (state?.closeCode !== undefined) return;
    // Throws FAKE_DISCORD_INVALID_ARGUMENT for a code WebSocket forbids, before anything changed.
    connection.close(code, reason);
    if (state === undefined) return;
    state.closeCode = code;
    this.#host.clock.clearTimeout(state.heartbeatTimer);
    if (!enforced) this.closes.push({ connectionId: connection.id, sessionId: state.session?.id, code, reason });
  }

  #endSession(session: FakeSession, next: Exclude<FakeSessionState, "connected">): void {
    this.#clearExpiry(session);
    session.detach(next);
    if (next === "disconnected" && this.#running) this.#armExpiry(session);
    this.#host.emit("sessionState", session, next);
  }

  #armExpiry(session: FakeSession): void {
    this.#clearExpiry(session);
    this.#expiryTimers.set(
      session,
      this.#host.clock.setTimeout(() => {
        this.#expiryTimers.delete(session);
        if (session.state === "disconnected") this.#endSession(session, "expired");
      }, this.#host.sessionTimeout),
    );
  }

  #clearExpiry(session: FakeSession): void {
    const timer = this.#expiryTimers.get(session);
    if (timer === undefined) return;
    this.#host.clock.clearTimeout(timer);
    this.#expiryTimers.delete(session);
  }

  #armHeartbeatTimer(state: ConnectionState): void {
    const { clock } = this.#host;
    clock.clearTimeout(state.heartbeatTimer);
    state.heartbeatTimer = clock.setTimeout(() => {
      if (state.closeCode === undefined) this.#enforce(state, this.#host.heartbeatTimeoutCode, "Heartbeat timeout.");
    }, this.#host.heartbeatTimeout());
  }
}
