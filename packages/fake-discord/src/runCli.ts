import { parseArgs } from "node:util";
import { createGuild } from "./createGuild.js";
import { FakeDiscord } from "./FakeDiscord.js";
import { FakeDiscordError } from "./FakeDiscordError.js";

/** A fake Discord started by {@link runCli}. */
export interface RunningCli {
  readonly discord: FakeDiscord;
  /** Stops the fake (both servers) and reports it. */
  stop(): Promise<void>;
}

/** The usage text of the `fake-discord` command. */
export const CLI_USAGE = `Usage: fake-discord [options]

Starts a fake Discord (gateway v6/v10 + REST) on 127.0.0.1 with a demo guild, until
SIGINT or SIGTERM.

Options:
  --port <n>        gateway port (default: a free one)
  --rest-port <n>   REST port (default: --port + 1, or a free one)
  --members <n>     members of the demo guild, the bot included (default: 100)
  --online <f>      share of members online, 0–1 (default: 0.25)
  --token <t>       the bot token clients must use (default: fake-token)
  -v, --version     print the version
  -h, --help        show this text

Exit codes: 0 done, 1 failure, 2 bad arguments, 130 / 143 stopped by SIGINT / SIGTERM.
`;

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** What `--version` prints. @defaultValue the bin passes its package.json version */
  readonly version?: string;
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `--${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}

/**
 * The `fake-discord` command without the process around it: parses `argv`, starts a
 * {@link FakeDiscord} with a demo guild, and writes its gateway URL, REST URL and token
 * (a fake one) to `write`, one `name: value` line each. Resolves with the running fake, or
 * `undefined` after `--help` and `--version`. Bad arguments reject with
 * `FAKE_DISCORD_INVALID_ARGUMENT`.
 */
export async function runCli(argv: readonly string[], write: (text: string) => void, options: RunCliOptions = {}): Promise<RunningCli | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        "rest-port": { type: "string" },
        members: { type: "string" },
        online: { type: "string" },
        token: { type: "string" },
        version: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `${(cause as Error).message}\n\n${CLI_USAGE}`, { cause });
  }
  if (values.help === true) {
    write(CLI_USAGE);
    return undefined;
  }
  if (values.version === true) {
    write(`fake-discord ${options.version ?? "(unknown version)"}\n`);
    return undefined;
  }
  const port = integer("port", values.port, 0, 0, 65535);
  const restPort = integer("rest-port", values["rest-port"], port === 0 ? 0 : port + 1, 0, 65535);
  const members = integer("members", values.members, 100, 1, 1_000_000);
  const online = values.online === undefined ? 0.25 : Number(values.online);
  if (!(online >= 0 && online <= 1)) {
    throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "--online must be a number from 0 to 1");
  }
  const token = values.token ?? "fake-token";
  if (token === "") throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "--token must not be empty");

  const guild = createGuild({ members, online });
  const discord = new FakeDiscord({ token, guilds: [guild] });
  await discord.start({ gatewayPort: port, restPort });
  write(
    [
      "fake-discord is running",
      `gateway: ${discord.gatewayUrl}`,
      `rest: ${discord.restUrl}`,
      `token: ${token}`,
      `guild: ${guild.name} (${guild.id}), ${guild.members.length} members`,
      "versions: ?v=6&encoding=json or ?v=10&encoding=json",
      "Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );
  return {
    discord,
    stop: async () => {
      await discord.stop();
      write("fake-discord stopped\n");
    },
  };
}
