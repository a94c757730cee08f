// The CLI's one contact with the GameServer contract: the simulated game, and what the CLI
// prints of it. When the contract changes, this file changes.
import { SimulatedGameServer, type Clock, type DeliverOptions, type EchoFields, type GameServer } from "@nuwani/bridge";
import type { Printer } from "./Printer.js";

/** A game the CLI runs the bridge against. */
export interface CliGame {
  readonly game: GameServer;
  start(): void;
  stop(): void;
}

function describeEcho(tag: string, fields: EchoFields): string {
  const f = (name: string): string => String(fields[name] ?? "?");
  switch (tag) {
    case "join":
      return `${f("name")} joined`;
    case "quit":
      return `${f("name")} left (${f("reason")})`;
    case "chat":
      return `${f("name")}: ${f("text")}`;
    case "adminChat":
      return `[admin chat] ${f("name")}: ${f("text")}`;
    case "kill":
      return `${f("killer")} killed ${f("victim")} (${f("weapon")})`;
    case "report":
      return `${f("name")} reported ${f("target")}: ${f("reason")}`;
    case "announcement":
      return `[announcement] ${f("text")}`;
    default:
      return `${tag} ${JSON.stringify(fields)}`;
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
  game.deliver = (message: string, target: DeliverOptions): void => {
    print.line("toGame", message, target.to === "administrators" ? { note: "  (to administrators)" } : {});
    deliver(message, target);
  };
  game.on("echo", (tag, fields) => print.line("game", describeEcho(tag, fields)));
  return {
    game,
    start: () => game.start(),
    stop: () => game.stop(),
  };
}
