import { EventEmitter } from "node:events";
import { type Clock, SlidingWindow, systemClock } from "@nuwani/util";
import { createBotUser } from "./createBotUser.js";
import { createFakeRest } from "./createFakeRest.js";
import { createGuild } from "./createGuild.js";
import { FakeDiscordError } from "./FakeDiscordError.js";
import { FakeDiscordFaults } from "./FakeDiscordFaults.js";
import type { FakeDiscordOptions, FakeDiscordStartOptions, FakeDispatchOptions } from "./FakeDiscordOptions.js";
import type {
  FakeCloseRecord,
  FakeDiscordEvents,
  FakeHeartbeatRecord,
  FakeIdentifyRecord,
  FakeMemberRequestRecord,
  FakeResumeRecord,
} from "./FakeDiscordRecords.js";
import { FakeDispatcher, sendDispatch, dispatchPrefix } from "./FakeDispatcher.js";
import { FakeGateway } from "./FakeGateway.js";
import { FakeGuilds } from "./FakeGuilds.js";
import type { FakeRestServer } from "./FakeRestServer.js";
import type { FakeSession } from "./FakeSession.js";
import { FakeThreads } from "./FakeThreads.js";
import { GatewayProtocol } from "./GatewayProtocol.js";
import { guildCreatePayload } from "./gatewayPayloads.js";
import type { GuildFixture, UserFixture } from "./GuildFixture.js";
import { GuildMembersRateLimit } from "./GuildMembersRateLimit.js";
import { IdentifyLimiter, type SessionStartLimit } from "./IdentifyLimiter.js";
import { PRIVILEGED_INTENTS } from "./Intents.js";
import type { FakeDmChannel, FakePostedMessage, FakeReactionRecord } from "./restRoutes.js";
import type { CreatedMessage, MessageInput } from "./serializeMessage.js";

const DEFAULT_HEARTBEAT_INTERVAL = 41250;

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
  readonly identifies: FakeIdentifyRecord[];
  /** Every Resume, in order. */
  readonly resumes: FakeResumeRecord[];
  /** Every heartbeat, in order. */
  readonly heartbeats: FakeHeartbeatRecord[];
  /** Every close the fake made (enforced by the protocol, or by `faults.close`/`expireSession`), in order. */
  readonly closes: FakeCloseRecord[];
  /** Every answered op 8, in order. */
  readonly memberRequests: FakeMemberRequestRecord[];
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

  readonly #heartbeatTimeoutOption: number | undefined;
  readonly #limiter: IdentifyLimiter;
  readonly #guilds: FakeGuilds;
  readonly #protocol: GatewayProtocol;
  readonly #dispatcher: FakeDispatcher;
  #running = false;

  /** A fake Discord with its guilds and options, not yet listening (see `start`). */
  constructor(options: FakeDiscordOptions = {}) {
    super();
    const clock: Clock = options.clock ?? systemClock;
    this.token = options.token ?? "fake-token";
    this.user = options.user ?? createBotUser();
    this.#guilds = new FakeGuilds(this.user, options.guilds ?? [createGuild({ bot: this.user })]);
    this.guilds = this.#guilds.list;
    this.#heartbeatTimeoutOption = options.heartbeatTimeout;
    const maxGuildsPerSession = options.maxGuildsPerSession ?? 2500;
    if (!Number.isSafeInteger(maxGuildsPerSession) || maxGuildsPerSession < 1) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "maxGuildsPerSession must be an integer ≥ 1");
    }
    const window = options.memberRequestWindow ?? 30_000;
    const memberRateLimit = window === false ? undefined : new GuildMembersRateLimit({ clock, window });
    this.threads = new FakeThreads(this);
    this.#limiter = new IdentifyLimiter({
      clock,
      ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
      ...(options.identifyWindow === undefined ? {} : { window: options.identifyWindow }),
      ...(options.sessionStartLimit === undefined ? {} : { sessionStartLimit: options.sessionStartLimit }),
    });
    this.gateway = new FakeGateway({
      heartbeatInterval: options.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL,
      sendHello: false,
      clock,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
    const protocol = (this.#protocol = this.#createProtocol(options, clock, memberRateLimit, maxGuildsPerSession));
    this.identifies = protocol.identifies;
    this.resumes = protocol.resumes;
    this.heartbeats = protocol.heartbeats;
    this.closes = protocol.closes;
    this.memberRequests = protocol.memberRequests;
    this.#dispatcher = new FakeDispatcher({ sessions: protocol.sessions, guilds: this.#guilds, botId: this.user.id, now: () => clock.now() });
    this.rest = createFakeRest({
      token: this.token,
      clock,
      rateLimits: options.rest,
      guilds: this.guilds,
      user: this.user,
      postedMessages: this.postedMessages,
      reactions: this.reactions,
      dmChannels: this.dmChannels,
      messageCreate: (message) => this.messageCreate(message),
      dispatch: (t, d) => this.dispatch(t, d),
      gatewayUrl: () => this.gateway.url,
      sessionStartLimit: () => this.#limiter.sessionStartLimit,
    });
    this.faults = new FakeDiscordFaults({
      gateway: this.gateway,
      targets: (sessionId) => protocol.targets(sessionId),
      send: (connection, op, d) => connection.send({ op, d, s: null, t: null }),
      close: (connection, code, reason) => protocol.close(connection, code, reason),
      invalidate: (connection, resumable) => protocol.invalidate(connection, resumable),
      dispatch: (t, d, dispatchOptions) => this.dispatch(t, d, dispatchOptions),
      expire: (sessionId) => protocol.expire(sessionId),
    });
  }

  /** The gateway protocol of this fake, on its gateway, fixtures and limits. */
  #createProtocol(
    options: FakeDiscordOptions,
    clock: Clock,
    memberRateLimit: GuildMembersRateLimit | undefined,
    maxGuildsPerSession: number,
  ): GatewayProtocol {
    return new GatewayProtocol({
      gateway: this.gateway,
      clock,
      token: this.token,
      user: this.user,
      applicationId: options.applicationId ?? this.user.id,
      guilds: this.#guilds,
      limiter: this.#limiter,
      memberRequests: {
        guilds: this.guilds,
        rateLimit: memberRateLimit,
        dispatch: (session, t, d) => sendDispatch(session, dispatchPrefix(t), JSON.stringify(d)),
      },
      heartbeatTimeoutCode: options.heartbeatTimeoutCode ?? 4000,
      sessionTimeout: options.sessionTimeout ?? 120_000,
      replayBufferSize: options.replayBufferSize ?? 50_000,
      commandWindow: commandWindow(options.commandLimit ?? { limit: 120, window: 60_000 }, clock),
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
      maxGuildsPerSession,
      heartbeatTimeout: () => this.heartbeatTimeout,
      sendHello: () => this.sendHello,
      firstFrame: () => this.faults.firstFrameFault,
      resumeGatewayUrl: () => this.faults.resumeGatewayUrlFault ?? this.gateway.url,
      emit: (event, ...args) => this.emit(event, ...(args as never)),
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
    return [...this.#protocol.sessions.values()];
  }

  /** A session by `session_id`. */
  session(id: string): FakeSession | undefined {
    return this.#protocol.sessions.get(id);
  }

  /** The current `session_start_limit` (as `GET /gateway/bot` reports it). */
  get sessionStartLimit(): SessionStartLimit {
    return this.#limiter.sessionStartLimit;
  }

  /** The `heartbeat_interval` sent in HELLO. */
  get heartbeatInterval(): number {
    return this.gateway.heartbeatInterval;
  }

  /** The heartbeat timeout in ms (see {@link FakeDiscordOptions.heartbeatTimeout}). */
  get heartbeatTimeout(): number {
    return this.#heartbeatTimeoutOption ?? this.gateway.heartbeatInterval * 1.5 + 1000;
  }

  /**
   * Starts the gateway and the REST server. After {@link FakeDiscord.stop} it restarts on the
   * same ports; sessions survive a restart and can be resumed.
   */
  async start(options: FakeDiscordStartOptions = {}): Promise<void> {
    if (this.#running) throw new FakeDiscordError("FAKE_DISCORD_ALREADY_STARTED", "the fake Discord is already running");
    const gatewayPort = options.gatewayPort ?? (hasPort(this.gateway) ? this.gateway.port : 0);
    const restPort = options.restPort ?? (hasPort(this.rest) ? this.rest.port : 0);
    await this.gateway.start(gatewayPort);
    try {
      await this.rest.start(restPort);
    } catch (error) {
      await this.gateway.stop();
      throw error;
    }
    this.#running = true;
    this.#protocol.started();
  }

  /** Stops both servers (clients see their connections drop) and every timer. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#protocol.stopping();
    await Promise.all([this.gateway.stop(), this.rest.stop()]);
    this.#protocol.stopped();
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
    return this.#dispatcher.dispatch(t, d, options);
  }

  /**
   * Dispatches MESSAGE_CREATE (v6 or v10 shape per session) for a message in a guild
   * channel or a DM, cheaply enough to stream 100,000 of them. A v10 session without the
   * MESSAGE_CONTENT intent gets it with empty `content` unless it is a DM, mentions the bot,
   * or is the bot's own message.
   * @returns the message's id, channel, guild and timestamp (the defaults filled in)
   */
  messageCreate(message: MessageInput, options: FakeDispatchOptions = {}): CreatedMessage {
    return this.#dispatcher.messageCreate(message, options);
  }

  /**
   * Adds a guild (the bot joined it) and dispatches GUILD_CREATE, shaped for each session
   * (version, `large_threshold`, presences intent).
   */
  guildCreate(guild: GuildFixture): void {
    this.#guilds.add(guild);
    this.dispatch("GUILD_CREATE", (session: FakeSession) => guildCreatePayload(guild, session, this.user.id));
  }
}

/**
 * A factory of per-connection command windows (`undefined` when the limit is off).
 * @throws {@link FakeDiscordError} `FAKE_DISCORD_INVALID_ARGUMENT` for a limit that is not an
 * integer from 1 to 1,000,000 or a window that is not a positive number of ms below 2^31
 */
function commandWindow(limit: { limit: number; window: number } | false, clock: Clock): () => SlidingWindow | undefined {
  if (limit === false) return () => undefined;
  try {
    new SlidingWindow({ ...limit, clock });
  } catch (cause) {
    throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `commandLimit: ${(cause as Error).message}`, { cause });
  }
  return () => new SlidingWindow({ ...limit, clock });
}

function hasPort(server: { port: number }): boolean {
  try {
    return server.port > 0;
  } catch {
    return false;
  }
}
