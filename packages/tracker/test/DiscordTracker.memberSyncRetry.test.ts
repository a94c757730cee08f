// The member sync after Discord's op 8 limit (one request for every member of a guild per
// 30 s): a gateway rejects the request with `code: "GATEWAY_RATE_LIMITED"` and `retryAfter`
// in ms (the v10 RATE_LIMITED dispatch), and the tracker asks again after that long, a
// bounded number of times. The gateway is a structural stand-in that enforces the limit
// with the fake Discord's own rule; time is on fake timers.
import { createGuild, GuildMembersRateLimit, parseGuildMembersRequest, requestGuildMembers } from "@nuwani/fake-discord";
import type { GuildFixture } from "@nuwani/fake-discord";
import { systemClock } from "@nuwani/util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DiscordTracker } from "../src/DiscordTracker.js";
import type { TrackerDispatch, TrackerGateway, TrackerMemberChunk } from "../src/DiscordTracker.js";
import type { TrackerError } from "../src/TrackerError.js";
import { BOT, dispatch, guildCreate, ready } from "./support/payloads.js";

/** A gateway stand-in: op 8 answered from the fixture, or rejected as rate limited. */
class StandInGateway implements TrackerGateway {
  readonly requests: Array<{ at: number; guildId: string }> = [];
  /** Overrides the limit: what to reject the next requests with. */
  rejectWith: ((attempt: number) => Error | undefined) | undefined;
  #listener: ((payload: TrackerDispatch) => void) | undefined;
  #nonce = 0;
  readonly #limit = new GuildMembersRateLimit({ clock: systemClock });

  constructor(private readonly guild: GuildFixture) {}

  on(_event: "dispatch", listener: (payload: TrackerDispatch) => void): void {
    this.#listener = listener;
  }

  off(): void {
    this.#listener = undefined;
  }

  emit(payload: TrackerDispatch): void {
    this.#listener?.(payload);
  }

  requestGuildMembers(
    request: { guildId: string; query: string; limit: number },
    options: { onChunk: (chunk: TrackerMemberChunk) => void },
  ): Promise<unknown> {
    this.requests.push({ at: Date.now(), guildId: request.guildId });
    const rejection = this.rejectWith?.(this.requests.length);
    if (rejection !== undefined) return Promise.reject(rejection);
    const wait = this.#limit.take(request.guildId);
    if (wait > 0) return Promise.reject(Object.assign(new Error("Request Guild Members was rate limited."), { code: "GATEWAY_RATE_LIMITED", retryAfter: wait }));
    const nonce = `n${++this.#nonce}`;
    const parsed = parseGuildMembersRequest({ guild_id: request.guildId, query: request.query, limit: request.limit, nonce }, 10, undefined);
    if ("code" in parsed) return Promise.reject(new Error(parsed.reason));
    return Promise.resolve().then(() => {
      // Like GatewayConnection: onChunk first, then the chunk's dispatch.
      for (const chunk of requestGuildMembers(this.guild, parsed, 10)) {
        options.onChunk(chunk as unknown as TrackerMemberChunk);
        this.emit(dispatch("GUILD_MEMBERS_CHUNK", chunk));
      }
    });
  }
}

const rateLimited = (retryAfter: unknown) => Object.assign(new Error("rate limited"), { code: "GATEWAY_RATE_LIMITED", retryAfter });

function setup(options: ConstructorParameters<typeof DiscordTracker>[0] = {}, rejectWith?: (attempt: number) => Error | undefined) {
  const guild = createGuild({ bot: BOT, members: 300, online: 0.2 });
  const gateway = new StandInGateway(guild);
  gateway.rejectWith = rejectWith;
  const tracker = new DiscordTracker(options);
  const errors: TrackerError[] = [];
  const synced: number[] = [];
  tracker.on("error", (error) => errors.push(error));
  tracker.on("synced", () => synced.push(Date.now()));
  tracker.attach(gateway);
  gateway.emit(ready([guild], "s", 10));
  gateway.emit(guildCreate(guild, 10, 50));
  return { guild, gateway, tracker, errors, synced };
}

/** Lets the stand-in's promises and the tracker's queue run, without moving the clock. */
async function flush(tracker: DiscordTracker): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await tracker.settled();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: Date.parse("2026-06-01T00:00:00.000Z") });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("DiscordTracker: member sync after GATEWAY_RATE_LIMITED", () => {
  it("regression: a sync rejected as rate limited is retried after retryAfter ms, not given up", async () => {
    const { guild, gateway, tracker, errors, synced } = setup();
    await flush(tracker);
    const start = gateway.requests[0]!.at;
    expect(synced).toEqual([start]);

    // 10 s later the guild comes back from an outage: Discord refuses for another 20 s.
    await vi.advanceTimersByTimeAsync(10_000);
    gateway.emit(dispatch("GUILD_DELETE", { id: guild.id, unavailable: true }));
    gateway.emit(guildCreate(guild, 10, 50));
    await flush(tracker);
    expect(gateway.requests).toHaveLength(2);
    expect(tracker.getGuild(guild.id)?.synced).toBe(false);

    await vi.advanceTimersByTimeAsync(19_999);
    expect(gateway.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await flush(tracker);
    expect(gateway.requests.map((request) => request.at - start)).toEqual([0, 10_000, 30_000]);
    expect(synced).toEqual([start, start + 30_000]);
    expect(tracker.getGuild(guild.id)).toMatchObject({ synced: true, trackedMembers: 300 });
    expect(errors).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives up with TRACKER_SYNC_FAILED after syncRetries retries, the gateway's error as cause", async () => {
    const { gateway, tracker, errors } = setup({ syncRetries: 2 }, () => rateLimited(5_000));
    await flush(tracker);
    await vi.advanceTimersByTimeAsync(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await flush(tracker);
    expect(gateway.requests).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "TRACKER_SYNC_FAILED", cause: expect.objectContaining({ code: "GATEWAY_RATE_LIMITED" }) });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(gateway.requests).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("caps the wait at maxSyncRetryDelay, so no timer ever exceeds 2^31 - 1 ms", async () => {
    const delays: number[] = [];
    const clock = { ...systemClock, setTimeout: (callback: () => void, ms: number) => (delays.push(ms), systemClock.setTimeout(callback, ms)) };
    const { gateway, tracker } = setup({ clock, syncRetries: 3, maxSyncRetryDelay: 45_000 }, (attempt) =>
      attempt === 1 ? rateLimited(1e12) : attempt === 2 ? rateLimited(2 ** 40) : undefined,
    );
    await flush(tracker);
    await vi.advanceTimersByTimeAsync(45_000);
    await flush(tracker);
    await vi.advanceTimersByTimeAsync(45_000);
    await flush(tracker);
    expect(delays).toEqual([45_000, 45_000]);
    expect(gateway.requests).toHaveLength(3);
    expect(tracker.getGuild(gateway.requests[0]!.guildId)?.synced).toBe(true);

    const { tracker: other } = setup({ clock }, (attempt) => (attempt === 1 ? rateLimited(Number.MAX_VALUE) : undefined));
    await flush(other);
    expect(delays.at(-1)).toBe(120_000);
  });

  it("does not retry other errors, nor a GATEWAY_RATE_LIMITED without a usable retryAfter", async () => {
    for (const error of [new Error("timed out"), rateLimited("30"), rateLimited(Number.NaN), rateLimited(-1), Object.assign(new Error("late"), { code: "GATEWAY_REQUEST_TIMEOUT", retryAfter: 10 })]) {
      const { gateway, tracker, errors } = setup({}, () => error);
      await flush(tracker);
      await vi.advanceTimersByTimeAsync(200_000);
      expect(gateway.requests).toHaveLength(1);
      expect(errors.map((entry) => entry.code)).toEqual(["TRACKER_SYNC_FAILED"]);
      tracker.detach();
    }
  });

  it("drops a pending retry when a new GUILD_CREATE or READY replaces the sync, or on detach()", async () => {
    const { guild, gateway, tracker, errors } = setup({}, (attempt) => (attempt <= 2 ? rateLimited(20_000) : undefined));
    await flush(tracker);
    expect(vi.getTimerCount()).toBe(1);
    // A new session: its GUILD_CREATE starts a sync of its own (rate limited again, waits).
    gateway.emit(ready([guild], "s2", 10));
    expect(vi.getTimerCount()).toBe(0);
    gateway.emit(guildCreate(guild, 10, 50));
    await flush(tracker);
    expect(gateway.requests).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(1);
    tracker.detach();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(gateway.requests).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it("refuses bad retry options with TRACKER_INVALID_ARGUMENT", () => {
    for (const options of [{ syncRetries: -1 }, { syncRetries: 1.5 }, { maxSyncRetryDelay: 2 ** 31 }, { maxSyncRetryDelay: Number.NaN }, { maxSyncRetryDelay: -1 }]) {
      expect(() => new DiscordTracker(options)).toThrow(expect.objectContaining({ code: "TRACKER_INVALID_ARGUMENT" }));
    }
  });
});
