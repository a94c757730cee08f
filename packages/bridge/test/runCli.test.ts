import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGuild, FakeDiscord } from "@nuwani/fake-discord";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI_USAGE, runCli } from "../src/runCli.js";

const TOKEN = "cli.Token-7d1e9b-NEVER-PRINT";

interface Captured {
  out: string;
  err: string;
  stdout: { write(text: string): boolean; isTTY?: boolean };
  stderr: { write(text: string): boolean };
}

function capture(tty = false): Captured {
  const captured: Captured = {
    out: "",
    err: "",
    stdout: {
      isTTY: tty,
      write: (text) => {
        captured.out += text;
        return true;
      },
    },
    stderr: {
      write: (text) => {
        captured.err += text;
        return true;
      },
    },
  };
  return captured;
}

/** The numbers of the summary's game → Discord accounting. */
function accounting(out: string): { emitted: number; delivered: number; coalesced: number; dropped: number; queued: number; total: number } {
  const emitted = Number(/(\d+) lines emitted/.exec(out)?.[1]);
  const match = /(\d+) delivered \+ (\d+) coalesced \+ (\d+) dropped(?:, (\d+) still queued)? = (\d+)/.exec(out);
  if (match === null) throw new Error(`no accounting in:\n${out}`);
  const [, delivered, coalesced, dropped, queued = "0", total] = match;
  return { emitted, delivered: Number(delivered), coalesced: Number(coalesced), dropped: Number(dropped), queued: Number(queued), total: Number(total) };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nuwani-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(discord: Record<string, unknown>): Promise<string> {
  const path = join(dir, "nuwani.json");
  await writeFile(path, JSON.stringify({ irc: { servers: [] }, discord }));
  return path;
}

const valid = {
  token: TOKEN,
  clientId: "123456789012345678",
  guild: "223456789012345678",
  channels: { echo: "echo", admin: "admin" },
};

describe("runCli: arguments", () => {
  it("prints the usage with --help", async () => {
    const io = capture();
    expect(await runCli(["--help"], io)).toBe(0);
    expect(io.out).toBe(CLI_USAGE);
  });

  it("exits 2 on unknown options and bad durations", async () => {
    const io = capture();
    expect(await runCli(["--bogus"], io)).toBe(2);
    expect(io.err).toContain("--bogus");
    expect(await runCli(["--demo", "--for", "soon"], io)).toBe(2);
    expect(io.err).toContain("--for must be a number of seconds");
    expect(await runCli(["--for", "-1"], io)).toBe(2);
  });
});

describe("runCli: configuration errors", () => {
  const cases: Array<[field: string, discord: Record<string, unknown>, env?: Record<string, string>]> = [
    ["discord.token", { ...valid, token: `Bot ${TOKEN}` }],
    ["discord.token", { ...valid, token: 42 }],
    ["NUWANI_DISCORD_TOKEN", { ...valid }, { NUWANI_DISCORD_TOKEN: `${TOKEN} with spaces` }],
    ["discord.clientId", { ...valid, clientId: 1234567890 }],
    ["discord.clientSecret", { ...valid, clientSecret: "" }],
    ["discord.endpoint", { ...valid, endpoint: `https://${TOKEN}.example` }],
    ["discord.api", { ...valid, api: "ftp://example.com" }],
    ["discord.version", { ...valid, version: 7 }],
    ["discord.intents", { ...valid, intents: -1 }],
    ["discord.guild", { ...valid, guild: "lvp" }],
    ["discord.channels.echo", { ...valid, channels: { echo: "#", admin: "admin" } }],
    ["discord.channels.admin", { ...valid, channels: { echo: "echo", admin: 5 } }],
    ["discord.levels.Management", { ...valid, levels: { Management: "owner" } }],
    ["discord.commandPrefix", { ...valid, commandPrefix: "a b" }],
    ["discord.formats", { ...valid, formats: 3 }],
    ["discord.enabled", { ...valid, enabled: "yes" }],
  ];

  it.each(cases)("exits 2 naming %s, without the token", async (field, discord, env = {}) => {
    const io = capture();
    const path = await writeConfig(discord);
    expect(await runCli(["--config", path, "--for", "1"], { ...io, env })).toBe(2);
    expect(io.err).toContain(`[field: ${field}]`);
    expect(io.err).toContain("BRIDGE_CONFIG_INVALID");
    expect(io.out + io.err).not.toContain(TOKEN);
  });

  it("exits 2 on malformed JSON without quoting the file", async () => {
    const io = capture();
    const path = join(dir, "nuwani.json");
    await writeFile(path, `{ "discord": { "token": "${TOKEN}", } `);
    expect(await runCli(["--config", path], { ...io, env: {} })).toBe(2);
    expect(io.err).toContain("BRIDGE_CONFIG_MALFORMED");
    expect(io.out + io.err).not.toContain(TOKEN);
  });

  it("exits 2 on an invalid formats file", async () => {
    const io = capture();
    await writeFile(join(dir, "formats.json"), JSON.stringify({ join: { channel: "echo", template: "x", priority: "urgent" } }));
    const path = await writeConfig({ ...valid, formats: "formats.json" });
    expect(await runCli(["--config", path], { ...io, env: {} })).toBe(2);
    expect(io.err).toContain("BRIDGE_FORMATS_INVALID");
  });

  it("says Discord is off and exits 0 when the config disables it or has no section", async () => {
    const io = capture();
    const path = await writeConfig({ ...valid, enabled: false });
    expect(await runCli(["--config", path], { ...io, env: {} })).toBe(0);
    expect(io.out).toContain('Discord is off: "enabled" is false');
    expect(await runCli(["--config", join(dir, "missing.json")], { ...io, env: {} })).toBe(0);
    expect(io.out).toContain("there is no such file");
  });
});

describe("runCli: connecting as configured", () => {
  let discord: FakeDiscord | undefined;
  afterEach(async () => {
    await discord?.stop();
    discord = undefined;
  });

  async function fake(): Promise<{ discord: FakeDiscord; config: Record<string, unknown> }> {
    const guild = createGuild({ seed: 4, members: 20 });
    discord = new FakeDiscord({ token: TOKEN, guilds: [guild] });
    await discord.start();
    return {
      discord,
      config: {
        clientId: guild.members[0]!.user.id,
        endpoint: discord.gatewayUrl,
        api: discord.restUrl,
        version: 10,
        guild: guild.id,
        channels: { echo: "#echo", admin: "#admin" },
      },
    };
  }

  it("connects with the token from NUWANI_DISCORD_TOKEN, relays, and prints a plain summary that adds up", async () => {
    const { discord, config } = await fake();
    const path = await writeConfig({ ...config, token: "placeholder-in-the-file" });
    const io = capture(false);
    expect(await runCli(["--config", path, "--for", "1.5"], { ...io, env: { NUWANI_DISCORD_TOKEN: TOKEN } })).toBe(0);
    expect(discord.identifies).toHaveLength(1);
    expect(io.out).toContain("guild Las Venturas Playground available; channels: echo → #echo, admin → #admin");
    expect(io.out).toContain("Summary after");
    expect(io.out).not.toContain("\u001b[");
    const numbers = accounting(io.out);
    expect(numbers.emitted).toBeGreaterThan(0);
    expect(numbers.delivered + numbers.coalesced + numbers.dropped + numbers.queued).toBe(numbers.emitted);
    expect(numbers.total).toBe(numbers.emitted);
    expect(io.out + io.err).not.toContain(TOKEN);
  });

  it("exits 1 when Discord refuses the token, without printing it", async () => {
    const { config } = await fake();
    const path = await writeConfig({ ...config, token: "wrong.Token-NEVER-PRINT" });
    const io = capture();
    expect(await runCli(["--config", path, "--for", "1"], { ...io, env: {} })).toBe(1);
    expect(io.err).toContain("BRIDGE_CONNECT_FAILED");
    expect(io.out + io.err).not.toContain("wrong.Token");
  });
});

describe("runCli: the demo", () => {
  it("runs both sides for 3 s, coloured on a terminal, and prints a summary whose numbers add up", async () => {
    const io = capture(true);
    const controller = new AbortController();
    expect(await runCli(["--demo", "--for", "3"], { ...io, env: {}, signal: controller.signal })).toBe(0);
    // eslint-disable-next-line no-control-regex -- removing ANSI colours
    const plain = io.out.replace(/\u001b\[[\d;]*m/g, "");
    expect(io.out).toContain("\u001b[");
    expect(plain).toContain("fake Discord on ws://127.0.0.1:");
    expect(plain).toMatch(/syncing members \[[#.]+\] \d+\/2500/);
    expect(plain).toContain("members of Las Venturas Playground synced: 2500 of 2500");
    expect(plain).toMatch(/Discord→game +\[Discord\] \S+: hey everyone/);
    expect(plain).toMatch(/game→Discord #echo /);
    expect(plain).toContain("ran !players → ran");
    expect(plain).toContain("ran !say I can announce too, right? → denied");
    expect(plain).toContain("mentioned the bot: reacted with 👋");
    expect(plain).toContain("the gateway connection drops");
    expect(plain).toContain("session resumed");
    const numbers = accounting(plain);
    expect(numbers.emitted).toBeGreaterThan(0);
    expect(numbers.delivered + numbers.coalesced + numbers.dropped + numbers.queued).toBe(numbers.emitted);
    expect(numbers.total).toBe(numbers.emitted);
    expect(plain).toMatch(/reconnects {7}1/);
    expect(Number(/commands {9}(\d+)/.exec(plain)?.[1])).toBeGreaterThanOrEqual(6);
    expect(plain).not.toContain("fake-token");
  });

  it("stops when its signal is aborted", async () => {
    const io = capture();
    const controller = new AbortController();
    const write = io.stdout.write;
    io.stdout.write = (text) => {
      if (text.includes("connected (READY)")) controller.abort();
      return write(text);
    };
    expect(await runCli(["--demo"], { ...io, env: {}, signal: controller.signal, demoMembers: 50 })).toBe(0);
    expect(io.out).toContain("Summary after");
  });
});
