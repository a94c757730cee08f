// The CLI's one contact with the GameServer contract: the simulated game, and what the CLI
// prints of it. When the contract changes, this file changes.
import { SimulatedGameServer } from "@nuwani/bridge";
import { describeTarget, type DeliveryTarget, type EchoParam, type GameServer } from "@nuwani/game";
import type { Clock } from "@nuwani/util";
import type { Printer } from "./Printer.js";

/** A game the CLI runs the bridge against. */
export interface CliGame {
  readonly game: GameServer;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Lines the summary adds about the game (the SA-MP adapter's counters), if any. */
  summary?(): string[];
}

/** A one-line description of an echo event, for the CLI's `game` column. */
export function describeEcho(tag: string, params: readonly EchoParam[]): string {
  const p = (index: number): string => String(params[index] ?? "?");
  switch (tag) {
    case "join":
      return `${p(1)} joined`;
    case "quit":
      return `${p(1)} left (${p(2)})`;
    case "chat":
      return `${p(1)}: ${p(2)}`;
    case "chat-admin":
      return `[admin chat] ${p(1)}: ${p(2)}`;
    case "death":
      return `${p(0)} died`;
    case "kill":
      return `${p(2)} killed ${p(0)} (${p(4)})`;
    case "report":
      return `${p(0)} reported ${p(2)}: ${p(4)}`;
    case "notice-announce":
      return `[announcement] ${p(0)}`;
    default:
      return `${tag} ${JSON.stringify(params)}`;
  }
}

/**
 * The simulated game, printing what it says (`game`) and what the bridge delivers into it
 * (`Discord→game`). Everything printed passes through the printer, which neutralises it.
 */
export function simulatedGame(options: { readonly seed: number; readonly clock: Clock; readonly print: Printer }): CliGame {
  const { print } = options;
  const game = new SimulatedGameServer({ seed: options.seed, rate: 3, maxPlayers: 30, clock: options.clock });
  const deliver = game.deliver.bind(game);
  game.deliver = (to: DeliveryTarget, text: string): void => {
    print.line("toGame", text, to === "all" ? {} : { note: `  (to ${describeTarget(to)})` });
    deliver(to, text);
  };
  game.on("echo", (tag, params) => print.line("game", describeEcho(tag, params)));
  return {
    game,
    start: () => game.start(),
    stop: () => game.stop(),
  };
}
