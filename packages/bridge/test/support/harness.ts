import { createGuild, FakeDiscord, type FakeDiscordOptions, type GuildFixture, type MemberFixture } from "@nuwani/fake-discord";
import type { Clock } from "@nuwani/util";
import { Bridge } from "../../src/Bridge.js";
import type { BridgeOptions } from "../../src/BridgeOptions.js";
import { parseConfig, type EnabledBridgeConfig } from "../../src/config.js";
import { SimulatedGameServer } from "../../src/SimulatedGameServer.js";

/** A token that must never show up anywhere. */
export const TOKEN = "sekrit.Token-4f9c2a71-NEVER-PRINT";

export interface Harness {
  discord: FakeDiscord;
  guild: GuildFixture;
  game: SimulatedGameServer;
  bridge: Bridge;
  config: EnabledBridgeConfig;
  echo: string;
  admin: string;
  general: string;
  /** Members by level: no roles, VIP, Administrator, Management. */
  player: MemberFixture;
  vip: MemberFixture;
  administrator: MemberFixture;
  management: MemberFixture;
  bot: MemberFixture;
  /** Everything the bridge said: debug messages and errors. */
  log: string[];
  /** Posted message contents in a channel, oldest first. */
  posted(channelId: string): string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  version?: 6 | 10;
  members?: number;
  bridge?: Partial<Omit<BridgeOptions, "config" | "game">>;
  /** Start the bridge (and wait for the guild). @defaultValue true */
  start?: boolean;
  /** Extra fields of the discord section. */
  discord?: Record<string, unknown>;
  /** Changes the guild fixture before the fake starts (members set up as described on {@link Harness}). */
  prepare?: (guild: GuildFixture, members: Pick<Harness, "player" | "vip" | "administrator" | "management" | "bot">) => void;
  /** Extra options of the fake Discord. */
  fake?: Partial<FakeDiscordOptions>;
  /**
   * One clock for the fake Discord and the bridge (and the gateway, tracker and REST client it
   * makes), e.g. a `ManualClock` moved by the test over the real loopback sockets.
   * @defaultValue each its system clock
   */
  clock?: Clock;
}

function clockOf(options: HarnessOptions): { clock?: Clock } {
  return options.clock === undefined ? {} : { clock: options.clock };
}

/** A fake Discord with a small guild, a simulated game (not started) and a bridge between them, connected. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const guild = createGuild({ seed: 11, members: options.members ?? 12 });
  const role = (name: string): string => guild.roles.find((entry) => entry.name === name)!.id;
  const channel = (name: string): string => guild.channels.find((entry) => entry.name === name)!.id;
  const [bot, management, player, vip, administrator] = guild.members as [MemberFixture, MemberFixture, MemberFixture, MemberFixture, MemberFixture];
  management.roles = [role("Management")];
  player.roles = [];
  vip.roles = [role("VIP")];
  administrator.roles = [role("Administrator")];
  options.prepare?.(guild, { player, vip, administrator, management, bot });
  // The fake enforces Discord's REST buckets; wide ones keep tests quick.
  const discord = new FakeDiscord({ token: TOKEN, guilds: [guild], identifyWindow: 50, rest: { bucket: { limit: 50, window: 1000 }, global: false }, ...clockOf(options), ...options.fake });
  await discord.start();
  const config = parseConfig(
    {
      discord: {
        token: TOKEN,
        clientId: bot.user.id,
        endpoint: discord.gatewayUrl,
        api: discord.restUrl,
        version: options.version ?? 10,
        guild: guild.id,
        channels: { echo: "#echo", admin: channel("admin") },
        levels: { Management: "management", [`<@&${role("Administrator")}>`]: "administrator", VIP: "vip" },
        ...options.discord,
      },
    },
    {},
  );
  if (!config.enabled) throw new Error("the harness config is enabled");
  const game = new SimulatedGameServer({ seed: 3 });
  const bridge = new Bridge({
    config,
    game,
    gatewayOptions: { backoff: { base: 20, cap: 100 } },
    restOptions: { retryDelay: () => 20 },
    outbox: { rate: { limit: 50, window: 1000 }, retryDelay: () => 50 },
    commandRateLimit: { limit: 100, window: 1000 },
    // Flood control has its own tests; wide limits keep the others quick.
    flood: { perUser: { limit: 1000, window: 1000 }, overall: { limit: 1000, window: 1000 } },
    ...clockOf(options),
    ...options.bridge,
  });
  const log: string[] = [];
  bridge.on("debug", (message) => log.push(message));
  bridge.on("error", (error) => log.push(`${error.code} ${error.message} ${String((error.cause as Error | undefined)?.message)}`));
  if (options.start !== false) {
    const ready = new Promise((resolve) => bridge.once("guildReady", resolve));
    await bridge.start();
    await ready;
  }
  return {
    discord,
    guild,
    game,
    bridge,
    config,
    echo: channel("echo"),
    admin: channel("admin"),
    general: channel("general"),
    player,
    vip,
    administrator,
    management,
    bot,
    log,
    posted: (channelId) => discord.postedMessages.filter((message) => message.channelId === channelId).map((message) => message.content),
    async close() {
      game.stop();
      await bridge.stop();
      await discord.stop();
    },
  };
}
