import type { Clock } from "@nuwani/util";
import type { FakeSampFlavour, FakeSampLogOptions } from "./FakeSampLog.js";
import type { FakeSampPlayOptions } from "./FakeSampPlay.js";
import type { FakeSampServer } from "./FakeSampServer.js";
import type { PartReason } from "./logLines.js";

/** The most players SA-MP and open.mp list in `c`/`d` replies; above it they answer nothing. */
export const PLAYER_LIST_LIMIT = 100;
/** SA-MP's `MAX_PLAYER_NAME`: names are at most 24 bytes. */
export const MAX_NAME_BYTES = 24;
/** SA-MP's slot limit. */
export const MAX_SLOTS = 1000;
/** SA-MP cuts `say` text at this many bytes. */
export const SAY_LIMIT_BYTES = 230;

/** A player on the fake server. `score` and `ping` may be changed at any time. */
export interface FakeSampPlayer {
  readonly id: number;
  readonly name: string;
  score: number;
  ping: number;
  readonly ip: string;
}

/** A player to add: only `name` is required. */
export interface FakeSampPlayerInput {
  name: string;
  /** @defaultValue the lowest free id */
  id?: number;
  /** @defaultValue 0 */
  score?: number;
  /** @defaultValue 50 */
  ping?: number;
  /** @defaultValue `10.0.<id / 256>.<id % 256>` */
  ip?: string;
}

/** Where a datagram came from. */
export interface FakeSampPeer {
  readonly address: string;
  readonly port: number;
}

/** What became of a received datagram. */
export type FakeQueryOutcome =
  /** A reply was built (faults may still have dropped or broken it). */
  | "answered"
  /** The real server would not answer it (wrong length, unknown opcode, >100 players, `d` on open.mp, RCON disabled…). */
  | "ignored"
  /** The {@link FakeSampFaults.silence} fault swallowed it. */
  | "silenced"
  /** Over `queriesPerSecond`. */
  | "flood"
  /** Handling it threw (e.g. the log could not be written); `error` has the message. */
  | "failed";

/** One received datagram. RCON datagrams keep only their header, never the password. */
export interface FakeQueryRecord {
  /** Clock time of arrival. */
  readonly at: number;
  readonly from: FakeSampPeer;
  /** Byte 10 as a character (`""` for a datagram shorter than a header or not "SAMP"). */
  readonly opcode: string;
  /** The datagram's length in bytes. */
  readonly length: number;
  /** The whole datagram, or for `x` only its 11-byte header. */
  readonly bytes: Buffer;
  readonly outcome: FakeQueryOutcome;
  /** Why handling failed, for outcome `"failed"`. */
  readonly error?: string;
}

/** One RCON request. The password is never recorded, only whether it was accepted. */
export interface FakeRconRecord {
  readonly at: number;
  readonly from: FakeSampPeer;
  /** Whether the password matched (and the wrong-password fault was off). */
  readonly accepted: boolean;
  /** The command, decoded from the code page; `undefined` when the password was wrong. */
  readonly command: string | undefined;
  /** The first word, lowercased. */
  readonly name: string | undefined;
  /** Everything after the first space. */
  readonly args: string | undefined;
  /** The output lines the server sent, one datagram each (before faults). */
  readonly reply: readonly string[];
  /** A registered handler threw this message. */
  readonly error?: string;
}

/** One `say` as players saw it (`* Admin: text`), SA-MP's 230-byte cut applied. */
export interface FakeSayRecord {
  readonly at: number;
  readonly text: string;
}

/** One call of a registered RCON command. */
export interface FakeCustomCommandRecord {
  readonly at: number;
  /** The command name as registered (lowercase). */
  readonly name: string;
  readonly args: string;
}

/** The context a custom RCON command handler gets. */
export interface FakeRconContext {
  readonly server: FakeSampServer;
  /** The whole command line. */
  readonly command: string;
  readonly from: FakeSampPeer;
}

/**
 * A custom RCON command, like one a Pawn script answers in `OnRconCommand`. Return the output
 * lines (each becomes one datagram and one log line), or nothing for no reply.
 */
export type FakeRconHandler = (args: string, context: FakeRconContext) => string | readonly string[] | undefined | void;

/** Decides whether a player's chat line goes through (`OnPlayerText`). */
export type FakeTextFilter = (player: FakeSampPlayer, text: string) => boolean;

/** Events of a {@link FakeSampServer}. */
export interface FakeSampServerEvents {
  /** Every datagram received, after it was handled. */
  query: [record: FakeQueryRecord];
  /** Every RCON request, after it was handled. */
  rcon: [record: FakeRconRecord];
  /** Every `say`. */
  say: [record: FakeSayRecord];
  /** Every call of a registered RCON command. */
  command: [record: FakeCustomCommandRecord];
  /** The socket is bound (`start()` resolved). */
  listening: [];
  /** The socket is closed (`stop()`). */
  close: [];
  /** A player joined (after the roster changed). */
  join: [player: FakeSampPlayer];
  /** A player left (after the roster changed). */
  part: [player: FakeSampPlayer, reason: PartReason];
  /** A player chatted: `shown` is false when a text filter blocked it (it is logged either way). */
  chat: [player: FakeSampPlayer, text: string, shown: boolean];
}

/** The record lists {@link FakeSampServer.waitFor} can wait on. */
export interface FakeSampRecords {
  query: FakeQueryRecord;
  rcon: FakeRconRecord;
  say: FakeSayRecord;
  command: FakeCustomCommandRecord;
}

/** Log options inside {@link FakeSampServerOptions}: flavour, code page and clock come from the server. */
export type FakeSampServerLogOptions = Omit<FakeSampLogOptions, "flavour" | "encoding" | "clock">;

/** Options of {@link FakeSampServer}. */
export interface FakeSampServerOptions {
  /** Which server to behave as (query rules, caps, RCON replies, log format). @defaultValue `"samp"` */
  flavour?: FakeSampFlavour;
  /** @defaultValue `"Nuwani test server"` */
  hostname?: string;
  /** @defaultValue `"Las Venturas Playground"` */
  gamemode?: string;
  /** SA-MP sends `mapname` in its place when empty; open.mp sends `"EN"`. @defaultValue `""` */
  language?: string;
  /** @defaultValue `"San Andreas"` */
  mapname?: string;
  /** The server has a join password (`i` byte 11). @defaultValue `false` */
  passworded?: boolean;
  /** 1–1000. @defaultValue 50 */
  maxPlayers?: number;
  /** The RCON password; empty or absent: RCON is off and `x` is never answered. */
  rconPassword?: string;
  /** Rules for `r`, over the flavour's defaults (`version`, `weburl`, `mapname`…). */
  rules?: Readonly<Record<string, string>>;
  /** The roster at start (no log lines are written for them). */
  players?: readonly FakeSampPlayerInput[];
  /** The code page of every string on the wire and in the log. @defaultValue `"windows-1252"` */
  encoding?: string;
  /** Write a server log there (see {@link FakeSampLog}). */
  log?: FakeSampServerLogOptions;
  /** Time for records, timestamps, delays, waits and auto play. @defaultValue `systemClock` of `@nuwani/util` */
  clock?: Clock;
  /** Seed of the random source for packet loss and scripted play. @defaultValue 1 */
  seed?: number;
  /** Listen address. @defaultValue `"127.0.0.1"` */
  host?: string;
  /** Anti-flood: answer at most this many queries per second (pings exempt); undefined: no limit. */
  queriesPerSecond?: number;
  /** open.mp's `o` reply (ignored by SA-MP): Discord invite and image URLs. */
  extraInfo?: { discordLink?: string; lightBannerUrl?: string; darkBannerUrl?: string; logoUrl?: string };
  /** Names, phrases and tags of scripted play. */
  play?: Omit<FakeSampPlayOptions, "random" | "seed">;
}
