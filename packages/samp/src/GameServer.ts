// The GameServer contract of issue 10, declared here structurally (identical to the bridge's)
// so that @nuwani/samp depends on no Discord package. Keep it in step with the bridge's copy.

/** One positional parameter of an echo call, as the gamemode passes it. */
export type EchoParam = string | number;

/**
 * A player's level: a name from the configured level ladder (configuration data, not a closed
 * union). The default ladder, lowest first, is LVP's: `["player", "vip", "administrator", "management"]`.
 */
export type PlayerLevel = string;

/** An online player. */
export interface Player {
  /** In-game id (SA-MP: 0–999, reused). */
  readonly id: number;
  readonly name: string;
  readonly level: PlayerLevel;
}

/** Who receives a delivered message: one of LVP's audiences, or one player by id. */
export type DeliveryTarget = "all" | "vips" | "administrators" | "management" | { readonly player: number };

/** Events of a GameServer, as labelled tuples. */
export interface GameServerEvents {
  /** The gamemode's `echo(tag, ...params)`: positional parameters, LVP's order. */
  echo: [tag: string, params: readonly EchoParam[]];
  /** Reachability of an out-of-process game (watchdog). `detail` is plain text. */
  health: [state: "down" | "up", detail: string];
}

/** A muted player. */
export interface MutedPlayer {
  readonly id: number;
  readonly name: string;
  readonly remainingSeconds?: number;
}

/** Mute state, where the game offers it (here: through the Pawn include). */
export interface GameMutes {
  /** Mutes a player in game; `durationSeconds` undefined = until unmuted. */
  mute(playerId: number, durationSeconds: number | undefined): void | Promise<void>;
  unmute(playerId: number): void | Promise<void>;
  /** The players muted now. */
  list(): readonly MutedPlayer[] | Promise<readonly MutedPlayer[]>;
}

/** What the bridge consumes from and offers to a game. */
export interface GameServer {
  /** The players online now (an out-of-process adapter returns its cached roster). */
  players(): readonly Player[];
  /** Shows `text` in game to the target. May be async (RCON); may reject. */
  deliver(target: DeliveryTarget, text: string): void | Promise<void>;
  /** A game-wide announcement (LVP's !announce). */
  announce(text: string): void | Promise<void>;
  /** Present when the game can mute players. */
  readonly mutes?: GameMutes;
  on<E extends keyof GameServerEvents>(event: E, listener: (...args: GameServerEvents[E]) => void): unknown;
  off<E extends keyof GameServerEvents>(event: E, listener: (...args: GameServerEvents[E]) => void): unknown;
}
