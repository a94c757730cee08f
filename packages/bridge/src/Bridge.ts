import { EventEmitter } from "node:events";
import { GatewayConnection, IdentifyThrottle, type GatewayVersion, type IdentifyThrottleOptions } from "@nuwani/gateway";
import { DiscordRest, type DiscordRestOptions, type GatewayBotInfo } from "@nuwani/rest";
import { DiscordTracker, Permissions } from "@nuwani/tracker";
import type { TrackerDispatch, TrackerGateway, TrackerGuild, TrackerMember } from "@nuwani/tracker";
import { isRecord } from "@nuwani/util";
import { BridgeError } from "./BridgeError.js";
import { systemClock, type Clock } from "@nuwani/util";
import { CommandRegistry, type CommandOutcome, type CommandRegistryOptions } from "./commands.js";
import type { DiscordChannelReference, EnabledBridgeConfig } from "./config.js";
import { defaultFormats } from "./defaultFormats.js";
import { FloodControl, type FloodControlOptions, type FloodCounts } from "./FloodControl.js";
import { ECHO_PRIORITIES, formatEcho, type EchoFormats, type EchoPriority, type FormattedEcho } from "./formats.js";
import { describeTarget, type DeliveryTarget, type EchoParam, type GameServer, type PlayerLevel } from "./GameServer.js";
import { Outbox, type OutboxCounts, type OutboxOptions } from "./Outbox.js";
import { escapeForDiscord, formatDiscordChat, stripControlCharacters } from "./sanitize.js";

/**
 * What the bridge needs of a gateway: `GatewayConnection` of `@nuwani/gateway` or a stand-in. The tracker is attached to it, so it is also a `TrackerGateway`.
 */
export interface BridgeGateway extends TrackerGateway {
  /** `"ready"` while a session is up. */
  readonly state: string;
  /** Connects; resolves on READY or RESUMED, rejects on a fatal error. */
  connect(): Promise<void>;
  /** Closes for good (code 1000) and removes every listener. */
  destroy(): void;
  /** Every dispatch, in sequence order. */
  on(event: "dispatch", listener: (payload: TrackerDispatch) => void): unknown;
  /** A session started or was resumed. */
  on(event: "ready" | "resumed", listener: () => void): unknown;
  /** The connection state changed. */
  on(event: "state", listener: (state: string, previous: string) => void): unknown;
  /** What the connection is doing (never with the token). */
  on(event: "debug", listener: (message: string) => void): unknown;
  /** The connection stopped for good. */
  on(event: "error", listener: (error: Error) => void): unknown;
  /** Removes a `dispatch` listener. */
  off(event: "dispatch", listener: (payload: TrackerDispatch) => void): unknown;
  /** Removes a `ready` or `resumed` listener. */
  off(event: "ready" | "resumed", listener: () => void): unknown;
  /** Removes a `state` listener. */
  off(event: "state", listener: (state: string, previous: string) => void): unknown;
  /** Removes a `debug` listener. */
  off(event: "debug", listener: (message: string) => void): unknown;
  /** Removes an `error` listener. */
  off(event: "error", listener: (error: Error) => void): unknown;
}

/** What the bridge needs of a REST client: `DiscordRest` from `@nuwani/rest`, or a stand-in. */
export interface BridgeRest {
  /** Posts a message in a channel, with no mentions allowed. */
  createMessage(channelId: string, body: { content: string; allowed_mentions: { parse: [] } }): Promise<unknown>;
  /** Adds the bot's reaction to a message. */
  createReaction(channelId: string, messageId: string, emoji: string): Promise<void>;
  /** Opens the DM channel with a user (`POST /users/@me/channels`), for LVP's NOTICE. */
  createDM(userId: string): Promise<{ readonly id: string }>;
  /** `PUT /channels/{id}/permissions/{overwrite_id}`, for LVP's `+m`/`-m`. */
  editChannelPermissions(channelId: string, overwriteId: string, overwrite: { type: 0 | 1; allow: string; deny: string }, reason?: string): Promise<void>;
  /** `DELETE /channels/{id}/permissions/{overwrite_id}`, for LVP's `-m` after a `+m` that created the overwrite. */
  deleteChannelPermission(channelId: string, overwriteId: string, reason?: string): Promise<void>;
  /**
   * `GET /gateway/bot`. When present, the bridge asks it before identifying a gateway it made:
   * the URL (when the config names no `endpoint`) and `session_start_limit` for the identify
   * throttle.
   */
  getGatewayBot?(): Promise<Pick<GatewayBotInfo, "url" | "session_start_limit">>;
  /** Frees the client's timers; called when the bridge owns the client. */
  destroy?(): void;
}

/** Options of a {@link Bridge}. */
export interface BridgeOptions {
  /** The `discord` section of `nuwani.json`, validated and enabled (see `loadConfig`). */
  readonly config: EnabledBridgeConfig;
  /** The game. */
  readonly game: GameServer;
  /**
   * The gateway. @defaultValue a `GatewayConnection` with the config's token, `endpoint`,
   * `version` and `intents` (and {@link BridgeOptions.gatewayOptions}); the bridge destroys the
   * gateway it made on `stop()`, but never one it was given.
   */
  readonly gateway?: BridgeGateway;
  /**
   * Extra options of the gateway the bridge makes: `backoff`, and `identify`, the pacing and
   * op 9 storm guard of its identify throttle (`interval`, `storm`; see `IdentifyThrottle` of
   * `@nuwani/gateway`). @defaultValue none (the gateway's and the throttle's defaults)
   */
  readonly gatewayOptions?: {
    readonly backoff?: { base?: number; cap?: number; stableAfter?: number };
    readonly identify?: Pick<IdentifyThrottleOptions, "interval" | "storm">;
  };
  /** The tracker. @defaultValue a new `DiscordTracker`, member sync on when the intents allow it */
  readonly tracker?: DiscordTracker;
  /** The REST client. @defaultValue a `DiscordRest` with the token, `version` and `api` of the config (and {@link BridgeOptions.restOptions}) */
  readonly rest?: BridgeRest;
  /** Extra options of the REST client the bridge makes. @defaultValue none */
  readonly restOptions?: Pick<DiscordRestOptions, "retries" | "retryDelay" | "timeout" | "userAgentSuffix" | "maxRateLimitWait">;
  /** Time source of the outbox and the command rate limit. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
  /** Echo formats. @defaultValue {@link defaultFormats} */
  readonly formats?: EchoFormats;
  /** Outbox tuning (rate, coalescing, retries). @defaultValue the outbox's defaults */
  readonly outbox?: Omit<OutboxOptions, "send" | "clock" | "isRetryable">;
  /** Command rate limit. @defaultValue the registry's (5 per 10 s per user) */
  readonly commandRateLimit?: CommandRegistryOptions["rateLimit"];
  /** Discord → game flood control (game lines per user and overall). @defaultValue 4 lines per 4 s per user, 10 per 2 s overall */
  readonly flood?: Omit<FloodControlOptions, "clock">;
  /**
   * Who may still talk into the game from a channel muted by LVP's `<command:MODE>+m` echo
   * (`mute-echo`): this level and up. @defaultValue the ladder's VIP level (IRC's voice)
   */
  readonly muteExempt?: PlayerLevel;
  /** How long `start()` waits for the guilds to arrive when it must name them (no `discord.guild`, several guilds). @defaultValue 3000 ms */
  readonly guildWait?: number;
  /** The reaction to messages that mention the bot. @defaultValue `"👋"` */
  readonly reaction?: string;
  /** Lines kept while the guild's channels are not known yet (first connect). @defaultValue 10000 */
  readonly maxPending?: number;
}

/** A Discord message relayed into the game. */
export interface DiscordToGameEvent {
  /** The channel role it was written in: `echo` (to every player), `admin`, `management` or `vip`. */
  readonly channel: RelayRole;
  readonly author: string;
  /** The game lines delivered. */
  readonly lines: readonly string[];
  readonly to: DeliveryTarget;
}

/** A message the outbox got Discord to accept. */
export interface GameToDiscordEvent {
  readonly channelId: string;
  /** The channel roles (`echo`, `admin`, …) that resolve to this channel; none for a direct message (NOTICE). */
  readonly roles: readonly string[];
  readonly content: string;
  /** Lines it completed. */
  readonly lines: number;
}

/** A command from Discord and what became of it. */
export interface CommandEvent {
  readonly author: string;
  readonly level: PlayerLevel;
  readonly content: string;
  readonly outcome: CommandOutcome["kind"];
  readonly name: string | undefined;
  /** The reply sent, if any. */
  readonly replies: readonly string[];
}

/** Member sync progress of the configured guild. */
export interface SyncEvent {
  readonly guild: string;
  readonly received: number;
  readonly expected: number;
  readonly done: boolean;
}

/** The configured guild is available and its channels are resolved. */
export interface GuildReadyEvent {
  readonly guild: TrackerGuild;
  /** Channel role → channel id and name, for the roles that resolved. */
  readonly channels: Readonly<Record<string, { readonly id: string; readonly name: string }>>;
}

/** Events of a {@link Bridge}. */
export interface BridgeEvents {
  /** A Discord message reached the game. */
  discordToGame: [event: DiscordToGameEvent];
  /** Game lines reached Discord (one message). */
  gameToDiscord: [event: GameToDiscordEvent];
  /** A command was handled. */
  command: [event: CommandEvent];
  /** The bot reacted to a message that mentioned it. */
  mention: [event: { readonly author: string; readonly channelId: string; readonly emoji: string }];
  /** Member sync progress of the configured guild. */
  sync: [event: SyncEvent];
  /** The configured guild is available and its channels are resolved (after each GUILD_CREATE). */
  guildReady: [event: GuildReadyEvent];
  /** LVP's `<command:MODE>` echo muted (`+m`) or unmuted (`-m`) a channel role's relay into the game. */
  channelMode: [event: { readonly channel: string; readonly muted: boolean }];
  /** The gateway's state changed (`ready`, `reconnecting`, …). */
  state: [state: string, previous: string];
  /** A session came back after an outage: resumed, or identified afresh. */
  reconnect: [event: { readonly kind: "resumed" | "identified"; readonly count: number }];
  /** Something failed and the bridge went on. Emitted only while someone listens (else `debug`). */
  error: [error: BridgeError];
  /** What the bridge does; never the token. */
  debug: [message: string];
}

/** Lines of game → Discord traffic; `emitted = delivered + coalesced + dropped + queued`. */
export type BridgeLineCounts = OutboxCounts;

/** {@link Bridge.summary}. */
export interface BridgeSummary {
  /** Discord → game: messages relayed and the game lines they became. */
  readonly discordToGame: {
    readonly messages: number;
    readonly lines: number;
    /** Messages the flood control refused. */
    readonly flooded: FloodCounts;
    /** Messages not relayed because their channel was muted (LVP's `+m`). */
    readonly muted: number;
  };
  /**
   * Game → Discord: the line accounting and the Discord messages sent. `notices` counts LVP's
   * NOTICE lines (direct messages): `unresolved` names no single member, `failed` could not
   * open the DM channel; both are also counted as dropped.
   */
  readonly gameToDiscord: BridgeLineCounts & {
    readonly messages: number;
    readonly adminLines: OutboxCounts;
    readonly notices: { readonly unresolved: number; readonly failed: number };
  };
  /** Commands handled by outcome; `total` is all but ignored messages. */
  readonly commands: { readonly total: number; readonly ran: number; readonly denied: number; readonly unknown: number; readonly limited: number; readonly failed: number };
  /** Sessions that came back after an outage (resumed or identified afresh). */
  readonly reconnects: number;
  /** Reactions to mentions of the bot. */
  readonly reactions: number;
}

const GUILD_MEMBERS_INTENT = 1 << 1;
const MENTION = /<(@[!&]?|#)(\d{1,20})>/g;

/** The channel roles whose plain messages reach the game, and whom they reach there. */
export type RelayRole = "echo" | "admin" | "management" | "vip";
const RELAY: ReadonlyArray<[RelayRole, DeliveryTarget, string]> = [
  ["echo", "all", "[Discord]"],
  ["admin", "administrators", "[Discord admin]"],
  ["management", "management", "[Discord management]"],
  ["vip", "vips", "[Discord VIP]"],
];
/** Channel roles whose missing channel is reported even when not configured (LVP's audiences). */
const AUDIENCES = new Set(["echo", "admin", "management", "vip"]);

interface PendingLine {
  /** The channel role; ignored for a direct message. */
  readonly role: string;
  /** A direct message (LVP's NOTICE) to the member this names, instead of a channel. */
  readonly recipient?: string;
  /** The echo tag, for reports. */
  readonly tag?: string;
  readonly text: string;
  readonly priority: EchoPriority;
  readonly coalesceKey: string | null;
}

/**
 * Whether an outbox send failure is worth retrying: REST answers 4xx other than 429 (a bad
 * request, a missing permission, an unknown channel, a wrong token) are not; timeouts,
 * network errors, 5xx and rate limits are.
 */
export function isRetryableSendError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return true;
  const fields = error as { retryable?: unknown; status?: unknown; code?: unknown };
  if (fields.retryable === false) return false;
  if (fields.code === "REST_UNAUTHORIZED" || fields.code === "REST_INVALID_ARGUMENT" || fields.code === "REST_DESTROYED") return false;
  return !(typeof fields.status === "number" && fields.status >= 400 && fields.status < 500 && fields.status !== 429);
}

/** The longest wait for `GET /gateway/bot` before identifying without it, in ms. */
export const GATEWAY_BOT_TIMEOUT = 5_000;

/** `promise`, or a rejection after `ms` on the clock. */
function within<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function describe(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === "string" && typeof message === "string") return `${code}: ${message}`;
    if (typeof message === "string") return message;
  }
  return String(error);
}

/**
 * The bridge between a game server and Discord. It connects a gateway, attaches a tracker,
 * resolves the configured channels in the configured guild, and then:
 *
 * - **Discord → game**: messages in the echo channel reach every player as
 *   `[Discord] name: text`, admin-channel messages the in-game administrators (mentions shown
 *   as names, sanitised and split into game lines); bots' messages (its own included) are
 *   ignored; commands with the prefix run with the level of the author's roles and are
 *   answered over REST; messages that mention the bot get a reaction.
 * - **Game → Discord**: echo lines are formatted and queued in a priority outbox (`outbox`) per
 *   resolved channel (roles that resolve to one channel share its queue), sent over REST
 *   within Discord's limits. The outbox is paused while the gateway is not ready, so nothing
 *   is lost through an outage (admin lines never are).
 */
export class Bridge extends EventEmitter<BridgeEvents> {
  /** The configuration. */
  readonly config: EnabledBridgeConfig;
  /** The game. */
  readonly game: GameServer;
  /** The gateway (made anew in `start()` when `GET /gateway/bot` names its URL). */
  get gateway(): BridgeGateway {
    return this.#gateway;
  }
  /** The tracker of the guild's state. */
  readonly tracker: DiscordTracker;
  /** The REST client. */
  readonly rest: BridgeRest;
  /** The outbox of game → Discord lines, keyed by channel id. */
  readonly outbox: Outbox;
  /** The commands. */
  readonly commands: CommandRegistry;

  readonly #clock: Clock;
  readonly #formats: EchoFormats;
  readonly #reaction: string;
  readonly #maxPending: number;
  readonly #ownsGateway: boolean;
  #gateway: BridgeGateway;
  readonly #gatewayOptions: BridgeOptions["gatewayOptions"];
  /** The identify throttle of the gateway the bridge made, fed by `GET /gateway/bot`. */
  readonly #throttle: IdentifyThrottle | undefined;
  readonly #ownsTracker: boolean;
  readonly #ownsRest: boolean;
  /** Channel role → channel id, once resolved. */
  #channels: Map<string, string> | null = null;
  /** The reverse of `#channels`: channel id → the roles it plays, kept with it. */
  #rolesOf = new Map<string, string[]>();
  readonly #pending: PendingLine[] = [];
  #unroutable = 0;
  #inbound: Promise<void> = Promise.resolve();
  #started = false;
  #stopped = false;
  #sessions = 0;
  #reconnects = 0;
  #reactions = 0;
  #messagesSent = 0;
  readonly #toGame = { messages: 0, lines: 0 };
  readonly #commandCounts = { total: 0, ran: 0, denied: 0, unknown: 0, limited: 0, failed: 0 };
  readonly #warnedRoles = new Set<string>();
  /** Role mappings already warned about (ambiguous or missing role names). */
  readonly #warnedLevels = new Set<string>();
  readonly #flood: FloodControl;
  #mutedMessages = 0;
  readonly #guildWait: number;
  /** Channel roles muted by LVP's `<command:MODE>+m` echo. */
  readonly #mutedRoles = new Set<string>();
  /**
   * What `+m` changed on Discord, per channel id: the `@everyone` overwrite before it (`null`:
   * there was none, so `-m` deletes it). No entry: `+m` changed nothing there.
   */
  readonly #muteUndo = new Map<string, { readonly allow: bigint; readonly deny: bigint } | null>();
  /**
   * @everyone's overwrite per channel id as our last `+m`/`-m` left it (`null`: none), until
   * the tracker's next CHANNEL_UPDATE of that channel: a `+m` right after a `-m` must not read
   * the tracker before it heard of the `-m`.
   */
  readonly #knownEveryone = new Map<string, { readonly allow: bigint; readonly deny: bigint } | null>();
  /** The channel permission changes, one at a time and in order. */
  #modeChain: Promise<void> = Promise.resolve();
  /** DM channel ids by user id (a promise while opening). */
  readonly #dmChannels = new Map<string, Promise<string>>();
  /** NOTICE lines waiting for their DM channel to open. */
  #opening = 0;
  readonly #notices = { unresolved: 0, failed: 0 };
  readonly #muteExempt: PlayerLevel;
  /** The guild served: `discord.guild`, or the bot's only guild once READY told. */
  #guildId: string | undefined;
  readonly #listeners: Array<() => void> = [];
  readonly #outstanding = new Set<Promise<void>>();
  /** Ends the `drain()` calls still waiting, for `stop()`. */
  readonly #drains = new Set<() => void>();

  /**
   * A bridge between `options.game` and Discord, set up from an enabled configuration; nothing
   * connects until {@link Bridge.start}.
   * @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` for a disabled configuration or an unusable option.
   */
  constructor(options: BridgeOptions) {
    super();
    const { config, game } = options;
    if (!isRecord(config) || config.enabled !== true) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "config must be an enabled discord configuration (see loadConfig)", { field: "config" });
    }
    if (!isRecord(game)) throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "game must implement GameServer", { field: "game" });
    const missing = ["players", "deliver", "announce", "on", "off"].filter((name) => typeof game[name] !== "function");
    const mutes: unknown = game.mutes;
    if (mutes !== undefined && !(isRecord(mutes) && ["mute", "unmute", "list"].every((name) => typeof mutes[name] === "function"))) {
      missing.push("mutes (mute, unmute, list)");
    }
    if (missing.length > 0) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `game must implement GameServer: ${missing.join(", ")} missing`, { field: "game" });
    }
    this.config = config;
    this.game = game;
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    this.#formats = options.formats ?? defaultFormats;
    this.#reaction = options.reaction ?? "👋";
    this.#maxPending = options.maxPending ?? 10_000;
    this.#guildId = config.guild;
    this.#guildWait = options.guildWait ?? 3000;
    if (!Number.isInteger(this.#guildWait) || this.#guildWait < 0 || this.#guildWait >= 2 ** 31) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "guildWait must be a whole number of ms below 2^31", { field: "guildWait" });
    }
    this.#flood = new FloodControl({ ...options.flood, clock });
    this.#muteExempt = options.muteExempt ?? config.ladder.roles.vip;
    if (!config.ladder.has(this.#muteExempt)) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `muteExempt must be a level of the ladder (${config.ladder.levels.join(", ")})`, { field: "muteExempt" });
    }

    this.#ownsGateway = options.gateway === undefined;
    this.#gatewayOptions = options.gatewayOptions;
    this.#throttle = this.#ownsGateway ? new IdentifyThrottle({ ...options.gatewayOptions?.identify, clock }) : undefined;
    this.#gateway = options.gateway ?? this.#createGateway(config.endpoint);
    this.#ownsTracker = options.tracker === undefined;
    const syncMembers = config.intents === undefined || (config.intents & GUILD_MEMBERS_INTENT) !== 0;
    this.tracker = options.tracker ?? new DiscordTracker({ syncMembers });
    this.#ownsRest = options.rest === undefined;
    this.rest =
      options.rest ??
      new DiscordRest({
        ...options.restOptions,
        token: config.token.reveal(),
        version: config.version,
        ...(config.api === undefined ? {} : { baseUrl: config.api }),
      });

    this.outbox = new Outbox({
      ...options.outbox,
      clock,
      isRetryable: isRetryableSendError,
      send: async (channelId, content) => {
        await this.rest.createMessage(channelId, { content, allowed_mentions: { parse: [] } });
      },
    });
    this.outbox.pause();
    this.commands = new CommandRegistry({
      prefix: config.commandPrefix,
      ladder: config.ladder,
      clock,
      ...(options.commandRateLimit === undefined ? {} : { rateLimit: options.commandRateLimit }),
    });
  }

  /** Whether `start()` was called and `stop()` was not. */
  get running(): boolean {
    return this.#started && !this.#stopped;
  }

  /** Channel role → channel id, once the guild is available; `undefined` before. */
  get channels(): ReadonlyMap<string, string> | undefined {
    return this.#channels ?? undefined;
  }

  /**
   * Starts listening to the game and connects to Discord. Resolves once the session is ready
   * (READY); the guild's channels follow with its GUILD_CREATE (`guildReady`).
   * @throws {@link BridgeError} `BRIDGE_CONNECT_FAILED` (a fatal gateway error, e.g. a wrong token); the bridge is stopped then
   */
  async start(): Promise<void> {
    if (this.#stopped) throw new BridgeError("BRIDGE_DISPOSED", "the bridge was stopped");
    if (this.#started) return;
    this.#started = true;
    this.#listen();
    try {
      await this.#askGatewayBot();
      if (this.#stopped) throw new BridgeError("BRIDGE_DISPOSED", "the bridge was stopped while starting");
      this.#listenDiscord();
      await this.gateway.connect();
    } catch (cause) {
      await this.stop();
      throw new BridgeError("BRIDGE_CONNECT_FAILED", `could not connect to Discord (${describe(cause)})`, { cause });
    }
    if (this.#guildId === undefined) {
      if (this.tracker.busy) await this.tracker.settled();
      if (this.#guildId === undefined) {
        const error = await this.#guildProblem();
        await this.stop();
        throw error;
      }
    }
  }

  /** The guild served: `discord.guild`, or the bot's only guild once connected; `undefined` before. */
  get guild(): string | undefined {
    return this.#guildId;
  }

  /** Picks the bot's only guild when `discord.guild` is not set (on READY). */
  #chooseGuild(): void {
    if (this.#guildId !== undefined) return;
    const guilds = this.tracker.guilds();
    if (guilds.length !== 1) return;
    this.#guildId = guilds[0]!.id;
    this.emit("debug", `discord.guild is not set: serving the bot's only guild, ${this.#guildId}`);
    const guild = this.tracker.getGuild(this.#guildId);
    if (guild !== undefined && !guild.unavailable) this.#resolveChannels(guild);
  }

  /** A configured guild the bot is not in is reported, naming the guilds it is in. */
  #checkGuild(guildId: string): void {
    const guilds = this.tracker.guilds();
    if (guilds.some((guild) => guild.id === guildId)) return;
    const list = guilds.map((guild) => (guild.unavailable ? guild.id : `${stripControlCharacters(guild.name)} (${guild.id})`)).join(", ");
    this.#report(
      new BridgeError("BRIDGE_GUILD_UNRESOLVED", `discord.guild ${guildId} is not a guild the bot is in (it is in: ${list === "" ? "none" : list}); nothing is relayed`, {
        field: "discord.guild",
      }),
    );
  }

  /** The error for no guild or several, naming them (after waiting a little for their names). */
  async #guildProblem(): Promise<BridgeError> {
    const named = (): boolean => this.tracker.guilds().every((guild) => !guild.unavailable);
    if (this.tracker.guilds().length > 1 && !named() && this.#guildWait > 0) {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (named()) finish();
        };
        const finish = (): void => {
          this.#clock.clearTimeout(timer);
          this.tracker.off("guildAvailable", check);
          resolve();
        };
        const timer = this.#clock.setTimeout(finish, this.#guildWait);
        this.tracker.on("guildAvailable", check);
      });
    }
    const guilds = this.tracker.guilds();
    if (guilds.length === 0) {
      return new BridgeError("BRIDGE_GUILD_UNRESOLVED", "the bot is in no guild: invite it to the game's Discord server (or set discord.guild)", { field: "discord.guild" });
    }
    const list = guilds.map((guild) => (guild.unavailable ? guild.id : `${stripControlCharacters(guild.name)} (${guild.id})`)).join(", ");
    return new BridgeError("BRIDGE_GUILD_UNRESOLVED", `the bot is in ${guilds.length} guilds: ${list}; set discord.guild to the id of the one to serve`, {
      field: "discord.guild",
    });
  }

  /**
   * Waits until every queued line left the outbox (delivered, coalesced or dropped), or
   * `timeout` ms passed, or `stop()` was called. Resolves with whether it drained.
   */
  async drain(timeout: number): Promise<boolean> {
    const clock = this.#clock;
    const drained = (): boolean => this.outbox.stats.queued === 0 && this.#pending.length === 0 && this.#opening === 0;
    if (drained()) return true;
    // Stopped, nothing leaves the outbox any more: waiting would only keep a timer running.
    if (this.#stopped) return false;
    return new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (!drained()) return;
        finish(true);
      };
      const stopped = (): void => finish(drained());
      const finish = (result: boolean): void => {
        clock.clearTimeout(timer);
        this.outbox.off("sent", check);
        this.outbox.off("failure", check);
        this.#drains.delete(stopped);
        resolve(result);
      };
      const timer = clock.setTimeout(() => finish(drained()), timeout);
      this.outbox.on("sent", check);
      this.outbox.on("failure", check);
      this.#drains.add(stopped);
    });
  }

  /**
   * Stops: no more game or Discord traffic, the outbox's timers stop (lines still queued stay
   * counted as queued), and the gateway, tracker and REST client the bridge made are closed.
   * Given ones are only let go. Harmless twice.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const remove of this.#listeners.splice(0)) remove();
    this.outbox.dispose();
    for (const finish of [...this.#drains]) finish();
    this.tracker.detach();
    if (this.#ownsGateway) this.gateway.destroy();
    if (this.#ownsRest) this.rest.destroy?.();
    await this.#inbound;
    await Promise.all([...this.#outstanding]);
    if (this.#ownsTracker) this.tracker.removeAllListeners();
  }

  /** What crossed the bridge so far; the game → Discord counts always add up. */
  summary(): BridgeSummary {
    const stats = this.outbox.stats;
    const pending = this.#pending.length + this.#opening;
    const pendingAdmin = this.#pending.filter((line) => line.priority === "admin").length;
    const admin = stats.byPriority.admin;
    return {
      discordToGame: { ...this.#toGame, flooded: this.#flood.refused, muted: this.#mutedMessages },
      gameToDiscord: {
        emitted: stats.emitted + pending + this.#unroutable,
        delivered: stats.delivered,
        coalesced: stats.coalesced,
        dropped: stats.dropped + this.#unroutable,
        queued: stats.queued + pending,
        messages: this.#messagesSent,
        adminLines: { ...admin, emitted: admin.emitted + pendingAdmin, queued: admin.queued + pendingAdmin },
        notices: { ...this.#notices },
      },
      commands: { ...this.#commandCounts },
      reconnects: this.#reconnects,
      reactions: this.#reactions,
    };
  }

  #createGateway(url: string | undefined): BridgeGateway {
    const { config } = this;
    const gateway = new GatewayConnection<GatewayVersion>({
      token: config.token.reveal(),
      version: config.version,
      ...(url === undefined ? {} : { url }),
      ...(config.intents === undefined ? {} : { intents: config.intents }),
      ...(this.#gatewayOptions?.backoff === undefined ? {} : { backoff: this.#gatewayOptions.backoff }),
      ...(this.#throttle === undefined ? {} : { identifyThrottle: this.#throttle }),
    });
    return gateway;
  }

  /**
   * `GET /gateway/bot` before the first Identify of a gateway the bridge made: its
   * `session_start_limit` feeds the identify throttle (which then refuses to identify past the
   * daily limit), and its `url` is used when the config names no `endpoint`. A failure is a
   * debug line, and the gateway identifies without knowing the limit (a wrong token then stops
   * it with `GATEWAY_AUTHENTICATION_FAILED`). Bounded by {@link GATEWAY_BOT_TIMEOUT}.
   */
  async #askGatewayBot(): Promise<void> {
    const throttle = this.#throttle;
    if (throttle === undefined || this.rest.getGatewayBot === undefined) return;
    let info: Pick<GatewayBotInfo, "url" | "session_start_limit">;
    this.emit("debug", "GET /gateway/bot: asking for the session start limit before identifying");
    try {
      info = await within(this.rest.getGatewayBot(), GATEWAY_BOT_TIMEOUT, this.#clock);
    } catch (cause) {
      this.emit("debug", `GET /gateway/bot failed (${describe(cause)}); identifying without the session start limit`);
      return;
    }
    try {
      throttle.setSessionStartLimit(info.session_start_limit);
    } catch (cause) {
      this.emit("debug", `GET /gateway/bot: ignored an invalid session_start_limit (${describe(cause)})`);
    }
    const limit = throttle.sessionStartLimit;
    if (limit !== undefined) this.emit("debug", `session starts: ${limit.remaining} of ${limit.total} left`);
    if (this.config.endpoint === undefined && typeof info.url === "string" && /^wss?:\/\/[^/?#\s]+/.test(info.url) && !this.#stopped) {
      this.#gateway.destroy();
      this.#gateway = this.#createGateway(info.url);
    }
  }

  /** Adds a listener and keeps its removal for `stop()`. */
  #keep(remove: () => void): void {
    this.#listeners.push(remove);
  }

  /** The game half of the listeners, at once in `start()` (lines emitted meanwhile are held). */
  #listen(): void {
    const { game, outbox } = this;
    const onEcho = (tag: string, params: readonly EchoParam[]): void => this.#onEcho(tag, params);
    game.on("echo", onEcho);
    this.#keep(() => game.off("echo", onEcho));
    const onHealth = (state: "down" | "up", detail: string): void => this.#onHealth(state, detail);
    game.on("health", onHealth);
    this.#keep(() => game.off("health", onHealth));

    const sent = (channelId: string, content: string, lines: number): void => {
      this.#messagesSent++;
      const roles = this.#rolesOf.get(channelId) ?? [];
      this.emit("gameToDiscord", { channelId, roles, content, lines });
    };
    outbox.on("sent", sent);
    this.#keep(() => outbox.off("sent", sent));
    const failure = (error: BridgeError): void => this.#report(error);
    outbox.on("failure", failure);
    this.#keep(() => outbox.off("failure", failure));
  }

  /** The Discord half of the listeners: once the gateway is final (after `GET /gateway/bot`). */
  #listenDiscord(): void {
    const { tracker, gateway } = this;
    tracker.attach(gateway);
    const onReady = (): void => {
      if (this.#guildId === undefined) this.#chooseGuild();
      else this.#checkGuild(this.#guildId);
    };
    tracker.on("ready", onReady);
    this.#keep(() => tracker.off("ready", onReady));
    const onAvailable = (guild: TrackerGuild): void => {
      if (this.#guildId === undefined) this.#chooseGuild();
      else if (guild.id === this.#guildId) this.#resolveChannels(guild);
    };
    tracker.on("guildAvailable", onAvailable);
    this.#keep(() => tracker.off("guildAvailable", onAvailable));
    const onProgress = (guildId: string, received: number, expected: number): void => {
      if (guildId === this.#guildId) this.emit("sync", { guild: tracker.getGuild(guildId)?.name ?? guildId, received, expected, done: false });
    };
    tracker.on("syncProgress", onProgress);
    const onChannelUpdate = (channel: { readonly id: string }): void => {
      this.#knownEveryone.delete(channel.id);
    };
    tracker.on("channelUpdate", onChannelUpdate);
    this.#keep(() => tracker.off("channelUpdate", onChannelUpdate));
    this.#keep(() => tracker.off("syncProgress", onProgress));
    const onSynced = (guild: TrackerGuild): void => {
      if (guild.id === this.#guildId) this.emit("sync", { guild: guild.name, received: guild.trackedMembers, expected: guild.memberCount, done: true });
    };
    tracker.on("synced", onSynced);
    this.#keep(() => tracker.off("synced", onSynced));
    const onTrackerError = (error: Error): void => {
      this.emit("debug", `tracker: ${describe(error)}`);
    };
    tracker.on("error", onTrackerError);
    this.#keep(() => tracker.off("error", onTrackerError));

    const onDispatch = (payload: TrackerDispatch): void => {
      if (payload.t !== "MESSAGE_CREATE") return;
      this.#inbound = this.#inbound.then(
        () => this.#onMessage(payload.d),
        () => undefined,
      ).catch((cause: unknown) => this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `a Discord message could not be relayed (${describe(cause)})`, { cause })));
    };
    gateway.on("dispatch", onDispatch);
    this.#keep(() => gateway.off("dispatch", onDispatch));
    const onState = (state: string, previous: string): void => {
      if (state === "ready") this.#resumeIfReady();
      else this.outbox.pause();
      this.emit("state", state, previous);
    };
    gateway.on("state", onState);
    this.#keep(() => gateway.off("state", onState));
    const onSession = (): void => {
      this.#sessions++;
      if (this.#sessions > 1) this.#reconnected("identified");
    };
    gateway.on("ready", onSession);
    this.#keep(() => gateway.off("ready", onSession));
    const onResumed = (): void => this.#reconnected("resumed");
    gateway.on("resumed", onResumed);
    this.#keep(() => gateway.off("resumed", onResumed));
    const onDebug = (message: string): void => {
      this.emit("debug", `gateway: ${message}`);
    };
    gateway.on("debug", onDebug);
    this.#keep(() => gateway.off("debug", onDebug));
    const onError = (error: Error): void => {
      // The gateway also reports errors it recovers from (a refused reconnect, a HELLO
      // deadline); only a stop is a failed connection.
      if (gateway.state !== "stopped") {
        this.emit("debug", `gateway: ${describe(error)}`);
        return;
      }
      this.#report(new BridgeError("BRIDGE_CONNECT_FAILED", `the Discord connection stopped (${describe(error)})`, { cause: error }));
    };
    gateway.on("error", onError);
    this.#keep(() => gateway.off("error", onError));
  }

  /** The game's watchdog: an alert in the admin channel when it goes down, a line when it is back. */
  #onHealth(state: "down" | "up", detail: string): void {
    const text = state === "down" ? `⚠️ The game server is unreachable: ${escapeForDiscord(detail)}` : `✅ The game server is reachable again: ${escapeForDiscord(detail)}`;
    this.#queue({ role: "admin", text, priority: "admin", coalesceKey: null });
  }

  #reconnected(kind: "resumed" | "identified"): void {
    this.#reconnects++;
    this.emit("reconnect", { kind, count: this.#reconnects });
  }

  #report(error: BridgeError): void {
    try {
      if (this.listenerCount("error") > 0) this.emit("error", error);
      else this.emit("debug", `${error.code}: ${error.message}`);
    } catch {
      // A listener threw. Most reports come from async work (a reply, a reaction, a relayed
      // message) with no caller to take it: it would be an unhandled rejection, and stop()
      // would reject.
    }
  }

  #resumeIfReady(): void {
    if (this.#channels !== null && this.gateway.state === "ready" && !this.#stopped) this.outbox.resume();
  }

  #resolveChannels(guild: TrackerGuild): void {
    const resolved = new Map<string, string>();
    const shown: Record<string, { id: string; name: string }> = {};
    const missing = new Set<DiscordChannelReference>();
    for (const [role, reference] of Object.entries(this.config.channels)) {
      const channel = this.#findChannel(reference, guild.id);
      if (channel === undefined) {
        // An alias (reports → admin) of a channel already reported is not reported again.
        if ((reference.kind !== "default" || AUDIENCES.has(role)) && !missing.has(reference)) {
          missing.add(reference);
          this.#report(this.#missingChannel(role, reference, guild));
        }
        continue;
      }
      resolved.set(role, channel.id);
      shown[role] = { id: channel.id, name: channel.name ?? channel.id };
    }
    this.#channels = resolved;
    this.#rolesOf = new Map();
    for (const [role, id] of resolved) {
      const roles = this.#rolesOf.get(id);
      if (roles === undefined) this.#rolesOf.set(id, [role]);
      else roles.push(role);
    }
    this.emit("debug", `channels: ${[...resolved].map(([role, id]) => `${role} → ${id}`).join(", ")}`);
    for (const line of this.#pending.splice(0)) this.#route(line);
    this.emit("guildReady", { guild, channels: shown });
    this.#resumeIfReady();
  }

  /** "discord.channels.vip: no text channel #vip in guild X; its lines are dropped. Text channels: #a, #b". */
  #missingChannel(role: string, reference: DiscordChannelReference, guild: TrackerGuild): BridgeError {
    const wanted =
      reference.kind === "id" ? `channel ${reference.id}` : reference.kind === "name" ? `#${reference.name}` : reference.names.map((name) => `#${name}`).join(" or ");
    const texts = this.tracker
      .channels(guild.id)
      .filter((channel) => channel.type === 0 || channel.type === 5)
      .map((channel) => `#${stripControlCharacters(channel.name ?? channel.id)}`);
    const how = reference.kind === "default" ? ` (the default name; set discord.channels.${role} to a channel name or id)` : "";
    return new BridgeError(
      "BRIDGE_CHANNEL_UNRESOLVED",
      `discord.channels.${role}: guild ${stripControlCharacters(guild.name)} has no text channel ${wanted}${how}; its lines are dropped. Text channels: ${texts.length === 0 ? "none" : texts.join(", ")}`,
      { field: `discord.channels.${role}` },
    );
  }

  #findChannel(reference: DiscordChannelReference, guildId: string): { id: string; name: string | null } | undefined {
    const text = (channel: { guildId: string | null; type: number } | undefined): boolean =>
      channel !== undefined && channel.guildId === guildId && (channel.type === 0 || channel.type === 5);
    if (reference.kind === "id") {
      const channel = this.tracker.getChannel(reference.id);
      return text(channel) ? channel : undefined;
    }
    for (const name of reference.kind === "name" ? [reference.name] : reference.names) {
      const channel = this.tracker.resolveChannel(name, guildId);
      if (text(channel)) return channel;
    }
    return undefined;
  }

  #onEcho(tag: string, params: readonly EchoParam[]): void {
    let line: FormattedEcho | null;
    try {
      line = formatEcho(tag, params, this.#formats);
    } catch (error) {
      // A call the format cannot render (too few parameters, an unmapped target): LVP's
      // formatter throws too. Reported, never thrown into the game.
      this.#report(error instanceof BridgeError ? error : new BridgeError("BRIDGE_ECHO_INVALID", `echo "${tag}" failed (${describe(error)})`, { tag, cause: error }));
      return;
    }
    if (line === null) return;
    if (line.kind === "mode") {
      // LVP's +m/-m on the echo channel: on Discord, the relay into the game pauses for
      // people below the exempt level (IRC's voice: VIPs and up) until -m, and where the bot
      // may, @everyone is denied SEND_MESSAGES there (undone exactly by -m).
      if (line.mute) this.#mutedRoles.add(line.channel);
      else this.#mutedRoles.delete(line.channel);
      this.emit("debug", `channel role ${line.channel} ${line.mute ? "muted (+m)" : "unmuted (-m)"} by echo "${tag}"`);
      this.emit("channelMode", { channel: line.channel, muted: line.mute });
      this.#changeMode(tag, line.channel, line.mute);
      return;
    }
    if (line.kind === "notice") {
      this.#queue({ role: "", recipient: line.recipient, tag, text: line.text, priority: line.priority, coalesceKey: null });
      return;
    }
    this.#queue({ role: line.channel, text: line.text, priority: line.priority, coalesceKey: line.coalesceKey });
  }

  /** Routes a line for Discord, or keeps it while the guild's channels are not known yet. */
  #queue(pending: PendingLine): void {
    if (this.#channels === null) {
      // Full: a line makes room by evicting one of a lower priority, so admin lines are kept.
      if (this.#pending.length >= this.#maxPending && !this.#evictPendingBelow(pending.priority)) {
        this.#unroutable++;
        return;
      }
      this.#pending.push(pending);
      return;
    }
    this.#route(pending);
  }

  /** Drops the newest pending line of the lowest priority below `priority` (counted dropped); false if none. */
  #evictPendingBelow(priority: EchoPriority): boolean {
    const above = ECHO_PRIORITIES.indexOf(priority);
    for (let rank = ECHO_PRIORITIES.length - 1; rank > above; rank--) {
      const lower = ECHO_PRIORITIES[rank];
      for (let i = this.#pending.length - 1; i >= 0; i--) {
        if (this.#pending[i]!.priority !== lower) continue;
        this.#pending.splice(i, 1);
        this.#unroutable++;
        return true;
      }
    }
    return false;
  }

  #route(line: PendingLine): void {
    if (line.recipient !== undefined) {
      this.#routeNotice(line, line.recipient);
      return;
    }
    const channelId = this.#channels?.get(line.role);
    if (channelId === undefined) {
      this.#unroutable++;
      if (!this.#warnedRoles.has(line.role)) {
        this.#warnedRoles.add(line.role);
        this.emit("debug", `no channel for role "${line.role}": its lines are dropped`);
      }
      return;
    }
    this.outbox.enqueue(channelId, line.text, line.priority, line.coalesceKey);
  }

  /**
   * LVP's NOTICE: a direct message to the member `recipient` names (`<@id>`, id, nickname,
   * username or global name, as the tracker resolves it), through the outbox keyed by the DM
   * channel (opened once per member and cached). No single member → reported, counted, dropped.
   */
  #routeNotice(line: PendingLine, recipient: string): void {
    const guildId = this.#guildId;
    const member = guildId === undefined ? undefined : this.tracker.resolveMember(guildId, recipient);
    if (member === undefined) {
      this.#unroutable++;
      this.#notices.unresolved++;
      this.#report(
        new BridgeError("BRIDGE_RECIPIENT_UNRESOLVED", `echo "${line.tag ?? "?"}" is a direct message to ${JSON.stringify(stripControlCharacters(recipient))}, which names no member of the guild (or several): dropped`, {
          field: "target",
          ...(line.tag === undefined ? {} : { tag: line.tag }),
        }),
      );
      return;
    }
    const userId = member.user.id;
    let channel = this.#dmChannels.get(userId);
    if (channel === undefined) {
      channel = this.rest.createDM(userId).then((dm) => dm.id);
      this.#dmChannels.set(userId, channel);
      // A failure is not remembered: the next NOTICE to the member tries again.
      channel.catch(() => this.#dmChannels.delete(userId));
    }
    this.#opening++;
    this.#track(
      channel.then(
        (channelId) => {
          this.#opening--;
          if (this.#stopped) {
            this.#unroutable++;
            return;
          }
          this.outbox.enqueue(channelId, line.text, line.priority, null);
        },
        (cause: unknown) => {
          this.#opening--;
          this.#unroutable++;
          this.#notices.failed++;
          this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `could not open a direct message to ${stripControlCharacters(member.displayName)} for echo "${line.tag ?? "?"}" (${describe(cause)})`, { cause }));
        },
      ),
    );
  }

  /**
   * LVP's `+m`/`-m` on Discord: `+m` denies SEND_MESSAGES to `@everyone` (the overwrite whose id
   * is the guild's) in the role's channel where the bot has MANAGE_ROLES, remembering the
   * overwrite it replaced; `-m` restores exactly that (or deletes the overwrite `+m` created).
   * A `+m` that changed nothing (already denied, no permission, channel unknown) is not undone.
   * Changes run one at a time, in order; failures are reported, never thrown.
   */
  #changeMode(tag: string, role: string, mute: boolean): void {
    const run = async (): Promise<void> => {
      const guildId = this.#guildId;
      const channelId = this.#channels?.get(role);
      if (this.#stopped || guildId === undefined || channelId === undefined) {
        this.emit("debug", `echo "${tag}": the ${role} channel is not known, so its Discord permissions are left alone`);
        return;
      }
      const reason = `LVP ${mute ? "+m" : "-m"} (echo ${tag})`;
      if (!mute) {
        if (!this.#muteUndo.has(channelId)) {
          this.emit("debug", `echo "${tag}": +m changed nothing in the ${role} channel's permissions; nothing to undo`);
          return;
        }
        const previous = this.#muteUndo.get(channelId)!;
        try {
          if (previous === null) await this.rest.deleteChannelPermission(channelId, guildId, reason);
          else await this.rest.editChannelPermissions(channelId, guildId, { type: 0, allow: previous.allow.toString(), deny: previous.deny.toString() }, reason);
          this.#muteUndo.delete(channelId);
          this.#knownEveryone.set(channelId, previous);
          this.emit("debug", `echo "${tag}": @everyone's overwrite in the ${role} channel restored`);
        } catch (cause) {
          // Kept: the next -m tries again.
          this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `echo "${tag}": could not restore @everyone's permissions in the ${role} channel (${describe(cause)})`, { cause }));
        }
        return;
      }
      if (this.#muteUndo.has(channelId)) return; // already muted by us
      const permissions = this.tracker.permissionsOf(channelId);
      if ((permissions & Permissions.MANAGE_ROLES) === 0n) {
        this.#report(
          new BridgeError(
            "BRIDGE_PERMISSION_MISSING",
            `echo "${tag}": the bot lacks MANAGE_ROLES in the ${role} channel, so @everyone may still write there; only the relay into the game is paused`,
            { tag, channel: channelId },
          ),
        );
        return;
      }
      const current = this.#knownEveryone.has(channelId)
        ? (this.#knownEveryone.get(channelId) ?? undefined)
        : this.tracker.getChannel(channelId)?.overwrites.find((overwrite) => overwrite.id === guildId && overwrite.type === "role");
      if (current !== undefined && (current.deny & Permissions.SEND_MESSAGES) !== 0n && (current.allow & Permissions.SEND_MESSAGES) === 0n) {
        this.emit("debug", `echo "${tag}": @everyone may already not write in the ${role} channel; nothing to change`);
        return;
      }
      const allow = (current?.allow ?? 0n) & ~Permissions.SEND_MESSAGES;
      const deny = (current?.deny ?? 0n) | Permissions.SEND_MESSAGES;
      try {
        await this.rest.editChannelPermissions(channelId, guildId, { type: 0, allow: allow.toString(), deny: deny.toString() }, reason);
        this.#muteUndo.set(channelId, current === undefined ? null : { allow: current.allow, deny: current.deny });
        this.#knownEveryone.set(channelId, { allow, deny });
        this.emit("debug", `echo "${tag}": @everyone may no longer write in the ${role} channel`);
      } catch (cause) {
        this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `echo "${tag}": could not deny @everyone SEND_MESSAGES in the ${role} channel (${describe(cause)})`, { cause }));
      }
    };
    const next = this.#modeChain.then(run, run);
    this.#modeChain = next;
    this.#track(next);
  }

  async #onMessage(d: unknown): Promise<void> {
    if (this.#stopped) return;
    if (this.tracker.busy) await this.tracker.settled();
    const message = this.tracker.resolveMessage(d);
    if (message === undefined || message.webhook || message.author.bot) return;
    const bot = this.tracker.botUser;
    if (bot !== null && message.author.id === bot.id) return;
    const guildId = message.guild?.id ?? (isRecord(d) && typeof d.guild_id === "string" ? d.guild_id : undefined);
    if (guildId === undefined || guildId !== this.#guildId) return;
    const author = message.member?.displayName ?? message.author.globalName ?? message.author.username;

    if (message.mentionsBot) this.#track(this.#react(message.channelId, message.id, author));

    if (this.#channels === null) return;
    const roleEntries = this.#rolesOf.get(message.channelId) ?? [];
    const content = message.content;
    if (content.trimStart().startsWith(this.commands.prefix) && (await this.#command(message.channelId, roleEntries, author, message.author.id, content, d))) return;
    const relay = RELAY.find(([role]) => roleEntries.includes(role));
    if (relay === undefined) return;
    const [channel, to, prefix] = relay;
    if (this.#mutedRoles.has(channel) && !this.config.ladder.atLeast(this.#levelOf(message.author.id, d), this.#muteExempt)) {
      this.#mutedMessages++;
      this.emit("debug", `the ${channel} channel is muted (+m): a message of ${stripControlCharacters(author)} was not relayed`);
      return;
    }
    const text = this.#renderMentions(content, guildId, d);
    const lines = formatDiscordChat(author, text, { prefix });
    if (lines.length === 0) return;
    const verdict = this.#deliver(message.author.id, to, lines);
    if (verdict !== "ok") {
      this.emit("debug", `flood control (${verdict}): a message of ${stripControlCharacters(author)} to ${describeTarget(to)} was not relayed`);
      return;
    }
    this.#toGame.messages++;
    this.emit("discordToGame", { channel, author, lines, to });
  }

  /**
   * Delivers game lines from a Discord user through the flood control (all or none), counting
   * them; a game that throws or rejects is reported, never thrown past the bridge.
   */
  #deliver(userId: string, target: DeliveryTarget, lines: readonly string[]): "ok" | "user" | "overall" {
    const verdict = this.#flood.admit(userId, lines.length);
    if (verdict !== "ok") return verdict;
    this.#toGame.lines += lines.length;
    for (const line of lines) this.#callGame(`deliver to ${describeTarget(target)}`, () => this.game.deliver(target, line));
    return "ok";
  }

  /** Calls into the game; a throw or a rejection becomes a `BRIDGE_GAME_FAILED` report. */
  #callGame(what: string, call: () => void | Promise<void>): void {
    const failed = (cause: unknown): void => this.#report(new BridgeError("BRIDGE_GAME_FAILED", `the game failed to ${what} (${describe(cause)})`, { cause }));
    try {
      const result = call();
      if (result instanceof Promise) this.#track(result.then(() => undefined, failed));
    } catch (cause) {
      failed(cause);
    }
  }

  async #react(channelId: string, messageId: string, author: string): Promise<void> {
    try {
      await this.rest.createReaction(channelId, messageId, this.#reaction);
      this.#reactions++;
      this.emit("mention", { author, channelId, emoji: this.#reaction });
    } catch (cause) {
      this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `could not react to a mention (${describe(cause)})`, { cause }));
    }
  }

  /** Runs a command; `false` when the message was not one after all (e.g. a bare prefix). */
  async #command(channelId: string, channelRoles: readonly string[], author: string, authorId: string, content: string, d: unknown): Promise<boolean> {
    const level = this.#levelOf(authorId, d);
    const replies: string[] = [];
    let delivered = 0;
    const outcome = await this.commands.handle(content, {
      game: this.game,
      ladder: this.config.ladder,
      author: { id: authorId, name: author },
      level,
      channelRoles,
      deliver: (target, lines) => {
        const verdict = this.#deliver(authorId, target, lines);
        if (verdict !== "ok") {
          this.emit("debug", `flood control (${verdict}): a command of ${stripControlCharacters(author)} to ${describeTarget(target)} was not delivered`);
          return false;
        }
        delivered++;
        return true;
      },
      // Replies are not awaited: a busy REST bucket must not hold up the messages behind.
      reply: (text) => {
        replies.push(text);
        this.#track(
          this.rest.createMessage(channelId, { content: text, allowed_mentions: { parse: [] } }).then(
            () => undefined,
            (cause: unknown) => this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `could not reply to a command (${describe(cause)})`, { cause })),
          ),
        );
      },
    });
    if (outcome.kind === "ignored") return false;
    this.#commandCounts.total++;
    this.#commandCounts[outcome.kind]++;
    if (delivered > 0) this.#toGame.messages++;
    if (outcome.kind === "failed") {
      this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `command ${outcome.name} failed (${describe(outcome.error)})`, { cause: outcome.error }));
    }
    this.emit("command", { author, level, content, outcome: outcome.kind, name: "name" in outcome ? outcome.name : undefined, replies });
    return true;
  }

  /** Keeps a REST call in flight so that `stop()` can wait for it. */
  #track(promise: Promise<void>): void {
    this.#outstanding.add(promise);
    void promise.finally(() => this.#outstanding.delete(promise));
  }

  /**
   * The author's level: the highest of their roles' in `discord.levels` (or the default role
   * names). A role named by name must match exactly one role of the guild, case and all: two
   * roles with the configured name refuse the mapping (with a warning), so a look-alike role
   * never gains a level.
   */
  #levelOf(userId: string, d: unknown): PlayerLevel {
    const guildId = this.#guildId!;
    const ladder = this.config.ladder;
    const table = new Map<string, number>();
    const roles = this.tracker.roles(guildId);
    for (const { role, level } of this.config.levels) {
      let ids: string[];
      if (role.kind === "id") ids = [role.id];
      else {
        ids = roles.filter((entry) => entry.name === role.name).map((entry) => entry.id);
        if (ids.length !== 1) {
          const key = `${role.name}\u0000${ids.length}`;
          if (ids.length > 1 && !this.#warnedLevels.has(key)) {
            this.#warnedLevels.add(key);
            this.#report(
              new BridgeError(
                "BRIDGE_CONFIG_INVALID",
                `${ids.length} roles of the guild are named "${stripControlCharacters(role.name)}": the mapping to level ${level} is refused; map the role by id in discord.levels`,
                { field: `discord.levels.${role.name}` },
              ),
            );
          }
          continue;
        }
      }
      for (const id of ids) table.set(id, Math.max(table.get(id) ?? 0, ladder.rank(level)));
    }
    let value: number;
    const member: TrackerMember | undefined = this.tracker.getMember(guildId, userId);
    if (member !== undefined) {
      value = this.tracker.levelOf(guildId, userId, table);
    } else {
      // Not synced yet: the message's own partial member carries the roles.
      const partial = isRecord(d) && isRecord(d.member) && Array.isArray(d.member.roles) ? (d.member.roles as unknown[]) : [];
      value = Math.max(0, table.get(guildId) ?? 0, ...partial.map((id) => (typeof id === "string" ? (table.get(id) ?? 0) : 0)));
    }
    return ladder.at(value);
  }

  /** `<@id>`, `<@!id>`, `<@&id>` and `<#id>` as `@name`, `@role` and `#channel`. */
  #renderMentions(content: string, guildId: string, d: unknown): string {
    const mentioned = new Map<string, string>();
    if (isRecord(d) && Array.isArray(d.mentions)) {
      for (const user of d.mentions as unknown[]) {
        if (isRecord(user) && typeof user.id === "string") {
          const name = typeof user.global_name === "string" ? user.global_name : typeof user.username === "string" ? user.username : undefined;
          if (name !== undefined) mentioned.set(user.id, name);
        }
      }
    }
    return content.replace(MENTION, (whole, kind: string, id: string) => {
      if (kind === "#") {
        const channel = this.tracker.getChannel(id);
        return channel?.name == null ? "#unknown-channel" : `#${channel.name}`;
      }
      if (kind === "@&") {
        const role = this.tracker.getRole(guildId, id);
        return role === undefined ? "@unknown-role" : `@${role.name}`;
      }
      const member = this.tracker.getMember(guildId, id);
      const name = member?.displayName ?? mentioned.get(id) ?? this.tracker.getUser(id)?.username;
      return name === undefined ? "@unknown-user" : `@${name}`;
    });
  }
}
