import {
  Bridge,
  BridgeError,
  defaultFormats,
  loadConfig,
  loadFormats,
  mergeFormats,
  type BridgeRest,
  type EchoFormats,
  type EnabledBridgeConfig,
} from "@nuwani/bridge";
import { systemClock, type Clock } from "@nuwani/util";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DiscordRest } from "@nuwani/rest";
import { parseGameConfig, SampError, type GameConfig } from "@nuwani/samp";
import { CliError } from "./CliError.js";
import { demoScript, displayName, startDemo, DEMO_SCRIPT_LENGTH, type Demo } from "./demo.js";
import { EXIT_CODES, type ExitCode } from "./exitCodes.js";
import { markPostedLines, SIMULATED_MARK } from "./markPostedLines.js";
import { CLI_USAGE, parseCliArgs, type CliCommand } from "./parseCliArgs.js";
import { formatSummary, Printer, type CliStream } from "./Printer.js";
import { listen, plainError } from "./printBridge.js";
import { sampGame } from "./sampGame.js";
import { simulatedGame, type CliGame } from "./simulatedGame.js";

/** What {@link runCli} runs with, besides its arguments. */
export interface CliOptions {
  /** The environment (`NUWANI_DISCORD_TOKEN`, `NO_COLOR`). @defaultValue `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @defaultValue `process.stdout` */
  readonly stdout?: CliStream;
  /** Errors and usage. @defaultValue `process.stderr` */
  readonly stderr?: CliStream;
  /**
   * Ends the run (the bin aborts it on SIGINT and SIGTERM, with the signal's name as the
   * reason, which picks exit code 130 or 143). Armed before connecting.
   */
  readonly signal?: AbortSignal;
  /**
   * Time of the CLI's own waits (`--for`, the demo's script, the shutdown bounds), of the
   * bridge's outbox, of the simulated game, and of the REST client it makes for `--config`
   * (its retry backoff and timeouts). @defaultValue `systemClock` of `@nuwani/util`
   */
  readonly clock?: Clock;
  /** What `--version` prints. @defaultValue the bin passes its package.json version */
  readonly version?: string;
  /** Members of the demo guild. @defaultValue 2500 */
  readonly demoMembers?: number;
}

/** How long the game → Discord lines still queued may take to leave after `--for`. */
export const DRAIN_AFTER_FOR = 8000;
/**
 * The demo ends within `--for`: its game stops this share of `--for` early (at most
 * {@link DRAIN_AFTER_FOR}), and that is the time the queued lines get.
 */
export const DEMO_DRAIN_SHARE = 0.15;
/** The same after SIGINT/SIGTERM: the operator wants out. */
export const DRAIN_AFTER_SIGNAL = 1500;
/** The longest each closing step (the bridge, the demo's fake Discord) may take. */
export const CLOSE_TIMEOUT = 1500;

type StopReason = "for" | "SIGINT" | "SIGTERM" | "abort";
/** Why a connected run ended: a stop request, or the connection stopped for good. */
type EndReason = StopReason | "lost";

/** Where a run's Discord and game come from. */
interface Setup {
  readonly config: EnabledBridgeConfig;
  readonly formats: EchoFormats;
  readonly demo?: Demo;
  readonly rest?: BridgeRest;
  /** Every line the game makes the bridge post is marked `[simulated]`. */
  readonly marked: boolean;
  /** A real (or the demo's fake) SA-MP / open.mp server, read by `@nuwani/samp`; absent: the simulated game. */
  readonly game?: GameConfig;
}


/**
 * Resolves when the run should end: at `--for`, or when `signal` aborts. Armed at once, before
 * anything connects, so neither can be missed while Discord does not answer.
 */
function armStop(ms: number | undefined, signal: AbortSignal | undefined, clock: Clock): { readonly stopped: Promise<StopReason>; destroy(): void } {
  let timer: unknown;
  let onAbort: (() => void) | undefined;
  const reasonOf = (reason: unknown): StopReason => (reason === "SIGINT" || reason === "SIGTERM" ? reason : "abort");
  const stopped = new Promise<StopReason>((resolve) => {
    if (signal?.aborted === true) return resolve(reasonOf(signal.reason));
    if (ms !== undefined) timer = clock.setTimeout(() => resolve("for"), ms);
    if (signal !== undefined) {
      onAbort = () => resolve(reasonOf(signal.reason));
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  return {
    stopped,
    destroy() {
      if (timer !== undefined) clock.clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Waits for `promise` at most `ms` on the clock; resolves either way, never rejects. */
function within(promise: Promise<unknown>, ms: number, clock: Clock): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    promise.then(
      () => {
        clock.clearTimeout(timer);
        resolve();
      },
      () => {
        clock.clearTimeout(timer);
        resolve();
      },
    );
  });
}

/** Loads what `--config` names, or starts the demo. Throws CliError/BridgeError (exit 2). */
async function prepare(command: Extract<CliCommand, { kind: "demo" | "config" }>, options: CliOptions, env: CliOptions["env"] & object, print: Printer): Promise<Setup | "off"> {
  if (command.kind === "demo") {
    const demo = await startDemo({
      ...(options.demoMembers === undefined ? {} : { members: options.demoMembers }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      game: command.simulateGame ? "simulated" : "samp",
    });
    print.line("discord", `fake Discord on ${demo.discord.gatewayUrl} (gateway) and ${demo.discord.restUrl} (REST), no token needed`);
    print.line(
      "discord",
      `guild "${demo.guild.name}": ${demo.guild.members.length} members, #echo and #admin; Management, Administrator and VIP roles mapped to levels`,
    );
    if (demo.samp === undefined) return { config: demo.config, formats: defaultFormats, demo, marked: false };
    print.line(
      "game",
      `fake SA-MP server on udp://127.0.0.1:${demo.samp.server.port} (query and RCON), its log in a temporary directory; ${demo.samp.server.players.length} players online`,
    );
    return { config: demo.config, formats: defaultFormats, demo, marked: false, game: demo.samp.config };
  }
  const loaded = await loadConfig(command.path, env);
  if (!loaded.enabled) {
    if (loaded.reason === "no-file") throw new CliError("CLI_CONFIG_NOT_FOUND", `${command.path}: there is no such file`);
    const why = { "no-section": "it has no discord section", disabled: '"enabled" is false' }[loaded.reason];
    print.print(`Discord is off: ${why} (${command.path}). Nothing connects.\n`);
    return "off";
  }
  const game = await readGameSection(command.path, env);
  if (game !== undefined && command.simulateGame) {
    throw new CliError("CLI_INVALID_ARGUMENT", `${command.path} has a game section: --simulate-game would post invented events instead of the server's`);
  }
  if (game === undefined && !command.simulateGame) {
    throw new CliError(
      "CLI_NO_GAME",
      `${command.path} enables Discord and has no game section: add one for a SA-MP / open.mp server, embed @nuwani/bridge in the gamemode, ` +
        `or pass --simulate-game to run the simulated game against this Discord (every line it posts is marked "${SIMULATED_MARK.trim()}")`,
    );
  }
  for (const warning of [...loaded.warnings, ...(game?.warnings ?? [])]) print.line("bridge", `warning: ${warning}`);
  const formats = loaded.formats === undefined ? defaultFormats : mergeFormats(defaultFormats, await loadFormats(loaded.formats));
  const rest = new DiscordRest({
    token: loaded.token.reveal(),
    version: loaded.version,
    ...(loaded.api === undefined ? {} : { baseUrl: loaded.api }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  if (game !== undefined) return { config: loaded, formats, rest, marked: false, game };
  return { config: loaded, formats, rest: markPostedLines(rest), marked: true };
}

/**
 * The `game` section of the file `loadConfig` has just read and parsed, validated by
 * `@nuwani/samp` (relative paths against the file's directory); `undefined` when absent.
 * @throws SampError `SAMP_CONFIG_INVALID` naming the field (the RCON password never in it)
 */
async function readGameSection(path: string, env: CliOptions["env"] & object): Promise<GameConfig | undefined> {
  let root: unknown;
  try {
    root = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    // loadConfig has read and parsed it a moment ago; only a file changed meanwhile lands here.
    throw new CliError("CLI_CONFIG_NOT_FOUND", `${path} could not be read again`, { cause });
  }
  if (typeof root !== "object" || root === null || !Object.hasOwn(root, "game")) return undefined;
  const section = (root as { game?: unknown }).game;
  if (section === undefined) return undefined;
  return parseGameConfig(section, env, { baseDirectory: dirname(resolve(path)) });
}

/**
 * The `nuwani-discord` command without the process around it: parsing ({@link parseCliArgs}),
 * then the wiring of a bridge between a game and Discord, printing both sides as they flow.
 * With `--config --simulate-game` it runs the simulated game against the configured Discord
 * (every posted line marked `[simulated]`); without `--config` (or with `--demo`) it starts an
 * embedded fake Discord and simulates the game. `--for` and `signal` are armed before anything
 * connects, and the shutdown after either is bounded. Resolves with an {@link EXIT_CODES}
 * value; never rejects, never prints the token.
 */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<ExitCode> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const clock = options.clock ?? systemClock;
  const print = new Printer(stdout, options.stderr ?? process.stderr, env, clock);

  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    print.fail(`${plainError(error)}\n\n${CLI_USAGE}`);
    return EXIT_CODES.USAGE;
  }
  if (command.kind === "help") {
    stdout.write(CLI_USAGE);
    return EXIT_CODES.OK;
  }
  if (command.kind === "version") {
    stdout.write(`nuwani-discord ${options.version ?? "(unknown version)"}\n`);
    return EXIT_CODES.OK;
  }

  // The demo keeps its drain inside --for; a real run drains after it.
  const seconds = command.seconds;
  const drain = seconds !== undefined && command.kind === "demo" ? Math.min(DRAIN_AFTER_FOR, Math.round(seconds * 1000 * DEMO_DRAIN_SHARE)) : DRAIN_AFTER_FOR;
  const stop = armStop(seconds === undefined ? undefined : command.kind === "demo" ? seconds * 1000 - drain : seconds * 1000, options.signal, clock);
  try {
    let setup: Setup | "off";
    try {
      setup = await prepare(command, options, env, print);
    } catch (error) {
      print.fail((error instanceof BridgeError || error instanceof SampError) && command.kind === "config" ? `${command.path}: ${plainError(error)}` : plainError(error));
      return EXIT_CODES.USAGE;
    }
    if (setup === "off") return EXIT_CODES.OK;
    return await run(setup, command.seconds, drain, stop.stopped, print, clock);
  } finally {
    stop.destroy();
  }
}

/** One run of the bridge until `stopped`; the wiring and the bounded shutdown. */
async function run(setup: Setup, seconds: number | undefined, drain: number, stopped: Promise<StopReason>, print: Printer, clock: Clock): Promise<ExitCode> {
  const { config, demo } = setup;
  const game: CliGame =
    setup.game === undefined
      ? simulatedGame({ seed: demo === undefined ? clock.now() % 100_000 : 2026, clock, print })
      : sampGame({ config: setup.game, clock, print, ...(demo === undefined ? {} : { label: "fake SA-MP" }) });
  const bridge = new Bridge({
    config,
    game: game.game,
    formats: setup.formats,
    clock,
    ...(setup.rest === undefined ? {} : { rest: setup.rest }),
    ...(demo === undefined ? {} : { gatewayOptions: { backoff: { base: 200, cap: 2000 } } }),
  });
  if (setup.marked) {
    print.line("bridge", `simulating the game against the configured Discord: every line posted there starts with "${SIMULATED_MARK.trim()}"`);
  }
  const unlisten = listen(bridge, print, setup.marked);
  // A connection that stopped for good (e.g. a fatal close, an op 9 storm) ends the run.
  const lost = new Promise<"lost">((resolve) => {
    bridge.on("error", (error) => {
      if (error.code === "BRIDGE_CONNECT_FAILED" && bridge.gateway.state === "stopped") resolve("lost");
    });
  });

  print.line("bridge", `connecting to Discord (gateway v${config.version})…`);
  const started = bridge.start().then(
    () => "ready" as const,
    (error: unknown) => ({ error }),
  );
  const first = await Promise.race([started, stopped]);
  if (typeof first === "object") {
    unlisten();
    setup.rest?.destroy?.();
    print.fail(plainError(first.error));
    await within(demo?.stop() ?? Promise.resolve(), CLOSE_TIMEOUT, clock);
    return EXIT_CODES.FAILURE;
  }
  const ready = first === "ready";
  const timers: unknown[] = [];
  if (ready) {
    print.line("bridge", "connected (READY)");
    await startGame(game, print);
    demo?.samp?.play();
    if (demo !== undefined) timers.push(...playDemo(demo, seconds, print, clock));
  } else {
    print.line("bridge", `Discord did not become ready before the run ended (${first === "for" ? "--for" : first}); stopping`);
  }
  const reason: EndReason = ready ? await Promise.race([stopped, lost]) : first;
  if (reason === "lost") print.line("bridge", "the Discord connection stopped for good; stopping");
  const signalled = reason === "SIGINT" || reason === "SIGTERM";

  for (const timer of timers) clock.clearTimeout(timer);
  demo?.samp?.server.stopAutoPlay();
  await within(Promise.resolve().then(() => game.stop()), CLOSE_TIMEOUT, clock);
  const queued = bridge.summary().gameToDiscord.queued;
  // Nothing leaves a stopped connection: no point waiting for the queue then.
  if (ready && reason !== "lost" && queued > 0) {
    print.line("bridge", `the game stopped; sending the ${queued} queued lines…`);
    await bridge.drain(signalled ? Math.min(DRAIN_AFTER_SIGNAL, drain) : drain);
  }
  await within(bridge.stop(), CLOSE_TIMEOUT, clock);
  // The bridge closes only the REST client it made; this one the CLI made.
  setup.rest?.destroy?.();
  await within(demo?.stop() ?? Promise.resolve(), CLOSE_TIMEOUT, clock);
  // The summary is the last thing printed: what the bridge still reports after its stop is not shown.
  unlisten();
  print.end(`\n${formatSummary(bridge.summary(), print.elapsed, game.summary?.() ?? [])}`);
  if (reason === "SIGINT") return EXIT_CODES.SIGINT;
  if (reason === "SIGTERM") return EXIT_CODES.SIGTERM;
  return ready && reason !== "lost" ? EXIT_CODES.OK : EXIT_CODES.FAILURE;
}

/** Starts the game; a failure (say the log cannot be read) is printed, and the bridge runs on without echo events. */
async function startGame(game: CliGame, print: Printer): Promise<void> {
  try {
    await game.start();
  } catch (error) {
    print.line("error", `game: ${plainError(error)}`);
  }
}


/** Schedules the demo's Discord side on the clock, squeezed into `--for` when that is shorter. */
function playDemo(demo: Demo, seconds: number | undefined, print: Printer, clock: Clock): unknown[] {
  const scale = seconds === undefined ? 1 : Math.min(1, (seconds * 1000 * 0.8) / DEMO_SCRIPT_LENGTH);
  const people = new Map([demo.people.management, demo.people.administrator, demo.people.vip, ...demo.people.players].map((m) => [m.user.id, m]));
  const channelNames = new Map([
    [demo.channels.echo, "#echo"],
    [demo.channels.admin, "#admin"],
  ]);
  const original = demo.say.bind(demo);
  const demoWithLog: Demo = {
    ...demo,
    say(author, channelId, content, mentions) {
      print.line("discord", `${displayName(people.get(author.user.id) ?? author)}: ${content}`, { lead: channelNames.get(channelId) ?? channelId });
      original(author, channelId, content, mentions);
    },
  };
  return demoScript(demo).map((step) =>
    clock.setTimeout(() => {
      if (step.fault !== undefined) print.line("fault", step.fault);
      step.run(demoWithLog);
    }, step.at * scale),
  );
}
