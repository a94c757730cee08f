/** A player's level in game, lowest first. */
export type PlayerLevel = "player" | "vip" | "administrator" | "management";

/** Every {@link PlayerLevel}, lowest first. */
export const PLAYER_LEVELS: readonly PlayerLevel[] = ["player", "vip", "administrator", "management"];

/** Whether `level` is at least `minimum`. */
export function hasLevel(level: PlayerLevel, minimum: PlayerLevel): boolean {
  return PLAYER_LEVELS.indexOf(level) >= PLAYER_LEVELS.indexOf(minimum);
}

/** An online player. */
export interface Player {
  /** The in-game player id (SA-MP: 0–999, reused after a player leaves). */
  readonly id: number;
  readonly name: string;
  readonly level: PlayerLevel;
}

/** Why a player left. */
export type LeaveReason = "quit" | "timeout" | "kicked";

/** Who receives a delivered message. */
export type DeliveryTarget = "all" | "administrators";

/** Options of {@link GameServer.deliver}. */
export interface DeliverOptions {
  readonly to: DeliveryTarget;
}

/** One positional parameter of an echo call, as the gamemode passes it. */
export type EchoParam = string | number;

/** Fields of an echo line, as the gamemode's echo calls pass them. */
export type EchoFields = Readonly<Record<string, string | number>>;

/**
 * Events of a {@link GameServer}, as labelled tuples. `echo` carries the gamemode's echo
 * lines (`tag` + positional parameters), which the bridge formats for Discord; the other events tell it what
 * happens in game.
 */
export interface GameServerEvents {
  chat: [player: Player, text: string];
  adminChat: [player: Player, text: string];
  join: [player: Player];
  leave: [player: Player, reason: LeaveReason];
  /** The gamemode's `echo(tag, ...params)`: positional parameters, LVP's order. */
  echo: [tag: string, params: readonly EchoParam[]];
}

/**
 * What the bridge needs from the game. A gamemode implements it in process; a process beside
 * the game implements it over whatever link it has. {@link SimulatedGameServer} implements it
 * for tests and the demo. An `EventEmitter<GameServerEvents>` subclass satisfies the event
 * half.
 */
export interface GameServer {
  /** The players online now. */
  players(): Player[];
  /**
   * Shows a message in game, to every player or to administrators only. The bridge passes
   * text that is already sanitised and at most one game line long.
   */
  deliver(message: string, options: DeliverOptions): void;
  on<E extends keyof GameServerEvents>(event: E, listener: (...args: GameServerEvents[E]) => void): unknown;
  off<E extends keyof GameServerEvents>(event: E, listener: (...args: GameServerEvents[E]) => void): unknown;
}
