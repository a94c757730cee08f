import type { GatewayGuildMembersChunkDispatchData } from "discord-api-types/v10";
import type { GatewayGuildMembersChunkDispatch as V6ChunkDispatch } from "discord-api-types/v6";
import { describe, expect, it, vi } from "vitest";
import { GatewayError } from "../src/GatewayError.js";
import { MemberChunkCollector, createNonce } from "../src/MemberChunkCollector.js";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";

const GUILD = "81384788765712384";

function member(id: string): GatewayGuildMembersChunkDispatchData["members"][number] {
  return {
    user: { id, username: `user${id}`, discriminator: "0", global_name: null, avatar: null },
    roles: [],
    joined_at: "2020-01-01T00:00:00.000Z",
    deaf: false,
    mute: false,
    flags: 0 as GatewayGuildMembersChunkDispatchData["members"][number]["flags"],
  };
}

function chunk(nonce: string | undefined, index: number, count: number, ids: string[], extra: object = {}): GatewayGuildMembersChunkDispatchData {
  return {
    guild_id: GUILD,
    members: ids.map(member),
    chunk_index: index,
    chunk_count: count,
    ...(nonce === undefined ? {} : { nonce }),
    ...extra,
  };
}

describe("MemberChunkCollector", () => {
  useFakeTimersPerTest({ now: 0 });

  it("assembles chunks into one result", async () => {
    const collector = new MemberChunkCollector();
    const request = collector.begin("n1");
    expect(collector.handleChunk(chunk("n1", 0, 2, ["1", "2"]))).toBe(true);
    expect(collector.pending).toBe(1);
    expect(collector.handleChunk(chunk("n1", 1, 2, ["3"]))).toBe(true);
    const result = await request.promise;
    expect(result.nonce).toBe("n1");
    expect(result.guildId).toBe(GUILD);
    expect(result.chunkCount).toBe(2);
    expect(result.members.map((m) => m.user.id)).toEqual(["1", "2", "3"]);
    expect(result.presences).toEqual([]);
    expect(result.notFound).toEqual([]);
    expect(collector.pending).toBe(0);
  });

  it("is robust to out-of-order and duplicate chunks", async () => {
    const collector = new MemberChunkCollector();
    const onChunk = vi.fn();
    const request = collector.begin("n", { onChunk });
    const settled = vi.fn();
    void request.promise.then(settled);
    collector.handleChunk(chunk("n", 2, 3, ["5"]));
    collector.handleChunk(chunk("n", 0, 3, ["1", "2"]));
    expect(collector.handleChunk(chunk("n", 2, 3, ["5"]))).toBe(true);
    collector.handleChunk(chunk("n", 0, 3, ["1", "2"]));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).not.toHaveBeenCalled();
    collector.handleChunk(chunk("n", 1, 3, ["3", "4"]));
    const result = await request.promise;
    expect(result.members.map((m) => m.user.id)).toEqual(["1", "2", "3", "4", "5"]);
    expect(onChunk.mock.calls.map((call) => (call[0] as GatewayGuildMembersChunkDispatchData).chunk_index)).toEqual([2, 0, 1]);
  });

  it("ignores chunks with an absent or unknown nonce", () => {
    const collector = new MemberChunkCollector();
    const request = collector.begin("mine");
    expect(collector.handleChunk(chunk(undefined, 0, 1, ["1"]))).toBe(false);
    expect(collector.handleChunk(chunk("theirs", 0, 1, ["1"]))).toBe(false);
    expect(collector.pending).toBe(1);
    collector.cancelAll();
    void request.promise.catch(() => undefined);
  });

  it("keeps concurrent requests apart", async () => {
    const collector = new MemberChunkCollector();
    const a = collector.begin("a");
    const b = collector.begin("b");
    collector.handleChunk(chunk("b", 0, 1, ["20"]));
    collector.handleChunk(chunk("a", 0, 1, ["10"]));
    expect((await a.promise).members.map((m) => m.user.id)).toEqual(["10"]);
    expect((await b.promise).members.map((m) => m.user.id)).toEqual(["20"]);
  });

  it("normalizes not_found to strings, numbers included, without exponent notation", async () => {
    const collector = new MemberChunkCollector();
    const request = collector.begin("n");
    collector.handleChunk(chunk("n", 0, 2, [], { not_found: ["123", 456] }));
    collector.handleChunk(chunk("n", 1, 2, [], { not_found: [81384788765712384] }));
    const { notFound } = await request.promise;
    expect(notFound).toHaveLength(3);
    expect(notFound.slice(0, 2)).toEqual(["123", "456"]);
    expect(notFound[2]).toMatch(/^\d{17}$/);
  });

  it("collects presences", async () => {
    const collector = new MemberChunkCollector();
    const request = collector.begin("n");
    const presence = { user: { id: "1" }, status: "online", activities: [], client_status: {} } as const;
    collector.handleChunk(chunk("n", 0, 1, ["1"], { presences: [presence] }));
    expect((await request.promise).presences).toEqual([presence]);
  });

  it("streams chunks to onChunk and keeps none with collect: false", async () => {
    const collector = new MemberChunkCollector();
    const seen: string[] = [];
    const request = collector.begin("n", {
      collect: false,
      onChunk: (c) => {
        for (const m of c.members) seen.push(m.user.id);
      },
    });
    collector.handleChunk(chunk("n", 0, 2, ["1"]));
    collector.handleChunk(chunk("n", 1, 2, ["2"]));
    const result = await request.promise;
    expect(seen).toEqual(["1", "2"]);
    expect(result.members).toEqual([]);
    expect(result.chunkCount).toBe(2);
  });

  it("rejects with GATEWAY_REQUEST_TIMEOUT when no chunk comes within the timeout", async () => {
    const collector = new MemberChunkCollector();
    const request = collector.begin("n", { timeout: 1_000 });
    const outcome = request.promise.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(collector.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({ name: "GatewayError", code: "GATEWAY_REQUEST_TIMEOUT" });
    expect(collector.pending).toBe(0);
    expect(collector.handleChunk(chunk("n", 0, 1, []))).toBe(false);
  });

  it("measures the timeout from the last chunk, not from the start", async () => {
    const collector = new MemberChunkCollector({ timeout: 1_000 });
    const request = collector.begin("n");
    const outcome = request.promise.catch((e: unknown) => e);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(900);
      collector.handleChunk(chunk("n", i, 10, [String(i)]));
    }
    // 4.5 s since begin, well past the timeout, but never 1 s without a chunk.
    expect(collector.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(collector.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = (await outcome) as GatewayError;
    expect(error.code).toBe("GATEWAY_REQUEST_TIMEOUT");
    expect(error.message).toContain("5 of 10 chunks");
  });

  it("a duplicate chunk does not count toward completion", async () => {
    const collector = new MemberChunkCollector({ timeout: 1_000 });
    const request = collector.begin("n");
    const outcome = request.promise.catch((e: unknown) => e);
    collector.handleChunk(chunk("n", 0, 2, ["1"]));
    collector.handleChunk(chunk("n", 0, 2, ["1"]));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await outcome).toMatchObject({ code: "GATEWAY_REQUEST_TIMEOUT" });
  });

  it("rejects with GATEWAY_INVALID_PAYLOAD on impossible chunk numbers", async () => {
    const collector = new MemberChunkCollector();
    const outOfRange = collector.begin("a");
    expect(collector.handleChunk(chunk("a", 2, 2, []))).toBe(true);
    await expect(outOfRange.promise).rejects.toMatchObject({ code: "GATEWAY_INVALID_PAYLOAD" });
    const disagreeing = collector.begin("b");
    collector.handleChunk(chunk("b", 0, 3, []));
    collector.handleChunk(chunk("b", 1, 2, []));
    await expect(disagreeing.promise).rejects.toMatchObject({ code: "GATEWAY_INVALID_PAYLOAD" });
    const malformed = collector.begin("c");
    expect(collector.handleChunk({ ...chunk("c", 0, 1, []), members: null } as never)).toBe(true);
    await expect(malformed.promise).rejects.toMatchObject({ code: "GATEWAY_INVALID_PAYLOAD" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("takes a v6 chunk without chunk_index/chunk_count as a single chunk", async () => {
    const collector = new MemberChunkCollector<V6ChunkDispatch["d"]>();
    const request = collector.begin("n");
    collector.handleChunk({ guild_id: GUILD, members: [], nonce: "n", not_found: [1] });
    expect(await request.promise).toMatchObject({ chunkCount: 1, notFound: ["1"] });
  });

  it("cancelAll() rejects pending requests with GATEWAY_DISCONNECTED", async () => {
    const collector = new MemberChunkCollector();
    const a = collector.begin("a");
    const b = collector.begin("b");
    collector.handleChunk(chunk("a", 0, 2, []));
    collector.cancelAll();
    await expect(a.promise).rejects.toMatchObject({ code: "GATEWAY_DISCONNECTED" });
    await expect(b.promise).rejects.toMatchObject({ code: "GATEWAY_DISCONNECTED" });
    expect(collector.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancel() rejects one request, with a given error or GATEWAY_ABORTED", async () => {
    const collector = new MemberChunkCollector();
    const a = collector.begin("a");
    const b = collector.begin("b");
    const error = new GatewayError("GATEWAY_NOT_CONNECTED", "not connected");
    a.cancel(error);
    b.cancel();
    await expect(a.promise).rejects.toBe(error);
    await expect(b.promise).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    a.cancel(); // settled: no effect
  });

  it("rejects the request with what onChunk throws", async () => {
    const collector = new MemberChunkCollector();
    const boom = new Error("consumer bug");
    const request = collector.begin("n", {
      onChunk: () => {
        throw boom;
      },
    });
    expect(collector.handleChunk(chunk("n", 0, 2, []))).toBe(true);
    await expect(request.promise).rejects.toBe(boom);
    expect(collector.pending).toBe(0);
  });

  it("generates unique nonces of at most 32 bytes, and uses one when none is given", () => {
    const nonces = new Set(Array.from({ length: 10_000 }, () => createNonce()));
    expect(nonces.size).toBe(10_000);
    for (const nonce of nonces) expect(Buffer.byteLength(nonce)).toBeLessThanOrEqual(32);
    const collector = new MemberChunkCollector();
    const a = collector.begin();
    const b = collector.begin();
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.nonce.length).toBeGreaterThan(0);
    collector.cancelAll();
    void a.promise.catch(() => undefined);
    void b.promise.catch(() => undefined);
  });

  it("refuses bad nonces and timeouts with GATEWAY_INVALID_OPTION", () => {
    const collector = new MemberChunkCollector();
    const invalid = expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" });
    expect(() => collector.begin("")).toThrow(invalid);
    expect(() => collector.begin("x".repeat(33))).toThrow(invalid);
    expect(() => collector.begin("é".repeat(17))).toThrow(invalid);
    expect(() => collector.begin("n", { timeout: 0 })).toThrow(invalid);
    expect(() => new MemberChunkCollector({ timeout: Number.NaN })).toThrow(invalid);
    const pending = collector.begin("x".repeat(32));
    expect(() => collector.begin("x".repeat(32))).toThrow(invalid);
    pending.cancel();
    void pending.promise.catch(() => undefined);
  });

  it("waits forever with timeout: Infinity", async () => {
    const collector = new MemberChunkCollector();
    const request = collector.begin("n", { timeout: Number.POSITIVE_INFINITY });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    collector.handleChunk(chunk("n", 0, 1, ["1"]));
    expect((await request.promise).members).toHaveLength(1);
  });

  describe("signal", () => {
    it("aborting rejects with GATEWAY_ABORTED, forgets the nonce, stops the timer and consumes no late chunk", async () => {
      const collector = new MemberChunkCollector({ timeout: 1_000 });
      const controller = new AbortController();
      const seen: number[] = [];
      const request = collector.begin("n", { signal: controller.signal, onChunk: (d) => seen.push(d.chunk_index) });
      const settled = request.promise.catch((error: unknown) => error);
      expect(collector.handleChunk(chunk("n", 0, 2, ["1"]))).toBe(true);
      controller.abort("gone");
      const error = await settled;
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: "GATEWAY_ABORTED", cause: "gone" });
      expect(collector.pending).toBe(0);
      expect(collector.handleChunk(chunk("n", 1, 2, ["2"]))).toBe(false);
      expect(seen).toEqual([0]);
      expect(vi.getTimerCount()).toBe(0);
      // The nonce is free again.
      const again = collector.begin("n");
      collector.handleChunk(chunk("n", 0, 1, ["3"]));
      expect((await again.promise).members.map((m) => m.user.id)).toEqual(["3"]);
    });

    it("an already aborted signal rejects at once and holds nothing", async () => {
      const collector = new MemberChunkCollector();
      const request = collector.begin("n", { signal: AbortSignal.abort() });
      await expect(request.promise).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
      expect(collector.pending).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it("a request that completes stops listening to its signal", async () => {
      const collector = new MemberChunkCollector();
      const controller = new AbortController();
      const request = collector.begin("n", { signal: controller.signal });
      collector.handleChunk(chunk("n", 0, 1, ["1"]));
      await expect(request.promise).resolves.toMatchObject({ chunkCount: 1 });
      controller.abort();
      expect(collector.pending).toBe(0);
      await expect(request.promise).resolves.toMatchObject({ chunkCount: 1 });
    });
  });
});
