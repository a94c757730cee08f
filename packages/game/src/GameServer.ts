// The contract between the bridge and a game. The bridge consumes it; a gamemode (in process) or
// an adapter beside the game (such as @nuwani/samp) implements it. It lives in its own package so
// that neither side imports the other.

/** One positional parameter of an echo call, as the gamemode passes it. */
export type EchoParam = string | number;

/**
 * A player's level: a name from the configured level ladder (configuration data, not a closed
 * union; the bridge's `LevelLadder` orders them). The default ladder, lowest first, is LVP's:
 * {@link DEFAULT_LEVELS}.
 */
export type PlayerLevel = string;

/** An online player. */
export interface Player {
  /** The in-game player id (SA-MP: 0–999, reused after a player leaves). */
  readonly id: number;
  readonly name: string;
  readonly level: PlayerLevel;
}

/** Who receives a delivered message: one of LVP's audiences, or one player by id. */
export type DeliveryTarget = "all" | "vips" | "administrators" | "management" | { readonly player: number };

/** Events of a {@link GameServer}, as labelled tuples (typed; the bridge uses no casts). */
export interface GameServerEvents {
  /** The gamemode's `echo(tag, ...params)`: positional parameters, LVP's order. */
  echo: [tag: string, params: readonly EchoParam[]];
  /**
   * Reachability of an out-of-process game (watchdog): the bridge posts an alert to the admin
   * channel on `"down"` and a recovery line on `"up"`. In-process games never emit it. `detail`
   * is plain text.
   */
  health: [state: "down" | "up", detail: string];
}

/** A muted player, as {@link GameMutes.list} reports it. */
export interface MutedPlayer {
  readonly id: number;
  readonly name: string;
  /** Seconds until the mute ends; absent when it lasts until unmuted (or the game does not say). */
  readonly remainingSeconds?: number;
}

/** Mute state, where the game offers it (LVP's gamemode does; the SA-MP adapter through its Pawn include). */
export interface GameMutes {
  /** Mutes a player in game; `durationSeconds` undefined = until unmuted. */
  mute(playerId: number, durationSeconds: number | undefined): void | Promise<void>;
  /** Lifts a player's mute. */
  unmute(playerId: number): void | Promise<void>;
  /** The players muted now. */
  list(): readonly MutedPlayer[] | Promise<readonly MutedPlayer[]>;
}

/**
 * What the bridge consumes from and offers to a game. A JavaScript gamemode implements it in
 * process (see the README, "Embedding the bridge in a gamemode"); an adapter beside the game
 * implements it over whatever link it has (`SampGameServer` of `@nuwani/samp` over a SA-MP or
 * open.mp server's query, RCON and log); the bridge's `SimulatedGameServer` implements it for
 * tests and the demo. An `EventEmitter<GameServerEvents>` subclass satisfies the event half.
 */
export interface GameServer {
  /** The players online now (an out-of-process adapter returns its cached roster). */
  players(): readonly Player[];
  /**
   * Shows `text` in game to the target. The bridge passes text already sanitised and at most
   * one game line (144 characters). May be async (RCON); a rejection is reported by the
   * bridge, never thrown past it.
   */
  deliver(target: DeliveryTarget, text: string): void | Promise<void>;
  /** A game-wide announcement (LVP's `!announce`). */
  announce(text: string): void | Promise<void>;
  /** Present when the game can mute players. */
  readonly mutes?: GameMutes;
  /** Adds a listener for one of the {@link GameServerEvents}. */
  on<E extends keyof GameServerEvents>(event: E, listener: (...args: GameServerEvents[E]) => void): unknown;
  /** Removes a listener added with `on`. */
  off<E extends keyof GameServerEvents>(event: E, listener: (...args: GameServerEvents[E]) => void): unknown;
}

/** How a {@link DeliveryTarget} reads in logs and events: `all`, `vips`, …, `player 7`. */
export function describeTarget(target: DeliveryTarget): string {
  return typeof target === "string" ? target : `player ${target.player}`;
}

/** LVP's level ladder, lowest first: the default where a ladder is not configured. */
export const DEFAULT_LEVELS: readonly PlayerLevel[] = Object.freeze(["player", "vip", "administrator", "management"]);

/** The longest chat line the game shows (SA-MP's `SendClientMessage`): 144 characters. */
export const GAME_LINE_LENGTH = 144;
