import type { FakeGatewayConnection } from "./FakeGatewayConnection.js";
import { PRIVILEGED_INTENTS } from "./Intents.js";
import type { GatewayVersion } from "./serializeGuild.js";

/**
 * Where a session is in its life:
 * - `connected`: identified or resumed on an open connection; dispatches are sent.
 * - `disconnected`: its connection went away (or got op 9 `d:true`); dispatches are
 *   buffered for a resume until `sessionTimeout` passes.
 * - `expired`: it timed out; a resume gets op 9 `d:false`, as Discord answers a resume
 *   that comes too late.
 * - `invalidated`: ended for good (op 9 `d:false`, a client close with 1000/1001, a
 *   resume with a bad `seq`); a resume gets op 9 `d:false`, as for an unknown session.
 */
export type FakeSessionState = "connected" | "disconnected" | "expired" | "invalidated";

/** What a session was identified with. */
export interface FakeSessionInit {
  id: string;
  version: GatewayVersion;
  shard: readonly [shardId: number, shardCount: number] | undefined;
  /** `undefined` when Identify carried no intents (allowed on v6: every event is sent). */
  intents: number | undefined;
  largeThreshold: number;
  /** Identify's `properties`, as sent (`$os` on v6, `os` on v10). */
  properties: Record<string, unknown>;
  /** Identify's `presence`, as sent. */
  presence: unknown;
  /** How many dispatches to keep for a resume. */
  replayBufferSize: number;
  /**
   * The privileged intents the application may use. A session without intents (v6) gets
   * the events of only these (Discord turned GUILD_MEMBERS and GUILD_PRESENCES off on v6
   * unless enabled for the bot).
   * @defaultValue every privileged intent
   */
  allowedPrivileged?: number;
}

/** A dispatch payload's text from its envelope prefix, sequence and data. */
export function envelope(prefix: string, s: number, d: string): string {
  return `${prefix}${s},"d":${d}}`;
}

/**
 * A gateway session of the fake: its identity, its sequence, and the dispatches it keeps
 * for a resume. Read it through {@link FakeDiscord.sessions}; the fake changes it.
 */
export class FakeSession {
  /** `session_id` as sent in READY. */
  readonly id: string;
  /** The gateway version it was identified on. */
  readonly version: GatewayVersion;
  /** `[shard_id, num_shards]` from Identify, if given. */
  readonly shard: readonly [shardId: number, shardCount: number] | undefined;
  /** Identify's intents; `undefined` when omitted (v6). */
  readonly intents: number | undefined;
  /** Identify's `large_threshold` (clamped to 50–250). */
  readonly largeThreshold: number;
  /** Identify's `properties`. */
  readonly properties: Record<string, unknown>;
  /** Identify's `presence` and then every op 3 `d`, latest last. */
  readonly presences: unknown[] = [];
  /**
   * The `d` of every heartbeat sent while this session was attached to a connection, in
   * order (a number, or `null` before any dispatch).
   */
  readonly heartbeats: unknown[] = [];

  private current: FakeGatewayConnection | undefined;
  private status: FakeSessionState = "connected";
  private sequence = 0;
  /** Buffered dispatch envelopes; `undefined` marks a sequence not to replay (RESUMED). */
  private prefixes: Array<string | undefined> = [];
  /** Buffered dispatch data, parallel to `prefixes`. */
  private data: string[] = [];
  private head = 0;
  /** The sequence of `prefixes[head]`. */
  private first = 1;
  private readonly capacity: number;
  private readonly allowedPrivileged: number;

  /** @internal Created by {@link FakeDiscord} on a successful Identify. */
  constructor(init: FakeSessionInit, connection: FakeGatewayConnection) {
    this.id = init.id;
    this.version = init.version;
    this.shard = init.shard;
    this.intents = init.intents;
    this.largeThreshold = init.largeThreshold;
    this.properties = init.properties;
    if (init.presence !== undefined) this.presences.push(init.presence);
    this.capacity = Math.max(1, Math.floor(init.replayBufferSize));
    this.allowedPrivileged = init.allowedPrivileged ?? PRIVILEGED_INTENTS;
    this.current = connection;
  }

  /** The last sequence number given to a dispatch of this session (0 before READY). */
  get seq(): number {
    return this.sequence;
  }

  /** Where the session is in its life. */
  get state(): FakeSessionState {
    return this.status;
  }

  /** The connection the session is attached to, while `connected`. */
  get connection(): FakeGatewayConnection | undefined {
    return this.current;
  }

  /** The `d` of the last heartbeat of this session (`undefined` before the first). */
  get lastHeartbeat(): unknown {
    return this.heartbeats.at(-1);
  }

  /** The oldest `seq` a Resume may carry; anything older closes with 4007. */
  get oldestResumableSeq(): number {
    return this.first - 1;
  }

  /**
   * Whether the session receives events of `intent`. When Identify had no intents (v6):
   * always for the unprivileged ones, and for a privileged one only if the application may
   * use it (`allowedPrivileged`).
   */
  hasIntent(intent: number): boolean {
    if (this.intents === undefined) return (intent & PRIVILEGED_INTENTS & ~this.allowedPrivileged) === 0;
    return (this.intents & intent) === intent;
  }

  /** Whether a dispatch about `guildId` belongs to this session's shard. */
  ownsGuild(guildId: string | undefined): boolean {
    if (this.shard === undefined || this.shard[1] <= 1) return true;
    if (guildId === undefined) return this.shard[0] === 0;
    try {
      return Number((BigInt(guildId) >> 22n) % BigInt(this.shard[1])) === this.shard[0];
    } catch {
      return true;
    }
  }

  /**
   * @internal Gives the next sequence to a dispatch and keeps it for a resume (unless
   * `replay` is false). `prefix` is the envelope up to `"s":` (`{"op":0,"t":"X","s":`) and
   * `d` the JSON of its data; they are kept apart so a dispatch given to many sessions
   * shares one `d` and nothing is concatenated for a session that is not connected.
   * @returns the sequence number
   */
  append(prefix: string, d: string, replay = true): number {
    const s = ++this.sequence;
    this.prefixes.push(replay ? prefix : undefined);
    this.data.push(d);
    if (this.prefixes.length - this.head > this.capacity) {
      this.prefixes[this.head] = undefined;
      this.data[this.head] = "";
      this.head++;
      this.first++;
      if (this.head >= 1024 && this.head * 2 >= this.prefixes.length) {
        this.prefixes = this.prefixes.slice(this.head);
        this.data = this.data.slice(this.head);
        this.head = 0;
      }
    }
    return s;
  }

  /**
   * @internal The dispatches after `seq`, in order, as payload texts, or `undefined` when
   * `seq` is ahead of the session or older than what it still keeps.
   */
  replayAfter(seq: number): string[] | undefined {
    if (!Number.isInteger(seq) || seq > this.sequence || seq < this.first - 1) return undefined;
    const out: string[] = [];
    for (let i = this.head + (seq + 1 - this.first); i < this.prefixes.length; i++) {
      const prefix = this.prefixes[i];
      if (prefix !== undefined) out.push(envelope(prefix, this.first + (i - this.head), this.data[i]!));
    }
    return out;
  }

  /** @internal */
  attach(connection: FakeGatewayConnection): void {
    this.current = connection;
    this.status = "connected";
  }

  /** @internal */
  detach(state: Exclude<FakeSessionState, "connected">): void {
    this.current = undefined;
    this.status = state;
    if (state !== "disconnected") {
      this.prefixes = [];
      this.data = [];
      this.head = 0;
      this.first = this.sequence + 1;
    }
  }
}
