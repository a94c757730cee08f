import { createTestCertificate, FakeGateway, type FakeGatewayConnection } from "@nuwani/fake-discord";
import { WsTransport } from "@nuwani/transport";
import { afterEach, describe, expect, it } from "vitest";
import { ReconnectingSocket } from "../src/ReconnectingSocket.js";
import type { SocketError } from "../src/SocketError.js";
import type { ReconnectingSocketOptions, SocketCloseEvent } from "../src/types.js";
import { bigPayload } from "./support/zlibStream.js";

// Real servers on 127.0.0.1, real timers. Every wait is for an event; nothing asserts speed.

interface Numbered {
  op: number;
  s: number;
  d: { generation: number };
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startGateway(options: ConstructorParameters<typeof FakeGateway>[0] = {}): Promise<FakeGateway> {
  const fake = new FakeGateway(options);
  await fake.start();
  cleanups.push(() => fake.stop());
  return fake;
}

function createSocket(options: ReconnectingSocketOptions) {
  const socket = new ReconnectingSocket({ backoff: { base: 20, cap: 100 }, ...options });
  cleanups.push(() => {
    socket.destroy();
  });
  const payloads: unknown[] = [];
  const errors: SocketError[] = [];
  const closes: SocketCloseEvent[] = [];
  socket.on("payload", (payload) => payloads.push(payload));
  socket.on("error", (error) => errors.push(error));
  socket.on("close", (close) => closes.push(close));
  return { socket, payloads, errors, closes };
}

/** Resolves once `check()` holds, re-checking after every event of the socket. */
function until(socket: ReconnectingSocket, check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const events = ["payload", "open", "close", "error", "connecting"] as const;
    const done = (error?: Error): void => {
      clearTimeout(timer);
      for (const event of events) socket.off(event, listener);
      if (error) reject(error);
      else resolve();
    };
    const listener = (): void => {
      if (check()) done();
    };
    const timer = setTimeout(() => done(new Error(`timed out waiting until ${what}`)), timeoutMs);
    for (const event of events) socket.on(event, listener);
    listener();
  });
}

/** Streams numbered payloads to a connection until it closes. */
function stream(connection: FakeGatewayConnection, generation: number): void {
  let s = 0;
  const timer = setInterval(() => {
    if (connection.state !== "open") {
      clearInterval(timer);
      return;
    }
    for (let i = 0; i < 5; i++) connection.send({ op: 0, s: ++s, d: { generation } });
  }, 2);
  cleanups.push(() => {
    clearInterval(timer);
  });
  void connection.closed.then(() => clearInterval(timer));
}

describe("ReconnectingSocket on loopback", () => {
  it("reconnects by itself when the server dies mid-stream, and the stream continues after a restart", async () => {
    let generation = 1;
    const fake = await startGateway({ sendHello: false });
    fake.on("connection", (connection) => stream(connection, generation));
    const port = fake.port;
    const { socket, payloads, errors, closes } = createSocket({ url: fake.url, helloTimeout: 0 });
    const received = (g: number): Numbered[] => (payloads as Numbered[]).filter((payload) => payload.d.generation === g);

    socket.connect();
    await until(socket, () => received(1).length >= 50, "50 payloads of the first server");

    // Kill the server mid-stream: every TCP connection is destroyed, the port closes.
    await fake.stop();
    await until(socket, () => closes.length === 1, "the connection is lost");
    expect(closes[0]).toMatchObject({ code: 1006, initiatedBy: "network", reconnect: true });
    await until(socket, () => errors.some((error) => error.code === "SOCKET_CONNECT_FAILED"), "an attempt is refused");
    expect(socket.state).not.toBe("open");

    generation = 2;
    await fake.start(port);
    await until(socket, () => received(2).length >= 50, "50 payloads of the restarted server");

    expect(socket.state).toBe("open");
    expect(fake.connections).toHaveLength(1);
    // In order, none lost or duplicated, on both sides of the restart.
    for (const g of [1, 2]) {
      const sequence = received(g).map((payload) => payload.s);
      expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, i) => i + 1));
    }
    expect(errors.every((error) => error.code === "SOCKET_CONNECT_FAILED")).toBe(true);
    expect((errors[0]?.cause as { code?: string } | undefined)?.code).toBe("TRANSPORT_CONNECT_FAILED");
  });

  it("decodes a zlib-stream: split payloads, fragmented frames, a large payload, many small ones", async () => {
    const fake = await startGateway({ sendHello: false });
    const url = `${fake.url}/?v=6&encoding=json&compress=zlib-stream`;
    const client = createSocket({ url, compression: "zlib-stream", helloTimeout: 0 });
    const large = { op: 0, s: 2, t: "GUILD_CREATE", d: bigPayload(1024 * 1024) };
    fake.once("connection", (connection) => {
      expect(connection.compression).toBe("zlib-stream");
      connection.send({ op: 10, d: { heartbeat_interval: 41250 } });
      connection.sendSplitZlib(large, 6);
      fake.faults.fragmentNext(5);
      connection.send({ op: 0, s: 3, t: "MESSAGE_CREATE", d: { content: "fragmented" } });
      for (let s = 4; s < 504; s++) connection.send({ op: 0, s, t: "TYPING_START", d: { n: s % 10 } });
    });
    client.socket.connect();
    await until(client.socket, () => client.payloads.length >= 503, "503 payloads", 20_000);

    expect(client.payloads[0]).toEqual({ op: 10, d: { heartbeat_interval: 41250 } });
    expect(client.payloads[1]).toEqual(large);
    expect(client.payloads[2]).toEqual({ op: 0, s: 3, t: "MESSAGE_CREATE", d: { content: "fragmented" } });
    expect(client.payloads.slice(1).map((payload) => (payload as Numbered).s)).toEqual(Array.from({ length: 502 }, (_, i) => i + 2));
    expect(client.errors).toEqual([]);
  });

  it("replaces a connection whose zlib-stream is corrupt with a fresh one, with a fresh context", async () => {
    const fake = await startGateway({ sendHello: false });
    const url = `${fake.url}/?v=6&encoding=json&compress=zlib-stream`;
    const { socket, payloads, errors, closes } = createSocket({ url, compression: "zlib-stream", helloTimeout: 0 });
    socket.connect();
    const first = await fake.waitForConnection(1);
    first.send({ op: 10, d: 1 });
    first.sendRaw(Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0x00, 0x00, 0xff, 0xff]));

    const second = await fake.waitForConnection(2);
    second.send({ op: 10, d: 2 });
    await until(socket, () => payloads.length === 2, "the payload of the second connection");

    expect(payloads).toEqual([
      { op: 10, d: 1 },
      { op: 10, d: 2 },
    ]);
    expect(errors.map((error) => error.code)).toEqual(["SOCKET_DECOMPRESS_ERROR"]);
    expect(closes).toEqual([{ code: 4000, reason: "decompression failed", initiatedBy: "client", reconnect: true, delay: expect.any(Number) as number }]);
    expect(await first.closed).toEqual({ code: 4000, reason: "decompression failed" });
  });

  it("skips a malformed payload and keeps the connection", async () => {
    const fake = await startGateway({ sendHello: false });
    const { socket, payloads, errors } = createSocket({ url: fake.url, helloTimeout: 0 });
    socket.connect();
    const connection = await fake.waitForConnection(1);
    connection.sendRaw('{"op":0,"d":{');
    connection.send({ op: 11 });
    await until(socket, () => payloads.length === 1, "the next payload");
    expect(payloads).toEqual([{ op: 11 }]);
    expect(errors.map((error) => error.code)).toEqual(["SOCKET_DECODE_ERROR"]);
    expect(connection.state).toBe("open");
  });

  it("retries while the server refuses the upgrade, then connects", async () => {
    const fake = await startGateway();
    fake.faults.refuseConnections(150);
    const { socket, errors, payloads } = createSocket({ url: fake.url });
    socket.connect();
    await until(socket, () => payloads.length === 1, "HELLO");
    expect(payloads[0]).toEqual({ op: 10, d: { heartbeat_interval: 41250 } });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.code === "SOCKET_CONNECT_FAILED")).toBe(true);
    expect((errors[0]?.cause as { code?: string }).code).toBe("TRANSPORT_HANDSHAKE_FAILED");
  });

  it("reports an untrusted certificate as SOCKET_TLS_ERROR and keeps retrying", async () => {
    const certificate = createTestCertificate({ selfSigned: true });
    const fake = await startGateway({ tls: { cert: certificate.cert, key: certificate.key } });
    expect(fake.url.startsWith("wss://")).toBe(true);

    const untrusting = createSocket({ url: fake.url });
    untrusting.socket.connect();
    await until(untrusting.socket, () => untrusting.errors.length >= 2, "two failed attempts");
    expect(untrusting.errors.map((error) => error.code)).toEqual(["SOCKET_TLS_ERROR", "SOCKET_TLS_ERROR"]);
    untrusting.socket.close();

    const trusting = createSocket({ url: fake.url, transport: new WsTransport({ ca: certificate.ca }) });
    trusting.socket.connect();
    await until(trusting.socket, () => trusting.payloads.length === 1, "HELLO over TLS");
    expect(trusting.errors).toEqual([]);
  });

  it("sends payloads the server receives, and closes cleanly", async () => {
    const fake = await startGateway();
    const { socket, closes } = createSocket({ url: fake.url });
    socket.on("payload", () => {
      socket.send({ op: 1, d: null });
    });
    socket.connect();
    const heartbeat = await fake.waitForPayload((payload) => payload.op === 1);
    expect(heartbeat).toEqual({ op: 1, d: null });
    const connection = fake.connections[0]!;
    socket.close(4000, "resume later");
    expect(await connection.closed).toEqual({ code: 4000, reason: "resume later" });
    await until(socket, () => closes.length === 1, "the close event");
    expect(closes[0]).toEqual({ code: 4000, reason: "resume later", initiatedBy: "client", reconnect: false, delay: 0 });
    expect(socket.state).toBe("idle");
  });
});
