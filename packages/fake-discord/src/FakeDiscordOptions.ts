import type { Clock } from "@nuwani/util";
import type { FakeRestRateLimitOptions } from "./FakeRestBuckets.js";
import type { GuildFixture, UserFixture } from "./GuildFixture.js";
import type { SessionStartLimitOptions } from "./IdentifyLimiter.js";

/** Options of a {@link FakeDiscord}. */
export interface FakeDiscordOptions {
  /**
   * The valid bot token: Identify/Resume with anything else closes with 4004, REST answers 401.
   * @defaultValue "fake-token"
   */
  token?: string;
  /** The bot user (READY's `user`). @defaultValue {@link createBotUser}() */
  user?: UserFixture;
  /**
   * The guilds the bot is in. The bot's member is added to any that lacks it.
   * @defaultValue one small guild, `createGuild({ bot: user })`
   */
  guilds?: GuildFixture[];
  /** The application id in v10's READY. @defaultValue the bot user's id */
  applicationId?: string;
  /** `heartbeat_interval` in HELLO, in ms. @defaultValue 41250 */
  heartbeatInterval?: number;
  /**
   * A connection whose client sent no heartbeat for this long (counted from HELLO, then from
   * each heartbeat) is closed with {@link FakeDiscordOptions.heartbeatTimeoutCode}.
   * @defaultValue heartbeatInterval × 1.5 + 1000
   */
  heartbeatTimeout?: number;
  /**
   * The close code for a missed heartbeat. Discord does not document it, only that the
   * client must resume, so the default is the resumable 4000.
   * @defaultValue 4000
   */
  heartbeatTimeoutCode?: number;
  /** How long a session whose connection went away stays resumable, in ms. @defaultValue 120000 */
  sessionTimeout?: number;
  /**
   * How many dispatches a session keeps for a resume; a resume from before them closes
   * with 4007.
   * @defaultValue 50000
   */
  replayBufferSize?: number;
  /** Identify buckets (`shard_id % max_concurrency`), one Identify per window each. @defaultValue 1 */
  maxConcurrency?: number;
  /** The Identify window per bucket, in ms (Discord: 5 s). @defaultValue 5000 */
  identifyWindow?: number;
  /** The daily session start limit. @defaultValue `{ total: 1000, remaining: 1000, resetAfter: 86400000 }` */
  sessionStartLimit?: SessionStartLimitOptions;
  /**
   * Payloads a client may send per window on one connection; one more closes with 4008.
   * `false` turns the limit off.
   * @defaultValue `{ limit: 120, window: 60000 }`
   */
  commandLimit?: { limit: number; window: number } | false;
  /**
   * The privileged intents (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT) the
   * application may use; asking for another closes with 4014.
   * @defaultValue all of them
   */
  privilegedIntents?: number;
  /**
   * How long after a request for every member of a guild (op 8 with `query: ""`, `limit: 0`)
   * a v10 session asking for the same guild again gets the `RATE_LIMITED` dispatch instead
   * of chunks, in ms (Discord: once per guild per bot every 30 s). `false` turns it off.
   * @defaultValue 30000
   */
  memberRequestWindow?: number | false;
  /**
   * The most guilds one session may hold: an Identify whose shard would get more is closed
   * with 4011 (sharding required), as Discord does above 2500.
   * @defaultValue 2500
   */
  maxGuildsPerSession?: number;
  /** Serve `wss://` with this certificate (see {@link createTestCertificate}). @defaultValue `ws://` */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Time source for every timer of the fake. @defaultValue `systemClock` of `@nuwani/util` */
  clock?: Clock;
  /**
   * REST rate limits: per-route buckets and the global limit (small windows make tests
   * fast); `false` turns them off.
   * @defaultValue `{ bucket: { limit: 5, window: 5000 }, global: { limit: 50, window: 1000 } }`
   */
  rest?: FakeRestRateLimitOptions | false;
}

/** Ports for {@link FakeDiscord.start}. */
export interface FakeDiscordStartOptions {
  /** @defaultValue 0 (a free port), or the previous one on a restart */
  gatewayPort?: number;
  /** @defaultValue 0 (a free port), or the previous one on a restart */
  restPort?: number;
}

/** Options of {@link FakeDiscord.dispatch}. */
export interface FakeDispatchOptions {
  /** Only to this session. @defaultValue every live session */
  sessionId?: string;
  /**
   * Send even to sessions whose intents or shard would not get it.
   * @defaultValue false (dispatches follow intents and `(guild_id >> 22) % num_shards`)
   */
  force?: boolean;
}
