import { FakeDiscord, type FakeDiscordOptions } from "@nuwani/fake-discord";
import { afterEach } from "vitest";
import { DiscordRest } from "../../src/DiscordRest.js";
import type { DiscordRestOptions } from "../../src/DiscordRestOptions.js";
import { countedFetch, runOnClock } from "./drive.js";
import { ManualClock } from "@nuwani/util";

const discords: FakeDiscord[] = [];
const clients: DiscordRest[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(discords.splice(0).map((discord) => discord.stop()));
});

/** A started fake Discord on 127.0.0.1 (stopped after the test). */
export async function startFake(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const discord = new FakeDiscord(options);
  discords.push(discord);
  await discord.start();
  return discord;
}

/** A client of the fake (destroyed after the test); retries back off 1 ms so tests stay fast. */
export function restFor(discord: FakeDiscord, options: Partial<DiscordRestOptions> = {}): DiscordRest {
  const client = new DiscordRest({ token: discord.token, baseUrl: discord.restUrl, retryDelay: () => 1, ...options });
  clients.push(client);
  return client;
}

/** The id of a channel of the fake's first guild, by name. */
export function channelId(discord: FakeDiscord, name = "general"): string {
  return discord.guilds[0]!.channels.find((channel) => channel.name === name)!.id;
}

/** A second text channel id: a channel added to the first guild. */
export function addChannel(discord: FakeDiscord, id: string, name: string): string {
  const general = discord.guilds[0]!.channels.find((channel) => channel.name === "general")!;
  discord.guilds[0]!.channels.push({ ...general, id, name });
  return id;
}

/** A fake Discord and clients of it on one manual clock, with their loopback I/O counted (see {@link runOnClock}). */
export interface OnManualClock {
  readonly clock: ManualClock;
  readonly discord: FakeDiscord;
  /** A client of the fake on the shared clock (destroyed after the test). */
  client(options?: Partial<DiscordRestOptions>): DiscordRest;
  /** Runs `work` to its end, moving the shared clock on whenever loopback I/O is done. */
  run<T>(work: Promise<T>): Promise<T>;
}

/**
 * A started fake Discord whose rate limits and slow answers, and whose clients' waits and
 * timeouts, all run on one {@link ManualClock}: timing rules are tested on that clock, with real
 * loopback HTTP, and never by waiting on real time. `inner` is the `fetch` the clients use (the
 * global one by default).
 */
export async function onManualClock(options: FakeDiscordOptions = {}, inner?: typeof fetch): Promise<OnManualClock> {
  const clock = new ManualClock();
  const discord = await startFake({ ...options, clock });
  const io = countedFetch(inner);
  return {
    clock,
    discord,
    client: (clientOptions = {}) => restFor(discord, { clock, fetch: io.fetch, ...clientOptions }),
    run: (work) => runOnClock(clock, io, work, { held: () => discord.rest.slowed }),
  };
}
