import { describe, expect, it, vi } from "vitest";
import { GatewayError } from "../src/GatewayError.js";
import { flush, useHarnesses, identified, track, voiceState } from "./support/harness.js";
import type { Harness, Tracked } from "./support/harness.js";

const harness = useHarnesses();

const member = (id: string): { user: { id: string } } => ({ user: { id } });

/**
 * Identify took one of the 110 slots normal commands get per 60 s; 109 sends go at once, the
 * next 110 fill the window after, and number 220 (index 219) would have to wait for a third.
 */
async function saturated(h: Harness, signals: Map<number, AbortSignal> = new Map()): Promise<Tracked<void>[]> {
  const sends = Array.from({ length: 220 }, (_, i) => {
    const signal = signals.get(i);
    return track(h.gateway.send(voiceState(i), signal ? { signal } : {}));
  });
  await flush();
  return sends;
}

const sentIndexes = (h: Harness): number[] => (h.transport.last.ops(4) as { d: { i: number } }[]).map((payload) => payload.d.i);

describe("GatewayConnection: send({ signal })", () => {
  it("without an abort, the 220th command waits for a third window (the control for the next test)", async () => {
    const h = harness();
    await identified(h);
    const sends = await saturated(h);
    expect(sentIndexes(h)).toHaveLength(109);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(sentIndexes(h)).toHaveLength(219);
    expect(sends[219]?.settled).toBe(false);
  });

  it("aborting a command queued in the limiter rejects it with GATEWAY_ABORTED, never sends it, and frees its slot", async () => {
    const h = harness();
    await identified(h);
    const controller = new AbortController();
    const sends = await saturated(h, new Map([[150, controller.signal]]));
    const reason = new Error("user gave up");
    controller.abort(reason);
    await flush();
    const aborted = sends[150];
    expect(aborted?.error).toBeInstanceOf(GatewayError);
    expect(aborted?.error).toMatchObject({ code: "GATEWAY_ABORTED", cause: reason });

    await vi.advanceTimersByTimeAsync(61_000);
    // The freed slot lets the 220th go in the second window.
    expect(sends[219]?.settled).toBe(true);
    expect(sends.filter((send) => send.error !== undefined)).toEqual([aborted]);
    expect(sentIndexes(h)).toEqual(Array.from({ length: 220 }, (_, i) => i).filter((i) => i !== 150));
    expect(h.gateway.state).toBe("ready");
  });

  it("passes a GatewayError reason through as it is", async () => {
    const h = harness();
    await identified(h);
    const controller = new AbortController();
    const sends = await saturated(h, new Map([[200, controller.signal]]));
    const reason = new GatewayError("GATEWAY_REQUEST_TIMEOUT", "my own deadline");
    controller.abort(reason);
    await flush();
    expect(sends[200]?.error).toBe(reason);
  });

  it("an already aborted signal rejects at once and sends nothing", async () => {
    const h = harness();
    const { connection } = await identified(h);
    await expect(h.gateway.send(voiceState(1), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    expect(connection.ops(4)).toEqual([]);
  });

  it("aborting after the command was sent changes nothing", async () => {
    const h = harness();
    const { connection } = await identified(h);
    const controller = new AbortController();
    await expect(h.gateway.send(voiceState(1), { signal: controller.signal })).resolves.toBeUndefined();
    controller.abort();
    await flush();
    expect(connection.ops(4)).toHaveLength(1);
    expect(h.log.errors).toEqual([]);
  });
});

describe("GatewayConnection: requestGuildMembers({ signal })", () => {
  it("aborting while chunks are awaited rejects with GATEWAY_ABORTED, forgets the nonce and ignores late chunks", async () => {
    const h = harness();
    const { connection } = await identified(h);
    const controller = new AbortController();
    const seen: (number | undefined)[] = [];
    const request = track(
      h.gateway.requestGuildMembers(
        { guildId: "100", query: "", limit: 0 },
        { signal: controller.signal, timeout: 30_000, onChunk: (chunk) => seen.push(chunk.chunk_index) },
      ),
    );
    await flush();
    const nonce = connection.ops(8)[0]?.d.nonce as string;
    connection.dispatch("GUILD_MEMBERS_CHUNK", 2, { guild_id: "100", members: [member("1")], chunk_index: 0, chunk_count: 2, nonce });
    await flush();
    expect(request.settled).toBe(false);

    controller.abort();
    await flush();
    expect(request.error).toBeInstanceOf(GatewayError);
    expect(request.error).toMatchObject({ code: "GATEWAY_ABORTED" });

    // The late chunk reaches dispatch listeners only; no timeout fires for the forgotten request.
    connection.dispatch("GUILD_MEMBERS_CHUNK", 3, { guild_id: "100", members: [member("2")], chunk_index: 1, chunk_count: 2, nonce });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toEqual([0]);
    expect(request.error).toMatchObject({ code: "GATEWAY_ABORTED" });
    expect(h.log.dispatches.filter((payload) => (payload.t as string) === "GUILD_MEMBERS_CHUNK")).toHaveLength(2);
    expect(h.log.errors).toEqual([]);
    expect(h.gateway.state).toBe("ready");

    // The same guild can be asked again, and that request completes normally.
    const again = track(h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0 }));
    await flush();
    const next = connection.ops(8)[1]?.d.nonce as string;
    expect(next).not.toBe(nonce);
    connection.dispatch("GUILD_MEMBERS_CHUNK", 4, { guild_id: "100", members: [member("3")], chunk_index: 0, chunk_count: 1, nonce: next });
    await flush();
    expect(again.value).toMatchObject({ members: [member("3")], chunkCount: 1 });
  });

  it("aborting while op 8 waits in the command limiter rejects with GATEWAY_ABORTED and never sends op 8", async () => {
    const h = harness();
    h.transport.autoAck = true;
    const { connection } = await identified(h);
    const sends = await saturated(h);
    const controller = new AbortController();
    const request = track(h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0 }, { signal: controller.signal }));
    await flush();
    controller.abort();
    await flush();
    expect(request.error).toMatchObject({ code: "GATEWAY_ABORTED" });

    await vi.advanceTimersByTimeAsync(121_000);
    expect(connection.ops(8)).toEqual([]);
    // The commands around it went on as usual, on the same connection.
    expect(sends.every((send) => send.settled && send.error === undefined)).toBe(true);
    expect(h.transport.connections).toHaveLength(1);
  });

  it("an already aborted signal rejects at once and sends no op 8", async () => {
    const h = harness();
    const { connection } = await identified(h);
    await expect(
      h.gateway.requestGuildMembers({ guildId: "100", query: "", limit: 0 }, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
    await flush();
    expect(connection.ops(8)).toEqual([]);
  });
});
