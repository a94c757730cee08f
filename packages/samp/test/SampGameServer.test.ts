import { afterEach, describe, expect, it, vi } from "vitest";
import { appendFile, writeFile } from "node:fs/promises";
import { inspect } from "node:util";
import { SampGameServer, type SampGameServerOptions } from "../src/SampGameServer.js";
import { SampQueryClient } from "../src/SampQueryClient.js";
import { LogTail } from "../src/LogTail.js";
import { CodePage } from "../src/CodePage.js";
import type { SampError } from "../src/SampError.js";
import { formatEchoLine } from "../src/echoLine.js";
import type { EchoParam, GameServer } from "@nuwani/game";
import { ManualClock } from "@nuwani/util";
import { startMiniSamp, type MiniSamp } from "./support/miniSamp.js";
import { RconClock } from "./support/rconClock.js";
import { tempDir } from "./support/tempDir.js";
import { waitUntil } from "./support/waitUntil.js";

const PASSWORD = "s3cret-rcon";
let mini: MiniSamp;
let server: SampGameServer | undefined;
let dir: Awaited<ReturnType<typeof tempDir>> | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  vi.useRealTimers();
  await mini?.close();
  await dir?.cleanup();
  dir = undefined;
});

interface Setup {
  variant?: "samp" | "openmp";
  encoding?: string;
  password?: string;
  log?: boolean;
  options?: Partial<SampGameServerOptions>;
  quiet?: number;
  /** Query timeout: generous on real timers, short where fake timers drive it. */
  timeout?: number;
  /**
   * The client's clock, for the delivery tests: its RCON quiet period is moved by `rcon`
   * (and its pacing is wide, so no query waits on it). @defaultValue the system clock
   */
  clock?: ManualClock;
}

const QUIET = 20;
const RCON = "x".charCodeAt(0);

async function setup(config: Setup = {}) {
  mini = await startMiniSamp({ password: PASSWORD, variant: config.variant ?? "samp", ...(config.encoding === undefined ? {} : { encoding: config.encoding }) });
  const codePage = new CodePage(config.encoding ?? "windows-1252");
  const quiet = config.quiet ?? QUIET;
  const clock = config.clock;
  const client = new SampQueryClient({
    port: mini.port,
    rconPassword: config.password ?? PASSWORD,
    codePage,
    rconQuietPeriod: quiet,
    rconReplyWait: 1000,
    timeout: config.timeout ?? 1000,
    retries: 1,
    ...(clock === undefined ? {} : { clock, queriesPerSecond: 1000, burst: 100 }),
  });
  const udp = mini.udp;
  const rcon = clock === undefined ? undefined : new RconClock(clock, quiet, () => udp.received.filter((datagram) => datagram[10] === RCON).length);
  let tail: LogTail | undefined;
  let logPath = "";
  if (config.log === true) {
    dir = await tempDir();
    logPath = dir.file("server_log.txt");
    await writeFile(logPath, "[12:00:00] SA-MP Dedicated Server\n");
    tail = new LogTail({ path: logPath, codePage, watch: false, pollInterval: 600_000 });
  }
  const echoes: [string, readonly EchoParam[]][] = [];
  const health: [string, string][] = [];
  server = new SampGameServer({ client, tail, variant: config.variant ?? "samp", pollInterval: 1000, ...config.options });
  server.on("echo", (tag, params) => echoes.push([tag, params]));
  server.on("health", (state, detail) => health.push([state, detail]));
  const log = async (...lines: (string | Buffer)[]) => {
    for (const line of lines) await appendFile(logPath, typeof line === "string" ? codePage.encode(`${line}\n`) : line);
    await tail!.check();
  };
  return { client, tail, echoes, health, log, server, rcon: rcon! };
}

describe("SampGameServer satisfies the GameServer contract", () => {
  it("is assignable to GameServer", async () => {
    const { server: s } = await setup();
    const game: GameServer = s;
    expect(typeof game.deliver).toBe("function");
    expect(game.mutes).toBeUndefined();
  });
});

describe("echo from the log, in LVP's positional order", () => {
  it("emits join, chat, quit with reason, kill with weapon, death and custom tags", async () => {
    const { echoes, log, server: s } = await setup({ log: true });
    await s.start();
    await log(
      "[12:00:01] [join] Gunther has joined the server (3:127.0.0.1)",
      "[12:00:02] [join] Russell has joined the server (7:127.0.0.1)",
      "[12:00:03] [chat] [Gunther]: hello everyone",
      "[12:00:04] [kill] Russell killed Gunther Desert Eagle",
      "[12:00:05] [death] Russell died 54",
      `[12:00:06] ${formatEchoLine("notice-report", ["Gunther", 3, "Russell", 7, "cheating"])}`,
      "[12:00:07] [part] Gunther has left the server (3:2)",
      "[12:00:08] [part] Russell has left the server (7:0)",
    );
    expect(echoes).toEqual([
      ["join", [3, "Gunther"]],
      ["join", [7, "Russell"]],
      ["chat", [3, "Gunther", "hello everyone"]],
      ["kill", ["Gunther", 3, "Russell", 7, "Desert Eagle"]],
      ["death", ["Russell"]],
      ["notice-report", ["Gunther", 3, "Russell", 7, "cheating"]],
      ["quit", [3, "Gunther", "kicked"]],
      ["quit", [7, "Russell", "timeout"]],
    ]);
  });

  it("tracks joins and parts in the roster, and levels from the include and RCON logins", async () => {
    const { echoes, log, server: s } = await setup({ log: true });
    await s.start();
    await log(
      "[join] Gunther has joined the server (3:127.0.0.1)",
      "[join] Luce has joined the server (4:127.0.0.1)",
      `${formatEchoLine("nuwani-level", [3, "vip"])}`,
      "RCON (In-Game): Player #4 (Luce) has logged in.",
      `${formatEchoLine("nuwani-level", [3, "emperor"])}`,
    );
    expect(s.players()).toEqual([
      { id: 3, name: "Gunther", level: "vip" },
      { id: 4, name: "Luce", level: "administrator" },
    ]);
    expect(echoes.map(([tag]) => tag)).toEqual(["join", "join", "notice-admin"]);
    await log("[part] Gunther has left the server (3:1)");
    expect(s.players().map((p) => p.id)).toEqual([4]);
  });

  it("reads the open.mp log format and Cyrillic names in windows-1251", async () => {
    const { echoes, log, server: s } = await setup({ log: true, variant: "openmp", encoding: "windows-1251" });
    await s.start();
    await log(
      "[2026-11-29T07:04:45+0000] [Info] [join] Дмитрий has joined the server (0:127.0.0.1)",
      "[2026-11-29T07:04:46+0000] [Info] [chat] [Дмитрий]: Привет, мир",
    );
    expect(echoes).toEqual([
      ["join", [0, "Дмитрий"]],
      ["chat", [0, "Дмитрий", "Привет, мир"]],
    ]);
  });
});

describe("players() from query polls", () => {
  it("takes ids from d on SA-MP", async () => {
    const { server: s } = await setup();
    mini.players = [{ id: 2, name: "Gunther", score: 5 }, { id: 9, name: "Jörg", score: 1 }];
    await s.start();
    await s.poll();
    expect(s.players()).toEqual([
      { id: 2, name: "Gunther", level: "player" },
      { id: 9, name: "Jörg", level: "player" },
    ]);
  });

  it("keeps a log-joined id above 255 that d sends as one byte (300 arrives as 44)", async () => {
    const { server: s, log } = await setup({ log: true });
    await s.start();
    await s.poll();
    await log("[join] Gunther has joined the server (300:127.0.0.1)");
    mini.players = [{ id: 300 % 256, name: "Gunther", score: 0 }, { id: 7, name: "Russell", score: 0 }];
    await s.poll();
    expect(s.players().map((p) => [p.id, p.name])).toEqual([[7, "Russell"], [300, "Gunther"]]);
  });

  it("on open.mp (no d) takes names from c and ids from RCON players", async () => {
    const { server: s } = await setup({ variant: "openmp" });
    mini.players = [{ id: 5, name: "Gunther", score: 5 }];
    await s.start();
    await s.poll();
    expect(s.players()).toEqual([{ id: 5, name: "Gunther", level: "player" }]);
    expect(mini.udp.received.some((r) => r[10] === "d".charCodeAt(0))).toBe(false);
    await vi.waitFor(() => expect(mini.commands).toContain("players"));
  });

  it("on open.mp without RCON keeps log-joined players that c still lists and drops the rest", async () => {
    mini = await startMiniSamp({ password: PASSWORD, variant: "openmp" });
    dir = await tempDir();
    const logPath = dir.file("log.txt");
    await writeFile(logPath, "");
    const tail = new LogTail({ path: logPath, watch: false, pollInterval: 600_000 });
    const client = new SampQueryClient({ port: mini.port, timeout: 1000, retries: 0 });
    server = new SampGameServer({ client, tail, variant: "openmp" });
    await server.start();
    await server.poll();
    await appendFile(logPath, "[Info] [join] Gunther has joined the server (1:127.0.0.1)\n[Info] [join] Ghost has joined the server (2:127.0.0.1)\n");
    await tail.check();
    mini.players = [{ id: 1, name: "Gunther", score: 0 }];
    await server.poll();
    expect(server.players()).toEqual([{ id: 1, name: "Gunther", level: "player" }]);
    expect(mini.commands).toEqual([]);
  });

  it("regression: a poll answered before a log join dropped the player who just joined", async () => {
    let now = 1000;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
    const { server: s, log } = await setup({ log: true, options: { clock } });
    await s.start();
    await s.poll();
    // The poll is answered (the server has nobody yet), then the join is logged before the answer is read.
    now = 2000;
    mini.held = [];
    const poll = s.poll();
    await vi.waitFor(() => expect(mini.held!.length).toBe(1));
    now = 2001;
    await log("[join] Gunther has joined the server (3:127.0.0.1)");
    for (const send of mini.held.splice(0)) send();
    mini.held = undefined;
    await poll;
    expect(s.players().map((p) => p.name)).toEqual(["Gunther"]);
    // The next poll, started after the join, is the truth again.
    now = 3000;
    await s.poll();
    expect(s.players()).toEqual([]);
  });

  it("gives id -1 for a chat line whose name the roster does not know", async () => {
    const { echoes, log, server: s } = await setup({ log: true });
    await s.start();
    await log("[chat] [Stranger]: hi");
    expect(echoes).toEqual([["chat", [-1, "Stranger", "hi"]]]);
  });

  it("above 100 players (no c/d answers) lists players through RCON", async () => {
    const { server: s } = await setup();
    mini.players = [{ id: 150, name: "Many", score: 0 }];
    mini.reportedCount = 150;
    await s.start();
    await s.poll();
    expect(s.players()).toEqual([{ id: 150, name: "Many", level: "player" }]);
  });
});

describe("deliver and announce through RCON", () => {
  it("says to all, sanitised, split so that `* Admin: ` + line fits 144 characters", async () => {
    const { server: s, rcon } = await setup({ clock: new ManualClock() });
    await rcon.settle(s.deliver("all", `{FF0000}red\nline ${"word ".repeat(40)}`));
    await vi.waitFor(() => expect(mini.commands.length).toBe(2));
    for (const command of mini.commands) {
      expect(command.startsWith("say ")).toBe(true);
      expect(("* Admin: " + command.slice(4)).length).toBeLessThanOrEqual(144);
      expect(command).not.toMatch(/[\n{}]/);
    }
    expect(mini.commands[0]).toMatch(/^say red line word/);
  });

  it("waits the client's rconQuietPeriod on its clock after each line, and no longer", async () => {
    const clock = new ManualClock();
    const { server: s } = await setup({ clock });
    let delivered = false;
    const delivering = s.deliver("all", `one ${"x".repeat(128)} two ${"y".repeat(120)}`).then(() => {
      delivered = true;
    });
    // Real UDP: the first line reaches the server; the second waits for the quiet period.
    await waitUntil(() => mini.commands.length === 1);
    clock.advance(QUIET - 1);
    // A few turns of the event loop (not of time): room for a second line to go, if it could.
    for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(s.stats.delivered).toBe(0);
    expect(mini.commands).toHaveLength(1);
    clock.advance(1);
    await waitUntil(() => mini.commands.length === 2);
    expect(s.stats.delivered).toBe(1);
    expect(delivered).toBe(false);
    clock.advance(QUIET);
    await delivering;
    expect(s.stats.delivered).toBe(2);
    expect(mini.commands).toEqual([`say one ${"x".repeat(128)}`, `say two ${"y".repeat(120)}`]);
  });

  it("never takes more than maxLines lines, cutting with …", async () => {
    const { server: s, rcon } = await setup({ clock: new ManualClock(), options: { maxLines: 2 } });
    await rcon.settle(s.deliver("all", "x".repeat(1000)));
    await vi.waitFor(() => expect(mini.commands.length).toBe(2));
    expect(mini.commands[1]!.endsWith("…")).toBe(true);
    expect(mini.commands[1]!.length).toBeLessThanOrEqual(4 + 135);
  });

  it("regression: cutting the last of maxLines lines for the … could leave half an emoji (a lone surrogate) before it", async () => {
    const { server: s, rcon } = await setup({ clock: new ManualClock(), encoding: "utf8", options: { maxLines: 2 } });
    // Lines of 135 UTF-16 units (144 less "* Admin: "): "x" and 67 emoji fill one exactly,
    // so the last line's cut to 134 units for the … falls between an emoji's halves.
    await rcon.settle(s.deliver("all", `x${"😀".repeat(67)}`.repeat(3)));
    await vi.waitFor(() => expect(mini.commands.length).toBe(2));
    expect(mini.commands[0]).toBe(`say x${"😀".repeat(67)}`);
    expect(mini.commands[1]).toBe(`say x${"😀".repeat(66)}…`);
    expect(mini.commands[1]).not.toContain("\uFFFD");
  });

  it("encodes delivered text in the server's code page (windows-1252 € and curly quotes)", async () => {
    const { server: s, rcon } = await setup({ clock: new ManualClock() });
    await rcon.settle(s.deliver("all", "“5 €” — fine"));
    await vi.waitFor(() => expect(mini.commands).toEqual(["say “5 €” — fine"]));
  });

  it("refuses targeted delivery and has no mutes without the Pawn include", async () => {
    const { server: s } = await setup({ clock: new ManualClock() });
    await expect(s.deliver("administrators", "hi")).rejects.toMatchObject({ code: "SAMP_UNSUPPORTED" });
    await expect(s.deliver({ player: 3 }, "hi")).rejects.toMatchObject({ code: "SAMP_UNSUPPORTED" });
    expect(s.mutes).toBeUndefined();
    expect(mini.commands).toEqual([]);
  });

  it("uses the include's commands for targets and announcements", async () => {
    const { server: s, rcon } = await setup({ clock: new ManualClock(), options: { pawnInclude: true } });
    await rcon.settle(s.deliver("administrators", "admins only"));
    await rcon.settle(s.deliver("vips", "vips only"));
    await rcon.settle(s.deliver({ player: 12 }, "just you"));
    await rcon.settle(s.announce("Server restart in 5 minutes"));
    await vi.waitFor(() => expect(mini.commands).toEqual(["nuwani_msg administrators admins only", "nuwani_msg vips vips only", "nuwani_pm 12 just you", "nuwani_announce Server restart in 5 minutes"]));
    await expect(s.deliver({ player: 1000 }, "x")).rejects.toMatchObject({ code: "SAMP_INVALID_ARGUMENT" });
  });

  it("announces with say without the include", async () => {
    const { server: s, rcon } = await setup({ clock: new ManualClock() });
    await rcon.settle(s.announce("hello"));
    await vi.waitFor(() => expect(mini.commands).toEqual(["say hello"]));
  });

  it("reports a wrong RCON password as SAMP_RCON_BAD_PASSWORD, never showing the password", async () => {
    const { server: s } = await setup({ clock: new ManualClock(), password: "wrong-password-xyz", quiet: 5000 });
    const error = (await s.deliver("all", "hi").catch((e: unknown) => e)) as SampError;
    expect(error.code).toBe("SAMP_RCON_BAD_PASSWORD");
    expect(`${error.message}${inspect(error)}${inspect(s)}`).not.toContain("wrong-password-xyz");
    expect(s.stats.deliveryFailures).toBe(1);
  });

  it("delivers nothing for text that sanitises to nothing", async () => {
    const { server: s } = await setup({ clock: new ManualClock() });
    await s.deliver("all", "\n\t{00FF00}  ");
    expect(mini.commands).toEqual([]);
  });
});

describe("mutes through the include", () => {
  it("mutes, lists with remaining seconds, expires, and unmutes", async () => {
    let now = 1_000_000;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
    const { server: s, log, rcon } = await setup({ clock: new ManualClock(), log: true, options: { pawnInclude: true, clock } });
    await s.start();
    await log("[join] Gunther has joined the server (3:127.0.0.1)");
    await rcon.settle(s.mutes!.mute(3, 60));
    await rcon.settle(s.mutes!.mute(4, undefined));
    expect(await s.mutes!.list()).toEqual([{ id: 3, name: "Gunther", remainingSeconds: 60 }, { id: 4, name: "4" }]);
    now += 61_000;
    expect(await s.mutes!.list()).toEqual([{ id: 4, name: "4" }]);
    await rcon.settle(s.mutes!.unmute(4));
    expect(await s.mutes!.list()).toEqual([]);
    await log(formatEchoLine("nuwani-mute", [3, "Gunther", 0]));
    expect(await s.mutes!.list()).toEqual([{ id: 3, name: "Gunther" }]);
    await log(formatEchoLine("nuwani-unmute", [3]));
    expect(await s.mutes!.list()).toEqual([]);
    await vi.waitFor(() => expect(mini.commands).toEqual(["nuwani_mute 3 60", "nuwani_mute 4 0", "nuwani_unmute 4"]));
    await expect(s.mutes!.mute(3, -1)).rejects.toMatchObject({ code: "SAMP_INVALID_ARGUMENT" });
  });
});

describe("watchdog (fake timers)", () => {
  it("reports down once after downAfter without answers, backs off, and up on recovery; counts outages", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { server: s, health, client } = await setup({ timeout: 200, options: { downAfter: 5000, pollInterval: 1000, maxPollInterval: 8000 } });
    await s.start();
    await waitUntil(() => s.stats.polls === 1 && client.stats.answered >= 1);
    mini.silent = true;
    const silentSince = Date.now();
    for (let step = 0; step < 200 && health.length === 0; step++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise<void>((r) => setImmediate(r));
    }
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(5000);
    expect(Date.now() - silentSince).toBeLessThan(5000 + 1000 + 400 + 500);
    expect(health).toEqual([["down", expect.stringMatching(/not answered queries for \d+ s/)]]);
    expect(s.health).toBe("down");
    expect(s.stats.outages).toBe(1);
    // Still polling, slower: the next poll waits longer than pollInterval.
    const polls = s.stats.polls;
    await vi.advanceTimersByTimeAsync(1500);
    expect(s.stats.polls).toBe(polls);
    mini.silent = false;
    for (let step = 0; step < 200 && health.length === 1; step++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise<void>((r) => setImmediate(r));
    }
    expect(health[1]).toEqual(["up", expect.stringMatching(/back after \d+ s/)]);
    expect(s.stats.outages).toBe(1);
  });

  it("reports down when the log is silent while players are online", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { server: s, health, log } = await setup({ log: true, timeout: 200, options: { logSilentAfter: 3000, downAfter: 60_000, pollInterval: 1000 } });
    mini.players = [{ id: 3, name: "Gunther", score: 0 }];
    await s.start();
    await log("[join] Gunther has joined the server (3:127.0.0.1)");
    for (let step = 0; step < 60 && health.length === 0; step++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise<void>((r) => setImmediate(r));
    }
    expect(health[0]).toEqual(["down", expect.stringMatching(/log has been silent for \d+ s with 1 players online/)]);
    await log("[chat] [Gunther]: still here");
    for (let step = 0; step < 60 && health.length === 1; step++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise<void>((r) => setImmediate(r));
    }
    expect(health[1]?.[0]).toBe("up");
  });
});
