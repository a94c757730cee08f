import { parseArgs } from "node:util";
import { CliError } from "./CliError.js";

/** The usage text of `nuwani-discord`. */
export const CLI_USAGE = `Usage: nuwani-discord [--config <nuwani.json> [--simulate-game]] [--demo [--simulate-game]] [--for <seconds>]

Runs the Las Venturas Playground Discord bridge between a game server and Discord.

  --config <path>   connect to Discord as the "discord" section of this nuwani.json says
                    (the token may come from NUWANI_DISCORD_TOKEN instead) and to the SA-MP /
                    open.mp server its "game" section names (the RCON password may come from
                    NUWANI_RCON_PASSWORD instead)
  --simulate-game   with --config and no "game" section: run the simulated game against that
                    Discord; every line it posts there starts with "[simulated]". With --demo:
                    simulate the game in process instead of the fake SA-MP server
  --demo            start an embedded fake Discord and a fake SA-MP server and run the bridge
                    between them through the real SA-MP adapter (the default without
                    --config): no token, no internet
  --for <seconds>   run this long, print a summary and exit (default: until Ctrl+C)
  -v, --version     print the version
  -h, --help        show this text

Output is coloured on a terminal; set NO_COLOR for plain text. Text from Discord or the game
is printed with terminal control sequences neutralised.
Exit codes: 0 done, 1 Discord failed, stopped or never became ready, 2 bad arguments or
configuration, 130 / 143 ended by SIGINT / SIGTERM.
`;

/** The longest `--for`: a day. */
export const MAX_SECONDS = 86_400;

/** What `nuwani-discord` was asked to do. */
export type CliCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | {
      readonly kind: "demo";
      /** `--for`, in seconds; `undefined` runs until a signal. */
      readonly seconds: number | undefined;
      /** `--simulate-game`: the in-process simulation instead of the fake SA-MP server. */
      readonly simulateGame: boolean;
    }
  | {
      readonly kind: "config";
      /** The `--config` path, as given. */
      readonly path: string;
      /** `--simulate-game`: the simulated game against the configured Discord. */
      readonly simulateGame: boolean;
      readonly seconds: number | undefined;
    };

/**
 * Parses the arguments of `nuwani-discord` with Node's `util.parseArgs` (strict: no unknown
 * options, no positionals). `--help` and `--version` win over everything else.
 * @throws {@link CliError} `CLI_INVALID_ARGUMENT`, with the usage problem as its message
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: { config?: string; "simulate-game"?: boolean; demo?: boolean; for?: string; version?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: "string" },
        "simulate-game": { type: "boolean" },
        demo: { type: "boolean" },
        for: { type: "string" },
        version: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new CliError("CLI_INVALID_ARGUMENT", cause instanceof Error ? cause.message : String(cause), { cause });
  }
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };
  let seconds: number | undefined;
  if (values.for !== undefined) {
    seconds = Number(values.for);
    if (values.for.trim() === "" || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) {
      throw new CliError("CLI_INVALID_ARGUMENT", `--for must be a number of seconds between 0 and ${MAX_SECONDS}`);
    }
  }
  if (values.config !== undefined && values.demo === true) {
    throw new CliError("CLI_INVALID_ARGUMENT", "--demo runs against an embedded fake Discord; it cannot be combined with --config");
  }
  if (values.config === undefined) return { kind: "demo", seconds, simulateGame: values["simulate-game"] === true };
  if (values.config === "") throw new CliError("CLI_INVALID_ARGUMENT", "--config needs a path");
  return { kind: "config", path: values.config, simulateGame: values["simulate-game"] === true, seconds };
}
