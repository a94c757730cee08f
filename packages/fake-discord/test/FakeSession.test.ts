import { describe, expect, it } from "vitest";
import type { FakeGatewayConnection } from "../src/FakeGatewayConnection.js";
import { envelope, FakeSession, type FakeSessionInit } from "../src/FakeSession.js";

const connection = {} as FakeGatewayConnection;
const PREFIX = '{"op":0,"t":"X","s":';

function session(overrides: Partial<FakeSessionInit> = {}): FakeSession {
  return new FakeSession(
    { id: "s", version: 6, shard: undefined, intents: undefined, largeThreshold: 50, properties: {}, presence: undefined, replayBufferSize: 100, ...overrides },
    connection,
  );
}

/** Appends a dispatch whose `d` is its own sequence number. */
function add(s: FakeSession, replay?: boolean): number {
  return s.append(PREFIX, String(s.seq + 1), replay);
}

/** The replayed payloads' sequence numbers (checked against their `d`). */
function seqs(texts: string[] | undefined): number[] | undefined {
  return texts?.map((text) => {
    const payload = JSON.parse(text) as { s: number; d: number };
    expect(payload.d).toBe(payload.s);
    return payload.s;
  });
}

describe("FakeSession", () => {
  it("builds payload texts from a prefix, a sequence and data", () => {
    expect(JSON.parse(envelope(PREFIX, 7, '{"a":1}'))).toEqual({ op: 0, t: "X", s: 7, d: { a: 1 } });
  });

  it("numbers dispatches 1, 2, 3… and replays those after a seq, in order", () => {
    const s = session();
    for (let i = 0; i < 5; i++) expect(add(s)).toBe(i + 1);
    expect(s.seq).toBe(5);
    expect(seqs(s.replayAfter(2))).toEqual([3, 4, 5]);
    expect(s.replayAfter(5)).toEqual([]);
    expect(seqs(s.replayAfter(0))).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses a seq ahead of the session or not an integer", () => {
    const s = session();
    add(s);
    expect(s.replayAfter(2)).toBeUndefined();
    expect(s.replayAfter(0.5)).toBeUndefined();
  });

  it("keeps only the last replayBufferSize dispatches; older seqs cannot resume", () => {
    const s = session({ replayBufferSize: 3000 });
    for (let i = 0; i < 5000; i++) add(s);
    expect(s.oldestResumableSeq).toBe(2000);
    expect(s.replayAfter(1999)).toBeUndefined();
    const replay = seqs(s.replayAfter(2000))!;
    expect(replay).toHaveLength(3000);
    expect(replay[0]).toBe(2001);
    expect(replay.at(-1)).toBe(5000);
    expect(replay.every((seq, i) => seq === 2001 + i)).toBe(true);
  });

  it("skips dispatches marked not to replay (RESUMED) but keeps counting", () => {
    const s = session();
    add(s);
    add(s, false);
    add(s);
    expect(seqs(s.replayAfter(0))).toEqual([1, 3]);
  });

  it("drops its buffer when it ends, and tracks its state and connection", () => {
    const s = session();
    expect(s.state).toBe("connected");
    expect(s.connection).toBe(connection);
    add(s);
    s.detach("disconnected");
    expect(s.connection).toBeUndefined();
    expect(seqs(s.replayAfter(0))).toEqual([1]);
    s.attach(connection);
    expect(s.state).toBe("connected");
    s.detach("expired");
    expect(s.state).toBe("expired");
    expect(s.replayAfter(0)).toBeUndefined();
    expect(s.replayAfter(1)).toEqual([]);
  });

  it("knows its intents and shard", () => {
    expect(session().hasIntent(1 << 8)).toBe(true);
    const s = session({ intents: 1, shard: [1, 2] });
    expect(s.hasIntent(1)).toBe(true);
    expect(s.hasIntent(1 << 8)).toBe(false);
    const onShard1 = ((5n << 22n) | 1n).toString();
    const onShard0 = ((4n << 22n) | 1n).toString();
    expect(s.ownsGuild(onShard1)).toBe(true);
    expect(s.ownsGuild(onShard0)).toBe(false);
    expect(s.ownsGuild(undefined)).toBe(false); // DMs go to shard 0 only
    expect(session({ shard: [0, 1] }).ownsGuild(onShard1)).toBe(true);
  });
});
