// The tracker on a real GatewayConnection against the fake Discord on loopback: a full sync
// of a large guild through op 8, a resume, and a fresh identify.
import { createGuild, FakeDiscord, Intents, serializeMember } from "@nuwani/fake-discord";
import type { FakeDiscordOptions, GuildFixture } from "@nuwani/fake-discord";
import { GatewayConnection, IdentifyThrottle } from "@nuwani/gateway";
import type { GatewayConnectionOptions, GatewayVersion } from "@nuwani/gateway";
import { afterEach, describe, expect, it } from "vitest";
import { DiscordTracker } from "../src/DiscordTracker.js";
import type { TrackerGuild } from "../src/types.js";
import { SkippingClock } from "./support/skippingClock.js";

const started: { discord: FakeDiscord; gateway: GatewayConnection<GatewayVersion> }[] = [];

afterEach(async () => {
  for (const { discord, gateway } of started.splice(0)) {
    gateway.destroy();
    await discord.stop();
  }
});

async function connect(
  guild: GuildFixture,
  options: Partial<GatewayConnectionOptions<GatewayVersion>> = {},
  discordOptions: FakeDiscordOptions = {},
) {
  const discord = new FakeDiscord({ guilds: [guild], heartbeatInterval: 1_000, identifyWindow: 50, ...discordOptions });
  await discord.start();
  const gateway = new GatewayConnection<GatewayVersion>({
    // GatewayConnection defaults to v10 (which needs intents); these tests are about v6.
    version: 6,
    token: discord.token,
    url: discord.gatewayUrl,
    largeThreshold: 50,
    identifyThrottle: new IdentifyThrottle({ interval: 100 }),
    backoff: { base: 10, cap: 50 },
    random: () => 0,
    ...options,
  });
  started.push({ discord, gateway });
  const tracker = new DiscordTracker();
  const errors: Error[] = [];
  tracker.on("error", (error) => errors.push(error));
  tracker.attach(gateway);
  return { discord, gateway, tracker, errors };
}

const once = <T extends unknown[]>(tracker: DiscordTracker, name: "synced" | "ready" | "memberJoin", filter: (...args: T) => boolean = () => true) =>
  new Promise<T>((resolve) => {
    const listener = (...args: unknown[]) => {
      if (!filter(...(args as T))) return;
      tracker.off(name, listener);
      resolve(args as T);
    };
    tracker.on(name, listener);
  });

describe.each([
  { version: 6 as const, options: {} },
  { version: 10 as const, options: { version: 10, intents: Intents.GUILDS | Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES } },
])("DiscordTracker on GatewayConnection v$version", ({ options }) => {
  it("syncs every member of a 5,000-member guild through op 8, in chunks of 1000, with progress", async () => {
    const guild = createGuild({ seed: 11, members: 5_000, online: 0.2 });
    const { discord, gateway, tracker, errors } = await connect(guild, options as Partial<GatewayConnectionOptions<GatewayVersion>>);
    const progress: number[] = [];
    tracker.on("syncProgress", (_id, received, expected) => {
      expect(expected).toBe(5_000);
      progress.push(received);
    });
    const synced = once<[TrackerGuild]>(tracker, "synced");
    await gateway.connect();
    const [view] = await synced;
    expect(view).toMatchObject({ id: guild.id, large: true, synced: true, memberCount: 5_000, trackedMembers: 5_000 });
    expect(progress).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(discord.memberRequests).toHaveLength(1);
    expect(discord.memberRequests[0]?.d).toMatchObject({ guild_id: guild.id, query: "", limit: 0 });
    for (const index of [1, 2, 2500, 4999]) {
      const fixture = guild.members[index]!;
      const member = tracker.getMember(guild.id, fixture.user.id)!;
      expect(member.user.username).toBe(fixture.user.username);
      expect(member.roles).toEqual([...fixture.roles].sort());
      expect(member.nick).toBe(fixture.nick);
      expect(member.status).toBe(fixture.status);
    }
    expect(tracker.canSend(guild.channels.find((channel) => channel.name === "echo")!.id)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("loses nothing across a resume: dispatches sent while disconnected are applied", async () => {
    const guild = createGuild({ seed: 12, members: 20 });
    const { discord, gateway, tracker } = await connect(guild, options as Partial<GatewayConnectionOptions<GatewayVersion>>);
    const synced = once(tracker, "synced");
    await gateway.connect();
    await synced;
    const resumed = new Promise((resolve) => gateway.once("resumed", resolve));
    discord.gateway.faults.dropAll();
    const newcomer = { ...guild.members[3]!, user: { ...guild.members[3]!.user, id: "800000000000000001", username: "Late" }, roles: [] };
    const joined = once(tracker, "memberJoin");
    discord.dispatch("GUILD_MEMBER_ADD", (session: { version: 6 | 10 }) => ({ ...serializeMember(newcomer, session.version), guild_id: guild.id }));
    discord.dispatch("GUILD_MEMBER_REMOVE", { guild_id: guild.id, user: { id: guild.members[5]!.user.id, username: "x", discriminator: "0001", avatar: null } });
    await resumed;
    await joined;
    await tracker.settled();
    expect(tracker.getMember(guild.id, "800000000000000001")?.user.username).toBe("Late");
    expect(tracker.getMember(guild.id, guild.members[5]!.user.id)).toBeUndefined();
    expect(tracker.getGuild(guild.id)).toMatchObject({ trackedMembers: 20, memberCount: 20 });
  });

  it("rebuilds after a fresh identify: members who left while disconnected are gone", async () => {
    const guild = createGuild({ seed: 13, members: 400, online: 0.3 });
    // The second sync follows the first within Discord's 30 s op 8 window; the retry after
    // RATE_LIMITED is tested on fake timers (DiscordTracker.memberSyncRetry.test.ts).
    // The gateway waits 1–5 s after op 9 (3 s with this `random`) before it identifies anew:
    // the clock lets that wait pass at once. Heartbeats (1 s) and the rest keep real timers.
    const clock = new SkippingClock();
    const gatewayOptions = {
      ...(options as Partial<GatewayConnectionOptions<GatewayVersion>>),
      clock,
      random: () => 0.5,
      identifyThrottle: new IdentifyThrottle({ interval: 100, clock }),
    };
    const { discord, gateway, tracker } = await connect(guild, gatewayOptions, { memberRequestWindow: false, identifyWindow: 0 });
    const synced = once(tracker, "synced");
    await gateway.connect();
    await synced;
    const firstSession = tracker.sessionId;
    // While the session is lost, three offline members leave (no event reaches the bot).
    const leaving = guild.members.filter((member, index) => index > 1 && member.status === "offline").slice(0, 3);
    guild.members = guild.members.filter((member) => !leaving.includes(member));
    const ready = once<[unknown, string]>(tracker, "ready");
    const resynced = once(tracker, "synced");
    const skipped = clock.skipNext(3_000);
    discord.faults.invalidSession(false);
    await skipped;
    const [, sessionId] = await ready;
    expect(sessionId).not.toBe(firstSession);
    await resynced;
    expect(tracker.getGuild(guild.id)).toMatchObject({ synced: true, trackedMembers: 397, memberCount: 397 });
    for (const member of leaving) expect(tracker.getMember(guild.id, member.user.id)).toBeUndefined();
    for (const member of leaving) expect(tracker.getUser(member.user.id)).toBeUndefined();
  });
});
