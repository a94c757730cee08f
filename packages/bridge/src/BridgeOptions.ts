import type { GatewayReconnectInfo, IdentifyThrottleOptions } from "@nuwani/gateway";
import type { DiscordRestOptions, GatewayBotInfo } from "@nuwani/rest";
import type { DiscordTracker, TrackerDispatch, TrackerGateway } from "@nuwani/tracker";
import type { Clock } from "@nuwani/util";
import type { CommandRegistryOptions } from "./commands.js";
import type { EnabledBridgeConfig } from "./config.js";
import type { FloodControlOptions } from "./FloodControl.js";
import type { EchoFormats } from "./formats.js";
import type { GameServer, PlayerLevel } from "@nuwani/game";
import type { OutboxOptions } from "./Outbox.js";

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
  /** The connection plans its next attempt to get the session back. */
  on(event: "reconnecting", listener: (info: GatewayReconnectInfo) => void): unknown;
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
  /** Removes a `reconnecting` listener. */
  off(event: "reconnecting", listener: (info: GatewayReconnectInfo) => void): unknown;
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
  /**
   * Extra options of the REST client the bridge makes; its `clock` defaults to the bridge's
   * {@link BridgeOptions.clock}. @defaultValue none
   */
  readonly restOptions?: Pick<DiscordRestOptions, "retries" | "retryDelay" | "timeout" | "userAgentSuffix" | "maxRateLimitWait" | "clock">;
  /**
   * The one time source of the bridge: the outbox, the command rate limit, the flood control,
   * the waits for `GET /gateway/bot`, the guilds (`guildWait`) and `stop()`, and of what the
   * bridge makes — the gateway (heartbeats, reconnect backoff, identify throttle, its
   * timeouts), the tracker (member sync retries, timed-out members) and the REST client
   * (rate limits, retries, request timeouts; unless {@link BridgeOptions.restOptions} gives
   * its own). A gateway, tracker or REST client passed in keeps the clock it was made with.
   * One injected clock (e.g. `ManualClock` of `@nuwani/util`) thus drives the whole bridge.
   * @defaultValue `systemClock` of `@nuwani/util`
   */
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
