import { PresenceUpdateStatus } from "discord-api-types/v6";
import { describe, expect, it, vi } from "vitest";
import { GatewayError } from "../src/GatewayError.js";
import { IdentifyThrottle } from "../src/IdentifyThrottle.js";
import type { MemberChunk } from "../src/MemberChunkCollector.js";
import { flush, useHarnesses, identified, opened, track, voiceState } from "./support/harness.js";
import type { ScriptedConnection } from "./support/ScriptedTransport.js";

const harness = useHarnesses();

/** The most payloads any window [t, t + 60 s) holds. */
function busiestMinute(times: readonly number[]): number {
  let most = 0;
  for (const start of times) most = Math.max(most, times.filter((time) => time >= start && time < start + 60_000).length);
  return most;
}

describe("GatewayConnection: the outbound limit", () => {
  it("sends at most 120 payloads in any 60 s, and heartbeats keep their schedule while commands saturate it", async () => {
    const h = harness({ random: () => 0.5 }); // first heartbeat at 20 625 ms
    h.transport.autoAck = true;
    const { connection } = await identified(h, "abc", 41_250);
    const sends = Array.from({ length: 300 }, (_, i) => track(h.gateway.send(voiceState(i))));
    await flush();
    // Identify took one of the 110 slots normal commands get; 10 stay for heartbeats.
    expect(connection.ops(4)).toHaveLength(109);

    await vi.advanceTimersByTimeAsync(240_000);
    expect(sends.every((send) => send.settled && send.error === undefined)).toBe(true);
    expect(connection.ops(4).map((payload) => (payload.d as { i: number }).i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(busiestMinute(connection.times)).toBeLessThanOrEqual(120);
    expect(connection.timesOf(1)).toEqual([20_625, 61_875, 103_125, 144_375, 185_625, 226_875]);
    expect(h.transport.connections).toHaveLength(1);
    expect(h.gateway.state).toBe("ready");
  });

  it("regression: commands queued at a close are rejected with GATEWAY_DISCONNECTED and do not use up the next connection's budget", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    const sends = Array.from({ length: 200 }, (_, i) => track(h.gateway.send(voiceState(i))));
    await flush();
    expect(connection.ops(4)).toHaveLength(109);
    connection.drop();
    await flush();
    expect(sends.filter((send) => send.error !== undefined)).toHaveLength(91);
    expect(sends.find((send) => send.error !== undefined)?.error).toMatchObject({ code: "GATEWAY_DISCONNECTED" });

    await vi.advanceTimersByTimeAsync(1_000);
    const next = await opened(h.transport, 2);
    next.hello();
    await flush();
    // The Resume goes out at once, not a minute later behind the cancelled commands.
    expect(next.resumes).toHaveLength(1);
    expect(next.timesOf(6)).toEqual([1_000]); // the moment of HELLO
    next.resumed(2);
    await flush();
    await expect(h.gateway.send(voiceState(999))).resolves.toBeUndefined();
    expect(next.ops(4)).toHaveLength(1);
  });

  it("regression: a command before READY is rejected with GATEWAY_NOT_CONNECTED instead of being sent (Discord would close 4003)", async () => {
    const h = harness();
    const connecting = track(h.gateway.connect());
    await expect(h.gateway.send(voiceState(0))).rejects.toMatchObject({ code: "GATEWAY_NOT_CONNECTED" });
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    await expect(h.gateway.send(voiceState(1))).rejects.toMatchObject({ code: "GATEWAY_NOT_CONNECTED" });
    await expect(h.gateway.updatePresence({ since: null, game: null, status: PresenceUpdateStatus.Online, afk: false })).rejects.toMatchObject({
      code: "GATEWAY_NOT_CONNECTED",
    });
    expect(connection.sent.map((payload) => payload.op)).toEqual([2]);
    connection.ready("abc", 1);
    await flush();
    expect(connecting.settled).toBe(true);
    await h.gateway.send(voiceState(2));
    expect(connection.sent.map((payload) => payload.op)).toEqual([2, 4]);
  });

  it("rejects an outbound payload over 4096 bytes (counted in UTF-8 bytes) with GATEWAY_PAYLOAD_TOO_LARGE and sends nothing", async () => {
    const h = harness();
    const { connection } = await identified(h);
    // {"op":4,"d":{"p":""}} is 21 bytes.
    await expect(h.gateway.send({ op: 4, d: { p: "x".repeat(4_075) } })).resolves.toBeUndefined();
    expect(connection.raw.at(-1)).toHaveLength(4_096);
    const errors = await Promise.all([
      h.gateway.send({ op: 4, d: { p: "x".repeat(4_076) } }).catch((error: unknown) => error),
      h.gateway.send({ op: 4, d: { p: "é".repeat(2_040) } }).catch((error: unknown) => error),
      h.gateway
        .updatePresence({ since: null, game: { name: "x".repeat(5_000), type: 0 }, status: PresenceUpdateStatus.Online, afk: false })
        .catch((error: unknown) => error),
      h.gateway
        .requestGuildMembers({ guildId: "1", userIds: Array.from({ length: 300 }, (_, i) => String(100_000_000_000_000_000n + BigInt(i))) })
        .catch((error: unknown) => error),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: "GATEWAY_PAYLOAD_TOO_LARGE" });
    }
    expect(connection.sent.map((payload) => payload.op)).toEqual([2, 4]);
  });

  it("stops with GATEWAY_PAYLOAD_TOO_LARGE when its own Identify would be too large, instead of hanging", async () => {
    const h = harness({
      presence: { since: null, game: { name: "x".repeat(5_000), type: 0 }, status: PresenceUpdateStatus.Online, afk: false },
    });
    const connecting = track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    expect(connection.identifies).toEqual([]);
    expect(connecting.error).toMatchObject({ code: "GATEWAY_PAYLOAD_TOO_LARGE" });
    expect(h.gateway.state).toBe("stopped");
  });
});

describe("GatewayConnection: identify limits", () => {
  it("shares one IdentifyThrottle between two connections: one identify per 5 s", async () => {
    const throttle = new IdentifyThrottle();
    const a = harness({ identifyThrottle: throttle });
    const b = harness({ identifyThrottle: throttle });
    track(a.gateway.connect());
    track(b.gateway.connect());
    const ca = await opened(a.transport, 1);
    const cb = await opened(b.transport, 1);
    ca.hello();
    cb.hello();
    await flush();
    expect(ca.identifies).toHaveLength(1);
    expect(cb.identifies).toHaveLength(0);
    expect(b.gateway.state).toBe("identifying");
    await vi.advanceTimersByTimeAsync(4_999);
    expect(cb.identifies).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(cb.identifies).toHaveLength(1);
    expect([...ca.timesOf(2), ...cb.timesOf(2)]).toEqual([0, 5_000]);
  });

  it("with max_concurrency 2, shards in different buckets identify together and a shard in a busy bucket waits 5 s", async () => {
    const throttle = new IdentifyThrottle({ maxConcurrency: 2 });
    const shards = [0, 1, 2].map((id) => harness({ identifyThrottle: throttle, shard: [id, 3] }));
    const connections: ScriptedConnection[] = [];
    for (const shard of shards) {
      track(shard.gateway.connect());
      connections.push(await opened(shard.transport, 1));
    }
    for (const connection of connections) connection.hello();
    await flush();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(connections.map((connection) => connection.timesOf(2))).toEqual([[0], [0], [5_000]]);
    expect(connections.map((connection) => connection.identifies[0]?.d.shard as unknown)).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
  });

  it("with the daily session start limit spent: stops with GATEWAY_SESSION_LIMIT_EXHAUSTED, sends no Identify, never retries", async () => {
    const throttle = new IdentifyThrottle({ sessionStartLimit: { total: 1000, remaining: 0, reset_after: 3_600_000, max_concurrency: 1 } });
    const h = harness({ identifyThrottle: throttle });
    const connecting = track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    expect(connection.identifies).toEqual([]);
    expect(connecting.error).toBeInstanceOf(GatewayError);
    expect(connecting.error).toMatchObject({ code: "GATEWAY_SESSION_LIMIT_EXHAUSTED" });
    expect((connecting.error as Error).message).toMatch(/resets in 1h 0m 0s/);
    expect(h.log.errors.map((error) => error.code)).toEqual(["GATEWAY_SESSION_LIMIT_EXHAUSTED"]);
    expect(h.gateway.state).toBe("stopped");
    expect(connection.clientClose?.code).toBe(1000);
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    expect(h.transport.attempts).toHaveLength(1);
    expect(connection.identifies).toEqual([]);
  });

  it("spends session starts on identifies only: resumes go on, a new session beyond the limit does not", async () => {
    const throttle = new IdentifyThrottle({ sessionStartLimit: { total: 1000, remaining: 1, reset_after: 3_600_000 } });
    const h = harness({ identifyThrottle: throttle });
    const { connection } = await identified(h, "abc");
    expect(throttle.sessionStartLimit?.remaining).toBe(0);
    connection.drop();
    await vi.advanceTimersByTimeAsync(1_000);
    const second = await opened(h.transport, 2);
    second.hello();
    await flush();
    expect(second.resumes).toHaveLength(1);
    second.resumed(2);
    await flush();
    expect(h.gateway.state).toBe("ready");

    second.closeWith(4009); // the session timed out: a new one would need a session start
    await vi.advanceTimersByTimeAsync(10_000);
    const third = await opened(h.transport, 3);
    third.hello();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(third.identifies).toEqual([]);
    expect(h.log.errors.map((error) => error.code)).toEqual(["GATEWAY_SESSION_LIMIT_EXHAUSTED"]);
    expect(h.gateway.state).toBe("stopped");
  });
});

describe("GatewayConnection: requestGuildMembers", () => {
  const member = (id: string): { user: { id: string } } => ({ user: { id } });

  it("sends op 8 with a nonce and assembles the GUILD_MEMBERS_CHUNK answers, out of order; onChunk sees each", async () => {
    const h = harness();
    const { connection } = await identified(h);
    const seen: (number | undefined)[] = [];
    const request = track(
      h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0, presences: true }, { onChunk: (chunk: MemberChunk) => seen.push(chunk.chunk_index) }),
    );
    await flush();
    const [op8] = connection.ops(8);
    expect(op8).toEqual({ op: 8, d: { guild_id: "100", query: "", limit: 0, presences: true, nonce: expect.any(String) } });
    const nonce = op8?.d.nonce as string;
    expect(Buffer.byteLength(nonce)).toBeLessThanOrEqual(32);
    const chunk = (index: number, members: unknown[], other: Record<string, unknown> = {}): Record<string, unknown> => ({
      guild_id: "100",
      members,
      chunk_index: index,
      chunk_count: 3,
      nonce,
      ...other,
    });

    connection.dispatch("GUILD_MEMBERS_CHUNK", 2, chunk(2, [member("5")]));
    connection.dispatch("GUILD_MEMBERS_CHUNK", 3, chunk(0, [member("9")], { nonce: "someone-else" }));
    connection.dispatch("GUILD_MEMBERS_CHUNK", 4, chunk(0, [member("1"), member("2")], { presences: [{ user: { id: "1" }, status: "online" }] }));
    await flush();
    expect(request.settled).toBe(false);
    connection.dispatch("GUILD_MEMBERS_CHUNK", 5, chunk(1, [member("3"), member("4")]));
    await flush();

    expect(request.error).toBeUndefined();
    expect(request.value).toEqual({
      nonce,
      guildId: "100",
      members: ["1", "2", "3", "4", "5"].map(member),
      presences: [{ user: { id: "1" }, status: "online" }],
      notFound: [],
      chunkCount: 3,
    });
    expect(seen).toEqual([2, 0, 1]);
    // The chunks are dispatches too, delivered to listeners like any other.
    expect(h.log.dispatches.filter((payload) => (payload.t as string) === "GUILD_MEMBERS_CHUNK")).toHaveLength(4);
  });

  it("keeps no members with collect: false, so a consumer of onChunk holds the only copy", async () => {
    const h = harness();
    const { connection } = await identified(h);
    let received = 0;
    const request = track(
      h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0 }, { onChunk: (chunk: MemberChunk) => (received += chunk.members.length), collect: false }),
    );
    await flush();
    const nonce = connection.ops(8)[0]?.d.nonce as string;
    connection.dispatch("GUILD_MEMBERS_CHUNK", 2, { guild_id: "100", members: [member("1"), member("2")], chunk_index: 0, chunk_count: 2, nonce });
    connection.dispatch("GUILD_MEMBERS_CHUNK", 3, { guild_id: "100", members: [member("3")], chunk_index: 1, chunk_count: 2, nonce });
    await flush();
    expect(received).toBe(3);
    expect(request.value).toMatchObject({ guildId: "100", members: [], chunkCount: 2 });
  });

  it("sends user_ids without query, reports not_found, and keeps two requests apart by nonce", async () => {
    const h = harness();
    const { connection } = await identified(h);
    const first = track(h.gateway.requestGuildMembers({ guildId: "100", userIds: ["1", "404"] }));
    const second = track(h.gateway.requestGuildMembers({ guildId: "100", query: "nu", limit: 5 }));
    await flush();
    const [a, b] = connection.ops(8);
    expect(a?.d).toEqual({ guild_id: "100", user_ids: ["1", "404"], nonce: expect.any(String) });
    expect(b?.d).toEqual({ guild_id: "100", query: "nu", limit: 5, nonce: expect.any(String) });
    expect(a?.d.nonce).not.toBe(b?.d.nonce);
    connection.dispatch("GUILD_MEMBERS_CHUNK", 2, { guild_id: "100", members: [member("7")], chunk_index: 0, chunk_count: 1, nonce: b?.d.nonce });
    connection.dispatch("GUILD_MEMBERS_CHUNK", 3, { guild_id: "100", members: [member("1")], chunk_index: 0, chunk_count: 1, not_found: [404], nonce: a?.d.nonce });
    await flush();
    expect(first.value).toMatchObject({ members: [member("1")], notFound: ["404"] });
    expect(second.value).toMatchObject({ members: [member("7")], notFound: [] });
  });

  it("rejects query with userIds (GATEWAY_INVALID_OPTION), and before READY (GATEWAY_NOT_CONNECTED), sending nothing", async () => {
    const h = harness();
    await expect(h.gateway.requestGuildMembers({ guildId: "1", query: "", userIds: ["1"] })).rejects.toMatchObject({
      code: "GATEWAY_INVALID_OPTION",
    });
    await expect(h.gateway.requestGuildMembers({ guildId: "1", query: "" })).rejects.toMatchObject({ code: "GATEWAY_NOT_CONNECTED" });
    expect(h.transport.connections).toHaveLength(0);
  });

  it("keeps a request across a resume (the chunks are replayed), and rejects it when the session is lost", async () => {
    const h = harness({ memberRequestTimeout: 60_000 });
    const { connection } = await identified(h, "abc");
    const kept = track(h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0 }));
    await flush();
    const nonce = connection.ops(8)[0]?.d.nonce as string;
    connection.drop();
    await vi.advanceTimersByTimeAsync(1_000);
    const second = await opened(h.transport, 2);
    second.hello();
    await flush();
    second.dispatch("GUILD_MEMBERS_CHUNK", 2, { guild_id: "100", members: [member("1")], chunk_index: 0, chunk_count: 1, nonce });
    second.resumed(3);
    await flush();
    expect(kept.value).toMatchObject({ members: [member("1")] });

    const lost = track(h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0 }));
    await flush();
    second.invalidSession(false);
    await flush();
    expect(lost.error).toMatchObject({ code: "GATEWAY_DISCONNECTED" });
  });

  it("rejects with GATEWAY_REQUEST_TIMEOUT when no chunk comes within memberRequestTimeout", async () => {
    const h = harness({ memberRequestTimeout: 10_000 });
    h.transport.autoAck = true;
    await identified(h);
    const request = track(h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0 }));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(request.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(request.error).toMatchObject({ code: "GATEWAY_REQUEST_TIMEOUT" });
  });
});

describe("GatewayConnection: updatePresence", () => {
  it("sends op 3, at most 5 per 20 s; a waiting presence update does not hold back other commands", async () => {
    const h = harness();
    h.transport.autoAck = true;
    const { connection } = await identified(h);
    const presence = { since: null, game: null, status: PresenceUpdateStatus.Idle, afk: true };
    const updates = Array.from({ length: 7 }, () => track(h.gateway.updatePresence(presence)));
    await flush();
    expect(connection.ops(3)).toHaveLength(5);
    expect(connection.ops(3)[0]).toEqual({ op: 3, d: presence });
    await h.gateway.send(voiceState(0));
    expect(connection.ops(4)).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(19_999);
    expect(connection.ops(3)).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.timesOf(3)).toEqual([0, 0, 0, 0, 0, 20_000, 20_000]);
    expect(updates.every((update) => update.settled && update.error === undefined)).toBe(true);
  });
});
