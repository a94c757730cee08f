import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { type Clock, systemClock } from "@nuwani/util";
import { createBotUser } from "./createBotUser.js";
import { createGuild } from "./createGuild.js";
import { FakeDiscordError } from "./FakeDiscordError.js";
import { FakeDiscordFaults } from "./FakeDiscordFaults.js";
import { FakeGateway } from "./FakeGateway.js";
import type { FakeGatewayConnection } from "./FakeGatewayConnection.js";
import type { FakeRestRateLimitOptions } from "./FakeRestBuckets.js";
import type { FakeRestResponse } from "./FakeRestRouter.js";
import { FakeRestServer } from "./FakeRestServer.js";
import { envelope, FakeSession, type FakeSessionState } from "./FakeSession.js";
import type { GuildFixture, UserFixture } from "./GuildFixture.js";
import { IdentifyLimiter, type SessionStartLimit, type SessionStartLimitOptions } from "./IdentifyLimiter.js";
import { answerGuildMembersRequest, type GuildMembersRequestHost } from "./answerGuildMembersRequest.js";
import { FakeThreads } from "./FakeThreads.js";
import { GuildMembersRateLimit } from "./GuildMembersRateLimit.js";
import { intentForEvent, Intents, PRIVILEGED_INTENTS, validIntents } from "./Intents.js";
import { addRestRoutes, type FakeDmChannel, type FakePostedMessage, type FakeReactionRecord } from "./restRoutes.js";
import { type GatewayVersion, serializeGuild, serializeUser } from "./serializeGuild.js";
import { type CreatedMessage, type MessageInput, MessageSerializer } from "./serializeMessage.js";
import { snowflake } from "./snowflake.js";

/** Options of a {@link FakeDiscord}. */
export interface FakeDiscordOptions {
  /**
   * The valid bot token: Identify/Resume with anything else closes with 4004, REST answers 401.
   * @defaultValue "fake-token"
   */
  token?: string;
  /** The bot user (READY's `user`). @defaultValue {@link createBotUser}() */
  user?: UserFixture;
  /**
   * The guilds the bot is in. The bot's member is added to any that lacks it.
   * @defaultValue one small guild, `createGuild({ bot: user })`
   */
  guilds?: GuildFixture[];
  /** The application id in v10's READY. @defaultValue the bot user's id */
  applicationId?: string;
  /** `heartbeat_interval` in HELLO, in ms. @defaultValue 41250 */
  heartbeatInterval?: number;
  /**
   * A connection whose client sent no heartbeat for this long (counted from HELLO, then from
   * each heartbeat) is closed with {@link FakeDiscordOptions.heartbeatTimeoutCode}.
   * @defaultValue heartbeatInterval × 1.5 + 1000
   */
  heartbeatTimeout?: number;
  /**
   * The close code for a missed heartbeat. Discord does not document it, only that the
   * client must resume, so the default is the resumable 4000.
   * @defaultValue 4000
   */
  heartbeatTimeoutCode?: number;
  /** How long a session whose connection went away stays resumable, in ms. @defaultValue 120000 */
  sessionTimeout?: number;
  /**
   * How many dispatches a session keeps for a resume; a resume from before them closes
   * with 4007.
   * @defaultValue 50000
   */
  replayBufferSize?: number;
  /** Identify buckets (`shard_id % max_concurrency`), one Identify per window each. @defaultValue 1 */
  maxConcurrency?: number;
  /** The Identify window per bucket, in ms (Discord: 5 s). @defaultValue 5000 */
  identifyWindow?: number;
  /** The daily session start limit. @defaultValue `{ total: 1000, remaining: 1000, resetAfter: 86400000 }` */
  sessionStartLimit?: SessionStartLimitOptions;
  /**
   * Payloads a client may send per window on one connection; one more closes with 4008.
   * `false` turns the limit off.
   * @defaultValue `{ limit: 120, window: 60000 }`
   */
  commandLimit?: { limit: number; window: number } | false;
  /**
   * The privileged intents (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT) the
   * application may use; asking for another closes with 4014.
   * @defaultValue all of them
   */
  privilegedIntents?: number;
  /**
   * How long after a request for every member of a guild (op 8 with `query: ""`, `limit: 0`)
   * a v10 session asking for the same guild again gets the `RATE_LIMITED` dispatch instead
   * of chunks, in ms (Discord: once per guild per bot every 30 s). `false` turns it off.
   * @defaultValue 30000
   */
  memberRequestWindow?: number | false;
  /**
   * The most guilds one session may hold: an Identify whose shard would get more is closed
   * with 4011 (sharding required), as Discord does above 2500.
   * @defaultValue 2500
   */
  maxGuildsPerSession?: number;
  /** Serve `wss://` with this certificate (see {@link createTestCertificate}). @defaultValue `ws://` */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Time source for every timer of the fake. @defaultValue {@link systemClock} */
  clock?: Clock;
  /**
   * REST rate limits: per-route buckets and the global limit (small windows make tests
   * fast); `false` turns them off.
   * @defaultValue `{ bucket: { limit: 5, window: 5000 }, global: { limit: 50, window: 1000 } }`
   */
  rest?: FakeRestRateLimitOptions | false;
}

/** Ports for {@link FakeDiscord.start}. */
export interface FakeDiscordStartOptions {
  /** @defaultValue 0 (a free port), or the previous one on a restart */
  gatewayPort?: number;
  /** @defaultValue 0 (a free port), or the previous one on a restart */
  restPort?: number;
}

/** One Identify the fake received, and what it did about it. */
export interface FakeIdentifyRecord {
  connectionId: number;
  /**
   * `ready`: a session was created; `rate-limited`: over the `max_concurrency` window (op 9);
   * `session-limit`: the session start limit is spent (op 9); `closed`: the connection was
   * closed with `closeCode`.
   */
  outcome: "ready" | "rate-limited" | "session-limit" | "closed";
  sessionId: string | undefined;
  closeCode: number | undefined;
  /** The Identify `d` as sent. */
  d: unknown;
}

/** One Resume the fake received, and what it did about it. */
export interface FakeResumeRecord {
  connectionId: number;
  sessionId: unknown;
  seq: unknown;
  /**
   * `resumed`: replayed and RESUMED; `unknown-session`: op 9 `d:false`; `closed`: closed
   * with `closeCode` (4004 bad token, 4007 bad `seq`, …). A resume of an expired session gets op 9 `d:false` (`unknown-session`), as on Discord.
   */
  outcome: "resumed" | "unknown-session" | "closed";
  closeCode: number | undefined;
  /** How many dispatches were replayed before RESUMED. */
  replayed: number;
}

/** One heartbeat (op 1) a client sent. */
export interface FakeHeartbeatRecord {
  connectionId: number;
  /** The session of the connection when it arrived, if any. */
  sessionId: string | undefined;
  /** The `d` as sent: the client's last sequence number, or `null`. */
  d: unknown;
  /** The fake clock's `now()` on arrival. */
  at: number;
}

/** A close the fake made: one the protocol enforced, or `faults.close`/`expireSession` (not closes by clients or by the core's faults). */
export interface FakeCloseRecord {
  connectionId: number;
  sessionId: string | undefined;
  code: number;
  reason: string;
}

/** One op 8 the fake answered. */
export interface FakeMemberRequestRecord {
  connectionId: number;
  sessionId: string;
  d: unknown;
  /** How many GUILD_MEMBERS_CHUNK dispatches it produced. */
  chunks: number;
  /** `answered` with chunks, or `rate-limited` (a `RATE_LIMITED` dispatch was sent instead). */
  outcome: "answered" | "rate-limited";
  /** The `retry_after` sent in `RATE_LIMITED`, in seconds; `undefined` when answered. */
  retryAfter: number | undefined;
}

/** Events of a {@link FakeDiscord}. */
export interface FakeDiscordEvents {
  /** After READY and the GUILD_CREATEs of a new session were sent. */
  ready: [session: FakeSession];
  /** After a resume was replayed and RESUMED sent. */
  resumed: [session: FakeSession];
  identify: [record: FakeIdentifyRecord];
  resume: [record: FakeResumeRecord];
  heartbeat: [record: FakeHeartbeatRecord];
  /** The fake closed a connection for a protocol reason. */
  enforcedClose: [record: FakeCloseRecord];
  requestGuildMembers: [record: FakeMemberRequestRecord];
  /** Op 3 from a session. */
  presenceUpdate: [session: FakeSession, d: unknown];
  /** A session changed state (`disconnected`, `expired`, `invalidated`, or `connected` again). */
  sessionState: [session: FakeSession, state: FakeSessionState];
}

/** Options of {@link FakeDiscord.dispatch}. */
export interface FakeDispatchOptions {
  /** Only to this session. @defaultValue every live session */
  sessionId?: string;
  /**
   * Send even to sessions whose intents or shard would not get it.
   * @defaultValue false (dispatches follow intents and `(guild_id >> 22) % num_shards`)
   */
  force?: boolean;
}

interface ConnectionState {
  readonly connection: FakeGatewayConnection;
  readonly version: GatewayVersion;
  session: FakeSession | undefined;
  /** The code the fake closed (or is closing) the connection with. */
  closeCode: number | undefined;
  heartbeatTimer: unknown;
  readonly commands: number[];
}

const MAX_PAYLOAD_BYTES = 4096;
const MESSAGE_CREATE_PREFIX = '{"op":0,"t":"MESSAGE_CREATE","s":';
const DEFAULT_HEARTBEAT_INTERVAL = 41250;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a session identified with `shard` gets `guildId`: `(guild_id >> 22) % num_shards`. */
function ownsGuild(shard: readonly [number, number] | undefined, guildId: string): boolean {
  if (shard === undefined || shard[1] <= 1) return true;
  try {
    return Number((BigInt(guildId) >> 22n) % BigInt(shard[1])) === shard[0];
  } catch {
    return true;
  }
}

/** How a session ends when its connection closes with `code`. */
function stateAfterClose(code: number): Exclude<FakeSessionState, "connected"> {
  if (code === 1000 || code === 1001 || code === 4004 || code === 4007 || (code >= 4010 && code <= 4014)) return "invalidated";
  if (code === 4009) return "expired";
  return "disconnected";
}

/**
 * A fake Discord: the gateway protocol (v6 and v10, JSON) on a {@link FakeGateway}, and a
 * small REST API on a {@link FakeRestServer}, both on 127.0.0.1. It identifies and resumes
 * sessions, keeps their sequence and a replay buffer, enforces Discord's close codes and
 * limits, serves guild fixtures (large ones in chunks), and records what clients sent.
 *
 * @example
 * ```ts
 * const discord = new FakeDiscord({ guilds: [createGuild({ members: 2500 })] });
 * await discord.start();
 * // point a client at discord.gatewayUrl / discord.restUrl with token "fake-token"
 * discord.dispatch("TYPING_START", { channel_id: "1", user_id: "2", timestamp: 0 });
 * discord.faults.reconnect();
 * await discord.stop();
 * ```
 */
export class FakeDiscord extends EventEmitter<FakeDiscordEvents> {
  /** The connection core, for its faults (drops, fragmentation, compression, delays). */
  readonly gateway: FakeGateway;
  /** The REST server; add routes with `discord.rest.route(…)`. */
  readonly rest: FakeRestServer;
  /** Protocol-level faults. */
  readonly faults: FakeDiscordFaults;
  /** The guild fixtures, served in READY/GUILD_CREATE and to op 8. */
  readonly guilds: GuildFixture[];
  /** The bot user. */
  readonly user: UserFixture;
  /** The valid token. */
  readonly token: string;
  /** Every Identify, in order. */
  readonly identifies: FakeIdentifyRecord[] = [];
  /** Every Resume, in order. */
  readonly resumes: FakeResumeRecord[] = [];
  /** Every heartbeat, in order. */
  readonly heartbeats: FakeHeartbeatRecord[] = [];
  /** Every close the fake made (enforced by the protocol, or by `faults.close`/`expireSession`), in order. */
  readonly closes: FakeCloseRecord[] = [];
  /** Every answered op 8, in order. */
  readonly memberRequests: FakeMemberRequestRecord[] = [];
  /** Every message created over REST (`POST /channels/:id/messages`), in order. */
  readonly postedMessages: FakePostedMessage[] = [];
  /** Every reaction added or removed over REST, in order. */
  readonly reactions: FakeReactionRecord[] = [];
  /** Direct-message channels opened over REST (`POST /users/@me/channels`), by the recipient's user id. */
  readonly dmChannels = new Map<string, FakeDmChannel>();
  /** Threads (v10): change them and dispatch the THREAD_* events. */
  readonly threads: FakeThreads;
  /** Whether new connections get HELLO (turn off to test a client's hello timeout). */
  sendHello = true;

  private readonly clock: Clock;
  private readonly applicationId: string;
  private readonly heartbeatTimeoutOption: number | undefined;
  private readonly heartbeatTimeoutCode: number;
  private readonly sessionTimeout: number;
  private readonly replayBufferSize: number;
  private readonly commandLimit: { limit: number; window: number } | false;
  private readonly privilegedIntents: number;
  private readonly limiter: IdentifyLimiter;
  private readonly maxGuildsPerSession: number;
  private readonly memberRequestHost: GuildMembersRequestHost;
  private readonly states = new Map<FakeGatewayConnection, ConnectionState>();
  private readonly sessionMap = new Map<string, FakeSession>();
  private readonly expiryTimers = new Map<FakeSession, unknown>();
  private readonly messages = new MessageSerializer();
  private channelGuilds = new Map<string, string>();
  private messageCounter = 0;
  private lastMessageTime = Number.NaN;
  private lastMessageIso = "";
  private lastMessageBase = 0n;
  private running = false;

  /** A fake Discord with its guilds and options, not yet listening (see `start`). */
  constructor(options: FakeDiscordOptions = {}) {
    super();
    this.clock = options.clock ?? systemClock;
    this.token = options.token ?? "fake-token";
    this.user = options.user ?? createBotUser();
    this.guilds = options.guilds ?? [createGuild({ bot: this.user })];
    for (const guild of this.guilds) this.ensureBotMember(guild);
    this.applicationId = options.applicationId ?? this.user.id;
    this.heartbeatTimeoutOption = options.heartbeatTimeout;
    this.heartbeatTimeoutCode = options.heartbeatTimeoutCode ?? 4000;
    this.sessionTimeout = options.sessionTimeout ?? 120_000;
    this.replayBufferSize = options.replayBufferSize ?? 50_000;
    this.commandLimit = options.commandLimit ?? { limit: 120, window: 60_000 };
    this.privilegedIntents = options.privilegedIntents ?? PRIVILEGED_INTENTS;
    this.maxGuildsPerSession = options.maxGuildsPerSession ?? 2500;
    if (!Number.isSafeInteger(this.maxGuildsPerSession) || this.maxGuildsPerSession < 1) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "maxGuildsPerSession must be an integer ≥ 1");
    }
    const window = options.memberRequestWindow ?? 30_000;
    this.memberRequestHost = {
      guilds: this.guilds,
      rateLimit: window === false ? undefined : new GuildMembersRateLimit({ clock: this.clock, window }),
      dispatch: (session, t, d) => this.sendDispatch(session, `{"op":0,"t":${JSON.stringify(t)},"s":`, JSON.stringify(d)),
    };
    this.threads = new FakeThreads(this);
    this.limiter = new IdentifyLimiter({
      clock: this.clock,
      ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
      ...(options.identifyWindow === undefined ? {} : { window: options.identifyWindow }),
      ...(options.sessionStartLimit === undefined ? {} : { sessionStartLimit: options.sessionStartLimit }),
    });
    this.gateway = new FakeGateway({
      heartbeatInterval: options.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL,
      sendHello: false,
      clock: this.clock,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
    this.gateway.on("connection", (connection) => this.onConnection(connection));
    this.gateway.on("payload", (connection, payload, raw) => this.onPayload(connection, payload, raw));
    this.gateway.on("close", (connection, code) => this.onClose(connection, code));
    this.rest = new FakeRestServer({
      token: this.token,
      clock: this.clock,
      ...(options.rest === undefined ? {} : { rateLimits: options.rest }),
    });
    this.addGatewayRoutes();
    let dmCounter = 0;
    addRestRoutes(this.rest, {
      guilds: this.guilds,
      user: this.user,
      postedMessages: this.postedMessages,
      reactions: this.reactions,
      dmChannels: this.dmChannels,
      messageCreate: (message) => this.messageCreate(message),
      dispatch: (t, d) => this.dispatch(t, d),
      newId: () => snowflake(this.clock.now(), dmCounter++ & 0xfff),
    });
    this.faults = new FakeDiscordFaults({
      gateway: this.gateway,
      targets: (sessionId) => this.targets(sessionId),
      send: (connection, op, d) => connection.send({ op, d, s: null, t: null }),
      close: (connection, code, reason) => this.closeConnection(connection, code, reason, false),
      invalidate: (connection, resumable) => this.invalidate(connection, resumable),
      dispatch: (t, d, dispatchOptions) => this.dispatch(t, d, dispatchOptions),
      expire: (sessionId) => this.expire(sessionId),
    });
  }

  /** The gateway URL (`ws://127.0.0.1:PORT`); clients add `?v=6&encoding=json`. */
  get gatewayUrl(): string {
    return this.gateway.url;
  }

  /** The REST base URL, `http://127.0.0.1:PORT/api`; clients add `/v6/…` or `/v10/…`. */
  get restUrl(): string {
    return this.rest.url;
  }

  /** Every session the fake knows (in every state), oldest first. */
  get sessions(): FakeSession[] {
    return [...this.sessionMap.values()];
  }

  /** A session by `session_id`. */
  session(id: string): FakeSession | undefined {
    return this.sessionMap.get(id);
  }

  /** The current `session_start_limit` (as `GET /gateway/bot` reports it). */
  get sessionStartLimit(): SessionStartLimit {
    return this.limiter.sessionStartLimit;
  }

  /** The `heartbeat_interval` sent in HELLO. */
  get heartbeatInterval(): number {
    return this.gateway.heartbeatInterval;
  }

  /** The heartbeat timeout in ms (see {@link FakeDiscordOptions.heartbeatTimeout}). */
  get heartbeatTimeout(): number {
    return this.heartbeatTimeoutOption ?? this.gateway.heartbeatInterval * 1.5 + 1000;
  }

  /**
   * Starts the gateway and the REST server. After {@link FakeDiscord.stop} it restarts on the
   * same ports; sessions survive a restart and can be resumed.
   */
  async start(options: FakeDiscordStartOptions = {}): Promise<void> {
    if (this.running) throw new FakeDiscordError("FAKE_DISCORD_ALREADY_STARTED", "the fake Discord is already running");
    const gatewayPort = options.gatewayPort ?? (this.hasPort(this.gateway) ? this.gateway.port : 0);
    const restPort = options.restPort ?? (this.hasPort(this.rest) ? this.rest.port : 0);
    await this.gateway.start(gatewayPort);
    try {
      await this.rest.start(restPort);
    } catch (error) {
      await this.gateway.stop();
      throw error;
    }
    this.running = true;
    for (const session of this.sessionMap.values()) {
      if (session.state === "disconnected") this.armExpiry(session);
    }
  }

  /** Stops both servers (clients see their connections drop) and every timer. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([this.gateway.stop(), this.rest.stop()]);
    for (const state of this.states.values()) this.clock.clearTimeout(state.heartbeatTimer);
    this.states.clear();
    for (const timer of this.expiryTimers.values()) this.clock.clearTimeout(timer);
    this.expiryTimers.clear();
  }

  /**
   * Sends a dispatch (op 0) to every live session (connected or waiting for a resume), or to
   * one. Each session gives it its next sequence number and keeps it for a resume; a
   * session without a connection only buffers it. Dispatches follow the sessions' intents
   * and shards unless `force` is set. `d` may be a function of the session, returning the
   * session's own `d` (or `undefined` to skip it).
   * @returns how many sessions it was given to
   */
  dispatch(t: string, d: unknown, options: FakeDispatchOptions = {}): number {
    const perSession = typeof d === "function" ? (d as (session: FakeSession) => unknown) : undefined;
    const shared = perSession === undefined ? JSON.stringify(d ?? null) : undefined;
    const routing = perSession === undefined ? this.routing(t, d) : undefined;
    const prefix = `{"op":0,"t":${JSON.stringify(t)},"s":`;
    let count = 0;
    for (const session of this.liveSessions(options.sessionId)) {
      let text = shared;
      let route = routing;
      if (perSession !== undefined) {
        const own = perSession(session);
        if (own === undefined) continue;
        text = JSON.stringify(own);
        route = this.routing(t, own);
      }
      if (options.force !== true && route !== undefined && !this.receives(session, route)) continue;
      this.sendDispatch(session, prefix, text ?? "null");
      count++;
    }
    return count;
  }

  /**
   * Dispatches MESSAGE_CREATE (v6 or v10 shape per session) for a message in a guild
   * channel or a DM, cheaply enough to stream 100,000 of them. A v10 session without the
   * MESSAGE_CONTENT intent gets it with empty `content` unless it is a DM, mentions the bot,
   * or is the bot's own message.
   * @returns the message's id, channel, guild and timestamp (the defaults filled in)
   */
  messageCreate(message: MessageInput, options: FakeDispatchOptions = {}): CreatedMessage {
    const now = this.clock.now();
    if (now !== this.lastMessageTime) {
      this.lastMessageTime = now;
      this.lastMessageIso = new Date(now).toISOString();
      this.lastMessageBase = BigInt(snowflake(now, 0));
    }
    const created: CreatedMessage = {
      id: message.id ?? (this.lastMessageBase | BigInt(this.messageCounter++ & 0x3f_ff_ff)).toString(),
      channelId: message.channelId,
      guildId: message.guildId === undefined ? this.guildOfChannel(message.channelId) : message.guildId,
      timestamp: message.timestamp ?? this.lastMessageIso,
    };
    const route = {
      intent: intentForEvent("MESSAGE_CREATE", created.guildId !== null),
      guildId: created.guildId ?? undefined,
      self: false,
    };
    let v6: string | undefined;
    let v10: string | undefined;
    let v10Empty: string | undefined;
    // v10 without MESSAGE_CONTENT: empty content (embeds, attachments and components are
    // always empty here), except in DMs, when the bot is mentioned, and for its own messages.
    const author = "user" in message.author ? message.author.user : message.author;
    const readable =
      created.guildId === null || author.id === this.user.id || (message.mentions ?? []).some((user) => user.id === this.user.id);
    for (const session of this.liveSessions(options.sessionId)) {
      if (options.force !== true && !this.receives(session, route)) continue;
      const text =
        session.version === 6
          ? (v6 ??= this.messages.serialize(message, created, 6))
          : readable || session.hasIntent(Intents.MESSAGE_CONTENT)
            ? (v10 ??= this.messages.serialize(message, created, 10))
            : (v10Empty ??= this.messages.serialize({ ...message, content: "" }, created, 10));
      this.sendDispatch(session, MESSAGE_CREATE_PREFIX, text);
    }
    return created;
  }

  /**
   * Adds a guild (the bot joined it) and dispatches GUILD_CREATE, shaped for each session
   * (version, `large_threshold`, presences intent).
   */
  guildCreate(guild: GuildFixture): void {
    this.ensureBotMember(guild);
    this.guilds.push(guild);
    this.channelGuilds = new Map();
    this.dispatch("GUILD_CREATE", (session: FakeSession) => this.guildCreatePayload(guild, session));
  }

  // ─── connections ──────────────────────────────────────────────────────────────────────

  private onConnection(connection: FakeGatewayConnection): void {
    const v = connection.query.get("v") ?? "6";
    const encoding = connection.query.get("encoding") ?? "json";
    const version = v === "6" ? 6 : v === "10" ? 10 : undefined;
    const state: ConnectionState = {
      connection,
      version: version ?? 6,
      session: undefined,
      closeCode: undefined,
      heartbeatTimer: undefined,
      commands: [],
    };
    this.states.set(connection, state);
    if (version === undefined) {
      this.enforce(state, 4012, "Invalid API version");
      return;
    }
    if (encoding !== "json") {
      this.enforce(state, 4012, "Invalid encoding: this fake speaks json only");
      return;
    }
    const firstFrame = this.faults.firstFrameFault;
    if (firstFrame !== undefined) connection.sendRaw(firstFrame);
    if (!this.sendHello) return;
    connection.send({ op: 10, d: { heartbeat_interval: this.gateway.heartbeatInterval, _trace: ["fake-discord"] }, s: null, t: null });
    this.armHeartbeatTimer(state);
  }

  private onPayload(connection: FakeGatewayConnection, payload: unknown, raw: string): void {
    const state = this.states.get(connection);
    if (state === undefined || state.closeCode !== undefined) return;
    if (this.commandLimit !== false) {
      const now = this.clock.now();
      const { commands } = state;
      commands.push(now);
      while (commands.length > 0 && commands[0]! <= now - this.commandLimit.window) commands.shift();
      if (commands.length > this.commandLimit.limit) {
        this.enforce(state, 4008, "Rate limited.");
        return;
      }
    }
    if (Buffer.byteLength(raw) > MAX_PAYLOAD_BYTES) {
      this.enforce(state, 4002, "Payload too large.");
      return;
    }
    if (!isRecord(payload) || typeof payload.op !== "number" || !Number.isInteger(payload.op)) {
      this.enforce(state, 4002, "Error while decoding payload.");
      return;
    }
    const { op, d } = payload;
    switch (op) {
      case 1:
        this.onHeartbeat(state, d);
        return;
      case 2:
        this.onIdentify(state, d);
        return;
      case 6:
        this.onResume(state, d);
        return;
      case 3:
      case 4:
      case 8:
        break;
      default:
        this.enforce(state, 4001, "Unknown opcode.");
        return;
    }
    const session = state.session;
    if (session === undefined) {
      this.enforce(state, 4003, "Not authenticated.");
      return;
    }
    if (op === 8) this.onRequestGuildMembers(state, session, d);
    else if (op === 3) this.onPresenceUpdate(state, session, d);
    else if (!isRecord(d)) this.enforce(state, 4001, "Invalid voice state update.");
  }

  private onClose(connection: FakeGatewayConnection, code: number): void {
    const state = this.states.get(connection);
    if (state === undefined) return;
    this.states.delete(connection);
    this.clock.clearTimeout(state.heartbeatTimer);
    const session = state.session;
    if (session === undefined || session.connection !== connection) return;
    this.endSession(session, stateAfterClose(state.closeCode ?? code));
  }

  // ─── ops ──────────────────────────────────────────────────────────────────────────────

  private onHeartbeat(state: ConnectionState, d: unknown): void {
    const record: FakeHeartbeatRecord = {
      connectionId: state.connection.id,
      sessionId: state.session?.id,
      d,
      at: this.clock.now(),
    };
    this.heartbeats.push(record);
    state.session?.heartbeats.push(d);
    this.armHeartbeatTimer(state);
    this.emit("heartbeat", record);
    // The ACK (op 11) is the core's: FakeGateway answers op 1 unless `stopAcking` is on.
  }

  private onIdentify(state: ConnectionState, d: unknown): void {
    const record: FakeIdentifyRecord = {
      connectionId: state.connection.id,
      outcome: "closed",
      sessionId: undefined,
      closeCode: undefined,
      d,
    };
    const fail = (code: number, reason: string): void => {
      record.closeCode = code;
      this.identifies.push(record);
      this.enforce(state, code, reason);
      this.emit("identify", record);
    };
    if (state.session !== undefined) return fail(4005, "Already authenticated.");
    if (!isRecord(d) || !isRecord(d.properties)) return fail(4001, "Invalid identify payload.");
    if (d.token !== this.token) return fail(4004, "Authentication failed.");

    let shard: [number, number] | undefined;
    if (d.shard !== undefined && d.shard !== null) {
      const [id, count] = Array.isArray(d.shard) ? (d.shard as unknown[]) : [];
      const valid =
        Array.isArray(d.shard) && d.shard.length === 2 && Number.isInteger(id) && Number.isInteger(count) &&
        (count as number) >= 1 && (id as number) >= 0 && (id as number) < (count as number);
      if (!valid) return fail(4010, "Invalid shard.");
      shard = [id as number, count as number];
    }

    let intents: number | undefined;
    if (d.intents === undefined || d.intents === null) {
      if (state.version >= 10) return fail(4013, "Invalid intent(s): intents are required.");
    } else {
      const value = d.intents;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || (value & ~validIntents(state.version)) !== 0 || value > 0x7fff_ffff) {
        return fail(4013, "Invalid intent(s).");
      }
      if ((value & PRIVILEGED_INTENTS & ~this.privilegedIntents) !== 0) return fail(4014, "Disallowed intent(s).");
      intents = value;
    }

    let held = 0;
    for (const guild of this.guilds) if (ownsGuild(shard, guild.id)) held++;
    if (held > this.maxGuildsPerSession) return fail(4011, "Sharding required.");

    const verdict = this.limiter.attempt(shard?.[0] ?? 0);
    if (verdict !== "allowed") {
      record.outcome = verdict === "rate-limited" ? "rate-limited" : "session-limit";
      this.identifies.push(record);
      state.connection.send({ op: 9, d: false, s: null, t: null });
      this.emit("identify", record);
      return;
    }

    const threshold = typeof d.large_threshold === "number" ? Math.min(250, Math.max(50, Math.floor(d.large_threshold))) : 50;
    const session = new FakeSession(
      {
        id: randomBytes(16).toString("hex"),
        version: state.version,
        shard,
        intents,
        largeThreshold: threshold,
        properties: d.properties,
        presence: d.presence ?? undefined,
        replayBufferSize: this.replayBufferSize,
        allowedPrivileged: this.privilegedIntents,
      },
      state.connection,
    );
    this.sessionMap.set(session.id, session);
    state.session = session;
    record.outcome = "ready";
    record.sessionId = session.id;
    this.identifies.push(record);
    this.emit("identify", record);

    const guilds = this.guilds.filter((guild) => session.ownsGuild(guild.id));
    this.sendDispatch(session, '{"op":0,"t":"READY","s":', JSON.stringify(this.readyPayload(session, guilds)));
    if (session.hasIntent(Intents.GUILDS)) {
      for (const guild of guilds) {
        if (guild.unavailable) {
          this.sendDispatch(session, '{"op":0,"t":"GUILD_DELETE","s":', JSON.stringify({ id: guild.id, unavailable: true }));
        } else {
          this.sendDispatch(session, '{"op":0,"t":"GUILD_CREATE","s":', JSON.stringify(this.guildCreatePayload(guild, session)));
        }
      }
    }
    this.emit("ready", session);
  }

  private onResume(state: ConnectionState, d: unknown): void {
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
      this.enforce(state, code, reason);
      this.emit("resume", record);
    };
    if (state.session !== undefined) return fail(4005, "Already authenticated.");
    if (!isRecord(d) || typeof d.session_id !== "string" || (d.seq !== null && typeof d.seq !== "number")) {
      return fail(4001, "Invalid resume payload.");
    }
    if (d.token !== this.token) return fail(4004, "Authentication failed.");
    const session = this.sessionMap.get(d.session_id);
    // A resume that comes too late (the session expired) gets op 9 d:false, like one for an
    // unknown session; Discord does not close it with 4009.
    if (session === undefined || session.state === "invalidated" || session.state === "expired") {
      record.outcome = "unknown-session";
      this.resumes.push(record);
      state.connection.send({ op: 9, d: false, s: null, t: null });
      this.emit("resume", record);
      return;
    }
    const replay = session.replayAfter(d.seq ?? 0);
    if (replay === undefined) {
      this.endSession(session, "invalidated");
      return fail(4007, "Invalid seq.");
    }

    const previous = session.connection;
    if (previous !== undefined) {
      // Still attached to an older connection (its close has not arrived yet, or the client
      // opened a second one): that one loses the session.
      const old = this.states.get(previous);
      if (old !== undefined) {
        old.session = undefined;
        this.enforce(old, 4000, "Session resumed elsewhere.");
      }
    }
    this.clearExpiry(session);
    session.attach(state.connection);
    state.session = session;
    for (const text of replay) state.connection.send(text);
    this.sendDispatch(session, '{"op":0,"t":"RESUMED","s":', JSON.stringify({ _trace: ["fake-discord"] }), false);
    record.outcome = "resumed";
    record.replayed = replay.length;
    this.resumes.push(record);
    this.emit("resume", record);
    this.emit("sessionState", session, "connected");
    this.emit("resumed", session);
  }

  private onPresenceUpdate(state: ConnectionState, session: FakeSession, d: unknown): void {
    if (!isRecord(d)) {
      this.enforce(state, 4001, "Invalid presence update.");
      return;
    }
    session.presences.push(d);
    this.emit("presenceUpdate", session, d);
  }

  private onRequestGuildMembers(state: ConnectionState, session: FakeSession, d: unknown): void {
    const result = answerGuildMembersRequest(this.memberRequestHost, session, d);
    if (result.outcome === "refused") {
      this.enforce(state, result.code, result.reason);
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
    this.emit("requestGuildMembers", record);
  }

  // ─── payloads ─────────────────────────────────────────────────────────────────────────

  private readyPayload(session: FakeSession, guilds: GuildFixture[]): Record<string, unknown> {
    const user = { ...serializeUser(this.user, session.version), verified: true, mfa_enabled: false, flags: 0, email: null };
    const ready: Record<string, unknown> = {
      v: session.version,
      user_settings: {},
      user,
      session_id: session.id,
    };
    if (session.version >= 10) {
      ready.session_type = "normal";
      ready.resume_gateway_url = this.faults.resumeGatewayUrlFault ?? this.gateway.url;
    }
    Object.assign(ready, {
      relationships: [],
      private_channels: [],
      presences: [],
      guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
    });
    if (session.shard !== undefined) ready.shard = [...session.shard];
    if (session.version >= 10) ready.application = { id: this.applicationId, flags: 0 };
    ready._trace = ["fake-discord"];
    return ready;
  }

  private guildCreatePayload(guild: GuildFixture, session: FakeSession): Record<string, unknown> | undefined {
    if (!session.ownsGuild(guild.id)) return undefined;
    return serializeGuild(guild, {
      version: session.version,
      largeThreshold: session.largeThreshold,
      presences: session.hasIntent(Intents.GUILD_PRESENCES),
      botId: this.user.id,
    });
  }

  // ─── plumbing ─────────────────────────────────────────────────────────────────────────

  private sendDispatch(session: FakeSession, prefix: string, d: string, replay = true): void {
    const s = session.append(prefix, d, replay);
    const connection = session.connection;
    if (session.state === "connected" && connection !== undefined) connection.send(envelope(prefix, s, d));
  }

  private *liveSessions(sessionId: string | undefined): Generator<FakeSession> {
    if (sessionId !== undefined) {
      const session = this.sessionMap.get(sessionId);
      if (session !== undefined && (session.state === "connected" || session.state === "disconnected")) yield session;
      return;
    }
    for (const session of this.sessionMap.values()) {
      if (session.state === "connected" || session.state === "disconnected") yield session;
    }
  }

  /** What decides whether a session gets a dispatch: its intent and its guild. */
  private routing(t: string, d: unknown): { intent: number; guildId: string | undefined; self: boolean } {
    if (!isRecord(d)) return { intent: intentForEvent(t, false), guildId: undefined, self: false };
    const guildId =
      typeof d.guild_id === "string"
        ? d.guild_id
        : (t === "GUILD_CREATE" || t === "GUILD_UPDATE" || t === "GUILD_DELETE") && typeof d.id === "string"
          ? d.id
          : undefined;
    const self = t === "GUILD_MEMBER_UPDATE" && isRecord(d.user) && d.user.id === this.user.id;
    return { intent: intentForEvent(t, guildId !== undefined), guildId, self };
  }

  private receives(session: FakeSession, route: { intent: number; guildId: string | undefined; self: boolean }): boolean {
    if (route.intent !== 0 && !route.self && !session.hasIntent(route.intent)) return false;
    return session.ownsGuild(route.guildId);
  }

  private guildOfChannel(channelId: string): string | null {
    let guildId = this.channelGuilds.get(channelId);
    if (guildId === undefined) {
      this.channelGuilds = new Map();
      for (const guild of this.guilds) {
        for (const channel of guild.channels) this.channelGuilds.set(channel.id, guild.id);
        for (const thread of guild.threads ?? []) this.channelGuilds.set(thread.id, guild.id);
      }
      guildId = this.channelGuilds.get(channelId);
    }
    return guildId ?? null;
  }

  private ensureBotMember(guild: GuildFixture): void {
    if (guild.members.some((member) => member.user.id === this.user.id)) return;
    guild.members.unshift({
      user: this.user,
      nick: null,
      roles: [],
      joinedAt: guild.joinedAt,
      deaf: false,
      mute: false,
      status: "online",
      activity: null,
    });
  }

  /** Closes a connection for a protocol reason, recording it. */
  private enforce(state: ConnectionState, code: number, reason: string): void {
    if (state.closeCode !== undefined) return;
    const record: FakeCloseRecord = { connectionId: state.connection.id, sessionId: state.session?.id, code, reason };
    this.closeConnection(state.connection, code, reason, true);
    this.closes.push(record);
    this.emit("enforcedClose", record);
  }

  private closeConnection(connection: FakeGatewayConnection, code: number, reason: string, enforced: boolean): void {
    const state = this.states.get(connection);
    if (state?.closeCode !== undefined) return;
    // Throws FAKE_DISCORD_INVALID_ARGUMENT for a code WebSocket forbids, before anything changed.
    connection.close(code, reason);
    if (state === undefined) return;
    state.closeCode = code;
    this.clock.clearTimeout(state.heartbeatTimer);
    if (!enforced) this.closes.push({ connectionId: connection.id, sessionId: state.session?.id, code, reason });
  }

  /** Op 9 on one connection: its session is detached (resumable or not) and it may identify again. */
  private invalidate(connection: FakeGatewayConnection, resumable: boolean): void {
    const state = this.states.get(connection);
    connection.send({ op: 9, d: resumable, s: null, t: null });
    const session = state?.session;
    if (state === undefined || session === undefined) return;
    state.session = undefined;
    if (session.connection === connection) this.endSession(session, resumable ? "disconnected" : "invalidated");
  }

  private endSession(session: FakeSession, next: Exclude<FakeSessionState, "connected">): void {
    this.clearExpiry(session);
    session.detach(next);
    if (next === "disconnected" && this.running) this.armExpiry(session);
    this.emit("sessionState", session, next);
  }

  private expire(sessionId: string): void {
    const session = this.sessionMap.get(sessionId);
    if (session === undefined) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `unknown session ${sessionId}`);
    const connection = session.connection;
    if (connection !== undefined) {
      const state = this.states.get(connection);
      if (state !== undefined) state.session = undefined;
      this.closeConnection(connection, 4009, "Session timed out.", false);
    }
    this.endSession(session, "expired");
  }

  private armExpiry(session: FakeSession): void {
    this.clearExpiry(session);
    this.expiryTimers.set(
      session,
      this.clock.setTimeout(() => {
        this.expiryTimers.delete(session);
        if (session.state === "disconnected") this.endSession(session, "expired");
      }, this.sessionTimeout),
    );
  }

  private clearExpiry(session: FakeSession): void {
    const timer = this.expiryTimers.get(session);
    if (timer === undefined) return;
    this.clock.clearTimeout(timer);
    this.expiryTimers.delete(session);
  }

  private armHeartbeatTimer(state: ConnectionState): void {
    this.clock.clearTimeout(state.heartbeatTimer);
    state.heartbeatTimer = this.clock.setTimeout(() => {
      if (state.closeCode === undefined) this.enforce(state, this.heartbeatTimeoutCode, "Heartbeat timeout.");
    }, this.heartbeatTimeout);
  }

  private targets(sessionId: string | undefined): FakeGatewayConnection[] {
    if (sessionId === undefined) return this.gateway.connections.filter((connection) => this.states.get(connection)?.closeCode === undefined);
    const connection = this.sessionMap.get(sessionId)?.connection;
    return connection === undefined ? [] : [connection];
  }

  private hasPort(server: { port: number }): boolean {
    try {
      return server.port > 0;
    } catch {
      return false;
    }
  }

  private addGatewayRoutes(): void {
    const gateway = (): FakeRestResponse => ({ status: 200, body: { url: this.gateway.url } });
    this.rest.route("GET", "/gateway", gateway, { auth: false });
    this.rest.route("GET", "/gateway/bot", () => ({
      status: 200,
      body: { url: this.gateway.url, shards: 1, session_start_limit: this.limiter.sessionStartLimit },
    }));
  }
}
