import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, type EnabledBridgeConfig } from "@nuwani/bridge";
import { createGuild, FakeDiscord, type GuildFixture, type MemberFixture } from "@nuwani/fake-discord";
import { FakeNuwaniInclude, FakeSampServer } from "@nuwani/fake-samp";
import { parseGameConfig, type GameConfig } from "@nuwani/samp";
import type { Clock } from "@nuwani/util";

/** One step of the demo's Discord side, at `at` ms after the start (before scaling). */
export interface DemoStep {
  readonly at: number;
  /** What the CLI prints for it (a fault), if anything beyond the message itself. */
  readonly fault?: string;
  readonly run: (demo: Demo) => void;
}

/** The embedded fake Discord of `nuwani-discord --demo`, and who talks on it. */
export interface Demo {
  readonly discord: FakeDiscord;
  readonly guild: GuildFixture;
  readonly config: EnabledBridgeConfig;
  readonly channels: { readonly echo: string; readonly admin: string };
  readonly people: {
    readonly management: MemberFixture;
    readonly administrator: MemberFixture;
    readonly vip: MemberFixture;
    readonly players: readonly MemberFixture[];
    readonly bot: MemberFixture;
  };
  /** The fake SA-MP server the real adapter reads; absent when the demo simulates the game in process. */
  readonly samp?: DemoSamp;
  /** A Discord user says something in a channel (MESSAGE_CREATE from the fake). */
  say(author: MemberFixture, channelId: string, content: string, mentions?: readonly MemberFixture[]): void;
  stop(): Promise<void>;
}

/** The demo's fake SA-MP server, with its log in a temporary directory. */
export interface DemoSamp {
  readonly server: FakeSampServer;
  readonly include: FakeNuwaniInclude;
  /** The `game` section the adapter runs with (port, RCON password, log path of the fake). */
  readonly config: GameConfig;
  /** Starts the fake's scripted play (joins, chat, kills, parts written to its log). */
  play(): void;
}

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Members of the demo guild (large, so the member sync shows progress). @defaultValue 2500 */
  readonly members?: number;
  /**
   * `"samp"`: a fake SA-MP server on 127.0.0.1 (UDP query and RCON, a log file in a temporary
   * directory removed by `stop()`, the Pawn include emulated), read by the real adapter of
   * `@nuwani/samp`. `"simulated"`: no game server; the CLI simulates the game in process.
   * @defaultValue `"samp"`
   */
  readonly game?: "samp" | "simulated";
  /** Time of the fake SA-MP server (its play, log timestamps, delays). @defaultValue the system clock */
  readonly clock?: Clock;
}

/** How often the demo's fake SA-MP server plays a step (a join, a chat line, a kill…). */
export const DEMO_PLAY_INTERVAL = 700;

async function startSamp(clock: Clock | undefined): Promise<{ samp: DemoSamp; stop(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), "nuwani-demo-"));
  try {
    const rconPassword = randomBytes(12).toString("hex");
    const server = new FakeSampServer({
      rconPassword,
      log: { path: join(directory, "server_log.txt") },
      players: [{ name: "Ana" }, { name: "Gunther" }, { name: "Russell" }, { name: "Luce" }],
      maxPlayers: 50,
      seed: 2026,
      // Its custom echo events are in-game admin chat (LVP's `chat-admin`: id, name, text), posted to #admin.
      play: { echoTags: ["chat-admin"] },
      ...(clock === undefined ? {} : { clock }),
    });
    const include = new FakeNuwaniInclude(server, { heartbeatMs: 0 });
    await server.start(0);
    include.setLevel(1, "administrator");
    const config = parseGameConfig(
      {
        type: "samp",
        host: "127.0.0.1",
        port: server.port,
        rconPassword,
        logPath: join(directory, "server_log.txt"),
        pawnInclude: true,
        pollInterval: 500,
        downAfter: 1500,
        queryTimeout: 400,
        queryRetries: 1,
        logSilentAfter: 0,
        logPollInterval: 100,
      },
      {},
    );
    return {
      samp: { server, include, config, play: () => server.startAutoPlay(DEMO_PLAY_INTERVAL) },
      async stop() {
        server.stopAutoPlay();
        include.destroy();
        await server.stop();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** The name a member shows with. */
export function displayName(member: MemberFixture): string {
  return member.nick ?? member.user.globalName ?? member.user.username;
}

/**
 * Starts a fake Discord on 127.0.0.1 with a Las Venturas Playground guild: `#echo` and
 * `#admin`, the Management / Administrator / VIP roles mapped to levels, a few members with
 * each, and thousands of others (synced in chunks, so the sync shows progress). Its config
 * points the bridge at the fake (gateway and REST version 10). Unless `game` is
 * `"simulated"`, it also starts a fake SA-MP server (see {@link DemoSamp}); `stop()` stops
 * both and removes the fake's log directory.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const game = options.game === "simulated" ? undefined : await startSamp(options.clock);
  try {
    return await startDiscord(options, game);
  } catch (error) {
    await game?.stop();
    throw error;
  }
}

async function startDiscord(options: DemoOptions, game: { samp: DemoSamp; stop(): Promise<void> } | undefined): Promise<Demo> {
  const guild = createGuild({ seed: 2026, members: options.members ?? 2500, online: 0.2 });
  const role = (name: string): string => guild.roles.find((entry) => entry.name === name)?.id ?? guild.id;
  // LVP's other audiences: #management and #vip (staff-only, like #admin), so every default channel resolves.
  const admin = guild.channels.find((entry) => entry.name === "admin");
  if (admin !== undefined) {
    for (const [offset, name] of ["management", "vip"].entries()) {
      guild.channels.push({ ...admin, id: String(BigInt(admin.id) + 100n + BigInt(offset)), name, position: guild.channels.length, overwrites: [...admin.overwrites] });
    }
  }
  const channel = (name: string): string => guild.channels.find((entry) => entry.name === name)?.id ?? "";
  const members = guild.members;
  const bot = members[0]!;
  const management = members[1]!;
  const administrator = members[2]!;
  const vip = members[3]!;
  const players = members.slice(4, 9);
  management.roles = [role("Management")];
  administrator.roles = [role("Administrator")];
  vip.roles = [role("VIP")];
  for (const player of players) player.roles = [];
  for (const member of [management, administrator, vip, ...players]) member.status = "online";

  const discord = new FakeDiscord({ guilds: [guild], heartbeatInterval: 5000, identifyWindow: 500 });
  await discord.start();
  const parsed = parseConfig(
    {
      discord: {
        token: discord.token,
        clientId: bot.user.id,
        endpoint: discord.gatewayUrl,
        api: discord.restUrl,
        version: 10,
        guild: guild.id,
        channels: { echo: "#echo", admin: "#admin" },
        levels: { Management: "management", Administrator: "administrator", VIP: "vip" },
        commandPrefix: "!",
      },
    },
    {},
  );
  if (!parsed.enabled) {
    await discord.stop();
    throw new Error("the demo configuration is enabled");
  }
  return {
    discord,
    guild,
    config: parsed,
    channels: { echo: channel("echo"), admin: channel("admin") },
    people: { management, administrator, vip, players, bot },
    ...(game === undefined ? {} : { samp: game.samp }),
    say(author, channelId, content, mentions = []) {
      discord.messageCreate({ channelId, author, content, mentions: mentions.map((member) => member.user) });
    },
    async stop() {
      try {
        await discord.stop();
      } finally {
        await game?.stop();
      }
    },
  };
}

/** Length of {@link demoScript}'s timeline, in ms before scaling. */
export const DEMO_SCRIPT_LENGTH = 11_000;

/**
 * What happens on the Discord side of the demo: people talk in `#echo` (with the odd
 * injection attempt), commands at each level (allowed, denied, unknown), a mention of the
 * bot, a message in `#admin`, one dropped gateway connection (the session resumes and
 * the message sent meanwhile is replayed) and, with the fake SA-MP server, a stretch where the
 * game server answers nothing (the watchdog's alert and recovery in `#admin`).
 */
export function demoScript(demo: Demo): DemoStep[] {
  const { echo, admin } = demo.channels;
  const { management, administrator, vip, players, bot } = demo.people;
  const [a, b, c, d] = [players[0]!, players[1]!, players[2]!, players[3]!];
  // The game server goes quiet for a while (between the messages that need RCON): the
  // adapter's watchdog reports it down, the bridge alerts #admin, then both recover.
  const watchdog: DemoStep[] =
    demo.samp === undefined
      ? []
      : [
          { at: 1500, fault: "the game server stops answering queries and RCON", run: (x) => x.samp?.server.faults.silence(true) },
          { at: 4000, fault: "the game server answers again", run: (x) => x.samp?.server.faults.silence(false) },
        ];
  return [
    ...watchdog,
    { at: 600, run: (x) => x.say(a, echo, "hey everyone, anyone up for a race?") },
    { at: 1400, run: (x) => x.say(b, echo, `{FF0000}red text, **bold** and a ping for <@${management.user.id}>`, [management]) },
    { at: 2200, run: (x) => x.say(c, echo, "!players") },
    { at: 3000, run: (x) => x.say(d, echo, `<@${bot.user.id}> are you a bot?`, [bot]) },
    { at: 3800, run: (x) => x.say(a, echo, "!help") },
    { at: 4600, run: (x) => x.say(administrator, echo, "!say Event at the pirate ship in 5 minutes!") },
    { at: 5400, run: (x) => x.say(vip, echo, "!say I can announce too, right?") },
    { at: 6200, run: (x) => x.say(administrator, admin, "who is spectating id 3?") },
    { at: 7000, fault: "the gateway connection drops (TCP reset)", run: (x) => x.discord.gateway.faults.dropAll() },
    { at: 7100, run: (x) => x.say(c, echo, "did the bot just disconnect?") },
    { at: 8400, run: (x) => x.say(d, echo, "!admin someone is flying a car near the airport") },
    { at: 9200, run: (x) => x.say(b, echo, "!frobnicate") },
    { at: 10_000, run: (x) => x.say(management, echo, "!help") },
  ];
}
