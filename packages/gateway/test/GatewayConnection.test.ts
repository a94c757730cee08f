import { ActivityType, PresenceUpdateStatus } from "discord-api-types/v6";
import { describe, expect, it, vi } from "vitest";
import { GatewayConnection } from "../src/GatewayConnection.js";
import type { GatewayConnectionOptions, GatewaySession, GatewayVersion } from "../src/types.js";
import { GatewayError } from "../src/GatewayError.js";
import type { GatewayErrorCode } from "../src/GatewayError.js";
import { flush, useHarnesses, identified, opened, sequences, TOKEN, track } from "./support/harness.js";
import { GatewayIntentBits } from "../src/index.js";

const harness = useHarnesses();

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("GatewayConnection: hello, identify, resume", () => {
  it("v6: identifies after HELLO with $-prefixed properties, compress false, large_threshold, shard and presence, without intents", async () => {
    const presence = {
      since: null,
      game: { name: "Las Venturas Playground", type: ActivityType.Game },
      status: PresenceUpdateStatus.Online,
      afk: false,
    };
    const { transport, gateway } = harness({
      largeThreshold: 100,
      shard: [0, 1],
      presence,
      properties: { os: "linux", browser: "nuwani", device: "lvp" },
    });
    const connecting = track(gateway.connect());
    expect(gateway.state).toBe("connecting");
    const connection = await opened(transport, 1);
    expect(connection.url).toBe("wss://gateway.discord.gg/?v=6&encoding=json");
    expect(connection.sent).toEqual([]);

    connection.hello();
    await flush();
    expect(connection.sent).toEqual([
      {
        op: 2,
        d: {
          token: TOKEN,
          properties: { $os: "linux", $browser: "nuwani", $device: "lvp" },
          compress: false,
          large_threshold: 100,
          shard: [0, 1],
          presence,
        },
      },
    ]);
    expect(gateway.state).toBe("identifying");
    expect(connecting.settled).toBe(false);
  });

  it("v6: sends intents and guild_subscriptions only when given, and defaults the properties", async () => {
    const { transport, gateway } = harness({ intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages, guildSubscriptions: false });
    track(gateway.connect());
    const connection = await opened(transport, 1);
    connection.hello();
    await flush();
    expect(connection.identifies[0]?.d).toEqual({
      token: TOKEN,
      properties: { $os: process.platform, $browser: "nuwani", $device: "nuwani" },
      compress: false,
      intents: 513,
      guild_subscriptions: false,
    });
  });

  it("v10: unprefixed properties, required intents, v=10 in the URL", async () => {
    const { transport, gateway } = harness({ version: 10, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages });
    track(gateway.connect());
    const connection = await opened(transport, 1);
    expect(connection.url).toBe("wss://gateway.discord.gg/?v=10&encoding=json");
    connection.hello();
    await flush();
    expect(connection.identifies[0]?.d).toEqual({
      token: TOKEN,
      properties: { os: process.platform, browser: "nuwani", device: "nuwani" },
      compress: false,
      intents: 513,
    });
  });

  it("v10 without intents, and other invalid options, throw GATEWAY_INVALID_OPTION", () => {
    const invalid: Partial<GatewayConnectionOptions<GatewayVersion>>[] = [
      { version: 10 },
      { token: "" },
      { version: 7 as GatewayVersion },
      { largeThreshold: 49 },
      { largeThreshold: 251 },
      { largeThreshold: Number.NaN },
      { shard: [2, 2] },
      { intents: -1 },
      { intents: 1.5 },
      { session: { sessionId: "", sequence: 1, resumeUrl: "wss://gateway.discord.gg" } },
      { session: { sessionId: "abc", sequence: -1, resumeUrl: "wss://gateway.discord.gg" } },
    ];
    for (const options of invalid) {
      const error = thrown(() => new GatewayConnection<GatewayVersion>({ token: TOKEN, ...options }));
      expect(error, JSON.stringify(options)).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe("GATEWAY_INVALID_OPTION");
    }
  });

  it("builds the URL from the url option (its query replaced) and adds compress=zlib-stream when compress is on", async () => {
    const plain = harness({ url: "wss://gateway.example.test/?v=9&encoding=etf" });
    track(plain.gateway.connect());
    expect((await opened(plain.transport, 1)).url).toBe("wss://gateway.example.test/?v=6&encoding=json");

    const compressed = harness({ compress: true });
    track(compressed.gateway.connect());
    expect((await opened(compressed.transport, 1)).url).toBe("wss://gateway.discord.gg/?v=6&encoding=json&compress=zlib-stream");
  });

  it("resolves connect() on READY, stores the session and emits ready", async () => {
    const h = harness();
    const sessions: GatewaySession[] = [];
    h.gateway.on("ready", (session) => sessions.push(session));
    const connecting = track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    expect(connecting.settled).toBe(false);
    expect(h.gateway.session).toBeNull();

    connection.ready("abc", 1);
    await flush();
    expect(connecting.settled).toBe(true);
    expect(connecting.error).toBeUndefined();
    expect(h.gateway.state).toBe("ready");
    expect(h.gateway.session).toEqual({ sessionId: "abc", sequence: 1, resumeUrl: "wss://gateway.discord.gg" });
    expect(sessions).toEqual([{ sessionId: "abc", sequence: 1, resumeUrl: "wss://gateway.discord.gg" }]);
    expect(h.log.states).toEqual(["connecting", "identifying", "ready"]);
    expect(h.log.dispatches.map((payload) => payload.t)).toEqual(["READY"]);
    // connect() on a ready connection resolves at once and opens nothing new.
    await expect(h.gateway.connect()).resolves.toBeUndefined();
    expect(h.transport.attempts).toHaveLength(1);
  });

  it("resumes (op 6 with the last sequence) instead of identifying when it holds a session; RESUMED resolves connect()", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.dispatch("GUILD_CREATE", 2, { id: "1" });
    connection.dispatch("MESSAGE_CREATE", 3, { id: "2" });
    await flush();
    connection.drop();
    expect(h.gateway.state).toBe("reconnecting");
    const resuming = track(h.gateway.connect());
    await vi.advanceTimersByTimeAsync(1_000);
    const next = await opened(h.transport, 2);
    next.hello();
    await flush();
    expect(next.sent).toEqual([{ op: 6, d: { token: TOKEN, session_id: "abc", seq: 3 } }]);
    expect(h.gateway.state).toBe("resuming");
    expect(resuming.settled).toBe(false);

    const resumed: GatewaySession[] = [];
    h.gateway.on("resumed", (session) => resumed.push(session));
    next.dispatch("MESSAGE_CREATE", 4, { id: "3" });
    next.resumed(5);
    await flush();
    expect(resuming.settled).toBe(true);
    expect(resuming.error).toBeUndefined();
    expect(h.gateway.state).toBe("ready");
    expect(resumed).toEqual([{ sessionId: "abc", sequence: 5, resumeUrl: "wss://gateway.discord.gg" }]);
    expect(sequences(h.log)).toEqual([1, 2, 3, 4, 5]);
  });

  it("v10: resumes at READY's resume_gateway_url, and identifies at the base URL once the session is gone", async () => {
    const h = harness({ version: 10, intents: GatewayIntentBits.Guilds, url: "wss://gateway.discord.gg" });
    const { connection } = await identified(h, "v10-session");
    // Without resume_gateway_url in READY, the base URL is the resume URL.
    expect(h.gateway.session?.resumeUrl).toBe("wss://gateway.discord.gg");
    connection.closeWith(4009); // session timed out: new session
    await vi.advanceTimersByTimeAsync(5_000);
    const second = await opened(h.transport, 2);
    second.hello();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(second.identifies).toHaveLength(1);
    second.ready("v10-next", 1, { v: 10, resume_gateway_url: "wss://gateway-us-east1-b.discord.gg" });
    await flush();
    expect(h.gateway.session).toEqual({ sessionId: "v10-next", sequence: 1, resumeUrl: "wss://gateway-us-east1-b.discord.gg" });

    second.drop();
    await vi.advanceTimersByTimeAsync(1_000);
    const third = await opened(h.transport, 3);
    expect(third.url).toBe("wss://gateway-us-east1-b.discord.gg/?v=10&encoding=json");
    third.hello();
    await flush();
    expect(third.resumes).toEqual([{ op: 6, d: { token: TOKEN, session_id: "v10-next", seq: 1 } }]);

    third.closeWith(4007);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(h.transport.last.url).toBe("wss://gateway.discord.gg/?v=10&encoding=json");
  });

  it("regression: a READY with d null threw out of the socket's message handler", async () => {
    const h = harness();
    const connecting = track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    expect(() => connection.dispatch("READY", 1, null)).not.toThrow();
    await flush();
    expect(h.gateway.session).toBeNull();
    expect(connecting.settled).toBe(false);
    expect(h.log.dispatches).toEqual([]);
    expect(h.log.debug.some((message) => message.includes("READY without a session_id"))).toBe(true);
    expect(connection.clientClose).toBeDefined();
    expect([1000, 1001]).not.toContain(connection.clientClose?.code);
    // It reconnects and identifies afresh; a proper READY then completes connect().
    await vi.advanceTimersByTimeAsync(1_000);
    const next = await opened(h.transport, 2);
    next.hello();
    await vi.advanceTimersByTimeAsync(5_000); // one identify per 5 s
    expect(next.identifies).toHaveLength(1);
    next.ready("fresh", 1);
    await flush();
    expect(connecting.settled).toBe(true);
    expect(h.gateway.session?.sessionId).toBe("fresh");
  });

  it("ignores payloads that are not objects, and unknown opcodes", async () => {
    const h = harness();
    const { connection } = await identified(h);
    connection.pushRaw("null");
    connection.pushRaw("42");
    connection.push({ op: 99, d: null });
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    expect(sequences(h.log)).toEqual([1, 2]);
    expect(h.gateway.state).toBe("ready");
    expect(h.log.debug.some((message) => message.includes("not an object"))).toBe(true);
  });
});

describe("GatewayConnection: heartbeats", () => {
  it("sends the first heartbeat after interval × random, then every interval, with the last sequence (null before any dispatch)", async () => {
    const h = harness({ random: () => 0.25 });
    track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello(40_000);
    await flush();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(connection.heartbeats).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.heartbeats).toEqual([{ op: 1, d: null }]);
    connection.ack();
    connection.ready("abc", 1);
    connection.dispatch("GUILD_CREATE", 2, { id: "1" });
    await flush();

    await vi.advanceTimersByTimeAsync(39_999);
    expect(connection.heartbeats).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.heartbeats.at(-1)).toEqual({ op: 1, d: 2 });
    connection.ack();
    connection.dispatch("MESSAGE_CREATE", 3, {});
    await flush();
    await vi.advanceTimersByTimeAsync(40_000);
    connection.ack();
    expect(connection.heartbeats.map((payload) => payload.d as unknown)).toEqual([null, 2, 3]);
    expect(connection.timesOf(1)).toEqual([10_000, 50_000, 90_000]);
    expect(h.gateway.latency).toBe(0);
  });

  it("measures latency from heartbeat to ACK", async () => {
    const h = harness({ random: () => 0 });
    const { connection } = await identified(h, "abc", 10_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.heartbeats).toHaveLength(1);
    expect(h.gateway.latency).toBe(-1);
    await vi.advanceTimersByTimeAsync(120);
    connection.ack();
    expect(h.gateway.latency).toBe(120);
  });

  it("answers op 1 with a heartbeat at once, carrying the last sequence", async () => {
    const h = harness();
    const { connection } = await identified(h);
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    expect(connection.heartbeats).toEqual([]);
    connection.requestHeartbeat();
    await flush();
    expect(connection.heartbeats).toEqual([{ op: 1, d: 2 }]);
    expect(connection.timesOf(1)).toEqual([0]);
  });

  it("keeps a connection whose heartbeats are ACKed, over many intervals", async () => {
    const h = harness();
    h.transport.autoAck = true;
    const { connection } = await identified(h, "abc", 1_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(connection.heartbeats).toHaveLength(10);
    expect(connection.state).toBe("open");
    expect(h.transport.connections).toHaveLength(1);
    expect(h.gateway.state).toBe("ready");
  });

  it("zombie: no ACK since the last heartbeat → closes with a non-1000/1001 code and resumes on the next connection", async () => {
    const h = harness({ random: () => 0.5 }); // heartbeats at 500 ms, then every 1000 ms
    const { connection } = await identified(h, "zombie", 1_000);
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    await vi.advanceTimersByTimeAsync(500);
    expect(connection.heartbeats).toEqual([{ op: 1, d: 2 }]);
    await vi.advanceTimersByTimeAsync(999);
    expect(connection.clientClose).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.clientClose).toBeDefined();
    expect([1000, 1001]).not.toContain(connection.clientClose?.code);
    expect(connection.heartbeats).toHaveLength(1);
    expect(h.gateway.state).toBe("reconnecting");
    expect(h.gateway.session).toEqual({ sessionId: "zombie", sequence: 2, resumeUrl: "wss://gateway.discord.gg" });

    await vi.advanceTimersByTimeAsync(1_000);
    const next = await opened(h.transport, 2);
    next.hello(1_000);
    await flush();
    expect(next.identifies).toEqual([]);
    expect(next.resumes).toEqual([{ op: 6, d: { token: TOKEN, session_id: "zombie", seq: 2 } }]);
  });

  it("zombie whose server never answers the close: the connection is terminated and replaced", async () => {
    const h = harness({ random: () => 0.5 });
    h.transport.answerCloses = false;
    const { connection } = await identified(h, "zombie", 1_000);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(connection.state).toBe("closing");
    await vi.advanceTimersByTimeAsync(5_000 + 1_000);
    expect(connection.state).toBe("closed");
    expect(h.transport.connections).toHaveLength(2);
    h.transport.last.hello();
    await flush();
    expect(h.transport.last.resumes).toHaveLength(1);
  });
});

describe("GatewayConnection: op 7 and op 9", () => {
  it("op 7: closes with a non-1000/1001 code and resumes on a new connection", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    connection.reconnect();
    await flush();
    expect(connection.clientClose).toBeDefined();
    expect([1000, 1001]).not.toContain(connection.clientClose?.code);
    expect(h.gateway.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1_000);
    const next = await opened(h.transport, 2);
    next.hello();
    await flush();
    expect(next.sent).toEqual([{ op: 6, d: { token: TOKEN, session_id: "abc", seq: 2 } }]);
  });

  it("op 9 d:true: resumes the session on the same connection after the 1–5 s wait", async () => {
    const h = harness({ random: () => 0 });
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    connection.invalidSession(true);
    await flush();
    expect(h.gateway.state).toBe("resuming");
    await vi.advanceTimersByTimeAsync(999);
    expect(connection.resumes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.resumes).toEqual([{ op: 6, d: { token: TOKEN, session_id: "abc", seq: 2 } }]);
    expect(connection.identifies).toHaveLength(1);
    connection.resumed(3);
    await flush();
    expect(h.gateway.state).toBe("ready");
    expect(h.transport.connections).toHaveLength(1);
  });

  it.each([
    [0, 1_000],
    [0.9999, 4_999],
  ])("op 9 d:false with random %f: forgets the session, closes, and identifies on a new connection to the base URL after %i ms", async (random, wait) => {
    const h = harness({ version: 10, intents: GatewayIntentBits.Guilds, random: () => random });
    const { connection } = await identified(h, "old");
    connection.ready("old", 1, { v: 10, resume_gateway_url: "wss://gateway-us-east1-b.discord.gg" });
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await vi.advanceTimersByTimeAsync(10_000); // past the identify throttle's 5 s
    connection.ack();
    connection.invalidSession(false);
    await flush();
    expect(h.gateway.session).toBeNull();
    expect(h.gateway.state).toBe("reconnecting");
    expect(connection.clientClose).toBeDefined();
    await expect(h.gateway.send({ op: 4, d: {} })).rejects.toMatchObject({ code: "GATEWAY_NOT_CONNECTED" });
    expect(connection.identifies).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(wait - 1);
    expect(h.transport.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const next = await opened(h.transport, 2);
    // The base URL, never the old session's resume URL.
    expect(next.url).toBe("wss://gateway.discord.gg/?v=10&encoding=json");
    next.hello();
    await flush();
    expect(next.identifies).toHaveLength(1);
    expect(next.resumes).toEqual([]);
    expect(next.timesOf(2)).toEqual([10_000 + wait]);

    next.ready("new", 1);
    next.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    expect(h.gateway.session).toEqual({ sessionId: "new", sequence: 2, resumeUrl: "wss://gateway.discord.gg" });
    // The new session's dispatches count from 1 again and are all delivered.
    expect(sequences(h.log)).toEqual([1, 1, 2, 1, 2]);
  });
});

const RESUME_CODES = [1006, 4000, 4001, 4002, 4005, 4006, 4008];
const IDENTIFY_CODES = [1000, 1001, 4003, 4007, 4009];
const FATAL_CODES: [number, GatewayErrorCode][] = [
  [4004, "GATEWAY_AUTHENTICATION_FAILED"],
  [4010, "GATEWAY_INVALID_SHARD"],
  [4011, "GATEWAY_SHARDING_REQUIRED"],
  [4012, "GATEWAY_INVALID_API_VERSION"],
  [4013, "GATEWAY_INVALID_INTENTS"],
  [4014, "GATEWAY_DISALLOWED_INTENTS"],
];

describe("GatewayConnection: close codes", () => {
  it("covers every code from 4000 to 4014 and 1000/1001/1006", () => {
    const all = [...RESUME_CODES, ...IDENTIFY_CODES, ...FATAL_CODES.map(([code]) => code)].sort((a, b) => a - b);
    expect(all).toEqual([1000, 1001, 1006, ...Array.from({ length: 15 }, (_, i) => 4000 + i)]);
  });

  it.each(RESUME_CODES)("close %i: reconnects and resumes the session", async (code) => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    if (code === 1006) connection.drop();
    else connection.closeWith(code, "scripted");
    expect(h.gateway.state).toBe("reconnecting");
    expect(h.gateway.session).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    const next = await opened(h.transport, 2);
    next.hello();
    await flush();
    expect(next.sent).toEqual([{ op: 6, d: { token: TOKEN, session_id: "abc", seq: 2 } }]);
  });

  it.each(IDENTIFY_CODES)("close %i: forgets the session and identifies on a new connection", async (code) => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    connection.closeWith(code, "scripted");
    expect(h.gateway.state).toBe("reconnecting");
    expect(h.gateway.session).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    const next = await opened(h.transport, 2);
    next.hello();
    await vi.advanceTimersByTimeAsync(5_000); // the identify throttle: 5 s after the first
    expect(next.resumes).toEqual([]);
    expect(next.identifies).toHaveLength(1);
    expect(next.identifies[0]?.d.token).toBe(TOKEN);
  });

  it.each(FATAL_CODES)("close %i: stops with %s, rejects connect() and never reconnects", async (code, errorCode) => {
    const h = harness();
    const connecting = track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    connection.closeWith(code, "scripted");
    await flush();

    expect(connecting.settled).toBe(true);
    expect(connecting.error).toBeInstanceOf(GatewayError);
    expect(connecting.error).toMatchObject({ code: errorCode, closeCode: code });
    expect(h.log.errors).toHaveLength(1);
    expect(h.log.errors[0]).toBe(connecting.error);
    expect(h.gateway.state).toBe("stopped");
    expect(h.gateway.session).toBeNull();

    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(h.transport.attempts).toHaveLength(1);
    expect(h.gateway.state).toBe("stopped");
  });

  it("after a fatal close of a ready session, connect() may start again", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.closeWith(4014);
    await flush();
    expect(h.log.errors.map((error) => error.code)).toEqual(["GATEWAY_DISALLOWED_INTENTS"]);
    expect(h.gateway.state).toBe("stopped");

    const again = track(h.gateway.connect());
    const next = await opened(h.transport, 2);
    next.hello();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(next.identifies).toHaveLength(1);
    next.ready("again", 1);
    await flush();
    expect(again.settled).toBe(true);
    expect(again.error).toBeUndefined();
  });

  it("regression: a connect() from the error listener of a fatal close starts a new attempt (the stop runs after the socket settled)", async () => {
    const h = harness();
    const retried: Promise<void>[] = [];
    h.gateway.on("error", () => {
      const retry = h.gateway.connect();
      retry.catch(() => undefined);
      retried.push(retry);
    });
    const first = track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    connection.closeWith(4004);
    await flush();
    expect(first.error).toMatchObject({ code: "GATEWAY_AUTHENTICATION_FAILED" });
    expect(retried).toHaveLength(1);
    expect(h.gateway.state).toBe("connecting");
    expect(h.transport.attempts).toHaveLength(2);
  });
});

describe("GatewayConnection: disconnect and session hand-over", () => {
  it("disconnect() closes with 1000, forgets the session and rejects a pending connect(); the next connect() identifies", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    h.gateway.disconnect();
    await flush();
    expect(connection.clientClose?.code).toBe(1000);
    expect(h.gateway.session).toBeNull();
    expect(h.gateway.state).toBe("disconnected");

    // A connect() in progress is rejected by disconnect().
    const pending = track(h.gateway.connect());
    await flush();
    h.gateway.disconnect();
    await flush();
    expect(pending.error).toMatchObject({ code: "GATEWAY_DISCONNECTED" });

    await vi.advanceTimersByTimeAsync(10_000);
    const next = track(h.gateway.connect());
    const third = await opened(h.transport, 3);
    third.hello();
    await flush();
    expect(third.identifies).toHaveLength(1);
    expect(third.resumes).toEqual([]);
    third.ready("fresh", 1);
    await flush();
    expect(next.settled).toBe(true);
  });

  it("disconnect({ resumable: true }) closes with a non-1000 code and keeps the session; connect() resumes it", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    await flush();
    h.gateway.disconnect({ resumable: true });
    await flush();
    expect(connection.clientClose).toBeDefined();
    expect([1000, 1001]).not.toContain(connection.clientClose?.code);
    expect(h.gateway.session).toEqual({ sessionId: "abc", sequence: 2, resumeUrl: "wss://gateway.discord.gg" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.transport.connections).toHaveLength(1);

    track(h.gateway.connect());
    const next = await opened(h.transport, 2);
    next.hello();
    await flush();
    expect(next.sent).toEqual([{ op: 6, d: { token: TOKEN, session_id: "abc", seq: 2 } }]);
  });

  it("hands its session to a new GatewayConnection, which resumes (not identifies) at its resumeUrl on its first connect", async () => {
    const first = harness({ version: 10, intents: GatewayIntentBits.Guilds });
    const firstConnection = (await identified(first, "handed")).connection;
    firstConnection.dispatch("MESSAGE_CREATE", 2, {});
    firstConnection.dispatch("MESSAGE_CREATE", 3, {});
    await flush();
    first.gateway.disconnect({ resumable: true });
    const session = first.gateway.session;
    expect(session).toEqual({ sessionId: "handed", sequence: 3, resumeUrl: "wss://gateway.discord.gg" });

    const second = harness({ version: 10, intents: GatewayIntentBits.Guilds, session: { ...session!, resumeUrl: "wss://gateway-us-east1-b.discord.gg" } });
    expect(second.gateway.session).toEqual({ sessionId: "handed", sequence: 3, resumeUrl: "wss://gateway-us-east1-b.discord.gg" });
    const connecting = track(second.gateway.connect());
    const connection = await opened(second.transport, 1);
    expect(connection.url).toBe("wss://gateway-us-east1-b.discord.gg/?v=10&encoding=json");
    connection.hello();
    await flush();
    expect(connection.sent).toEqual([{ op: 6, d: { token: TOKEN, session_id: "handed", seq: 3 } }]);
    // The server replays 3 (already seen by the first process) and 4, then RESUMED.
    connection.dispatch("MESSAGE_CREATE", 3, {});
    connection.dispatch("MESSAGE_CREATE", 4, {});
    connection.resumed(5);
    await flush();
    expect(connecting.settled).toBe(true);
    expect(sequences(second.log)).toEqual([4, 5]);
  });

  it("after destroy(), connect() rejects with GATEWAY_DESTROYED", async () => {
    const h = harness();
    await identified(h);
    h.gateway.destroy();
    await expect(h.gateway.connect()).rejects.toMatchObject({ code: "GATEWAY_DESTROYED" });
  });

  it("destroy() rejects pending connect() and member requests with GATEWAY_DESTROYED, at once, and is idempotent", async () => {
    const h = harness();
    const { connection } = await identified(h);
    const members = track(h.gateway.requestGuildMembers({ guildId: "1" }));
    await flush();
    connection.drop();
    await flush();
    const connecting = track(h.gateway.connect());
    h.gateway.destroy();
    h.gateway.destroy();
    await flush();
    expect((connecting.error as GatewayError).code).toBe("GATEWAY_DESTROYED");
    expect((members.error as GatewayError).code).toBe("GATEWAY_DESTROYED");
    expect(h.gateway.state).toBe("disconnected");
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("GatewayConnection: dispatches", () => {
  it("delivers every dispatch exactly once and in sequence order across resumes whose replays repeat delivered ones", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    for (let s = 2; s <= 5; s++) connection.dispatch("MESSAGE_CREATE", s, { s });
    await flush();
    connection.drop();
    await vi.advanceTimersByTimeAsync(1_000);
    const second = await opened(h.transport, 2);
    second.hello();
    await flush();
    expect(second.resumes[0]?.d.seq).toBe(5);
    // The server replays from an older point (3–5 were delivered already), then new ones.
    for (let s = 3; s <= 7; s++) second.dispatch("MESSAGE_CREATE", s, { s });
    second.resumed(8);
    second.dispatch("MESSAGE_CREATE", 8, { duplicate: true });
    second.dispatch("MESSAGE_CREATE", 9, {});
    await flush();
    second.closeWith(4000);
    await vi.advanceTimersByTimeAsync(1_000);
    const third = await opened(h.transport, 3);
    third.hello();
    await flush();
    expect(third.resumes[0]?.d.seq).toBe(9);
    third.dispatch("MESSAGE_CREATE", 9, {});
    third.dispatch("MESSAGE_CREATE", 10, {});
    third.resumed(11);
    await flush();

    expect(sequences(h.log)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(h.log.dispatches.map((payload) => payload.t)).toEqual([
      "READY",
      ...Array<string>(6).fill("MESSAGE_CREATE"),
      "RESUMED",
      "MESSAGE_CREATE",
      "MESSAGE_CREATE",
      "RESUMED",
    ]);
    expect(h.gateway.session?.sequence).toBe(11);
  });
});

describe("GatewayConnection: debug and the token", () => {
  it("describes identify, resume and a fatal close in debug events, and never includes the token in them or in errors", async () => {
    const h = harness();
    const { connection } = await identified(h, "abc");
    connection.dispatch("MESSAGE_CREATE", 2, {});
    connection.drop();
    await vi.advanceTimersByTimeAsync(1_000);
    const second = await opened(h.transport, 2);
    second.hello();
    await flush();
    second.resumed(3);
    await flush();
    const tooLarge = await h.gateway.send({ op: 4, d: { token: TOKEN, padding: "x".repeat(5_000) } }).catch((error: unknown) => error);
    second.reconnect();
    await vi.advanceTimersByTimeAsync(1_000);
    const third = await opened(h.transport, 3);
    third.hello();
    await flush();
    third.closeWith(4004, "Authentication failed.");
    await flush();

    expect(tooLarge).toMatchObject({ code: "GATEWAY_PAYLOAD_TOO_LARGE" });
    expect(h.log.errors.map((error) => error.code)).toEqual(["GATEWAY_AUTHENTICATION_FAILED"]);
    const texts = [
      ...h.log.debug,
      ...[...h.log.errors, tooLarge as Error].flatMap((error) => [error.message, String(error.stack), JSON.stringify(error)]),
    ];
    for (const text of texts) expect(text).not.toContain(TOKEN);
    // The token's parts are not leaked either (e.g. in a truncated payload).
    for (const text of texts) expect(text).not.toContain(TOKEN.split(".")[2]);

    const debug = h.log.debug.join("\n");
    expect(debug).toMatch(/identifying/);
    expect(debug).toMatch(/ready: session abc/);
    expect(debug).toMatch(/resuming session abc at sequence 2/);
    expect(debug).toMatch(/reconnect \(op 7\)/);
    expect(debug).toMatch(/4004/);
    expect(debug).toMatch(/stopped: GATEWAY_AUTHENTICATION_FAILED/);
  });

  it("strips a Bot prefix from the token", async () => {
    const h = harness({ token: `Bot ${TOKEN}` });
    track(h.gateway.connect());
    const connection = await opened(h.transport, 1);
    connection.hello();
    await flush();
    expect(connection.identifies[0]?.d.token).toBe(TOKEN);
  });
});
