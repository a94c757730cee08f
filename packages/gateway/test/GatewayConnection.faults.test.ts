import { describe, expect, it, vi } from "vitest";
import { GatewayConnection } from "../src/GatewayConnection.js";
import { GatewayError } from "../src/GatewayError.js";
import { flush, useHarnesses, identified, opened, sequences, TOKEN, track } from "./support/harness.js";
import { GatewayIntentBits } from "../src/index.js";

const harness = useHarnesses();

const TIMER_LIMIT = 2 ** 31 - 1;

describe("GatewayConnection: every wait is bounded", () => {
  it.each([
    ["garbage", "this is not json"],
    ["a heartbeat ACK", '{"op":11,"d":null}'],
    ["a dispatch", '{"op":0,"t":"TYPING_START","s":1,"d":{}}'],
  ])("regression: %s as the first frame cancelled the HELLO deadline and left connect() hanging", async (_name, frame) => {
    const h = harness({ helloTimeout: 5_000 });
    const connecting = track(h.gateway.connect());
    const first = await opened(h.transport, 1);
    first.pushRaw(frame);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(first.clientClose).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(first.clientClose?.code).toBe(4000);
    expect(h.log.errors.map((error) => error.code)).toContain("GATEWAY_HELLO_TIMEOUT");
    await vi.advanceTimersByTimeAsync(2_000);
    const second = await opened(h.transport, 2);
    second.hello();
    await flush();
    second.ready("s", 1);
    await flush();
    expect(connecting.settled).toBe(true);
    expect(connecting.error).toBeUndefined();
  });

  it("regression: there was no READY deadline: an Identify left unanswered is retried on a new connection", async () => {
    const h = harness({ readyTimeout: 10_000 });
    track(h.gateway.connect());
    const first = await opened(h.transport, 1);
    first.hello();
    await flush();
    expect(first.identifies).toHaveLength(1);
    first.ack();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(first.clientClose).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(first.clientClose?.code).toBe(4000);
    expect(h.log.errors.map((error) => error.code)).toEqual(["GATEWAY_READY_TIMEOUT"]);
    expect(h.gateway.state).toBe("reconnecting");
  });

  it("a Resume left unanswered is retried on a new connection after readyTimeout", async () => {
    const h = harness({ readyTimeout: 10_000, random: () => 0 });
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    connection.drop();
    await vi.advanceTimersByTimeAsync(100);
    const second = await opened(h.transport, 2);
    second.hello();
    await flush();
    expect(second.resumes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(second.clientClose?.code).toBe(4000);
    expect(h.log.errors.at(-1)?.code).toBe("GATEWAY_READY_TIMEOUT");
    expect(h.gateway.session?.sessionId).toBe("abc");
  });

  it("connect({ timeout }) rejects with GATEWAY_CONNECT_TIMEOUT while Discord is unreachable, and stops the attempts", async () => {
    const h = harness();
    h.transport.refuse = Number.POSITIVE_INFINITY;
    const connecting = track(h.gateway.connect({ timeout: 30_000 }));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(connecting.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(connecting.error).toBeInstanceOf(GatewayError);
    expect((connecting.error as GatewayError).code).toBe("GATEWAY_CONNECT_TIMEOUT");
    expect(h.gateway.state).toBe("disconnected");
    const attempts = h.transport.attempts.length;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(h.transport.attempts).toHaveLength(attempts);
  });

  it("connect({ signal }) rejects with GATEWAY_ABORTED when aborted, and at once for an aborted signal", async () => {
    const h = harness();
    h.transport.refuse = Number.POSITIVE_INFINITY;
    const abort = new AbortController();
    const connecting = track(h.gateway.connect({ signal: abort.signal }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(connecting.settled).toBe(false);
    abort.abort(new Error("operator pressed Ctrl+C"));
    await flush();
    expect((connecting.error as GatewayError).code).toBe("GATEWAY_ABORTED");
    expect(h.gateway.state).toBe("disconnected");
    await expect(h.gateway.connect({ signal: abort.signal })).rejects.toMatchObject({ code: "GATEWAY_ABORTED" });
  });

  it("connect() rejects on a fatal close with its typed error", async () => {
    const h = harness();
    const connecting = track(h.gateway.connect({ timeout: 60_000 }));
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    connection.closeWith(4004);
    await flush();
    expect((connecting.error as GatewayError).code).toBe("GATEWAY_AUTHENTICATION_FAILED");
  });

  it("no timer of 2^31 ms or more: huge timeouts wait instead of firing at once", async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const h = harness({ helloTimeout: 1e12, readyTimeout: 1e12, memberRequestTimeout: 1e12, connectTimeout: 1e12, backoff: { stableAfter: 1e12 } });
    const connecting = track(h.gateway.connect({ timeout: 3e9 }));
    const connection = await opened(h.transport, 1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(connection.clientClose).toBeUndefined();
    connection.hello();
    await flush();
    connection.ready("s", 1);
    await flush();
    expect(connecting.error).toBeUndefined();
    const members = track(h.gateway.requestGuildMembers({ guildId: "1" }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(members.settled).toBe(false);
    const waits = setTimeoutSpy.mock.calls.map((call) => call[1] ?? 0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(TIMER_LIMIT);
    setTimeoutSpy.mockRestore();
  });

  it("connect({ timeout }) longer than 2^31 ms is chained, not fired at once", async () => {
    // A server that opens and then says nothing, without a HELLO deadline: only connect()'s
    // own timeout can end the wait.
    const h = harness({ helloTimeout: 0 });
    const connecting = track(h.gateway.connect({ timeout: TIMER_LIMIT + 1000 }));
    await vi.advanceTimersByTimeAsync(TIMER_LIMIT);
    expect(connecting.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect((connecting.error as GatewayError).code).toBe("GATEWAY_CONNECT_TIMEOUT");
  });

  it("regression: RESUMED without a session was taken as a session; it is a protocol error and the client identifies", async () => {
    const h = harness();
    const connecting = track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    connection.resumed(1);
    await flush();
    expect(connecting.settled).toBe(false);
    expect(h.log.dispatches).toEqual([]);
    expect(h.log.errors.map((error) => error.code)).toEqual(["GATEWAY_INVALID_PAYLOAD"]);
    expect(connection.clientClose?.code).toBe(4000);
    await vi.advanceTimersByTimeAsync(6_000);
    const next = await opened(h.transport, 2);
    next.hello();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(next.identifies).toHaveLength(1);
    expect(next.resumes).toEqual([]);
  });
});

describe("GatewayConnection: hostile values", () => {
  it.each([
    ["the largest safe integer", Number.MAX_SAFE_INTEGER],
    ["an unsafe integer", 2 ** 60],
    ["a fraction", 2.5],
    ["a negative number", -3],
    ["a string", "3"],
    ["a far jump", 1_000_000],
  ])("regression: a dispatch with %s as s made the client deaf to every later dispatch", async (_name, s) => {
    const h = harness({ random: () => 0 });
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    connection.push({ op: 0, t: "MESSAGE_CREATE", s, d: { hostile: true } });
    connection.dispatch("MESSAGE_CREATE", 3, {});
    connection.dispatch("MESSAGE_CREATE", 4, {});
    await flush();
    expect(sequences(h.log)).toEqual([1, 2, 3, 4]);
    expect(h.log.debug.some((line) => line.includes("ignored a MESSAGE_CREATE dispatch"))).toBe(true);
    // It resumes from the last good sequence, and the heartbeat carries it.
    connection.drop();
    await vi.advanceTimersByTimeAsync(100);
    const next = await opened(h.transport, 2);
    next.hello();
    await flush();
    expect(next.resumes).toEqual([{ op: 6, d: { token: TOKEN, session_id: "abc", seq: 4 } }]);
  });

  it.each([0, -1, 999, 600_001, Number.NaN, 1e12])("HELLO with heartbeat_interval %d (outside 1 s – 10 min) is refused: the client reconnects instead of heartbeating", async (interval) => {
    const h = harness();
    track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.push({ op: 10, d: { heartbeat_interval: interval } });
    await flush();
    expect(connection.identifies).toEqual([]);
    expect(connection.clientClose?.code).toBe(4000);
    expect(h.gateway.state).toBe("reconnecting");
  });

  it.each([
    ["another host", "wss://evil.example.test"],
    ["a look-alike domain", "wss://gateway.discord.gg.evil.example"],
    ["another scheme", "ws://gateway-us-east1-b.discord.gg"],
    ["credentials in the URL", "wss://user:pw@gateway-us-east1-b.discord.gg"],
    ["no URL", "not a url"],
    ["no string", 42],
  ])("regression: READY's resume_gateway_url on %s got the token in Resume; it resumes at the base URL", async (_name, resumeUrl) => {
    const h = harness({ version: 10, intents: GatewayIntentBits.Guilds, url: "wss://gateway.discord.gg", random: () => 0 });
    track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    connection.ready("abc", 1, { v: 10, resume_gateway_url: resumeUrl });
    await flush();
    expect(h.gateway.session?.resumeUrl).toBe("wss://gateway.discord.gg");
    connection.drop();
    await vi.advanceTimersByTimeAsync(100);
    const next = await opened(h.transport, 2);
    expect(next.url).toBe("wss://gateway.discord.gg/?v=10&encoding=json");
  });

  it("uses resume_gateway_url on Discord's gateway domain, and on the base host for other gateways", async () => {
    const discord = harness({ version: 10, intents: GatewayIntentBits.Guilds, url: "wss://gateway.discord.gg", random: () => 0 });
    track(discord.gateway.connect());
    const first = await opened(discord.transport, 1);
    first.hello();
    await flush();
    first.ready("abc", 1, { v: 10, resume_gateway_url: "wss://gateway-us-east1-b.discord.gg/" });
    await flush();
    expect(discord.gateway.session?.resumeUrl).toBe("wss://gateway-us-east1-b.discord.gg");

    const local = harness({ version: 10, intents: GatewayIntentBits.Guilds, url: "ws://127.0.0.1:4000", random: () => 0 });
    track(local.gateway.connect());
    const own = await opened(local.transport, 1);
    own.hello();
    await flush();
    own.ready("abc", 1, { v: 10, resume_gateway_url: "ws://127.0.0.1:4001/resume" });
    await flush();
    expect(local.gateway.session?.resumeUrl).toBe("ws://127.0.0.1:4001/resume");
  });

  it("a handed-over session with a foreign resumeUrl resumes at the base URL", async () => {
    const h = harness({ version: 10, intents: GatewayIntentBits.Guilds, session: { sessionId: "abc", sequence: 3, resumeUrl: "wss://evil.example.test" } });
    expect(h.gateway.session?.resumeUrl).toBe("wss://gateway.discord.gg");
    track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    expect(connection.url).toBe("wss://gateway.discord.gg/?v=10&encoding=json");
  });

  it("rejects a base url that is not ws: or wss:", () => {
    for (const url of ["http://gateway.discord.gg", "gateway.discord.gg", ""]) {
      expect(() => new GatewayConnection({ token: TOKEN, version: 6, url })).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID_OPTION" }) as Error);
    }
  });

  it("regression: socket errors never reached the error event", async () => {
    const h = harness();
    h.transport.refuse = 2;
    track(h.gateway.connect());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.log.errors.map((error) => error.code)).toEqual(["GATEWAY_SOCKET_ERROR", "GATEWAY_SOCKET_ERROR"]);
    expect((h.log.errors[0]?.cause as { code?: string }).code).toBe("SOCKET_CONNECT_FAILED");
    expect(h.gateway.state).not.toBe("stopped");
    expect(h.transport.connections).toHaveLength(1);
  });
});

describe("GatewayConnection: RATE_LIMITED (v10)", () => {
  it("rejects the pending requestGuildMembers of the nonce with GATEWAY_RATE_LIMITED and retryAfter in ms; others go on", async () => {
    const h = harness({ version: 10, intents: GatewayIntentBits.Guilds });
    const { connection } = await identified(h, "abc");
    const limited = track(h.gateway.requestGuildMembers({ guildId: "10" }));
    const other = track(h.gateway.requestGuildMembers({ guildId: "11" }));
    await flush();
    const [first, second] = connection.ops(8);
    connection.dispatch("RATE_LIMITED", 2, { opcode: 8, retry_after: 1.5, meta: { guild_id: "10", nonce: first?.d.nonce } });
    await flush();
    expect(limited.error).toBeInstanceOf(GatewayError);
    expect(limited.error).toMatchObject({ code: "GATEWAY_RATE_LIMITED", retryAfter: 1500 });
    expect(other.settled).toBe(false);
    connection.dispatch("GUILD_MEMBERS_CHUNK", 3, { guild_id: "11", members: [], chunk_index: 0, chunk_count: 1, nonce: second?.d.nonce });
    await flush();
    expect(other.error).toBeUndefined();
    expect(other.settled).toBe(true);
    // The dispatch still reaches listeners, in order.
    expect(h.log.dispatches.map((payload) => payload.t)).toEqual(["READY", "RATE_LIMITED", "GUILD_MEMBERS_CHUNK"]);
  });

  it("ignores a RATE_LIMITED for an unknown nonce, another opcode or a hostile retry_after", async () => {
    const h = harness({ version: 10, intents: GatewayIntentBits.Guilds });
    const { connection } = await identified(h, "abc");
    const pending = track(h.gateway.requestGuildMembers({ guildId: "10" }, { timeout: 60_000 }));
    await flush();
    const nonce = connection.ops(8)[0]?.d.nonce as string;
    connection.dispatch("RATE_LIMITED", 2, { opcode: 8, retry_after: 1, meta: { guild_id: "10", nonce: "someone-else" } });
    connection.dispatch("RATE_LIMITED", 3, { opcode: 3, retry_after: 1, meta: { guild_id: "10", nonce } });
    connection.dispatch("RATE_LIMITED", 4, null);
    await flush();
    expect(pending.settled).toBe(false);
    connection.dispatch("RATE_LIMITED", 5, { opcode: 8, retry_after: 1e12, meta: { guild_id: "10", nonce } });
    await flush();
    expect((pending.error as GatewayError).retryAfter).toBe(TIMER_LIMIT);
  });
});

describe("GatewayConnection: reconnect policy", () => {
  it("regression: after a working connection dropped, the backoff grown by earlier failures delayed the reconnect", async () => {
    const h = harness({ backoff: { base: 1000, cap: 60_000 }, random: () => 1 });
    h.transport.refuse = 5;
    const connecting = track(h.gateway.connect());
    await vi.advanceTimersByTimeAsync(40_000);
    const { connection } = { connection: await opened(h.transport, 1) };
    connection.hello();
    await flush();
    connection.ready("abc", 1);
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    expect(connecting.settled).toBe(true);
    const dropped = Date.now();
    connection.drop();
    await flush();
    // random() = 1: the longest jitter, 100 ms; the grown backoff would have been 32 s.
    await vi.advanceTimersByTimeAsync(99);
    expect(h.transport.attempts).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.transport.attempts).toHaveLength(7);
    expect(Date.now() - dropped).toBe(100);
  });

  it("a server that accepts and drops before READY meets growing backoff, also after a working connection", async () => {
    const h = harness({ backoff: { base: 1000, cap: 60_000 }, random: () => 1 });
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    connection.drop();
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersToNextTimerAsync();
      const next = await opened(h.transport, 2 + i);
      times.push(Date.now());
      next.hello();
      await flush();
      next.drop(); // accepted, resume sent, dropped before RESUMED
      await flush();
    }
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16_000]);
  });
});
