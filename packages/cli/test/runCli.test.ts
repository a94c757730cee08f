import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGuild, FakeDiscord } from "@nuwani/fake-discord";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLI_USAGE } from "../src/parseCliArgs.js";
import { runCli } from "../src/runCli.js";
import { accounting, capture } from "./support/capture.js";
import { ManualClock } from "@nuwani/util";
import { driveUntilSettled, ioTurn } from "./support/drive.js";

const TOKEN = "cli.Token-7d1e9b-NEVER-PRINT";
/** Waits on events of real loopback I/O (not on time passing): bounded, polled. */
const until = { timeout: 15_000, interval: 5 };

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
  it("prints the usage with --help and the version with --version", async () => {
    const io = capture();
    expect(await runCli(["--help"], io)).toBe(0);
    expect(io.out).toBe(CLI_USAGE);
    const version = capture();
    expect(await runCli(["--version"], { ...version, version: "1.2.3" })).toBe(0);
    expect(version.out).toBe("nuwani-discord 1.2.3\n");
    expect(await runCli(["-v"], { ...version, version: "1.2.3" })).toBe(0);
  });

  it("exits 2 on unknown options, bad durations and contradictory options", async () => {
    const io = capture();
    expect(await runCli(["--bogus"], io)).toBe(2);
    expect(io.err).toContain("--bogus");
    expect(io.err).toContain("CLI_INVALID_ARGUMENT");
    expect(await runCli(["--demo", "--for", "soon"], io)).toBe(2);
    expect(io.err).toContain("--for must be a number of seconds");
    expect(await runCli(["--for", "-1"], io)).toBe(2);
    expect(await runCli(["--for", ""], io)).toBe(2);
    expect(await runCli(["--demo", "--config", "nuwani.json"], io)).toBe(2);
    expect(io.out).toBe("");
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
    expect(await runCli(["--config", path, "--simulate-game", "--for", "1"], { ...io, env })).toBe(2);
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
    expect(await runCli(["--config", path, "--simulate-game"], { ...io, env: {} })).toBe(2);
    expect(io.err).toContain("BRIDGE_FORMATS_INVALID");
  });

  it("says Discord is off and exits 0 when the config disables it or has no section", async () => {
    const io = capture();
    const path = await writeConfig({ ...valid, enabled: false });
    expect(await runCli(["--config", path], { ...io, env: {} })).toBe(0);
    expect(io.out).toContain('Discord is off: "enabled" is false');
    await writeFile(path, JSON.stringify({ irc: { servers: [] } }));
    expect(await runCli(["--config", path], { ...io, env: {} })).toBe(0);
    expect(io.out).toContain("it has no discord section");
  });

  it("issue 10: a mistyped --config path exits 2 (CLI_CONFIG_NOT_FOUND), not 'Discord is off'", async () => {
    const io = capture();
    expect(await runCli(["--config", join(dir, "nuwani.jsno")], { ...io, env: {} })).toBe(2);
    expect(io.err).toContain("there is no such file");
    expect(io.err).toContain("CLI_CONFIG_NOT_FOUND");
    expect(io.out).not.toContain("Discord is off");
  });
});

/** A fake Discord with a guild, and the config section that points at it. */
async function fakeDiscord(guild = createGuild({ seed: 4, members: 20 })): Promise<{ discord: FakeDiscord; config: Record<string, unknown> }> {
  const discord = new FakeDiscord({ token: TOKEN, guilds: [guild] });
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

describe("runCli: a configured Discord", () => {
  let discord: FakeDiscord | undefined;
  afterEach(async () => {
    await discord?.stop();
    discord = undefined;
  });

  it("issue 10: refuses to run the simulated game against a configured Discord without --simulate-game; nothing connects", async () => {
    const fake = await fakeDiscord();
    discord = fake.discord;
    const path = await writeConfig({ ...fake.config, token: TOKEN });
    const io = capture();
    expect(await runCli(["--config", path, "--for", "1"], { ...io, env: {} })).toBe(2);
    expect(io.err).toContain("CLI_NO_GAME");
    expect(io.err).toContain("--simulate-game");
    expect(discord.identifies).toHaveLength(0);
    expect(discord.postedMessages).toHaveLength(0);
  });

  it("issue 10: with --simulate-game, connects with the token from NUWANI_DISCORD_TOKEN, marks every posted line [simulated], and prints a plain summary that adds up", async () => {
    const fake = await fakeDiscord();
    discord = fake.discord;
    const path = await writeConfig({ ...fake.config, token: "placeholder-in-the-file" });
    const io = capture(false);
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--simulate-game", "--for", "20"], { ...io, env: { NUWANI_DISCORD_TOKEN: TOKEN }, clock });
    await vi.waitFor(() => expect(io.out).toContain("guild Las Venturas Playground available; channels: echo → #echo, admin → #admin"), until);
    // Simulated seconds pass (the game talks) until something reached Discord.
    await vi.waitFor(async () => {
      clock.advance(500);
      await ioTurn();
      expect(discord!.postedMessages.length).toBeGreaterThan(1);
    }, until);
    expect(await driveUntilSettled(run, clock)).toBe(0);
    expect(discord.identifies).toHaveLength(1);
    expect(discord.rest.requests.filter((request) => request.path === "/gateway/bot")).toHaveLength(1);
    expect(io.out).toContain('every line posted there starts with "[simulated]"');
    for (const message of discord.postedMessages) {
      for (const line of message.content.split("\n")) expect(line.startsWith("[simulated] ")).toBe(true);
    }
    expect(io.out).toMatch(/game→Discord #echo \[simulated\] /);
    expect(io.out).toMatch(/Summary after 2\d\.\d s/);
    expect(io.out).not.toContain("\u001b[");
    const numbers = accounting(io.out);
    expect(numbers.emitted).toBeGreaterThan(0);
    expect(numbers.delivered + numbers.coalesced + numbers.dropped + numbers.queued).toBe(numbers.emitted);
    expect(numbers.total).toBe(numbers.emitted);
    expect(io.out + io.err).not.toContain(TOKEN);
  });

  it("ends the run (exit 1, with the summary) when the connection stops for good after READY", async () => {
    const fake = await fakeDiscord();
    discord = fake.discord;
    const path = await writeConfig({ ...fake.config, token: TOKEN });
    const io = capture();
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--simulate-game"], { ...io, env: {}, clock });
    await vi.waitFor(() => expect(io.out).toContain("available; channels"), until);
    // Discord closes with 4004 (authentication failed): fatal, no reconnect.
    discord.gateway.faults.closeAll(4004, "Authentication failed.");
    expect(await driveUntilSettled(run, clock)).toBe(1);
    expect(io.out).toContain("the Discord connection stopped for good; stopping");
    expect(io.out).toContain("Summary after");
    expect(io.out + io.err).not.toContain(TOKEN);
  });

  it("exits 1 when Discord refuses the token, without printing it", async () => {
    const fake = await fakeDiscord();
    discord = fake.discord;
    const path = await writeConfig({ ...fake.config, token: "wrong.Token-NEVER-PRINT" });
    const io = capture();
    expect(await runCli(["--config", path, "--simulate-game", "--for", "1"], { ...io, env: {} })).toBe(1);
    expect(io.err).toContain("BRIDGE_CONNECT_FAILED");
    expect(io.out + io.err).not.toContain("wrong.Token");
  });

  it("issue 10: neutralises terminal control sequences in names and messages from Discord (clear screen, OSC 52 clipboard, C1 CSI)", async () => {
    const guild = createGuild({ seed: 4, members: 20 });
    guild.name = "LVP\u001b]0;pwned title\u0007";
    const evil = guild.members[5]!;
    evil.nick = "evil\u001b[2J\u001b[H";
    const fake = await fakeDiscord(guild);
    discord = fake.discord;
    const path = await writeConfig({ ...fake.config, token: TOKEN });
    const io = capture(true);
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--simulate-game", "--for", "5"], { ...io, env: {}, clock });
    await vi.waitFor(() => expect(io.out).toContain("available; channels"), until);
    const echo = guild.channels.find((channel) => channel.name === "echo")!.id;
    discord.messageCreate({ channelId: echo, author: evil, content: "!help \u001b]52;c;ZXZpbA==\u0007 \u009b31m\r\u0008" });
    await vi.waitFor(() => expect(io.out).toContain("ran !help"), until);
    expect(await driveUntilSettled(run, clock)).toBe(0);
    // The CLI's own colours are the only escapes left: ESC [ digits m.
    // eslint-disable-next-line no-control-regex -- removing the CLI's own colours
    const withoutColours = io.out.replace(/\u001b\[[\d;]*m/g, "");
    // eslint-disable-next-line no-control-regex -- asserting no control character is left
    expect(withoutColours).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(io.out).not.toContain("\u001b[2J");
    expect(io.out).not.toContain("\u001b]52");
    expect(io.out).not.toContain("ZXZpbA==\u0007");
    expect(withoutColours).toMatch(/evil\ufffd+ \(\w+\) ran !help \ufffd/);
    expect(withoutColours).toContain("guild LVP\ufffd available");
  });
});

/** A port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("runCli: issue 9, bounded runs while Discord does not answer", () => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });

  /** A TCP server that accepts connections and never says a word (no WebSocket handshake). */
  async function silentDiscord(): Promise<string> {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return writeConfig({ ...valid, endpoint: `ws://127.0.0.1:${port}`, api: `http://127.0.0.1:${port}` });
  }

  it("issue 9: ends at --for with its summary (exit 1) although Discord never answered", async () => {
    const path = await silentDiscord();
    const io = capture();
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--simulate-game", "--for", "3"], { ...io, env: {}, clock });
    await vi.waitFor(() => expect(sockets.size).toBeGreaterThan(0), until);
    expect(await driveUntilSettled(run, clock)).toBe(1);
    expect(io.out).toContain("Discord did not become ready before the run ended (--for)");
    expect(io.out).toMatch(/Summary after [34]\.\d s/);
    expect(io.out + io.err).not.toContain(TOKEN);
  });

  it("regression: when --for ended before Discord answered, the GET /gateway/bot failure printed after the summary; the summary is the last thing printed", async () => {
    const path = await silentDiscord();
    const io = capture();
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--simulate-game", "--for", "3"], { ...io, env: {}, clock });
    await vi.waitFor(() => expect(io.out).toContain("GET /gateway/bot: asking"), until);
    expect(await driveUntilSettled(run, clock)).toBe(1);
    // What was still under way when the run ended (the 5 s bound on GET /gateway/bot, the REST
    // client it destroyed) gets its time and its turns now.
    for (let elapsed = 0; elapsed < 10_000; elapsed += 100) {
      clock.advance(100);
      for (let turn = 0; turn < 5; turn++) await ioTurn();
    }
    const out = io.out.trimEnd();
    expect(out.slice(out.lastIndexOf("Summary after"))).toMatch(/^Summary after [34]\.\d s\n[^]*\n {2}reactions {8}0$/);
    expect(out).not.toContain("GET /gateway/bot failed");
  });

  it("issue 9: the first SIGTERM while connecting ends the run with its summary (exit 143)", async () => {
    const path = await silentDiscord();
    const io = capture();
    const clock = new ManualClock();
    const controller = new AbortController();
    const run = runCli(["--config", path, "--simulate-game"], { ...io, env: {}, clock, signal: controller.signal });
    await vi.waitFor(() => expect(sockets.size).toBeGreaterThan(0), until);
    controller.abort("SIGTERM");
    // Bounded: a few seconds of clock time at most, however the connection behaves.
    expect(await driveUntilSettled(run, clock, 100, 5000)).toBe(143);
    expect(io.out).toContain("Summary after");
  });

  it("issue 9: prints each failed attempt and the wait before the next; SIGINT ends it (exit 130)", async () => {
    const port = await closedPort();
    const path = await writeConfig({ ...valid, endpoint: `ws://127.0.0.1:${port}`, api: `http://127.0.0.1:${port}` });
    const io = capture();
    const clock = new ManualClock();
    const controller = new AbortController();
    const run = runCli(["--config", path, "--simulate-game"], { ...io, env: {}, clock, signal: controller.signal });
    // GET /gateway/bot fails first, after the REST client's retries: their backoff is on the
    // injected clock (3.5 s of it), not real time.
    const attempt = /attempt 1 failed \(\w+\); next attempt in \d+\.\d s/;
    await vi.waitFor(() => expect(io.out).toContain("GET /gateway/bot: asking"), until);
    for (let elapsed = 0; !attempt.test(io.out) && elapsed < 10_000; elapsed += 100) {
      clock.advance(100);
      for (let turn = 0; turn < 5; turn++) await ioTurn();
    }
    await vi.waitFor(() => expect(io.out).toMatch(attempt), until);
    controller.abort("SIGINT");
    expect(await driveUntilSettled(run, clock, 100, 5000)).toBe(130);
    expect(io.out).toContain("Summary after");
  });
});

describe("runCli: the demo", () => {
  it("with --simulate-game: runs both sides for 3 s of clock time, coloured on a terminal, and prints a summary whose numbers add up", async () => {
    const io = capture(true);
    const clock = new ManualClock();
    const run = runCli(["--demo", "--simulate-game", "--for", "3"], { ...io, env: {}, clock });
    // eslint-disable-next-line no-control-regex -- removing ANSI colours
    const plain = (): string => io.out.replace(/\u001b\[[\d;]*m/g, "");
    await vi.waitFor(() => expect(plain()).toContain("members of Las Venturas Playground synced: 2500 of 2500"), until);
    await vi.waitFor(() => expect(plain()).toContain("guild Las Venturas Playground available"), until);
    // The demo's script, squeezed into 3 s: play it up to just before the end, letting the
    // bridge answer (real loopback I/O) as it goes.
    for (let elapsed = 0; elapsed < 2900; elapsed += 20) {
      clock.advance(20);
      await ioTurn();
    }
    await vi.waitFor(() => {
      expect(plain()).toContain("session resumed");
      // From the gateway's typed reconnecting event, forwarded by the bridge.
      expect(plain()).toMatch(/bridge +reconnecting in \d+\.\d s \(will resume\)\n/);
      expect(plain()).toContain("ran !help → ran");
      expect(plain()).toMatch(/Discord→game +\[Discord\] \S+: did the bot just disconnect\?/);
    }, until);
    expect(await driveUntilSettled(run, clock)).toBe(0);
    const out = plain();
    expect(io.out).toContain("\u001b[");
    expect(out).toContain("fake Discord on ws://127.0.0.1:");
    expect(out).toMatch(/syncing members \[[#.]+\] \d+\/2500/);
    expect(out).toMatch(/Discord→game +\[Discord\] \S+: hey everyone/);
    expect(out).toMatch(/game→Discord #echo /);
    expect(out).toContain("ran !players → ran");
    expect(out).toContain("ran !say I can announce too, right? → denied");
    expect(out).toContain("mentioned the bot: reacted with 👋");
    expect(out).toContain("the gateway connection drops");
    const numbers = accounting(out);
    expect(numbers.emitted).toBeGreaterThan(0);
    expect(numbers.delivered + numbers.coalesced + numbers.dropped + numbers.queued).toBe(numbers.emitted);
    expect(numbers.total).toBe(numbers.emitted);
    expect(out).toMatch(/reconnects {7}1/);
    expect(Number(/commands {9}(\d+)/.exec(out)?.[1])).toBeGreaterThanOrEqual(6);
    expect(out).toMatch(/Summary after \d+\.\d s/);
    expect(out).not.toContain("fake-token");
  });

  it("with --simulate-game: stops when its signal is aborted (no reason: exit 0)", async () => {
    const io = capture();
    const controller = new AbortController();
    const write = io.stdout.write;
    io.stdout.write = (text) => {
      if (text.includes("connected (READY)")) controller.abort();
      return write(text);
    };
    const clock = new ManualClock();
    expect(await driveUntilSettled(runCli(["--demo", "--simulate-game"], { ...io, env: {}, signal: controller.signal, demoMembers: 50, clock }), clock)).toBe(0);
    expect(io.out).toContain("Summary after");
  });

  it("by default runs the bridge through the real SA-MP adapter against the fake SA-MP server (real UDP and log I/O, bounded), ends at --for with exit 0 and removes its log directory", async () => {
    const io = capture();
    const before = new Set((await readdir(tmpdir())).filter((name) => name.startsWith("nuwani-demo-")));
    // --for 4 on the injected clock, not 4 s of real time: the clock stands still while
    // Discord connects and the game is first read (real loopback I/O), then moves in 20 ms
    // steps with room for I/O between them, so UDP, log and HTTP answers keep up.
    const clock = new ManualClock();
    const run = runCli(["--demo", "--for", "4"], { ...io, env: {}, demoMembers: 50, clock });
    await vi.waitFor(() => {
      expect(io.out).toContain("connected (READY)");
      expect(io.out).toContain("reading the fake SA-MP server at 127.0.0.1:");
    }, until);
    expect(await driveUntilSettled(run, clock, 20, 120_000, "io")).toBe(0);
    const out = io.out;
    expect(out).toMatch(/fake SA-MP server on udp:\/\/127\.0\.0\.1:\d+ \(query and RCON\)/);
    expect(out).toContain("reading the fake SA-MP server at 127.0.0.1:");
    expect(out).toMatch(/Discord→game +\[Discord\] \S+: hey everyone/);
    expect(out).toMatch(/game +\S+/);
    expect(out).toContain("ran !players → ran; replied: ");
    expect(out).toMatch(/game {13}fake SA-MP: \d+ echo events, [1-9]\d* lines delivered/);
    expect(out).toMatch(/Summary after \d+\.\d s/);
    const numbers = accounting(out);
    expect(numbers.total).toBe(numbers.emitted);
    const after = (await readdir(tmpdir())).filter((name) => name.startsWith("nuwani-demo-") && !before.has(name));
    expect(after).toEqual([]);
  }, 30_000);
});
