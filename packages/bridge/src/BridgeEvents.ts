import type { GatewayReconnectInfo } from "@nuwani/gateway";
import type { TrackerGuild } from "@nuwani/tracker";
import type { BridgeError } from "./BridgeError.js";
import type { CommandOutcome } from "./commands.js";
import type { FloodCounts } from "./FloodControl.js";
import type { DeliveryTarget, PlayerLevel } from "@nuwani/game";
import type { OutboxCounts } from "./Outbox.js";

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

/**
 * `GET /gateway/bot`, asked before the first Identify of a gateway the bridge made (see
 * {@link Bridge.start}): `asking` before the request; `answered`, with `sessionStarts` when its
 * `session_start_limit` was usable (else `problem` says why it was ignored); `failed`, and the
 * gateway identifies without the limit (`problem` says why).
 */
export interface GatewayBotEvent {
  readonly kind: "asking" | "answered" | "failed";
  /** The daily session starts left, of `total`, as the identify throttle now counts them. */
  readonly sessionStarts?: { readonly remaining: number; readonly total: number };
  /** What went wrong: an error code and message, never the token. */
  readonly problem?: string;
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
  /**
   * The gateway set out to get the session back: its `reconnecting` event, forwarded as it is
   * (`reason`, `attempt`, `delay` in ms, `resume`, the close `code`, the `error` of a failed
   * attempt). Also for the failed attempts before the first session.
   */
  reconnecting: [event: GatewayReconnectInfo];
  /** A session came back after an outage: resumed, or identified afresh. */
  reconnect: [event: { readonly kind: "resumed" | "identified"; readonly count: number }];
  /** `GET /gateway/bot` before identifying: asked, answered or failed. */
  gatewayBot: [event: GatewayBotEvent];
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
  /**
   * Outages of an established session: counted from the gateway's `reconnecting` event, once
   * per outage however many attempts it takes (failed attempts before the first session are
   * not outages).
   */
  readonly reconnects: number;
  /** Reactions to mentions of the bot. */
  readonly reactions: number;
}

/** The channel roles whose plain messages reach the game, and whom they reach there. */
export type RelayRole = "echo" | "admin" | "management" | "vip";
