// End to end on loopback: the real v10 GatewayConnection and the tracker against the fake
// Discord with its op 8 limit on. A second full member sync of a guild inside the window is
// answered with RATE_LIMITED, the gateway rejects the request with GATEWAY_RATE_LIMITED
// (retryAfter in ms), the tracker waits that long and its retry is answered with chunks.
//
// Time: the sockets, the gateway's heartbeats and the fake's own timers run on real timers
// (they only keep the connection alive); the two clocks the rule depends on are manual: the
// fake's `now()` (its op 8 window) and the tracker's retry timer. Nothing here sleeps.
import { createGuild, Intents, serializeGuild } from "@nuwani/fake-discord";
import type { FakeDiscord, FakeMemberRequestRecord, FakeSession } from "@nuwani/fake-discord";
import { ManualClock, systemClock } from "@nuwani/util";
import type { Clock } from "@nuwani/util";
import { describe, expect, it } from "vitest";
import { BOT } from "./support/payloads.js";
import { next, trackerOnFake } from "./support/loopback.js";

/**
 * Manual time shared by the fake's op 8 window and the tracker's retry timer: util's
 * ManualClock for the tracker, recording each delay and telling when a timer is armed.
 */
class ManualTime extends ManualClock {
  readonly delays: number[] = [];
  readonly #armed: (() => void)[] = [];

  constructor() {
    super(Date.parse("2026-06-01T00:00:00.000Z"));
  }

  /** The fake's clock: this `now()`, real timers for its heartbeat and session bookkeeping. */
  readonly fake: Clock = {
    now: () => this.now(),
    setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
    clearTimeout: (handle) => systemClock.clearTimeout(handle),
  };

  /** The tracker's clock: this one. */
  get tracker(): Clock {
    return this;
  }

  override setTimeout(callback: () => void, ms: number): unknown {
    this.delays.push(ms);
    const handle = super.setTimeout(callback, ms);
    for (const resolve of this.#armed.splice(0)) resolve();
    return handle;
  }

  /** Resolves once one of the tracker's timers is pending (at once if one is). */
  whenArmed(): Promise<void> {
    if (this.pending > 0) return Promise.resolve();
    return new Promise((resolve) => this.#armed.push(resolve));
  }
}

const memberRequest = (discord: FakeDiscord) =>
  new Promise<FakeMemberRequestRecord>((resolve) => discord.once("requestGuildMembers", resolve));

describe("DiscordTracker on a real v10 GatewayConnection: op 8 rate limit end to end", () => {
  it("a second full member sync inside the window is RATE_LIMITED, then retried after retryAfter and synced", async () => {
    const time = new ManualTime();
    const guild = createGuild({ seed: 9, bot: BOT, members: 3_000, online: 0.2 });
    const gatewayErrors: unknown[] = [];
    let firstSync: Promise<unknown[]> | undefined;
    const { discord, gateway, tracker, errors } = await trackerOnFake([guild], {
      discord: { memberRequestWindow: 30_000, clock: time.fake },
      tracker: { clock: time.tracker },
      beforeConnect: (made) => {
        made.gateway.on("error", (error) => gatewayErrors.push(error));
        // First sync: answered with chunks.
        firstSync = next(made.tracker, "synced");
      },
    });
    const [first] = (await firstSync) ?? [];
    expect(first).toMatchObject({ id: guild.id, large: true, synced: true, trackedMembers: 3_000 });
    expect(discord.memberRequests.map((record) => record.outcome)).toEqual(["answered"]);

    // 10 s later the guild has an outage and comes back: the tracker syncs it again, inside
    // the 30 s window, and the fake answers with RATE_LIMITED (retry_after 20 s).
    time.advance(10_000);
    const limited = memberRequest(discord);
    const unavailable = next(tracker, "guildUnavailable");
    discord.dispatch("GUILD_DELETE", { id: guild.id, unavailable: true });
    await unavailable;
    const available = next(tracker, "guildAvailable");
    discord.dispatch("GUILD_CREATE", (session: FakeSession) =>
      serializeGuild(guild, { version: session.version, largeThreshold: session.largeThreshold, presences: session.hasIntent(Intents.GUILD_PRESENCES), botId: BOT.id }),
    );
    await available;
    const record = await limited;
    expect(record).toMatchObject({ outcome: "rate-limited", chunks: 0, retryAfter: 20 });
    expect(record.d).toMatchObject({ guild_id: guild.id, query: "", limit: 0 });

    // The gateway rejected with GATEWAY_RATE_LIMITED (retryAfter 20,000 ms) and the tracker
    // armed exactly one retry timer for that long; the guild is not synced meanwhile.
    // (The rejection crosses the loopback socket: wait for the timer to be armed, not for time.)
    await time.whenArmed();
    expect(time.pending).toBe(1);
    expect(time.delays).toEqual([20_000]);
    expect(tracker.getGuild(guild.id)?.synced).toBe(false);
    expect(discord.memberRequests).toHaveLength(2);

    // One ms short of the wait: no retry yet.
    time.advance(19_999);
    expect(time.pending).toBe(1);
    expect(discord.memberRequests).toHaveLength(2);

    // At the wait: the retry goes out, the fake's window has passed, it is answered.
    const secondSync = next(tracker, "synced");
    const answered = memberRequest(discord);
    time.advance(1);
    expect(time.pending).toBe(0);
    expect(await answered).toMatchObject({ outcome: "answered", chunks: 3 });
    const [second] = await secondSync;
    expect(second).toMatchObject({ id: guild.id, synced: true, trackedMembers: 3_000 });
    expect(discord.memberRequests.map((entry) => entry.outcome)).toEqual(["answered", "rate-limited", "answered"]);
    const fixture = guild.members[2_999]!;
    expect(tracker.getMember(guild.id, fixture.user.id)?.user.username).toBe(fixture.user.username);
    expect(errors).toEqual([]);
    expect(gatewayErrors).toEqual([]);
    expect(gateway.state).toBe("ready");
  });
});
