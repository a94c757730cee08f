import { deflateSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ReconnectingSocket } from "../src/ReconnectingSocket.js";
import { SocketError, type SocketErrorCode } from "../src/SocketError.js";
import type { ReconnectingSocketEvents, ReconnectingSocketOptions, SocketCloseInfo } from "../src/types.js";
import { MemoryTransport, type MemoryConnection } from "./support/MemoryTransport.js";
import { ZlibStreamWriter } from "./support/zlibStream.js";

const GATEWAY_URL = "ws://gateway.test/?v=6&encoding=json";

type Recorded = { [K in keyof ReconnectingSocketEvents]: { type: K; at: number; args: ReconnectingSocketEvents[K] } }[keyof ReconnectingSocketEvents];

const sockets: ReconnectingSocket[] = [];

function setup(options: Partial<ReconnectingSocketOptions> = {}, listenToErrors = true) {
  const transport = new MemoryTransport();
  const socket = new ReconnectingSocket({ url: GATEWAY_URL, transport, random: () => 0.5, ...options });
  sockets.push(socket);
  const events: Recorded[] = [];
  for (const type of ["connecting", "open", "payload", "close", "debug"] as const) {
    socket.on(type, (...args: unknown[]) => events.push({ type, at: Date.now(), args } as Recorded));
  }
  if (listenToErrors) socket.on("error", (error) => events.push({ type: "error", at: Date.now(), args: [error] }));
  const of = <K extends keyof ReconnectingSocketEvents>(type: K): ReconnectingSocketEvents[K][0][] =>
    events.filter((event) => event.type === type).map((event) => event.args[0] as ReconnectingSocketEvents[K][0]);
  return {
    transport,
    socket,
    events,
    payloads: () => of("payload"),
    closes: () => of("close"),
    errors: () => of("error"),
    errorCodes: () => of("error").map((error) => error.code),
    connectingTimes: () => events.filter((event) => event.type === "connecting").map((event) => event.at),
    types: () => events.filter((event) => event.type !== "debug").map((event) => event.type),
  };
}

/** Lets promise reactions (the transport's settlements) run, without moving the clock. */
const flush = () => vi.advanceTimersByTimeAsync(0);

async function openNow(transport: MemoryTransport): Promise<MemoryConnection> {
  const connection = transport.last.open();
  await flush();
  return connection;
}

async function connected(options: Partial<ReconnectingSocketOptions> = {}) {
  const context = setup(options);
  context.socket.connect();
  const connection = await openNow(context.transport);
  return { ...context, connection };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  vi.useRealTimers();
});

describe("connecting", () => {
  it("opens one connection, reporting connecting then open", async () => {
    const { socket, transport, types, events } = setup();
    expect(socket.state).toBe("idle");
    socket.connect();
    expect(socket.state).toBe("connecting");
    expect(transport.attempts).toHaveLength(1);
    expect(transport.last.url).toBe(GATEWAY_URL);
    expect(transport.last.options.timeout).toBe(15_000);
    expect(transport.last.options.signal?.aborted).toBe(false);
    await openNow(transport);
    expect(socket.state).toBe("open");
    expect(types()).toEqual(["connecting", "open"]);
    expect(events.find((event) => event.type === "open")?.args).toEqual([{ attempt: 0, url: GATEWAY_URL }]);
  });

  it("does not open a second connection while one is in flight or open", async () => {
    const { socket, transport } = setup();
    socket.connect();
    socket.connect();
    expect(transport.attempts).toHaveLength(1);
    await openNow(transport);
    socket.connect();
    socket.connect();
    expect(transport.attempts).toHaveLength(1);
    expect(socket.state).toBe("open");
  });

  it("asks a url function before every attempt", async () => {
    const urls = ["ws://one.test/", "ws://two.test/"];
    let asked = 0;
    const { socket, transport } = setup({ url: () => urls[asked++ % 2]! });
    socket.connect();
    transport.last.fail("TRANSPORT_CONNECT_FAILED");
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.attempts.map((attempt) => attempt.url)).toEqual(["ws://one.test/", "ws://two.test/"]);
  });

  it("keeps messages that arrive before the connect promise settles, and delivers them after open", async () => {
    const { socket, transport, types, payloads } = setup();
    socket.connect();
    const attempt = transport.last;
    attempt.listener.onMessage('{"op":10}', false);
    attempt.listener.onMessage('{"op":11}', false);
    expect(payloads()).toEqual([]);
    await openNow(transport);
    expect(types()).toEqual(["connecting", "open", "payload", "payload"]);
    expect(payloads()).toEqual([{ op: 10 }, { op: 11 }]);
  });

  it("handles a close reported before the connect promise settles", async () => {
    const { socket, transport, types, closes } = setup();
    socket.connect();
    transport.last.listener.onClose(1006, "");
    await openNow(transport);
    expect(types()).toEqual(["connecting", "open", "close"]);
    expect(closes()[0]).toMatchObject({ code: 1006, initiatedBy: "network", reconnect: true });
    expect(socket.state).toBe("waiting");
  });
});

describe("payloads", () => {
  it("emits one payload per text message, in order", async () => {
    const { connection, payloads } = await connected();
    for (let s = 1; s <= 100; s++) connection.receiveJson({ op: 0, s, t: "MESSAGE_CREATE", d: {} });
    expect(payloads().map((payload) => (payload as { s: number }).s)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("reports a malformed payload as SOCKET_DECODE_ERROR, skips it, and keeps the connection", async () => {
    const { socket, connection, payloads, errors } = await connected();
    connection.receive('{"op":0,"d":');
    connection.receive('{"op":11}');
    expect(errors().map((error) => error.code)).toEqual(["SOCKET_DECODE_ERROR"]);
    expect(errors()[0]!.cause).toBeInstanceOf(SyntaxError);
    expect(payloads()).toEqual([{ op: 11 }]);
    expect(socket.state).toBe("open");
  });

  it("inflates standalone zlib frames without compression set (payload compression)", async () => {
    const { connection, payloads } = await connected();
    connection.receive(deflateSync('{"op":0,"t":"READY","s":1,"d":{}}'));
    expect(payloads()).toEqual([{ op: 0, t: "READY", s: 1, d: {} }]);
  });

  it("decodes a zlib-stream with a fresh context per connection", async () => {
    const { connection, transport, payloads } = await connected({ compression: "zlib-stream" });
    const first = new ZlibStreamWriter();
    connection.receive(await first.encode({ op: 10, d: 1 }));
    connection.receive(await first.encode({ op: 11, d: 1 }));
    connection.drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    const next = await openNow(transport);
    // The new server stream starts with a zlib header again; the old context would reject it.
    const second = new ZlibStreamWriter();
    next.receive(await second.encode({ op: 10, d: 2 }));
    expect(payloads()).toEqual([
      { op: 10, d: 1 },
      { op: 11, d: 1 },
      { op: 10, d: 2 },
    ]);
    first.close();
    second.close();
  });

  it("replaces the connection when the zlib-stream is corrupt, and never throws", async () => {
    const { socket, connection, transport, errors, closes } = await connected({ compression: "zlib-stream" });
    const writer = new ZlibStreamWriter();
    connection.receive(await writer.encode({ op: 10 }));
    const corrupt = Buffer.from(await writer.encode({ op: 0, d: "a payload that will be corrupted" }));
    corrupt.fill(0xff, 0, corrupt.length - 4); // BTYPE 11: an invalid deflate block
    connection.receive(corrupt);
    expect(errors().map((error) => error.code)).toEqual(["SOCKET_DECOMPRESS_ERROR"]);
    expect(socket.state).toBe("closing");
    expect(connection.closes).toEqual([{ code: 4000, reason: "decompression failed" }]);
    await flush();
    expect(closes()).toEqual([{ code: 4000, reason: "decompression failed", initiatedBy: "client", reconnect: true, delay: 500 }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.attempts).toHaveLength(2);
    writer.close();
  });

  it("replaces the connection when a zlib-stream payload is too large", async () => {
    const { connection, errorCodes, socket } = await connected({ compression: "zlib-stream", maxPayloadSize: 1024 });
    const writer = new ZlibStreamWriter();
    connection.receive(await writer.encode({ d: "y".repeat(100_000) }));
    expect(errorCodes()).toEqual(["SOCKET_PAYLOAD_TOO_LARGE"]);
    expect(connection.closes).toEqual([{ code: 4000, reason: "payload too large" }]);
    expect(socket.state).toBe("closing");
    writer.close();
  });
});

describe("sending", () => {
  it("sends JSON text, and raw text as it is", async () => {
    const { socket, connection } = await connected();
    socket.send({ op: 1, d: null });
    socket.sendRaw('{"op":1,"d":42}');
    expect(connection.sent).toEqual(['{"op":1,"d":null}', '{"op":1,"d":42}']);
  });

  it("throws SOCKET_NOT_OPEN unless a connection is open", async () => {
    const { socket, transport } = setup();
    const code = (action: () => void): unknown => {
      try {
        action();
      } catch (error) {
        return (error as SocketError).code;
      }
      return "no error";
    };
    expect(code(() => socket.send({ op: 1 }))).toBe("SOCKET_NOT_OPEN"); // idle
    socket.connect();
    expect(code(() => socket.sendRaw("{}"))).toBe("SOCKET_NOT_OPEN"); // connecting
    transport.echoClose = false;
    await openNow(transport);
    socket.close();
    expect(socket.state).toBe("closing");
    expect(code(() => socket.send({ op: 1 }))).toBe("SOCKET_NOT_OPEN");
  });

  it("turns a send on a connection that just died into SOCKET_NOT_OPEN", async () => {
    const { socket, connection } = await connected();
    connection.state = "closed";
    expect(() => socket.send({ op: 1 })).toThrow(expect.objectContaining({ code: "SOCKET_NOT_OPEN" }) as Error);
  });

  it("reports other send failures of the transport as SOCKET_CONNECTION_ERROR", async () => {
    const { socket, connection } = await connected();
    connection.send = () => {
      throw new Error("EPIPE");
    };
    expect(() => socket.sendRaw("{}")).toThrow(expect.objectContaining({ code: "SOCKET_CONNECTION_ERROR" }) as Error);
    expect(() => socket.sendRaw(42 as unknown as string)).toThrow(expect.objectContaining({ code: "SOCKET_INVALID_ARGUMENT" }) as Error);
  });

  it("throws SOCKET_ENCODE_ERROR for values JSON cannot encode, without quoting them", async () => {
    const { socket, connection } = await connected();
    const identify: Record<string, unknown> = { op: 2, d: { token: "Bot super.secret.token", big: 10n } };
    let error: SocketError | undefined;
    try {
      socket.send(identify);
    } catch (caught) {
      error = caught as SocketError;
    }
    expect(error?.code).toBe("SOCKET_ENCODE_ERROR");
    expect(`${error?.message} ${String(error?.cause)}`).not.toContain("secret");
    expect(() => socket.send(undefined)).toThrow(expect.objectContaining({ code: "SOCKET_ENCODE_ERROR" }) as Error);
    expect(connection.sent).toEqual([]);
  });
});

describe("backoff", () => {
  it("keeps a schedule of 10 failures within its bounds, never above the cap", async () => {
    const { socket, transport, connectingTimes } = setup({ backoff: { base: 100, cap: 5000 }, random: Math.random });
    transport.mode = "refuse";
    socket.connect();
    await vi.advanceTimersByTimeAsync(60_000);
    const times = connectingTimes().slice(0, 11);
    expect(times).toHaveLength(11);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    gaps.forEach((gap, attempt) => {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(Math.min(5000, 100 * 2 ** attempt));
    });
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5000);
    expect(transport.attempts.every((attempt) => !attempt.live)).toBe(true);
  });

  it("waits random() × min(cap, base × 2^attempt) before each retry", async () => {
    const { socket, transport, connectingTimes, errorCodes } = setup({ backoff: { base: 100, cap: 5000 }, random: () => 0.5 });
    transport.mode = "refuse";
    socket.connect();
    await vi.advanceTimersByTimeAsync(30_000);
    const times = connectingTimes();
    const gaps = times.slice(1, 11).map((time, i) => time - times[i]!);
    expect(gaps).toEqual([50, 100, 200, 400, 800, 1600, 2500, 2500, 2500, 2500]);
    expect(errorCodes().slice(0, 3)).toEqual(["SOCKET_CONNECT_FAILED", "SOCKET_CONNECT_FAILED", "SOCKET_CONNECT_FAILED"]);
  });

  it("resets the attempt counter only after a connection stayed up stableAfter", async () => {
    const { socket, transport, closes } = setup({ backoff: { base: 100, cap: 60_000, stableAfter: 10_000 }, random: () => 1 });
    socket.connect();
    for (let i = 0; i < 4; i++) {
      transport.last.fail("TRANSPORT_CONNECT_FAILED");
      await vi.advanceTimersToNextTimerAsync();
    }
    expect(socket.attempt).toBe(4);
    const connection = await openNow(transport);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(socket.attempt).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.attempt).toBe(0);
    connection.drop(1006);
    // A healthy connection: the first attempt goes out at once (random() × dropJitter).
    expect(closes().at(-1)).toMatchObject({ reconnect: true, delay: 100 });
    expect(socket.attempt).toBe(0);
  });

  it("retries a working connection that dropped at once, not after the backoff grown by earlier failures", async () => {
    const { socket, transport, closes, connectingTimes } = setup({ backoff: { base: 1000, cap: 60_000 }, random: () => 0.5 });
    socket.connect();
    for (let i = 0; i < 5; i++) {
      transport.last.fail("TRANSPORT_CONNECT_FAILED");
      await vi.advanceTimersToNextTimerAsync();
    }
    expect(socket.attempt).toBe(5);
    const connection = await openNow(transport);
    connection.receiveJson({ op: 10 });
    socket.markHealthy();
    expect(socket.attempt).toBe(0);
    const droppedAt = Date.now();
    connection.drop(1006);
    expect(closes().at(-1)).toMatchObject({ code: 1006, reconnect: true, delay: 50 });
    await vi.advanceTimersByTimeAsync(50);
    expect(connectingTimes().at(-1)).toBe(droppedAt + 50);
    expect(transport.attempts).toHaveLength(7);
  });

  it("backs off from base again when the attempt after a working connection fails", async () => {
    const { socket, transport, closes, connectingTimes } = setup({ backoff: { base: 1000, cap: 60_000 }, random: () => 1 });
    socket.connect();
    const connection = await openNow(transport);
    socket.markHealthy();
    connection.drop(1006);
    expect(closes().at(-1)).toMatchObject({ delay: 100 });
    await vi.advanceTimersByTimeAsync(100);
    const start = Date.now();
    transport.last.fail("TRANSPORT_CONNECT_FAILED");
    await vi.advanceTimersToNextTimerAsync();
    transport.last.fail("TRANSPORT_CONNECT_FAILED");
    await vi.advanceTimersToNextTimerAsync();
    expect(connectingTimes().slice(-2)).toEqual([start + 1000, start + 3000]);
    expect(socket.attempt).toBe(2);
  });

  it("keeps backing off from a server that accepts and drops at once, even after a working connection", async () => {
    const { socket, transport, closes } = setup({ backoff: { base: 100, cap: 60_000 }, random: () => 1 });
    socket.connect();
    const working = await openNow(transport);
    socket.markHealthy();
    working.drop(1006);
    const delays: number[] = [closes().at(-1)!.delay];
    for (let i = 0; i < 8; i++) {
      await vi.advanceTimersToNextTimerAsync();
      const connection = await openNow(transport);
      connection.drop(1006); // accepted, never healthy
      delays.push(closes().at(-1)!.delay);
    }
    expect(delays).toEqual([100, 100, 200, 400, 800, 1600, 3200, 6400, 12_800]);
    expect(transport.attempts).toHaveLength(9);
  });

  it("markHealthy() does nothing without an open connection, and the healthy mark is per connection", async () => {
    const { socket, transport, closes } = setup({ backoff: { base: 100, cap: 60_000 }, random: () => 1 });
    socket.markHealthy();
    socket.connect();
    socket.markHealthy(); // still connecting
    transport.last.fail("TRANSPORT_CONNECT_FAILED");
    await flush();
    expect(socket.attempt).toBe(1);
    await vi.advanceTimersToNextTimerAsync();
    const first = await openNow(transport);
    socket.markHealthy();
    first.drop(1006);
    await vi.advanceTimersToNextTimerAsync();
    const second = await openNow(transport);
    second.drop(1006);
    expect(closes().map((close) => close.delay)).toEqual([100, 100]);
    expect(socket.attempt).toBe(1);
  });

  it("retries at once after a client-side reconnect() of a working connection (op 7, zombie)", async () => {
    const { socket, transport, closes } = setup({ backoff: { base: 1000, cap: 60_000 }, random: () => 0.25 });
    socket.connect();
    const connection = await openNow(transport);
    socket.markHealthy();
    socket.reconnect(4000, "zombie");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(connection.closes).toEqual([{ code: 4000, reason: "zombie" }]);
    expect(closes().at(-1)).toMatchObject({ initiatedBy: "client", reconnect: true, delay: 25 });
    expect(transport.attempts).toHaveLength(2);
  });

  it("regression: a connectTimeout past 2^31 ms timed the attempt out after 1 ms; it is capped", async () => {
    const { socket, transport, errorCodes } = setup({ connectTimeout: 1e12, helloTimeout: 1e12, backoff: { stableAfter: 1e12 } });
    socket.connect();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(errorCodes()).toEqual([]);
    expect(transport.last.options.timeout).toBe(2 ** 31 - 1);
    expect(socket.state).toBe("connecting");
  });

  it("rejects a dropJitter of a second or more", () => {
    expect(() => new ReconnectingSocket({ url: GATEWAY_URL, backoff: { dropJitter: 1000 } })).toThrow(
      expect.objectContaining({ code: "SOCKET_INVALID_ARGUMENT" }) as Error,
    );
  });

  it("does not reset the attempt counter for a connection that closes quickly", async () => {
    const { socket, transport, closes } = setup({ backoff: { base: 100, cap: 60_000, stableAfter: 10_000 }, random: () => 1 });
    socket.connect();
    for (let i = 0; i < 3; i++) {
      transport.last.fail("TRANSPORT_CONNECT_FAILED");
      await vi.advanceTimersToNextTimerAsync();
    }
    const connection = await openNow(transport);
    connection.receiveJson({ op: 10 });
    await vi.advanceTimersByTimeAsync(9_000);
    connection.drop(1001, "going away");
    expect(closes().at(-1)).toMatchObject({ code: 1001, initiatedBy: "server", reconnect: true, delay: 800 });
    expect(socket.attempt).toBe(4);
  });

  it("uses retryDelay(attempt) instead of the schedule", async () => {
    const asked: number[] = [];
    const { socket, transport, connectingTimes } = setup({
      retryDelay: (attempt) => {
        asked.push(attempt);
        return 1000 + attempt;
      },
    });
    transport.mode = "refuse";
    socket.connect();
    await vi.advanceTimersByTimeAsync(4_010);
    expect(asked).toEqual([0, 1, 2, 3, 4]);
    expect(connectingTimes()).toEqual([0, 1000, 2001, 3003, 4006]);
  });

  it("falls back to the schedule when retryDelay misbehaves", async () => {
    const { socket, transport, errorCodes, connectingTimes } = setup({
      backoff: { base: 100 },
      retryDelay: (attempt) => {
        if (attempt === 0) return Number.NaN;
        throw new Error("oops");
      },
    });
    transport.mode = "refuse";
    socket.connect();
    await vi.advanceTimersByTimeAsync(150);
    expect(connectingTimes()).toEqual([0, 50, 150]);
    expect(errorCodes().slice(0, 4)).toEqual([
      "SOCKET_CALLBACK_ERROR",
      "SOCKET_CONNECT_FAILED",
      "SOCKET_CALLBACK_ERROR",
      "SOCKET_CONNECT_FAILED",
    ]);
  });
});

describe("reconnect policy", () => {
  it("is asked about server closes and dropped connections, never about client closes", async () => {
    const asked: SocketCloseInfo[] = [];
    const { socket, connection, transport } = await connected({
      shouldReconnect: (info) => {
        asked.push(info);
        return true;
      },
    });
    connection.drop(4009, "Session timed out");
    await vi.advanceTimersByTimeAsync(500);
    const second = await openNow(transport);
    second.drop(1006);
    await vi.advanceTimersToNextTimerAsync();
    await openNow(transport);
    socket.reconnect(4000, "zombie");
    await vi.advanceTimersToNextTimerAsync();
    await openNow(transport);
    socket.close();
    await flush();
    expect(asked).toEqual([
      { code: 4009, reason: "Session timed out", initiatedBy: "server" },
      { code: 1006, reason: "", initiatedBy: "network" },
    ]);
  });

  it("can stop reconnecting", async () => {
    const { socket, connection, transport, closes } = await connected({ shouldReconnect: (info) => ({ reconnect: info.code !== 4004 }) });
    connection.drop(4004, "Authentication failed");
    expect(socket.state).toBe("idle");
    expect(closes()).toEqual([{ code: 4004, reason: "Authentication failed", initiatedBy: "server", reconnect: false, delay: 0 }]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(transport.attempts).toHaveLength(1);
  });

  it("can set the delay (the gateway's 1–5 s wait after op 9)", async () => {
    const { connection, transport, closes, connectingTimes } = await connected({
      shouldReconnect: () => ({ reconnect: true, delay: 2500 }),
    });
    connection.drop(4000);
    expect(closes()[0]).toMatchObject({ reconnect: true, delay: 2500 });
    await vi.advanceTimersByTimeAsync(2499);
    expect(transport.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.attempts).toHaveLength(2);
    expect(connectingTimes()).toEqual([0, 2500]);
  });

  it("reconnects and reports SOCKET_CALLBACK_ERROR when the policy throws or answers nonsense", async () => {
    const answers: unknown[] = [() => { throw new Error("bug"); }, () => "yes", () => ({ reconnect: true, delay: -1 })];
    let call = 0;
    const { transport, errorCodes, closes } = await connected({
      shouldReconnect: () => (answers[call++] as () => boolean)(),
    });
    for (let i = 0; i < 3; i++) {
      transport.last.connection!.drop(1006);
      await vi.advanceTimersToNextTimerAsync();
      await openNow(transport);
    }
    expect(errorCodes()).toEqual(["SOCKET_CALLBACK_ERROR", "SOCKET_CALLBACK_ERROR", "SOCKET_CALLBACK_ERROR"]);
    expect(closes().map((close) => close.reconnect)).toEqual([true, true, true]);
    expect(transport.attempts).toHaveLength(4);
  });
});

describe("timeouts", () => {
  it("fails an attempt after connectTimeout, aborts it and retries", async () => {
    const { socket, transport, errors } = setup({ connectTimeout: 3000 });
    socket.connect();
    const first = transport.last;
    await vi.advanceTimersByTimeAsync(2999);
    expect(errors()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(errors().map((error) => error.code)).toEqual(["SOCKET_CONNECT_TIMEOUT"]);
    expect(first.aborted).toBe(true);
    expect(socket.state).toBe("waiting");
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.attempts).toHaveLength(2);
    expect(transport.live).toBe(1);
  });

  it("terminates a connection that completes after its attempt was given up", async () => {
    const { socket, transport } = setup();
    transport.honourAbort = false; // a transport that ignores the abort and connects anyway
    socket.connect();
    const first = transport.last;
    socket.close();
    expect(first.aborted).toBe(true);
    const late = first.open();
    await flush();
    expect(late.terminated).toBe(true);
    expect(socket.state).toBe("idle");
  });

  it("closes with 4000 and reconnects when no message arrives within helloTimeout", async () => {
    const { socket, connection, transport, errorCodes, closes } = await connected({ helloTimeout: 5000 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(errorCodes()).toEqual(["SOCKET_HELLO_TIMEOUT"]);
    expect(connection.closes).toEqual([{ code: 4000, reason: "hello timeout" }]);
    expect(closes()).toEqual([{ code: 4000, reason: "hello timeout", initiatedBy: "client", reconnect: true, delay: 500 }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.attempts).toHaveLength(2);
    expect(socket.attempt).toBe(1);
  });

  it("stops the hello timer at the first message", async () => {
    const { connection, errorCodes } = await connected({ helloTimeout: 5000 });
    await vi.advanceTimersByTimeAsync(4999);
    connection.receiveJson({ op: 10, d: { heartbeat_interval: 41250 } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(errorCodes()).toEqual([]);
    expect(connection.state).toBe("open");
  });

  it("has no hello timeout with helloTimeout 0", async () => {
    const { connection } = await connected({ helloTimeout: 0 });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(connection.state).toBe("open");
  });

  it("terminates a connection whose close does not complete within closeTimeout", async () => {
    const { socket, transport, closes } = setup({ closeTimeout: 2000 });
    transport.echoClose = false;
    socket.connect();
    const connection = await openNow(transport);
    socket.close(4000, "bye");
    await vi.advanceTimersByTimeAsync(1999);
    expect(socket.state).toBe("closing");
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.terminated).toBe(true);
    expect(socket.state).toBe("idle");
    expect(closes()).toEqual([{ code: 4000, reason: "bye", initiatedBy: "client", reconnect: false, delay: 0 }]);
  });
  it("finishes a timed-out close once when the transport reports terminate() synchronously", async () => {
    const { socket, transport, closes } = setup({ closeTimeout: 2000 });
    transport.echoClose = false;
    transport.syncTerminate = true;
    socket.connect();
    await openNow(transport);
    socket.close(4000, "bye");
    await vi.advanceTimersByTimeAsync(2000);
    expect(socket.state).toBe("idle");
    expect(closes()).toEqual([{ code: 4000, reason: "bye", initiatedBy: "client", reconnect: false, delay: 0 }]);
  });
});

describe("close, reconnect and destroy", () => {
  it("close() ends the connection and does not reconnect", async () => {
    const { socket, connection, transport, closes, types } = await connected();
    socket.close();
    expect(socket.state).toBe("closing");
    expect(connection.closes).toEqual([{ code: 1000, reason: "" }]);
    await flush();
    expect(socket.state).toBe("idle");
    expect(closes()).toEqual([{ code: 1000, reason: "", initiatedBy: "client", reconnect: false, delay: 0 }]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(transport.attempts).toHaveLength(1);
    expect(types()).toEqual(["connecting", "open", "close"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("close() cancels an attempt in flight and a planned one", async () => {
    const { socket, transport } = setup();
    socket.connect();
    socket.close();
    expect(transport.last.aborted).toBe(true);
    expect(socket.state).toBe("idle");
    socket.connect();
    transport.last.fail("TRANSPORT_CONNECT_FAILED");
    await flush();
    expect(socket.state).toBe("waiting");
    socket.close();
    expect(socket.state).toBe("idle");
    await vi.advanceTimersByTimeAsync(600_000);
    expect(transport.attempts).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a later connect() starts again from attempt 0", async () => {
    const { socket, transport, events } = setup();
    transport.mode = "refuse";
    socket.connect();
    await vi.advanceTimersByTimeAsync(2000);
    expect(socket.attempt).toBeGreaterThan(1);
    socket.close();
    transport.mode = "manual";
    socket.connect();
    expect(socket.attempt).toBe(0);
    expect(events.filter((event) => event.type === "connecting").at(-1)?.args).toEqual([{ attempt: 0, url: GATEWAY_URL }]);
  });

  it("connect() during a client close reconnects once the close is done", async () => {
    const { socket, transport, closes } = await connected();
    socket.close();
    socket.connect();
    await flush();
    expect(closes()).toEqual([{ code: 1000, reason: "", initiatedBy: "client", reconnect: true, delay: 0 }]);
    await flush();
    expect(transport.attempts).toHaveLength(2);
    expect(transport.live).toBe(1);
  });

  it("rejects close codes and reasons a WebSocket cannot send", async () => {
    const { socket } = await connected();
    for (const code of [999, 1005, 1006, 2999, 5000, 4000.5]) {
      expect(() => socket.close(code)).toThrow(expect.objectContaining({ code: "SOCKET_INVALID_ARGUMENT" }) as Error);
    }
    expect(() => socket.reconnect(4000, "x".repeat(124))).toThrow(SocketError);
    expect(() => socket.reconnect(4000, "", { delay: -1 })).toThrow(SocketError);
    expect(socket.state).toBe("open");
  });

  it("reconnect() closes with its code and connects again without asking the policy", async () => {
    const shouldReconnect = vi.fn(() => false);
    const { socket, connection, transport, closes } = await connected({ shouldReconnect });
    socket.reconnect(4000, "zombie connection");
    expect(connection.closes).toEqual([{ code: 4000, reason: "zombie connection" }]);
    await flush();
    expect(closes()).toEqual([{ code: 4000, reason: "zombie connection", initiatedBy: "client", reconnect: true, delay: 500 }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.attempts).toHaveLength(2);
    expect(shouldReconnect).not.toHaveBeenCalled();
  });

  it("reconnect() takes a delay", async () => {
    const { socket, transport, connectingTimes } = await connected();
    socket.reconnect(4000, "", { delay: 3000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(transport.attempts).toHaveLength(2);
    expect(connectingTimes()).toEqual([0, 3000]);
  });

  it("reconnect() abandons an attempt in flight, keeping one connection at a time", async () => {
    const { socket, transport } = setup();
    socket.connect();
    const first = transport.last;
    socket.reconnect();
    expect(first.aborted).toBe(true);
    expect(socket.state).toBe("waiting");
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.attempts).toHaveLength(2);
    expect(transport.live).toBe(1);
  });

  it("reconnect() connects an idle socket", () => {
    const { socket, transport } = setup();
    socket.reconnect();
    expect(socket.state).toBe("connecting");
    expect(transport.attempts).toHaveLength(1);
  });

  it("close() during reconnect() cancels the reconnect; reconnect() during close() brings it back", async () => {
    const { socket, transport, closes } = setup();
    transport.echoClose = false;
    socket.connect();
    const first = await openNow(transport);
    socket.reconnect(4000, "op 7");
    socket.close();
    first.drop(4000);
    expect(closes().at(-1)).toEqual({ code: 4000, reason: "op 7", initiatedBy: "client", reconnect: false, delay: 0 });
    expect(socket.state).toBe("idle");

    socket.connect();
    const second = await openNow(transport);
    socket.close(4001, "later");
    socket.reconnect(4000, "ignored: a close is already in progress", { delay: 1234 });
    second.drop(4001);
    expect(closes().at(-1)).toEqual({ code: 4001, reason: "later", initiatedBy: "client", reconnect: true, delay: 1234 });
    expect(socket.state).toBe("waiting");
  });

  it("reconnect() with a delay waits before connecting an idle socket", async () => {
    const { socket, transport } = setup();
    socket.reconnect(4000, "", { delay: 700 });
    expect(socket.state).toBe("waiting");
    await vi.advanceTimersByTimeAsync(699);
    expect(transport.attempts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.attempts).toHaveLength(1);
  });

  it("terminates a connection whose close() throws, and still reports the close", async () => {
    const { socket, connection, closes } = await connected();
    connection.close = () => {
      throw new Error("transport bug");
    };
    socket.reconnect();
    expect(connection.terminated).toBe(true);
    expect(closes()).toEqual([{ code: 4000, reason: "", initiatedBy: "client", reconnect: true, delay: 500 }]);
    expect(socket.state).toBe("waiting");
  });

  it("destroy() terminates a connection whose close() throws", async () => {
    const { socket, connection } = await connected();
    connection.close = () => {
      throw new Error("transport bug");
    };
    socket.destroy();
    expect(connection.terminated).toBe(true);
  });

  it("destroy() closes the connection, stops all timers and is terminal", async () => {
    const { socket, connection, closes } = await connected();
    socket.destroy();
    expect(socket.state).toBe("destroyed");
    expect(connection.closes).toEqual([{ code: 1000, reason: "" }]);
    expect(closes()).toEqual([{ code: 1000, reason: "", initiatedBy: "client", reconnect: false, delay: 0 }]);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => socket.connect()).toThrow(expect.objectContaining({ code: "SOCKET_DESTROYED" }) as Error);
    expect(() => socket.reconnect()).toThrow(expect.objectContaining({ code: "SOCKET_DESTROYED" }) as Error);
    socket.close();
    socket.destroy();
    await flush();
    expect(closes()).toHaveLength(1);
  });

  it("destroy() stops planned and in-flight attempts", async () => {
    const { socket, transport } = setup();
    transport.mode = "refuse";
    socket.connect();
    await flush();
    expect(socket.state).toBe("waiting");
    socket.destroy();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(transport.attempts).toHaveLength(1);

    const other = setup();
    other.socket.connect();
    other.socket.destroy();
    expect(other.transport.last.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("dispose(), the deprecated alias, destroys", async () => {
    const { socket, connection, closes } = await connected();
    socket.dispose();
    expect(socket.state).toBe("destroyed");
    expect(connection.closes).toEqual([{ code: 1000, reason: "" }]);
    expect(closes()).toHaveLength(1);
    expect(() => socket.connect()).toThrow(expect.objectContaining({ code: "SOCKET_DESTROYED" }) as Error);
  });

  it("destroy() during a client close terminates the connection", async () => {
    const { socket, transport, closes } = setup();
    transport.echoClose = false;
    socket.connect();
    const connection = await openNow(transport);
    socket.reconnect(4000, "op 7");
    socket.destroy();
    expect(connection.terminated).toBe(true);
    expect(closes()).toEqual([{ code: 4000, reason: "op 7", initiatedBy: "client", reconnect: false, delay: 0 }]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(transport.attempts).toHaveLength(1);
  });
});

describe("errors", () => {
  it("never throws an unobserved error: without an error listener it becomes a debug message", async () => {
    const { socket, transport, events } = setup({}, false);
    transport.mode = "refuse";
    socket.connect();
    await vi.advanceTimersByTimeAsync(5000);
    const debug = events.filter((event) => event.type === "debug").map((event) => event.args[0]);
    expect(debug.some((message) => message.startsWith("SOCKET_CONNECT_FAILED: "))).toBe(true);
    expect(transport.attempts.length).toBeGreaterThan(3);
  });

  it("lets an error listener give up by calling close()", async () => {
    const { socket, transport } = setup();
    socket.on("error", (error) => {
      if (error.code === "SOCKET_TLS_ERROR") socket.close();
    });
    socket.connect();
    transport.last.fail("TRANSPORT_TLS_ERROR");
    await vi.advanceTimersByTimeAsync(600_000);
    expect(socket.state).toBe("idle");
    expect(transport.attempts).toHaveLength(1);
  });

  it.each<[string, SocketErrorCode]>([
    ["TRANSPORT_CONNECT_FAILED", "SOCKET_CONNECT_FAILED"],
    ["TRANSPORT_HANDSHAKE_FAILED", "SOCKET_CONNECT_FAILED"],
    ["TRANSPORT_CONNECT_TIMEOUT", "SOCKET_CONNECT_TIMEOUT"],
    ["TRANSPORT_TLS_ERROR", "SOCKET_TLS_ERROR"],
  ])("retries after %s, reported as %s with the cause", async (transportCode, socketCode) => {
    const { socket, transport, errors } = setup();
    socket.connect();
    transport.last.fail(transportCode as "TRANSPORT_CONNECT_FAILED");
    await flush();
    expect(errors()[0]?.code).toBe(socketCode);
    expect((errors()[0]?.cause as { code: string }).code).toBe(transportCode);
    expect(errors()[0]?.message).toContain(GATEWAY_URL);
    expect(socket.state).toBe("waiting");
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.attempts).toHaveLength(2);
  });

  it("stops on an invalid GATEWAY_URL, which no retry can fix", async () => {
    const { socket, transport, errorCodes } = setup();
    socket.connect();
    transport.last.fail("TRANSPORT_INVALID_URL");
    await vi.advanceTimersByTimeAsync(600_000);
    expect(errorCodes()).toEqual(["SOCKET_INVALID_URL"]);
    expect(socket.state).toBe("idle");
    expect(transport.attempts).toHaveLength(1);
  });

  it("stops when the url function gives no URL", async () => {
    const { socket, transport, errorCodes } = setup({ url: () => (transport.attempts.length === 0 ? GATEWAY_URL : "") });
    socket.connect();
    transport.last.fail("TRANSPORT_CONNECT_FAILED");
    await vi.advanceTimersByTimeAsync(600_000);
    expect(errorCodes()).toEqual(["SOCKET_CONNECT_FAILED", "SOCKET_INVALID_URL"]);
    expect(socket.state).toBe("idle");
    expect(transport.attempts).toHaveLength(1);
  });

  it("stops when the url function throws", () => {
    const { socket, transport, errors } = setup({
      url: () => {
        throw new Error("no gateway GATEWAY_URL cached");
      },
    });
    socket.connect();
    expect(errors().map((error) => error.code)).toEqual(["SOCKET_INVALID_URL"]);
    expect((errors()[0]!.cause as Error).message).toBe("no gateway GATEWAY_URL cached");
    expect(socket.state).toBe("idle");
    expect(transport.attempts).toHaveLength(0);
  });

  it("treats a transport whose connect() throws as a failed attempt", async () => {
    const { socket, transport, errorCodes } = setup();
    transport.connect = () => {
      throw new Error("synchronous failure");
    };
    socket.connect();
    await flush();
    expect(errorCodes()).toEqual(["SOCKET_CONNECT_FAILED"]);
    expect(socket.state).toBe("waiting");
  });

  it("reports failures of an open connection; its close follows", async () => {
    const { connection, errorCodes, closes } = await connected();
    connection.fail("TRANSPORT_PROTOCOL_ERROR");
    connection.drop(1002, "protocol error");
    connection.attempt.listener.onError(new Error("after close") as never);
    expect(errorCodes()).toEqual(["SOCKET_CONNECTION_ERROR"]);
    expect(closes()[0]).toMatchObject({ code: 1002, initiatedBy: "server", reconnect: true });
  });

  it("reports a message over the transport's limit as SOCKET_PAYLOAD_TOO_LARGE", async () => {
    const { connection, errorCodes } = await connected();
    connection.fail("TRANSPORT_PAYLOAD_TOO_LARGE");
    expect(errorCodes()).toEqual(["SOCKET_PAYLOAD_TOO_LARGE"]);
  });

  it("rejects invalid options", () => {
    const transport = new MemoryTransport();
    const invalid: Partial<ReconnectingSocketOptions>[] = [
      { url: "" },
      { url: 42 as unknown as string },
      { connectTimeout: 0 },
      { helloTimeout: -1 },
      { closeTimeout: Number.NaN },
      { backoff: { base: -1 } },
      { backoff: { stableAfter: Number.POSITIVE_INFINITY } },
      { compression: "gzip" as "none" },
      { maxPayloadSize: 1.5 },
    ];
    for (const options of invalid) {
      expect(() => new ReconnectingSocket({ url: GATEWAY_URL, transport, ...options })).toThrow(
        expect.objectContaining({ code: "SOCKET_INVALID_ARGUMENT" }) as Error,
      );
    }
  });

  it("never puts payload contents in events or errors", async () => {
    const { socket, connection, events } = await connected({ compression: "zlib-stream" });
    const token = "Bot NzkyNzE1NDU0MTk2MDg4ODQy.X-hvzA.Ovy4MCQywSkoMRRclStW4xAYK7I";
    socket.send({ op: 2, d: { token } });
    expect(() => socket.send({ op: 2, d: { token, n: 1n } })).toThrow(SocketError);
    connection.receive(`{"op":0,"d":{"token":"${token}"`);
    connection.receive(Buffer.concat([Buffer.from(`not zlib at all ${token}`), Buffer.from([0, 0, 0xff, 0xff])]));
    const text = events
      .filter((event) => event.type !== "payload")
      .map((event) => event.args.map((arg) => (arg instanceof SocketError ? `${arg.code} ${arg.message} ${String(arg.cause)}` : JSON.stringify(arg))).join(" "))
      .join("\n");
    expect(text).toContain("SOCKET_DECODE_ERROR");
    expect(text).toContain("SOCKET_DECOMPRESS_ERROR");
    expect(text).not.toContain("NzkyNzE1");
  });
});

describe("state machine", () => {
  it("goes through idle → connecting → open → closing → waiting → connecting", async () => {
    const { socket, transport } = setup();
    const states: string[] = [socket.state];
    const note = (): void => {
      states.push(socket.state);
    };
    socket.on("connecting", note);
    socket.on("open", note);
    socket.on("close", note);
    socket.connect();
    await openNow(transport);
    socket.reconnect();
    states.push(socket.state);
    await vi.advanceTimersByTimeAsync(500);
    expect(states).toEqual(["idle", "connecting", "open", "closing", "waiting", "connecting"]);
  });

  it("never holds more than one connection over a storm of drops and calls", async () => {
    const { socket, transport } = setup({ backoff: { base: 10, cap: 50 } });
    let maxLive = 0;
    socket.connect();
    for (let round = 0; round < 50; round++) {
      const attempt = transport.last;
      if (!attempt.settled && !attempt.aborted) {
        if (round % 3 === 0) attempt.fail("TRANSPORT_CONNECT_FAILED");
        else attempt.open();
      }
      await flush();
      if (round % 5 === 1) socket.reconnect();
      if (round % 7 === 2) socket.connect();
      if (round % 4 === 3) attempt.connection?.drop(1006);
      maxLive = Math.max(maxLive, transport.live);
      await vi.advanceTimersByTimeAsync(60);
      maxLive = Math.max(maxLive, transport.live);
    }
    expect(maxLive).toBe(1);
    expect(transport.attempts.length).toBeGreaterThan(20);
  });
});
