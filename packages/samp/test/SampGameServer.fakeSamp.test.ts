// End to end: SampGameServer (query/RCON client + log tail) against the fake SA-MP server of
// @nuwani/fake-samp on loopback, with the fake Pawn include and a log file in a temp dir.
// The log tail is driven by `check()` (no polling), so nothing here waits on wall time except
// loopback datagrams; the watchdog and retries run on fake timers.
import { FakeNuwaniInclude, FakeSampServer } from "@nuwani/fake-samp";
import type { FakeSampFlavour, FakeSampPlayerInput } from "@nuwani/fake-samp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CodePage } from "../src/CodePage.js";
import type { EchoParam } from "@nuwani/game";
import { LogTail } from "../src/LogTail.js";
import type { SampError } from "../src/SampError.js";
import { SAY_PREFIX, SampGameServer, type SampGameServerOptions } from "../src/SampGameServer.js";
import { SampQueryClient } from "../src/SampQueryClient.js";
import { ManualClock } from "@nuwani/util";
import { RconClock } from "./support/rconClock.js";
import { tempDir } from "./support/tempDir.js";
import { waitUntil } from "./support/waitUntil.js";

const PASSWORD = "fake-rcon-secret";
const QUIET = 20;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

interface Setup {
  flavour?: FakeSampFlavour;
  encoding?: string;
  /** The password the adapter uses (the fake's is {@link PASSWORD}). */
  password?: string;
  players?: readonly FakeSampPlayerInput[];
  timestamps?: boolean;
  options?: Partial<SampGameServerOptions>;
  timeout?: number;
  retries?: number;
  /**
   * The client's clock, for the delivery tests: its RCON quiet period is moved by `rcon`.
   * @defaultValue the system clock
   */
  clock?: ManualClock;
}

async function setup(config: Setup = {}) {
  const dir = await tempDir();
  cleanups.push(() => dir.cleanup());
  const encoding = config.encoding ?? "windows-1252";
  const logPath = dir.file(config.flavour === "openmp" ? "log.txt" : "server_log.txt");
  const fake = new FakeSampServer({
    flavour: config.flavour ?? "samp",
    rconPassword: PASSWORD,
    encoding,
    players: config.players ?? [],
    log: { path: logPath, timestamps: config.timestamps ?? true },
  });
  await fake.start();
  cleanups.push(() => fake.stop());
  const include = new FakeNuwaniInclude(fake, { heartbeatMs: 0 });
  cleanups.push(() => include.destroy());
  const codePage = new CodePage(encoding);
  const client = new SampQueryClient({
    port: fake.port,
    rconPassword: config.password ?? PASSWORD,
    codePage,
    rconQuietPeriod: QUIET,
    rconReplyWait: 1000,
    timeout: config.timeout ?? 1000,
    retries: config.retries ?? 1,
    queriesPerSecond: 1000,
    burst: 100,
    ...(config.clock === undefined ? {} : { clock: config.clock }),
  });
  const rcon = config.clock === undefined ? undefined : new RconClock(config.clock, QUIET, () => fake.rconCommands.length);
  const tail = new LogTail({ path: logPath, codePage, watch: false, pollInterval: 600_000 });
  const warnings: SampError[] = [];
  const server = new SampGameServer({
    client,
    tail,
    variant: config.flavour ?? "samp",
    pawnInclude: true,
    pollInterval: 1000,
    onWarning: (error) => warnings.push(error),
    ...config.options,
  });
  cleanups.push(() => server.stop());
  const echoes: [string, readonly EchoParam[]][] = [];
  const health: [string, string][] = [];
  server.on("echo", (tag, params) => echoes.push([tag, params]));
  server.on("health", (state, detail) => health.push([state, detail]));
  return { fake, include, client, tail, server, echoes, health, warnings, logPath, rcon: rcon! };
}

describe("SampGameServer against FakeSampServer: log → echo", () => {
  it.each([
    { flavour: "samp" as const, timestamps: true },
    { flavour: "samp" as const, timestamps: false },
    { flavour: "openmp" as const, timestamps: true },
    { flavour: "openmp" as const, timestamps: false },
  ])("joins, chat, kill, death, part and custom echo reach `echo` in order ($flavour, timestamps $timestamps)", async ({ flavour, timestamps }) => {
    const { fake, tail, server, echoes } = await setup({ flavour, timestamps });
    await server.start();
    const gunther = fake.join({ name: "Gunther", ip: "10.0.0.3" });
    const russell = fake.join({ name: "Russell", ip: "10.0.0.7" });
    fake.chat(gunther.id, "hello everyone");
    fake.kill(russell.id, gunther.id, 24);
    fake.death(gunther.id, 24);
    fake.echo("gang-chat", gunther.id, "Gunther", "[BB] meet at 42", "42", 3.5);
    fake.part(russell.id, 1);
    await tail.check();
    expect(echoes).toEqual([
      ["join", [gunther.id, "Gunther"]],
      ["join", [russell.id, "Russell"]],
      ["chat", [gunther.id, "Gunther", "hello everyone"]],
      ["kill", ["Gunther", gunther.id, "Russell", russell.id, expect.any(String)]],
      ["death", ["Gunther"]],
      ["gang-chat", [gunther.id, "Gunther", "[BB] meet at 42", "42", 3.5]],
      ["quit", [russell.id, "Russell", "leaving"]],
    ]);
    expect(server.players().map((player) => player.name)).toEqual(["Gunther"]);
  });

  it("regression: the quit echo carries LVP's reason words (timeout / leaving / kicked), not invented ones", async () => {
    // LVP's gamemode echoes the SA-MP reason id and its echo maps it with
    // ['timeout', 'leaving', 'kicked'] (LVPlayground/bot-nuwani MessageFormat.php, `[leave]`);
    // irc_messages.json shows it as "has left the game (%s)". Before the fix 0 read "timing out".
    const { fake, tail, server, echoes } = await setup();
    await server.start();
    const players = ["Crashed", "Quitter", "Kicked"].map((name) => fake.join(name));
    players.forEach((player, reason) => fake.part(player.id, reason as 0 | 1 | 2));
    await tail.check();
    expect(echoes.filter(([tag]) => tag === "quit")).toEqual([
      ["quit", [players[0]!.id, "Crashed", "timeout"]],
      ["quit", [players[1]!.id, "Quitter", "leaving"]],
      ["quit", [players[2]!.id, "Kicked", "kicked"]],
    ]);
    expect(server.players()).toEqual([]);
  });

  it("players() comes from the server's queries for players already online (SA-MP `d`, open.mp `c` + RCON `players`)", async () => {
    for (const flavour of ["samp", "openmp"] as const) {
      const { server, client } = await setup({ flavour, players: [{ id: 4, name: "Alpha" }, { id: 12, name: "Bravo" }] });
      await server.start();
      await server.poll();
      expect(server.players()).toEqual([
        { id: 4, name: "Alpha", level: "player" },
        { id: 12, name: "Bravo", level: "player" },
      ]);
      expect(client.stats.malformed).toBe(0);
      await server.stop();
    }
  });
});

describe("SampGameServer against FakeSampServer: Discord → game", () => {
  it('deliver("all") reaches the fake\'s `said`; administrators and one player reach the include', async () => {
    const { fake, include, tail, server, rcon } = await setup({ clock: new ManualClock() });
    await server.start();
    const admin = fake.join("Admin");
    const player = fake.join("Player");
    include.setLevel(admin.id, "administrator");
    await tail.check();
    expect(server.players().find((entry) => entry.id === admin.id)?.level).toBe("administrator");

    await rcon.settle(server.deliver("all", "hello from Discord"));
    await fake.waitFor("say", (record) => record.text.includes("hello from Discord"));
    // The record holds the text after `* Admin: `, which the game puts in front.
    expect(fake.said.map((record) => record.text)).toEqual(["hello from Discord"]);

    await rcon.settle(server.deliver("administrators", "for admins only"));
    await rcon.settle(server.deliver({ player: player.id }, "just for you"));
    await fake.waitFor("command", (record) => record.name === "nuwani_pm");
    expect(include.delivered.map(({ to, recipients, text }) => ({ to, recipients, text }))).toEqual([
      { to: "administrator", recipients: [admin.id], text: "for admins only" },
      { to: { playerId: player.id }, recipients: [player.id], text: "just for you" },
    ]);
  });

  it("regression: mutes round trip; a muted player's chat, logged by the server before OnPlayerText blocks it, is not echoed", async () => {
    const { fake, include, tail, server, echoes, rcon } = await setup({ clock: new ManualClock() });
    await server.start();
    const loud = fake.join("Loud");
    await tail.check();
    await rcon.settle(server.mutes!.mute(loud.id, 120));
    await fake.waitFor("command", (record) => record.name === "nuwani_mute");
    await tail.check();
    expect(include.isMuted(loud.id)).toBe(true);
    expect(await server.mutes!.list()).toEqual([{ id: loud.id, name: "Loud", remainingSeconds: 120 }]);
    // The server logs the line before the include's OnPlayerText blocks it (open.mp logs in
    // PlayerTextRPCHandler first): it is in the log, nobody saw it, so it is no echo.
    expect(fake.chat(loud.id, "can anyone hear me")).toMatch(/\[chat\] \[Loud\]: can anyone hear me$/);
    await tail.check();
    expect(echoes.filter(([tag]) => tag === "chat")).toEqual([]);

    await rcon.settle(server.mutes!.unmute(loud.id));
    await fake.waitFor("command", (record) => record.name === "nuwani_unmute");
    await tail.check();
    expect(include.isMuted(loud.id)).toBe(false);
    expect(await server.mutes!.list()).toEqual([]);
    fake.chat(loud.id, "back again");
    await tail.check();
    expect(echoes.filter(([tag]) => tag === "chat")).toEqual([["chat", [loud.id, "Loud", "back again"]]]);
  });

  it("splits long text into game lines of at most 144 characters as players see them", async () => {
    const { fake, include, tail, server, rcon } = await setup({ clock: new ManualClock() });
    await server.start();
    const admin = fake.join("Admin");
    include.setLevel(admin.id, "administrator");
    await tail.check();
    const words = Array.from({ length: 40 }, (_, index) => `word${index}`);
    const text = words.join(" ");
    await rcon.settle(server.deliver("all", text));
    await waitUntil(() => fake.said.length >= 2 && fake.said.map((record) => record.text).join(" ").length >= text.length);
    // Players see `* Admin: ` + the text: that whole line stays within 144 characters.
    for (const record of fake.said) expect(SAY_PREFIX.length + record.text.length).toBeLessThanOrEqual(144);
    expect(fake.said.map((record) => record.text).join(" ")).toBe(text);

    await rcon.settle(server.deliver("administrators", text));
    await waitUntil(() => include.delivered.length >= 2);
    for (const delivery of include.delivered) expect(delivery.text.length).toBeLessThanOrEqual(144);
    expect(include.delivered.map((delivery) => delivery.text).join(" ")).toBe(text);
  });
});

describe("SampGameServer against FakeSampServer: code pages end to end", () => {
  it.each([
    { encoding: "windows-1252", name: "Jürgen_Ñoño", text: "Grüße — “quoted” €5, ½ off", discord: "Ça va? «très» bien… €" },
    { encoding: "windows-1251", name: "Иван_Петров", text: "Привет, мир! — №5", discord: "Здравствуй, Ёжик «тест» …" },
  ])("$encoding: names and text from the log, and Discord text through RCON", async ({ encoding, name, text, discord }) => {
    const { fake, tail, server, echoes, rcon } = await setup({ encoding, clock: new ManualClock() });
    await server.start();
    const player = fake.join(name);
    fake.chat(player.id, text);
    fake.echo("custom", name, text);
    await tail.check();
    expect(echoes).toEqual([
      ["join", [player.id, name]],
      ["chat", [player.id, name, text]],
      ["custom", [name, text]],
    ]);
    await rcon.settle(server.deliver("all", discord));
    const said = await fake.waitFor("say");
    expect(said.text).toBe(discord);
    await rcon.settle(server.deliver({ player: player.id }, `${name}: ${discord}`));
    const command = await fake.waitFor("command", (record) => record.name === "nuwani_pm");
    expect(command.args).toBe(`${player.id} ${name}: ${discord}`);
  });
});

describe("SampGameServer against FakeSampServer: faults", () => {
  it("a wrong RCON password is a typed error (SAMP_RCON_BAD_PASSWORD) that never contains the password", async () => {
    const { fake, server, warnings } = await setup({ password: "not-the-password" });
    await server.start();
    await waitUntil(() => warnings.some((warning) => warning.code === "SAMP_RCON_BAD_PASSWORD"));
    const error = await server.deliver("all", "hello").then(
      () => undefined,
      (caught: unknown) => caught as SampError,
    );
    expect(error).toMatchObject({ name: "SampError", code: "SAMP_RCON_BAD_PASSWORD" });
    for (const reported of [error, ...warnings]) {
      expect(JSON.stringify({ message: reported?.message, stack: reported?.stack })).not.toContain("not-the-password");
      expect(JSON.stringify({ message: reported?.message, stack: reported?.stack })).not.toContain(PASSWORD);
    }
    expect(fake.said).toEqual([]);
    expect(fake.rconCommands.every((record) => !record.accepted)).toBe(true);
  });

  it("packet loss: lost answers are retried and the roster still arrives (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { fake, client } = await setup({ players: [{ id: 1, name: "Lossy" }], timeout: 200, retries: 3 });
    fake.faults.dropNext(2);
    const list = client.playerList("samp");
    for (let step = 0; step < 40 && client.stats.answered < 2; step++) {
      await vi.advanceTimersByTimeAsync(50);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect((await list).players.map((player) => player.name)).toEqual(["Lossy"]);
    expect(client.stats.timeouts).toBe(2);
    expect(fake.faults.dropped).toBe(2);
  });

  it("silence: health goes down after downAfter, up on recovery, counted in stats.outages (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { fake, client, server, health } = await setup({ timeout: 200, options: { downAfter: 5000, pollInterval: 1000, maxPollInterval: 4000 } });
    await server.start();
    await waitUntil(() => server.stats.polls === 1 && client.stats.answered >= 1);
    fake.faults.silence(true);
    for (let step = 0; step < 200 && health.length === 0; step++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(health).toEqual([["down", expect.stringMatching(/not answered queries/)]]);
    expect(server.health).toBe("down");
    expect(server.stats.outages).toBe(1);
    fake.faults.silence(false);
    for (let step = 0; step < 200 && health.length === 1; step++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(health[1]).toEqual(["up", expect.stringMatching(/back after \d+ s/)]);
    expect(server.health).toBe("up");
    expect(server.stats.outages).toBe(1);
  });

  it("10,000 lines in one burst with a rotation and a truncation mid-burst: 0 lost, in order", async () => {
    const { fake, tail, server, echoes } = await setup({ timestamps: true });
    await server.start();
    let rotated = false;
    let truncated = false;
    // The server keeps writing while the tail reads: the rotation comes when the tail has
    // read 2,500 lines, the truncation when it has read 6,000 (what it has not read yet is in
    // the file then, as with a real server writing between two reads).
    tail.on("line", () => {
      if (!rotated && echoes.length === 2_500) {
        rotated = true;
        fake.faults.rotateLog();
        fake.faults.burst(2_000);
      } else if (!truncated && echoes.length === 6_000) {
        truncated = true;
        fake.faults.truncateLog();
        fake.faults.burst(4_000);
      }
    });
    fake.faults.burst(4_000);
    for (let round = 0; round < 50 && echoes.length < 10_000; round++) await tail.check();
    expect(rotated && truncated).toBe(true);
    expect(echoes).toHaveLength(10_000);
    expect(echoes.map(([, params]) => params[0])).toEqual(Array.from({ length: 10_000 }, (_, index) => index + 1));
    expect(echoes.every(([tag]) => tag === "burst")).toBe(true);
    expect(tail.stats).toMatchObject({ rotations: 1, truncations: 1 });
  });
});
