import { type Clock, SlidingWindow } from "@nuwani/util";
import { FakeDiscordError } from "./FakeDiscordError.js";

/** Options of a {@link GuildMembersRateLimit}. */
export interface GuildMembersRateLimitOptions {
  clock: Clock;
  /**
   * How long after an accepted request for every member of a guild the next one for the
   * same guild is refused, in ms (Discord: 30 s, per guild per bot).
   * @defaultValue 30000
   */
  window?: number;
}

/**
 * Discord's limit on op 8 (change log 2025-08-14, "Introducing Rate Limit When Requesting
 * All Guild Members"): a request for every member of a guild (`query: ""`, `limit: 0`) is
 * allowed once per guild per bot every 30 seconds; other guilds are not affected, nor are
 * prefix queries and `user_ids` requests. A refused request gets a `RATE_LIMITED` dispatch;
 * it does not count against the window.
 */
export class GuildMembersRateLimit {
  readonly #clock: Clock;
  readonly #window: number;
  /** The window of each guild asked for (one accepted request per window). */
  readonly #guilds = new Map<string, SlidingWindow>();

  /** A limit with no request remembered yet. */
  constructor(options: GuildMembersRateLimitOptions) {
    const window = options.window ?? 30_000;
    if (!Number.isFinite(window) || window < 0 || window >= 2 ** 31) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "the op 8 rate limit window must be a number of ms from 0 to 2^31 - 1");
    }
    this.#clock = options.clock;
    this.#window = window;
  }

  /** The window in ms. */
  get window(): number {
    return this.#window;
  }

  /**
   * Takes a request for every member of `guildId`: 0 when allowed (the window starts now),
   * else how many ms are left until the guild may be asked again.
   */
  take(guildId: string): number {
    if (this.#window === 0) return 0;
    let guild = this.#guilds.get(guildId);
    if (guild === undefined) {
      guild = new SlidingWindow({ limit: 1, window: this.#window, clock: this.#clock });
      this.#guilds.set(guildId, guild);
    }
    if (guild.tryTake()) return 0;
    return guild.retryAfter;
  }

  /** Forgets every window (as if 30 s had passed for every guild). */
  reset(): void {
    this.#guilds.clear();
  }
}
