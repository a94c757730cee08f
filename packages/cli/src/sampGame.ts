// The CLI's contact with @nuwani/samp: a real SA-MP / open.mp server read from outside (query,
// RCON, log), and what the CLI prints of it.
import { describeTarget, type DeliveryTarget } from "@nuwani/game";
import type { Clock } from "@nuwani/util";
import { createSampGameServer, type GameConfig, type SampError } from "@nuwani/samp";
import type { Printer } from "./Printer.js";
import { describeEcho, type CliGame } from "./simulatedGame.js";

/** What an operator is told about a failure the adapter survives, by its code. */
const ADVICE: Partial<Record<string, string>> = {
  SAMP_RCON_BAD_PASSWORD:
    "the game server refused the RCON password (game.rconPassword or NUWANI_RCON_PASSWORD): nothing from Discord can be delivered into the game until it is fixed",
  SAMP_RCON_NO_REPLY:
    "the game server did not answer RCON (open.mp answers a wrong password with silence, or RCON is off): messages from Discord may not reach the game",
};

/**
 * The SA-MP / open.mp adapter of `@nuwani/samp` as the CLI's game: it prints the game's echo
 * events (`game`), what the bridge delivers into it (`Discord→game`), watchdog changes and the
 * failures it survives (never the RCON password: `SampError`s do not carry it), and adds its
 * counters to the summary.
 */
export function sampGame(options: { readonly config: GameConfig; readonly clock: Clock; readonly print: Printer; readonly label?: string }): CliGame {
  const { print, config } = options;
  const onWarning = (error: SampError): void => {
    print.line("error", `game: ${ADVICE[error.code] ?? error.message} (${error.code})`);
  };
  const game = createSampGameServer(config, { clock: options.clock, onWarning });
  const deliver = game.deliver.bind(game);
  game.deliver = (to: DeliveryTarget, text: string): Promise<void> => {
    print.line("toGame", text, to === "all" ? {} : { note: `  (to ${describeTarget(to)})` });
    return deliver(to, text);
  };
  game.on("echo", (tag, params) => print.line("game", describeEcho(tag, params)));
  game.on("health", (state, detail) =>
    print.line(state === "down" ? "fault" : "bridge", `watchdog: the game server is ${state === "down" ? "unreachable" : "reachable again"} (${detail})`),
  );
  const name = options.label ?? (config.type === "openmp" ? "open.mp" : "SA-MP");
  return {
    game,
    start: async () => {
      await game.start();
      print.line("bridge", `reading the ${name} server at ${config.host}:${config.port}${config.logPath === undefined ? " (no log: no echo events)" : " and its log (from its end)"}`);
    },
    stop: () => game.stop(),
    summary: () => {
      const stats = game.stats;
      return [
        `  game             ${name}: ${stats.echoes} echo events, ${stats.delivered} lines delivered, ${stats.deliveryFailures} delivery failures`,
        `  watchdog         ${stats.outages} outages, ${stats.polls} polls (${stats.pollFailures} unanswered)`,
      ];
    },
  };
}
