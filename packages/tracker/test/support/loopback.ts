// The tracker on a real v10 GatewayConnection against the fake Discord on loopback.
import { FakeDiscord, Intents } from "@nuwani/fake-discord";
import type { FakeDiscordOptions, GuildFixture } from "@nuwani/fake-discord";
import { GatewayConnection, IdentifyThrottle } from "@nuwani/gateway";
import { afterEach } from "vitest";
import { DiscordTracker } from "../../src/DiscordTracker.js";
import type { DiscordTrackerEvents, DiscordTrackerOptions } from "../../src/DiscordTracker.js";
import type { TrackerError } from "../../src/TrackerError.js";
import { BOT } from "./payloads.js";

const started: Array<{ discord: FakeDiscord; gateway: GatewayConnection<10>; tracker: DiscordTracker }> = [];

afterEach(async () => {
  for (const { discord, gateway, tracker } of started.splice(0)) {
    tracker.detach();
    gateway.destroy();
    await discord.stop();
  }
});

/** What {@link trackerOnFake} made. */
export interface TrackerOnFake {
  discord: FakeDiscord;
  gateway: GatewayConnection<10>;
  tracker: DiscordTracker;
  /** Every `error` the tracker reported. */
  errors: TrackerError[];
}

/**
 * A fake Discord serving `guilds` as {@link BOT}, a v10 gateway connected to it, and a tracker on
 * it. `beforeConnect` runs once the tracker is attached and before the gateway connects (to
 * listen for what the connect itself brings).
 */
export async function trackerOnFake(
  guilds: GuildFixture[],
  options: {
    discord?: FakeDiscordOptions;
    tracker?: DiscordTrackerOptions;
    intents?: number;
    beforeConnect?: (made: Omit<TrackerOnFake, "errors">) => void;
  } = {},
): Promise<TrackerOnFake> {
  const discord = new FakeDiscord({ guilds, user: BOT, heartbeatInterval: 1_000, identifyWindow: 0, ...options.discord });
  await discord.start();
  const gateway = new GatewayConnection<10>({
    token: discord.token,
    url: discord.gatewayUrl,
    version: 10,
    intents: options.intents ?? Intents.GUILDS | Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES,
    identifyThrottle: new IdentifyThrottle({ interval: 0 }),
    random: () => 0,
  });
  const tracker = new DiscordTracker(options.tracker);
  started.push({ discord, gateway, tracker });
  const errors: TrackerError[] = [];
  tracker.on("error", (error) => errors.push(error));
  tracker.attach(gateway);
  options.beforeConnect?.({ discord, gateway, tracker });
  const available = guilds.map((guild) => next(tracker, "guildAvailable", (view) => view.id === guild.id));
  await gateway.connect();
  await Promise.all(available);
  await tracker.settled();
  return { discord, gateway, tracker, errors };
}

/** Resolves with the arguments of the tracker's next `event` that passes `filter`. */
export function next<K extends keyof DiscordTrackerEvents>(
  tracker: DiscordTracker,
  event: K,
  filter: (...args: DiscordTrackerEvents[K]) => boolean = () => true,
): Promise<DiscordTrackerEvents[K]> {
  return new Promise((resolve) => {
    const listener = (...args: DiscordTrackerEvents[K]): void => {
      if (!filter(...args)) return;
      (tracker.off as (event: K, listener: (...args: DiscordTrackerEvents[K]) => void) => void)(event, listener);
      resolve(args);
    };
    (tracker.on as (event: K, listener: (...args: DiscordTrackerEvents[K]) => void) => void)(event, listener);
  });
}
