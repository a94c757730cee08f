import { parseArgs } from "node:util";
import { Bridge, type BridgeSummary } from "./Bridge.js";
import { BridgeError } from "./BridgeError.js";
import { loadConfig, type EnabledBridgeConfig } from "./config.js";
import { defaultFormats } from "./defaultFormats.js";
import { demoScript, displayName, startDemo, DEMO_SCRIPT_LENGTH, type Demo } from "./demo.js";
import { loadFormats, mergeFormats, type EchoFormats } from "./formats.js";
import { describeTarget, type DeliveryTarget, type EchoParam } from "./GameServer.js";
import { SimulatedGameServer } from "./SimulatedGameServer.js";

/** Where the CLI writes. */
export interface CliStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** What {@link runCli} runs with, besides its arguments. */
export interface CliOptions {
  /** The environment (`NUWANI_DISCORD_TOKEN`, `NO_COLOR`). @defaultValue `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @defaultValue `process.stdout` */
  readonly stdout?: CliStream;
  /** Errors and usage. @defaultValue `process.stderr` */
  readonly stderr?: CliStream;
  /** Ends a run without `--for` (the bin wires SIGINT and SIGTERM to it). */
  readonly signal?: AbortSignal;
  /** Members of the demo guild. @defaultValue 2500 */
  readonly demoMembers?: number;
}

/** The usage text of `nuwani-discord`. */
export const CLI_USAGE = `Usage: nuwani-discord [--config <nuwani.json>] [--demo] [--for <seconds>]

Runs the Las Venturas Playground Discord bridge between a game server and Discord.

  --config <path>   connect to Discord as the "discord" section of this nuwani.json says
                    (the token may come from NUWANI_DISCORD_TOKEN instead)
  --demo            start an embedded fake Discord and a simulated game server and run the
                    bridge between them (the default without --config): no token, no internet
  --for <seconds>   run this long, print a summary and exit (default: until Ctrl+C)
  -h, --help        show this text

Output is coloured on a terminal; set NO_COLOR for plain text.
Exit codes: 0 done, 1 Discord failed, 2 bad arguments or configuration.
`;

type Paint = (text: string) => string;

interface Printer {
  readonly dim: Paint;
  readonly bold: Paint;
  line(side: string, text: string): void;
  sides: Record<"game" | "toGame" | "discord" | "toDiscord" | "bridge" | "fault" | "error", string>;
}

function printer(stdout: CliStream, env: Readonly<Record<string, string | undefined>>): Printer {
  const colour = stdout.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
  const paint =
    (code: string): Paint =>
    (text) =>
      colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  const dim = paint("2");
  const started = performance.now();
  const width = 12;
  const side = (code: string, label: string): string => paint(code)(label.padEnd(width));
  return {
    dim,
    bold: paint("1"),
    sides: {
      game: side("32", "game"),
      toDiscord: side("32;1", "game→Discord"),
      discord: side("35", "Discord"),
      toGame: side("35;1", "Discord→game"),
      bridge: side("36", "bridge"),
      fault: side("33", "fault"),
      error: side("31", "error"),
    },
    line(label, text) {
      const time = dim(`+${((performance.now() - started) / 1000).toFixed(2)}s`.padStart(8));
      const [first = "", ...rest] = text.split("\n");
      const indent = " ".repeat(8 + 1 + width + 1);
      stdout.write(`${time} ${label} ${first}\n${rest.map((more) => `${indent}${more}\n`).join("")}`);
    },
  };
}

function describeEcho(tag: string, params: readonly EchoParam[]): string {
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

function plainError(error: unknown): string {
  if (error instanceof BridgeError) {
    return `${error.message}${error.field === undefined ? "" : ` [field: ${error.field}]`} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The summary lines printed at the end of a run. */
export function formatSummary(summary: BridgeSummary, seconds: number): string {
  const out = summary.gameToDiscord;
  const queued = out.queued === 0 ? "" : `, ${out.queued} still queued`;
  const commands = summary.commands;
  return [
    `Summary after ${seconds.toFixed(1)} s`,
    `  Discord → game   ${summary.discordToGame.messages} messages (${summary.discordToGame.lines} game lines)`,
    `  game → Discord   ${out.emitted} lines emitted, in ${out.messages} Discord messages`,
    `                   ${out.delivered} delivered + ${out.coalesced} coalesced + ${out.dropped} dropped${queued} = ${out.delivered + out.coalesced + out.dropped + out.queued}`,
    `  admin lines      ${out.adminLines.emitted} emitted, ${out.adminLines.delivered} delivered, ${out.adminLines.dropped} dropped`,
    `  commands         ${commands.total} (${commands.ran} ran, ${commands.denied} denied, ${commands.unknown} unknown, ${commands.limited} rate-limited, ${commands.failed} failed)`,
    `  reconnects       ${summary.reconnects}`,
    `  reactions        ${summary.reactions}`,
    "",
  ].join("\n");
}

/**
 * The `nuwani-discord` command without the process around it. With `--config` it connects to
 * Discord as configured; without (or with `--demo`) it starts an embedded fake Discord and a
 * simulated game and runs the bridge between them, printing both sides as they flow. `--for`
 * bounds the run and prints a summary. Resolves with the exit code: 0 done, 1 Discord failed,
 * 2 bad arguments or configuration. Never prints the token.
 */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let values: { config?: string | undefined; demo?: boolean | undefined; for?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { config: { type: "string" }, demo: { type: "boolean" }, for: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    stderr.write(`nuwani-discord: ${(error as Error).message}\n\n${CLI_USAGE}`);
    return 2;
  }
  if (values.help === true) {
    stdout.write(CLI_USAGE);
    return 0;
  }
  let seconds: number | undefined;
  if (values.for !== undefined) {
    seconds = Number(values.for);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
      stderr.write(`nuwani-discord: --for must be a number of seconds between 0 and 86400\n`);
      return 2;
    }
  }
  const demoMode = values.demo === true || values.config === undefined;
  const print = printer(stdout, env);

  let config: EnabledBridgeConfig;
  let formats: EchoFormats = defaultFormats;
  let demo: Demo | undefined;
  if (!demoMode) {
    const path = values.config!;
    try {
      const loaded = await loadConfig(path, env);
      if (!loaded.enabled) {
        const why = { "no-file": "there is no such file", "no-section": "it has no discord section", disabled: '"enabled" is false' }[loaded.reason];
        stdout.write(`Discord is off: ${why} (${path}). Nothing connects.\n`);
        return 0;
      }
      for (const warning of loaded.warnings) print.line(print.sides.bridge, `warning: ${warning}`);
      config = loaded;
      if (config.formats !== undefined) formats = mergeFormats(defaultFormats, await loadFormats(config.formats));
    } catch (error) {
      stderr.write(`nuwani-discord: ${path}: ${plainError(error)}\n`);
      return 2;
    }
  } else {
    demo = await startDemo(options.demoMembers === undefined ? {} : { members: options.demoMembers });
    config = demo.config;
    print.line(print.sides.discord, `fake Discord on ${demo.discord.gatewayUrl} (gateway) and ${demo.discord.restUrl} (REST), no token needed`);
    print.line(
      print.sides.discord,
      `guild "${demo.guild.name}": ${demo.guild.members.length} members, #echo and #admin; Management, Administrator and VIP roles mapped to levels`,
    );
  }

  const game = new SimulatedGameServer({ seed: demo === undefined ? Date.now() % 100_000 : 2026, rate: 3, maxPlayers: 30 });
  const deliver = game.deliver.bind(game);
  game.deliver = (to: DeliveryTarget, text: string): void => {
    print.line(print.sides.toGame, `${text}${to === "all" ? "" : print.dim(`  (to ${describeTarget(to)})`)}`);
    deliver(to, text);
  };
  const bridge = new Bridge({
    config,
    game,
    formats,
    ...(demo === undefined ? {} : { gatewayOptions: { backoff: { base: 200, cap: 2000 } } }),
  });
  const started = performance.now();
  const channelNames = new Map<string, string>();
  game.on("echo", (tag, params) => print.line(print.sides.game, describeEcho(tag, params)));
  bridge.on("gameToDiscord", ({ channelId, content }) => print.line(print.sides.toDiscord, `${print.bold(`#${channelNames.get(channelId) ?? channelId}`)} ${content}`));
  bridge.on("command", ({ author, level, content, outcome, replies }) =>
    print.line(print.sides.bridge, `${author} (${level}) ran ${content.slice(0, 60)} → ${outcome}${replies.length > 0 ? `; replied: ${replies.join(" / ")}` : ""}`),
  );
  bridge.on("mention", ({ author, emoji }) => print.line(print.sides.bridge, `${author} mentioned the bot: reacted with ${emoji}`));
  let lastProgress = -1;
  bridge.on("sync", ({ guild, received, expected, done }) => {
    if (done) print.line(print.sides.bridge, `members of ${guild} synced: ${received} of ${expected}`);
    else if (received !== lastProgress) {
      lastProgress = received;
      const width = 20;
      const filled = expected > 0 ? Math.min(width, Math.round((received / expected) * width)) : width;
      print.line(print.sides.bridge, `syncing members [${"#".repeat(filled)}${".".repeat(width - filled)}] ${received}/${expected}`);
    }
  });
  bridge.on("guildReady", ({ guild, channels }) => {
    for (const channel of Object.values(channels)) channelNames.set(channel.id, channel.name);
    print.line(
      print.sides.bridge,
      `guild ${guild.name} available; channels: ${Object.entries(channels)
        .map(([role, channel]) => `${role} → #${channel.name}`)
        .join(", ")}`,
    );
  });
  bridge.on("state", (state, previous) => {
    if (state === "reconnecting" || state === "disconnected") print.line(print.sides.bridge, `connection lost (${previous} → ${state}); outbox paused`);
  });
  bridge.on("reconnect", ({ kind }) => print.line(print.sides.bridge, `session ${kind === "resumed" ? "resumed: missed events replayed" : "identified afresh"}; outbox resumed`));
  bridge.on("error", (error) => print.line(print.sides.error, plainError(error)));

  print.line(print.sides.bridge, `connecting to Discord (gateway v${config.version})…`);
  try {
    await bridge.start();
  } catch (error) {
    stderr.write(`nuwani-discord: ${plainError(error)}\n`);
    await demo?.stop();
    return 1;
  }
  print.line(print.sides.bridge, "connected (READY)");
  game.start();

  const timers: ReturnType<typeof setTimeout>[] = [];
  if (demo !== undefined) {
    const current = demo;
    const scale = seconds === undefined ? 1 : Math.min(1, (seconds * 1000 * 0.8) / DEMO_SCRIPT_LENGTH);
    const people = new Map([current.people.management, current.people.administrator, current.people.vip, ...current.people.players].map((m) => [m.user.id, m]));
    const channelNames = new Map([
      [current.channels.echo, "#echo"],
      [current.channels.admin, "#admin"],
    ]);
    const original = current.say.bind(current);
    const demoWithLog: Demo = {
      ...current,
      say(author, channelId, content, mentions) {
        print.line(print.sides.discord, `${print.bold(channelNames.get(channelId) ?? channelId)} ${displayName(people.get(author.user.id) ?? author)}: ${content}`);
        original(author, channelId, content, mentions);
      },
    };
    for (const step of demoScript(current)) {
      timers.push(
        setTimeout(() => {
          if (step.fault !== undefined) print.line(print.sides.fault, step.fault);
          step.run(demoWithLog);
        }, step.at * scale),
      );
    }
  }

  await new Promise<void>((resolve) => {
    if (options.signal?.aborted === true) return resolve();
    const done = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = seconds === undefined ? undefined : setTimeout(done, seconds * 1000);
    options.signal?.addEventListener("abort", done, { once: true });
  });
  for (const timer of timers) clearTimeout(timer);
  game.stop();
  const queued = bridge.summary().gameToDiscord.queued;
  if (queued > 0) {
    print.line(print.sides.bridge, `the game stopped; sending the ${queued} queued lines…`);
    await bridge.drain(8000);
  }
  await bridge.stop();
  await demo?.stop();
  stdout.write(`\n${formatSummary(bridge.summary(), (performance.now() - started) / 1000)}`);
  return 0;
}
