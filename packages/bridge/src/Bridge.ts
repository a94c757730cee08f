import { EventEmitter } from "node:events";
import { GatewayConnection, IdentifyThrottle, type GatewayReconnectInfo, type GatewayVersion } from "@nuwani/gateway";
import { DiscordRest, type GatewayBotInfo } from "@nuwani/rest";
import { DiscordTracker, type TrackerDispatch, type TrackerGuild } from "@nuwani/tracker";
import { isRecord, systemClock, type Clock } from "@nuwani/util";
import { BridgeError } from "./BridgeError.js";
import { describeError, isRetryableSendError, within, type BridgeContext } from "./BridgeContext.js";
import type { BridgeEvents, BridgeSummary } from "./BridgeEvents.js";
import type { BridgeGateway, BridgeOptions, BridgeRest } from "./BridgeOptions.js";
import { ChannelModes } from "./ChannelModes.js";
import { CommandRegistry } from "./commands.js";
import type { EnabledBridgeConfig } from "./config.js";
import { defaultFormats } from "./defaultFormats.js";
import { DiscordRelay } from "./DiscordRelay.js";
import { EchoRouter } from "./EchoRouter.js";
import { FloodControl } from "./FloodControl.js";
import type { EchoParam, GameServer } from "@nuwani/game";
import { GuildChannels } from "./GuildChannels.js";
import { Outbox } from "./Outbox.js";

const GUILD_MEMBERS_INTENT = 1 << 1;

/** The longest wait for `GET /gateway/bot` before identifying without it, in ms. */
export const GATEWAY_BOT_TIMEOUT = 5_000;

/**
 * How long `stop()` waits for calls still in flight (a line delivered to the game, a reaction
 * on Discord) before it lets them go, so a game or REST stand-in that never answers cannot
 * hold a stop forever.
 */
export const STOP_WAIT = 5_000;

/** Throws `BRIDGE_INVALID_ARGUMENT` unless `config` is enabled and `game` implements {@link GameServer}. */
function checkOptions(config: unknown, game: unknown): void {
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
 *
 * The parts live in their own modules: the guild and channel resolution (`GuildChannels`), the
 * game → Discord echo (`EchoRouter`), the Discord → game relay and commands (`DiscordRelay`)
 * and LVP's channel modes (`ChannelModes`); this class wires them to the gateway, the tracker,
 * the REST client and the game, and owns the lifecycle.
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
  readonly #ownsGateway: boolean;
  #gateway: BridgeGateway;
  readonly #gatewayOptions: BridgeOptions["gatewayOptions"];
  /** The identify throttle of the gateway the bridge made, fed by `GET /gateway/bot`. */
  readonly #throttle: IdentifyThrottle | undefined;
  readonly #ownsTracker: boolean;
  readonly #ownsRest: boolean;
  readonly #guilds: GuildChannels;
  readonly #echo: EchoRouter;
  readonly #relay: DiscordRelay;
  readonly #modes: ChannelModes;
  #inbound: Promise<void> = Promise.resolve();
  #started = false;
  #stopped = false;
  #sessions = 0;
  #reconnects = 0;
  /** Whether an established session is down and the gateway is getting it back (counted once in `#reconnects`). */
  #outage = false;
  #messagesSent = 0;
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
    checkOptions(config, game);
    this.config = config;
    this.game = game;
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    const guildWait = options.guildWait ?? 3000;
    if (!Number.isInteger(guildWait) || guildWait < 0 || guildWait >= 2 ** 31) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "guildWait must be a whole number of ms below 2^31", { field: "guildWait" });
    }
    const flood = new FloodControl({ ...options.flood, clock });
    const muteExempt = options.muteExempt ?? config.ladder.roles.vip;
    if (!config.ladder.has(muteExempt)) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `muteExempt must be a level of the ladder (${config.ladder.levels.join(", ")})`, { field: "muteExempt" });
    }

    this.#ownsGateway = options.gateway === undefined;
    this.#gatewayOptions = options.gatewayOptions;
    this.#throttle = this.#ownsGateway ? new IdentifyThrottle({ ...options.gatewayOptions?.identify, clock }) : undefined;
    this.#gateway = options.gateway ?? this.#createGateway(config.endpoint);
    this.#ownsTracker = options.tracker === undefined;
    const syncMembers = config.intents === undefined || (config.intents & GUILD_MEMBERS_INTENT) !== 0;
    this.tracker = options.tracker ?? new DiscordTracker({ syncMembers, clock });
    this.#ownsRest = options.rest === undefined;
    this.rest =
      options.rest ??
      new DiscordRest({
        ...options.restOptions,
        clock: options.restOptions?.clock ?? clock,
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

    const context = this.#context();
    this.#guilds = new GuildChannels(context, guildWait, (channels, guild) => this.#channelsResolved(channels, guild));
    this.#modes = new ChannelModes(context, muteExempt);
    this.#echo = new EchoRouter(context, this.#modes, options.formats ?? defaultFormats, options.maxPending ?? 10_000);
    this.#relay = new DiscordRelay(context, this.#modes, this.commands, { reaction: options.reaction ?? "👋", flood });
  }

  /** What the parts share: the collaborators, and the bridge's state read when asked. */
  #context(): BridgeContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read the bridge's private state
    const bridge = this;
    return {
      config: this.config,
      game: this.game,
      tracker: this.tracker,
      rest: this.rest,
      outbox: this.outbox,
      clock: this.#clock,
      events: this,
      get stopped() {
        return bridge.#stopped;
      },
      get guildId() {
        return bridge.#guilds.guildId;
      },
      get channels() {
        return bridge.#guilds.channels;
      },
      rolesOf: (channelId) => this.#guilds.rolesOf(channelId),
      report: (error) => this.#report(error),
      track: (promise) => this.#track(promise),
    };
  }

  /** Whether `start()` was called and `stop()` was not. */
  get running(): boolean {
    return this.#started && !this.#stopped;
  }

  /** Channel role → channel id, once the guild is available; `undefined` before. */
  get channels(): ReadonlyMap<string, string> | undefined {
    return this.#guilds.channels ?? undefined;
  }

  /** The guild served: `discord.guild`, or the bot's only guild once connected; `undefined` before. */
  get guild(): string | undefined {
    return this.#guilds.guildId;
  }

  /**
   * Starts listening to the game and connects to Discord. Resolves once the session is ready
   * (READY); the guild's channels follow with its GUILD_CREATE (`guildReady`).
   * @throws {@link BridgeError} `BRIDGE_CONNECT_FAILED` (a fatal gateway error, e.g. a wrong token); the bridge is stopped then
   */
  async start(): Promise<void> {
    if (this.#stopped) throw new BridgeError("BRIDGE_DESTROYED", "the bridge was stopped");
    if (this.#started) return;
    this.#started = true;
    this.#listenGame();
    try {
      await this.#askGatewayBot();
      if (this.#stopped) throw new BridgeError("BRIDGE_DESTROYED", "the bridge was stopped while starting");
      this.#listenTracker();
      this.#listenGateway();
      await this.gateway.connect();
    } catch (cause) {
      await this.stop();
      throw new BridgeError("BRIDGE_CONNECT_FAILED", `could not connect to Discord (${describeError(cause)})`, { cause });
    }
    if (this.#guilds.guildId === undefined) {
      if (this.tracker.busy) await this.tracker.settled();
      if (this.#guilds.guildId === undefined) {
        const error = await this.#guilds.problem();
        await this.stop();
        throw error;
      }
    }
  }

  /**
   * Waits until every queued line left the outbox (delivered, coalesced or dropped), or
   * `timeout` ms passed, or `stop()` was called. Resolves with whether it drained.
   */
  async drain(timeout: number): Promise<boolean> {
    const clock = this.#clock;
    const drained = (): boolean => this.outbox.stats.queued === 0 && this.#echo.held === 0;
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
   * Given ones are only let go. Calls still in flight are waited for at most 5 seconds
   * on the bridge's clock (`STOP_WAIT`). Harmless twice.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const remove of this.#listeners.splice(0)) remove();
    this.outbox.destroy();
    for (const finish of [...this.#drains]) finish();
    this.tracker.detach();
    if (this.#ownsGateway) this.gateway.destroy();
    if (this.#ownsRest) this.rest.destroy?.();
    const inFlight = [this.#inbound, ...this.#outstanding];
    const settled = await within(Promise.allSettled(inFlight), STOP_WAIT, this.#clock).then(
      () => true,
      () => false,
    );
    if (!settled) this.emit("debug", `stop: calls still in flight after ${STOP_WAIT} ms were let go`);
    if (this.#ownsTracker) this.tracker.removeAllListeners();
  }

  /** What crossed the bridge so far; the game → Discord counts always add up. */
  summary(): BridgeSummary {
    const stats = this.outbox.stats;
    const held = this.#echo.held;
    const heldAdmin = this.#echo.heldAdmin;
    const unroutable = this.#echo.unroutable;
    const admin = stats.byPriority.admin;
    return {
      discordToGame: this.#relay.toGame,
      gameToDiscord: {
        emitted: stats.emitted + held + unroutable,
        delivered: stats.delivered,
        coalesced: stats.coalesced,
        dropped: stats.dropped + unroutable,
        queued: stats.queued + held,
        messages: this.#messagesSent,
        adminLines: { ...admin, emitted: admin.emitted + heldAdmin, queued: admin.queued + heldAdmin },
        notices: this.#echo.notices,
      },
      commands: this.#relay.commands,
      reconnects: this.#reconnects,
      reactions: this.#relay.reactions,
    };
  }

  #createGateway(url: string | undefined): BridgeGateway {
    const { config } = this;
    const gateway = new GatewayConnection<GatewayVersion>({
      token: config.token.reveal(),
      version: config.version,
      clock: this.#clock,
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
    this.emit("gatewayBot", { kind: "asking" });
    try {
      info = await within(this.rest.getGatewayBot(), GATEWAY_BOT_TIMEOUT, this.#clock);
    } catch (cause) {
      // stop() came first (it destroys the REST client): nothing to report after the stop.
      if (this.#stopped) return;
      this.emit("debug", `GET /gateway/bot failed (${describeError(cause)}); identifying without the session start limit`);
      this.emit("gatewayBot", { kind: "failed", problem: describeError(cause) });
      return;
    }
    let problem: string | undefined;
    try {
      throttle.setSessionStartLimit(info.session_start_limit);
    } catch (cause) {
      problem = describeError(cause);
      this.emit("debug", `GET /gateway/bot: ignored an invalid session_start_limit (${problem})`);
    }
    const limit = throttle.sessionStartLimit;
    if (limit !== undefined) this.emit("debug", `session starts: ${limit.remaining} of ${limit.total} left`);
    this.emit("gatewayBot", {
      kind: "answered",
      ...(limit === undefined ? {} : { sessionStarts: { remaining: limit.remaining, total: limit.total } }),
      ...(problem === undefined ? {} : { problem }),
    });
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
  #listenGame(): void {
    const { game, outbox } = this;
    const onEcho = (tag: string, params: readonly EchoParam[]): void => this.#echo.echo(tag, params);
    game.on("echo", onEcho);
    this.#keep(() => game.off("echo", onEcho));
    const onHealth = (state: "down" | "up", detail: string): void => this.#echo.health(state, detail);
    game.on("health", onHealth);
    this.#keep(() => game.off("health", onHealth));

    const sent = (channelId: string, content: string, lines: number): void => {
      this.#messagesSent++;
      const roles = [...this.#guilds.rolesOf(channelId)];
      this.emit("gameToDiscord", { channelId, roles, content, lines });
    };
    outbox.on("sent", sent);
    this.#keep(() => outbox.off("sent", sent));
    const failure = (error: BridgeError): void => this.#report(error);
    outbox.on("failure", failure);
    this.#keep(() => outbox.off("failure", failure));
  }

  /** The tracker half of the Discord listeners: guild, channels and member sync. */
  #listenTracker(): void {
    const { tracker, gateway } = this;
    tracker.attach(gateway);
    const onReady = (): void => this.#guilds.onReady();
    tracker.on("ready", onReady);
    this.#keep(() => tracker.off("ready", onReady));
    const onAvailable = (guild: TrackerGuild): void => this.#guilds.onAvailable(guild);
    tracker.on("guildAvailable", onAvailable);
    this.#keep(() => tracker.off("guildAvailable", onAvailable));
    const onProgress = (guildId: string, received: number, expected: number): void => {
      if (guildId === this.#guilds.guildId) this.emit("sync", { guild: tracker.getGuild(guildId)?.name ?? guildId, received, expected, done: false });
    };
    tracker.on("syncProgress", onProgress);
    const onChannelUpdate = (channel: { readonly id: string }): void => this.#modes.forget(channel.id);
    tracker.on("channelUpdate", onChannelUpdate);
    this.#keep(() => tracker.off("channelUpdate", onChannelUpdate));
    this.#keep(() => tracker.off("syncProgress", onProgress));
    const onSynced = (guild: TrackerGuild): void => {
      if (guild.id === this.#guilds.guildId) this.emit("sync", { guild: guild.name, received: guild.trackedMembers, expected: guild.memberCount, done: true });
    };
    tracker.on("synced", onSynced);
    this.#keep(() => tracker.off("synced", onSynced));
    const onTrackerError = (error: Error): void => {
      this.emit("debug", `tracker: ${describeError(error)}`);
    };
    tracker.on("error", onTrackerError);
    this.#keep(() => tracker.off("error", onTrackerError));
  }

  /** The gateway half of the Discord listeners: messages, state, sessions, errors. */
  #listenGateway(): void {
    const { gateway } = this;
    const onDispatch = (payload: TrackerDispatch): void => {
      if (payload.t !== "MESSAGE_CREATE") return;
      this.#inbound = this.#inbound.then(
        () => this.#relay.onMessage(payload.d),
        () => undefined,
      ).catch((cause: unknown) => this.#report(new BridgeError("BRIDGE_RELAY_FAILED", `a Discord message could not be relayed (${describeError(cause)})`, { cause })));
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
    const onReconnecting = (info: GatewayReconnectInfo): void => {
      // One outage of an established session, however many attempts it takes.
      if (this.#sessions > 0 && !this.#outage) {
        this.#outage = true;
        this.#reconnects++;
      }
      this.emit("reconnecting", info);
    };
    gateway.on("reconnecting", onReconnecting);
    this.#keep(() => gateway.off("reconnecting", onReconnecting));
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
        this.emit("debug", `gateway: ${describeError(error)}`);
        return;
      }
      this.#report(new BridgeError("BRIDGE_CONNECT_FAILED", `the Discord connection stopped (${describeError(error)})`, { cause: error }));
    };
    gateway.on("error", onError);
    this.#keep(() => gateway.off("error", onError));
  }

  /** The guild's channels are known (again): route what was held, tell, and send if the gateway is ready. */
  #channelsResolved(channels: Readonly<Record<string, { readonly id: string; readonly name: string }>>, guild: TrackerGuild): void {
    this.#echo.flushPending();
    this.emit("guildReady", { guild, channels });
    this.#resumeIfReady();
  }

  #reconnected(kind: "resumed" | "identified"): void {
    this.#outage = false;
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
    if (this.#guilds.channels !== null && this.gateway.state === "ready" && !this.#stopped) this.outbox.resume();
  }

  /** Keeps a REST call in flight so that `stop()` can wait for it. */
  #track(promise: Promise<void>): void {
    this.#outstanding.add(promise);
    void promise.finally(() => this.#outstanding.delete(promise));
  }
}
