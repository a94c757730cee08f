import { describe, expect, it, vi } from "vitest";
import type { FakeDiscord } from "../src/FakeDiscord.js";
import type { GatewayClient } from "./support/protocol.js";
import { TestClient } from "./helpers.js";
import { connect, identified, resumed, startDiscord } from "./support/fakeDiscord.js";

async function disconnected(discord: FakeDiscord, sessionId: string): Promise<void> {
  await vi.waitFor(() => expect(discord.session(sessionId)!.state).toBe("disconnected"));
}

describe("FakeDiscordFaults", () => {
  it("reconnect sends op 7 to every connection, or to one session's", async () => {
    const discord = await startDiscord({ guilds: [] });
    const a = await identified(discord);
    const b = await identified(discord);
    expect(discord.faults.reconnect()).toBe(2);
    expect(await a.client.nextOp(7)).toEqual({ op: 7, d: null, s: null, t: null });
    await b.client.nextOp(7);
    expect(discord.faults.reconnect({ sessionId: b.sessionId })).toBe(1);
    await b.client.nextOp(7);
    expect(a.client.payloads.filter((payload) => payload.op === 7)).toHaveLength(1);
    expect(discord.faults.reconnect({ sessionId: "nope" })).toBe(0);
  });

  it("invalidSession(true) sends op 9 true and keeps the session for a Resume on the same connection", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client, sessionId } = await identified(discord);
    discord.faults.invalidSession(true);
    expect(await client.nextOp(9)).toEqual({ op: 9, d: true, s: null, t: null });
    expect(discord.sessions[0]!.state).toBe("disconnected");
    discord.dispatch("TYPING_START", { missed: true });
    client.send({ op: 6, d: { token: "fake-token", session_id: sessionId, seq: 1 } });
    expect(await client.nextOp(0)).toMatchObject({ t: "TYPING_START", s: 2, d: { missed: true } });
    expect((await client.nextOp(0)).t).toBe("RESUMED");
  });

  it("invalidSession(false) ends the session; the same connection may Identify again", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client, sessionId } = await identified(discord);
    discord.faults.invalidSession(false, { sessionId });
    expect((await client.nextOp(9)).d).toBe(false);
    expect(discord.sessions[0]!.state).toBe("invalidated");
    client.identify();
    const again = await client.nextOp(0, "READY");
    expect(again.s).toBe(1);
    expect(again.d.session_id).not.toBe(sessionId);
    const old = await resumed(discord, sessionId, 1);
    expect((await old.nextOp(9)).d).toBe(false);
  });

  it("close(4000) keeps the session resumable; only the targeted session's connection is closed", async () => {
    const discord = await startDiscord({ guilds: [] });
    const a = await identified(discord);
    const b = await identified(discord);
    expect(discord.faults.close(4000, "bye", { sessionId: a.sessionId })).toBe(1);
    expect(await a.client.closed).toEqual({ code: 4000, reason: "bye" });
    await disconnected(discord, a.sessionId);
    expect(discord.session(b.sessionId)!.state).toBe("connected");
    expect(discord.closes).toEqual([expect.objectContaining({ code: 4000, sessionId: a.sessionId })]);
    const next = await resumed(discord, a.sessionId, 1);
    expect((await next.nextOp(0)).t).toBe("RESUMED");
  });

  it.each([
    [4009, "expired", "op 9 false"],
    [4007, "invalidated", "op 9 false"],
    [4004, "invalidated", "op 9 false"],
    [1000, "invalidated", "op 9 false"],
  ] as const)("close(%i) leaves the session %s: a Resume gets %s", async (code, state, _outcome) => {
    const discord = await startDiscord({ guilds: [] });
    const { client, sessionId } = await identified(discord);
    discord.faults.close(code);
    expect((await client.closed).code).toBe(code);
    await vi.waitFor(() => expect(discord.sessions[0]!.state).toBe(state));
    const next = await resumed(discord, sessionId, 1);
    expect((await next.nextOp(9)).d).toBe(false);
  });

  it("rejects a close code WebSocket forbids without touching the connection", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client } = await identified(discord);
    expect(() => discord.faults.close(1005)).toThrow(expect.objectContaining({ code: "FAKE_DISCORD_INVALID_ARGUMENT" }));
    expect(discord.closes).toEqual([]);
    discord.faults.close(4000);
    expect((await client.closed).code).toBe(4000);
  });

  it("drop destroys the TCP connection (1006 for the client); the session stays resumable", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client, sessionId } = await identified(discord);
    expect(discord.faults.drop()).toBe(1);
    expect((await client.closed).code).toBe(1006);
    await disconnected(discord, sessionId);
  });

  it("requestHeartbeat sends op 1", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client } = await identified(discord);
    discord.faults.requestHeartbeat();
    expect(await client.nextOp(1)).toEqual({ op: 1, d: null, s: null, t: null });
  });

  it("expireSession expires a session now, closing its connection with 4009", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client, sessionId } = await identified(discord);
    discord.faults.expireSession(sessionId);
    expect(discord.sessions[0]!.state).toBe("expired");
    expect((await client.closed).code).toBe(4009);
    expect(() => discord.faults.expireSession("nope")).toThrow(expect.objectContaining({ code: "FAKE_DISCORD_INVALID_ARGUMENT" }));
  });

  it("burst dispatches count events built by make(i), to every session or one", async () => {
    const discord = await startDiscord({ guilds: [] });
    const a = await identified(discord);
    const b = await identified(discord);
    expect(discord.faults.burst(3.7, "TYPING_START", (i) => ({ i }))).toBe(3);
    expect(discord.faults.burst(-1, "TYPING_START", () => ({}))).toBe(0);
    expect(discord.faults.burst(2, "TYPING_START", (i) => ({ only: i }), { sessionId: b.sessionId })).toBe(2);
    await b.client.waitForCount(2 + 5);
    await a.client.waitForCount(2 + 3);
    expect(a.client.dispatches.slice(1).map((payload): unknown[] => [payload.s, payload.d as unknown])).toEqual([
      [2, { i: 0 }],
      [3, { i: 1 }],
      [4, { i: 2 }],
    ]);
    expect(b.client.dispatches.slice(4).map((payload): unknown => payload.d)).toEqual([{ only: 0 }, { only: 1 }]);
  });

  it("keeps every dispatch exactly once and in order across repeated drops and resumes (soak, small)", async () => {
    const discord = await startDiscord({ guilds: [] });
    const first = await identified(discord);
    const sessionId = first.sessionId;
    const clients: GatewayClient[] = [first.client];
    let client = first.client;
    let next = 0;
    const make = (): { i: number } => ({ i: next++ });
    for (let round = 0; round < 12; round++) {
      discord.faults.burst(100 + round * 17, "TYPING_START", make);
      if (round % 3 === 0) client.close(); // the client drops, mid-stream
      else discord.faults.drop();
      await client.closed;
      await disconnected(discord, sessionId);
      discord.faults.burst(25, "TYPING_START", make); // while nobody is connected
      client = await resumed(discord, sessionId, client.seq);
      clients.push(client);
      await client.nextOp(0, "RESUMED");
    }
    discord.faults.burst(50, "TYPING_START", make);
    const total = next;
    const received = (): number[] =>
      clients.flatMap((c) => c.dispatches.filter((payload) => payload.t === "TYPING_START").map((payload) => payload.d.i as number));
    await vi.waitFor(() => expect(received().length).toBeGreaterThanOrEqual(total));
    expect(received()).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(discord.resumes).toHaveLength(12);
    expect(discord.resumes.every((record) => record.outcome === "resumed" && record.replayed >= 25)).toBe(true);
    const seqs = clients.flatMap((c) => c.dispatches.map((payload) => payload.s!));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });
});

describe("FakeDiscordFaults: hostile values", () => {
  it("firstFrame sends its text as it is before HELLO on every new connection, until cleared", async () => {
    const discord = await startDiscord({ guilds: [] });
    discord.faults.firstFrame("not json at all");
    const raw = new TestClient(`${discord.gatewayUrl}/?v=6&encoding=json`);
    await raw.waitForMessages(2);
    expect(raw.text(0)).toBe("not json at all");
    expect(raw.json(1)).toMatchObject({ op: 10 });
    raw.close();
    discord.faults.firstFrame('{"op":11}');
    discord.sendHello = false;
    const client = connect(discord);
    expect(await client.nextOp(11)).toEqual({ op: 11 });
    discord.faults.firstFrame(undefined);
    discord.sendHello = true;
    const plain = connect(discord);
    expect((await plain.nextOp(10)).op).toBe(10);
    expect(plain.payloads[0]?.op).toBe(10);
  });

  it("dispatchWithSequence sends any s outside the session's numbering, which goes on as before", async () => {
    const discord = await startDiscord({ guilds: [] });
    const { client } = await identified(discord);
    expect(discord.faults.dispatchWithSequence("NUWANI_HOSTILE", { i: 1 }, Number.MAX_SAFE_INTEGER)).toBe(1);
    discord.faults.dispatchWithSequence("NUWANI_HOSTILE", { i: 2 }, "7");
    discord.dispatch("NUWANI_REAL", { i: 3 });
    const hostile = await client.nextOp(0, "NUWANI_HOSTILE");
    expect(hostile).toEqual({ op: 0, t: "NUWANI_HOSTILE", s: Number.MAX_SAFE_INTEGER, d: { i: 1 } });
    expect((await client.nextOp(0, "NUWANI_REAL")).s).toBe(2);
    expect(client.dispatches.map((payload) => payload.s)).toEqual([1, Number.MAX_SAFE_INTEGER, "7", 2]);
    expect(discord.sessions[0]!.seq).toBe(2);
  });

  it("resumeGatewayUrl replaces READY's resume_gateway_url for new v10 sessions", async () => {
    const discord = await startDiscord({ guilds: [] });
    discord.faults.resumeGatewayUrl("wss://evil.example.test");
    const { ready } = await identified(discord, 10);
    expect((ready.d as { resume_gateway_url: string }).resume_gateway_url).toBe("wss://evil.example.test");
    discord.faults.resumeGatewayUrl(undefined);
    const again = await identified(discord, 10);
    expect((again.ready.d as { resume_gateway_url: string }).resume_gateway_url).toBe(discord.gatewayUrl);
  });
});
