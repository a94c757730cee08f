import type { FakeSession, FakeSessionState } from "./FakeSession.js";

/** One Identify the fake received, and what it did about it. */
export interface FakeIdentifyRecord {
  connectionId: number;
  /**
   * `ready`: a session was created; `rate-limited`: over the `max_concurrency` window (op 9);
   * `session-limit`: the session start limit is spent (op 9); `closed`: the connection was
   * closed with `closeCode`.
   */
  outcome: "ready" | "rate-limited" | "session-limit" | "closed";
  sessionId: string | undefined;
  closeCode: number | undefined;
  /** The Identify `d` as sent. */
  d: unknown;
}

/** One Resume the fake received, and what it did about it. */
export interface FakeResumeRecord {
  connectionId: number;
  sessionId: unknown;
  seq: unknown;
  /**
   * `resumed`: replayed and RESUMED; `unknown-session`: op 9 `d:false`; `closed`: closed
   * with `closeCode` (4004 bad token, 4007 bad `seq`, …). A resume of an expired session gets op 9 `d:false` (`unknown-session`), as on Discord.
   */
  outcome: "resumed" | "unknown-session" | "closed";
  closeCode: number | undefined;
  /** How many dispatches were replayed before RESUMED. */
  replayed: number;
}

/** One heartbeat (op 1) a client sent. */
export interface FakeHeartbeatRecord {
  connectionId: number;
  /** The session of the connection when it arrived, if any. */
  sessionId: string | undefined;
  /** The `d` as sent: the client's last sequence number, or `null`. */
  d: unknown;
  /** The fake clock's `now()` on arrival. */
  at: number;
}

/** A close the fake made: one the protocol enforced, or `faults.close`/`expireSession` (not closes by clients or by the core's faults). */
export interface FakeCloseRecord {
  connectionId: number;
  sessionId: string | undefined;
  code: number;
  reason: string;
}

/** One op 8 the fake answered. */
export interface FakeMemberRequestRecord {
  connectionId: number;
  sessionId: string;
  d: unknown;
  /** How many GUILD_MEMBERS_CHUNK dispatches it produced. */
  chunks: number;
  /** `answered` with chunks, or `rate-limited` (a `RATE_LIMITED` dispatch was sent instead). */
  outcome: "answered" | "rate-limited";
  /** The `retry_after` sent in `RATE_LIMITED`, in seconds; `undefined` when answered. */
  retryAfter: number | undefined;
}

/** Events of a {@link FakeDiscord}. */
export interface FakeDiscordEvents {
  /** After READY and the GUILD_CREATEs of a new session were sent. */
  ready: [session: FakeSession];
  /** After a resume was replayed and RESUMED sent. */
  resumed: [session: FakeSession];
  identify: [record: FakeIdentifyRecord];
  resume: [record: FakeResumeRecord];
  heartbeat: [record: FakeHeartbeatRecord];
  /** The fake closed a connection for a protocol reason. */
  enforcedClose: [record: FakeCloseRecord];
  requestGuildMembers: [record: FakeMemberRequestRecord];
  /** Op 3 from a session. */
  presenceUpdate: [session: FakeSession, d: unknown];
  /** A session changed state (`disconnected`, `expired`, `invalidated`, or `connected` again). */
  sessionState: [session: FakeSession, state: FakeSessionState];
}
