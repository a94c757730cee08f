import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGuild, FakeDiscord } from "@nuwani/fake-discord";
import { FakeSampServer } from "@nuwani/fake-samp";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../src/runCli.js";
import { capture } from "./support/capture.js";
import { ManualClock } from "@nuwani/util";
import { driveUntilSettled, ioPause, ioTurn } from "./support/drive.js";

const TOKEN = "cli.Samp-Token-NEVER-PRINT";
const PASSWORD = "Rcon-Pass-NEVER-PRINT";

/** Waits on events of real loopback I/O (not on time passing): bounded, polled. */
const until = { timeout: 15_000, interval: 5 };

/**
 * Advances the clock in small steps until `check` holds (bounded by `limit` ms of clock time),
 * yielding a real millisecond to loopback UDP, files and HTTP between steps so that the
 * clock's timeouts (query, RCON, REST) cannot outrun answers already on their way.
 */
async function driveUntil(clock: ManualClock, check: () => boolean, what: string, limit = 60_000): Promise<void> {
  for (let elapsed = 0; elapsed < limit; elapsed += 20) {
    if (check()) return;
    clock.advance(20);
    await ioPause();
    await ioTurn();
  }
  if (!check()) throw new Error(`${what}: not within ${limit} ms of clock time`);
}

/** Discord ready and the game started: real I/O only, the clock stands still meanwhile. */
async function started(io: { out: string }): Promise<void> {
  await vi.waitFor(() => {
    expect(io.out).toContain("available; channels");
    expect(io.out).toContain("reading the SA-MP server at 127.0.0.1:");
  }, until);
}

let dir: string;
let discord: FakeDiscord | undefined;
let samp: FakeSampServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nuwani-cli-samp-"));
});
afterEach(async () => {
  await samp?.stop();
  samp = undefined;
  await discord?.stop();
  discord = undefined;
  await rm(dir, { recursive: true, force: true });
});

const guild = () => createGuild({ seed: 4, members: 20 });

async function setup(game: (port: number) => Record<string, unknown>, sampOptions: { rconPassword?: string } = { rconPassword: PASSWORD }) {
  const fixture = guild();
  discord = new FakeDiscord({ token: TOKEN, guilds: [fixture] });
  await discord.start();
  samp = new FakeSampServer({ ...sampOptions, log: { path: join(dir, "server_log.txt") }, players: [{ name: "Gunther" }] });
  await samp.start(0);
  const path = join(dir, "nuwani.json");
  await writeFile(
    path,
    JSON.stringify({
      discord: {
        token: TOKEN,
        clientId: fixture.members[0]!.user.id,
        endpoint: discord.gatewayUrl,
        api: discord.restUrl,
        version: 10,
        guild: fixture.id,
        channels: { echo: "#echo", admin: "#admin" },
      },
      game: game(samp.port),
    }),
  );
  const channel = (name: string): string => fixture.channels.find((entry) => entry.name === name)!.id;
  return { path, fixture, echo: channel("echo"), admin: channel("admin") };
}

describe("runCli: a game section (the SA-MP adapter against the fake SA-MP server and the fake Discord)", () => {
  it("posts a game log line to Discord, delivers a Discord message as RCON say, counts both in the summary, and never prints the RCON password", async () => {
    const { path, fixture, echo } = await setup((port) => ({ type: "samp", port, rconPassword: PASSWORD, logPath: "server_log.txt", pollInterval: 500, logPollInterval: 100 }));
    const io = capture();
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--for", "60"], { ...io, env: {}, clock });
    await started(io);

    samp!.chat(0, "hello from the game");
    await driveUntil(clock, () => discord!.postedMessages.some((m) => m.channelId === echo && m.content.includes("hello from the game")), "log line → Discord");

    discord!.messageCreate({ channelId: echo, author: fixture.members[5]!, content: "hi from discord" });
    await driveUntil(clock, () => samp!.said.some((entry) => entry.text.includes("hi from discord")), "Discord → RCON say");
    expect(samp!.rconCommands.some((record) => record.name === "say" && record.accepted)).toBe(true);

    expect(await driveUntilSettled(run, clock)).toBe(0);
    expect(io.out).toMatch(/game {13}SA-MP: [1-9]\d* echo events, [1-9]\d* lines delivered, 0 delivery failures/);
    expect(io.out).toMatch(/watchdog {9}0 outages/);
    expect(io.out).not.toContain("[simulated]");
    expect(io.out + io.err).not.toContain(PASSWORD);
    expect(io.out + io.err).not.toContain(TOKEN);
  }, 60_000);

  it("reports a wrong RCON password by name (SAMP_RCON_BAD_PASSWORD) without printing either password", async () => {
    const { path } = await setup((port) => ({ type: "samp", port, rconPassword: PASSWORD, logPath: "server_log.txt" }), { rconPassword: "the-Right-one-NEVER-PRINT" });
    const io = capture();
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--for", "30"], { ...io, env: {}, clock });
    await started(io);
    await driveUntil(clock, () => io.out.includes("SAMP_RCON_BAD_PASSWORD"), "bad password reported");
    expect(io.out).toMatch(/error +game: the game server refused the RCON password \(game.rconPassword or NUWANI_RCON_PASSWORD\)/);
    expect(await driveUntilSettled(run, clock)).toBe(0);
    expect(io.out + io.err).not.toContain(PASSWORD);
    expect(io.out + io.err).not.toContain("the-Right-one-NEVER-PRINT");
  }, 60_000);

  it("posts the watchdog's alert to the admin channel when the game stops answering, and the recovery when it answers again", async () => {
    const { path, admin } = await setup((port) => ({ type: "samp", port, rconPassword: PASSWORD, pollInterval: 200, downAfter: 1000, queryTimeout: 100, queryRetries: 0 }));
    const port = samp!.port;
    await samp!.stop();
    const io = capture();
    const clock = new ManualClock();
    const run = runCli(["--config", path, "--for", "120"], { ...io, env: {}, clock });
    await started(io);
    await driveUntil(clock, () => discord!.postedMessages.some((m) => m.channelId === admin && m.content.includes("The game server is unreachable")), "alert in #admin");
    expect(io.out).toContain("watchdog: the game server is unreachable");

    await samp!.start(port);
    await driveUntil(clock, () => discord!.postedMessages.some((m) => m.channelId === admin && m.content.includes("The game server is reachable again")), "recovery in #admin");
    expect(await driveUntilSettled(run, clock)).toBe(0);
    expect(io.out).toMatch(/watchdog {9}1 outages/);
  }, 60_000);

  it.each([
    ["game.port", { type: "samp", port: 70_000, rconPassword: PASSWORD }, {}],
    ["game.type", { type: "vcmp", rconPassword: PASSWORD }, {}],
    ["game.rconPassword", { type: "samp", rconPassword: `${PASSWORD} with spaces` }, {}],
    ["NUWANI_RCON_PASSWORD", { type: "samp" }, { NUWANI_RCON_PASSWORD: `${PASSWORD}\u0007` }],
  ])("exits 2 on an invalid %s, naming the field, printing no password, connecting nothing", async (field, game, env) => {
    const { path } = await setup(() => game);
    const io = capture();
    expect(await runCli(["--config", path, "--for", "1"], { ...io, env })).toBe(2);
    expect(io.err).toContain(`[field: ${field}]`);
    expect(io.err).toContain("SAMP_CONFIG_INVALID");
    expect(io.out + io.err).not.toContain(PASSWORD);
    expect(discord!.identifies).toHaveLength(0);
  });

  it("refuses --simulate-game with a game section (exit 2): invented events must not pass for the server's", async () => {
    const { path } = await setup((port) => ({ type: "samp", port }));
    const io = capture();
    expect(await runCli(["--config", path, "--simulate-game", "--for", "1"], { ...io, env: {} })).toBe(2);
    expect(io.err).toContain("CLI_INVALID_ARGUMENT");
    expect(discord!.identifies).toHaveLength(0);
  });
});
