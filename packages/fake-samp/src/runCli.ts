import { parseArgs } from "node:util";
import { FakeNuwaniInclude } from "./FakeNuwaniInclude.js";
import { FakeSampError } from "./FakeSampError.js";
import type { FakeSampFlavour } from "./FakeSampLog.js";
import { DEFAULT_NAMES } from "./FakeSampPlay.js";
import { FakeSampServer } from "./FakeSampServer.js";

/** A fake server started by {@link runCli}. */
export interface RunningCli {
  readonly server: FakeSampServer;
  /** The include emulation, with `--include`. */
  readonly include: FakeNuwaniInclude | undefined;
  /** Stops the fake and reports it. */
  stop(): Promise<void>;
}

/** The usage text of the `fake-samp` command. */
export const CLI_USAGE = `Usage: fake-samp [options]

Starts a fake SA-MP or open.mp server (query + RCON over UDP) on 127.0.0.1, optionally
writing a server log as simulated play happens, until SIGINT or SIGTERM.

Options:
  --port <n>            UDP port (default: a free one)
  --flavour <f>         samp or openmp (default: samp)
  --players <n>         players online at start (default: 5)
  --max-players <n>     slots, 1–1000 (default: 50)
  --hostname <text>     server name (default: Nuwani test server)
  --encoding <name>     code page (default: windows-1252)
  --log <path>          write a server log there (default: no log)
  --no-timestamps       log lines without the timestamp prefix
  --play-interval <ms>  one step of simulated play every <ms>, 0 for none (default: 2000)
  --seed <n>            seed of the simulated play (default: 1)
  --rcon-password <pw>  enable RCON; FAKE_SAMP_RCON_PASSWORD works too and keeps it out of ps
  --include             emulate the Nuwani Pawn include (nuwani_* RCON commands, heartbeat)
  -h, --help            show this text
`;

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", `--${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}

/**
 * The `fake-samp` command without the process around it: parses `argv`, starts a
 * {@link FakeSampServer} and writes where it listens to `write` (never the RCON password).
 * Resolves with the running fake, or `undefined` after `--help`. Bad arguments reject with
 * `FAKE_SAMP_INVALID_ARGUMENT`.
 */
export async function runCli(
  argv: readonly string[],
  write: (text: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<RunningCli | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        flavour: { type: "string" },
        players: { type: "string" },
        "max-players": { type: "string" },
        hostname: { type: "string" },
        encoding: { type: "string" },
        log: { type: "string" },
        "no-timestamps": { type: "boolean" },
        "play-interval": { type: "string" },
        seed: { type: "string" },
        "rcon-password": { type: "string" },
        include: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", `${(cause as Error).message}\n\n${CLI_USAGE}`, { cause });
  }
  if (values.help === true) {
    write(CLI_USAGE);
    return undefined;
  }
  const flavour = (values.flavour ?? "samp") as FakeSampFlavour;
  if (flavour !== "samp" && flavour !== "openmp") throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "--flavour must be samp or openmp");
  const port = integer("port", values.port, 0, 0, 65535);
  const maxPlayers = integer("max-players", values["max-players"], 50, 1, 1000);
  const players = integer("players", values.players, Math.min(5, maxPlayers), 0, maxPlayers);
  const interval = integer("play-interval", values["play-interval"], 2000, 0, 2 ** 31 - 1);
  const seed = integer("seed", values.seed, 1, 0, 2 ** 32 - 1);
  const rconPassword = values["rcon-password"] ?? env["FAKE_SAMP_RCON_PASSWORD"];
  const server = new FakeSampServer({
    flavour,
    maxPlayers,
    seed,
    ...(values.hostname === undefined ? {} : { hostname: values.hostname }),
    ...(values.encoding === undefined ? {} : { encoding: values.encoding }),
    ...(rconPassword === undefined ? {} : { rconPassword }),
    ...(values.log === undefined ? {} : { log: { path: values.log, timestamps: values["no-timestamps"] !== true } }),
    players: Array.from({ length: players }, (_, i) => ({ name: DEFAULT_NAMES[i] ?? `Player${i}` })),
  });
  const include = values.include === true ? new FakeNuwaniInclude(server) : undefined;
  await server.start(port);
  if (interval > 0) server.startAutoPlay(interval);
  write(
    [
      `fake-samp is running (${flavour === "samp" ? "SA-MP 0.3.7" : "open.mp"})`,
      `query: ${server.address}:${server.port}`,
      `rcon: ${rconPassword === undefined || rconPassword === "" ? "off" : "on"}${include === undefined ? "" : ", with the Nuwani include's commands"}`,
      `log: ${server.log === undefined ? "none" : `${server.log.path} (${server.codePage.encoding})`}`,
      `players: ${server.players.length}/${server.maxPlayers}, ${interval > 0 ? `a play step every ${interval} ms` : "no simulated play"}`,
      "Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );
  return {
    server,
    include,
    stop: async () => {
      include?.stop();
      await server.stop();
      write("fake-samp stopped\n");
    },
  };
}
