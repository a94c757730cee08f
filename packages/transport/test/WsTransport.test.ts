import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestCertificate, type TestCertificate } from "@nuwani/fake-discord";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type TransportConnection, TransportError, WsTransport } from "../src/index.js";
import { RecordingListener, acceptUpgrade, closeFrame, frame, track, useFixtures } from "./helpers.js";

const { raws, servers: https, connections, startFake, startRaw } = useFixtures();

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

// Registered after useFixtures(), so it runs before the clean-up (after-hooks run last-first).
afterEach(() => {
  vi.useRealTimers();
});

describe("WsTransport.connect", () => {
  it("connects to a ws:// server, exchanges messages and reports its state", async () => {
    const fake = await startFake({ heartbeatInterval: 5000 });
    const listener = new RecordingListener();
    const url = `${fake.url}/?v=6&encoding=json`;
    const connection = track(connections, await new WsTransport().connect(url, listener));
    expect(connection.url).toBe(url);
    expect(connection.state).toBe("open");
    await listener.untilMessages(1);
    expect(listener.events[0]).toEqual({ type: "message", data: '{"op":10,"d":{"heartbeat_interval":5000}}', isBinary: false });
    connection.send(JSON.stringify({ op: 1, d: null }));
    await listener.untilMessages(2);
    expect(listener.messages[1]).toBe('{"op":11}');
    expect(await fake.waitForPayload((p) => p.op === 1)).toEqual({ op: 1, d: null });
  });

  it("sends the configured headers, per-connect ones overriding", async () => {
    const fake = await startFake();
    const transport = new WsTransport({ headers: { "X-Client": "nuwani", "X-Mode": "default" } });
    track(connections, await transport.connect(fake.url, new RecordingListener(), { headers: { "X-Mode": "test" } }));
    const connection = await fake.waitForConnection(1);
    expect(connection.headers["x-client"]).toBe("nuwani");
    expect(connection.headers["x-mode"]).toBe("test");
    expect(connection.headers["sec-websocket-extensions"]).toBeUndefined(); // no per-message deflate
  });

  it("delivers nothing before the connect promise resolves, and loses nothing sent with the handshake", async () => {
    const raw = await startRaw((socket) => acceptUpgrade(socket, Buffer.concat([frame(0x1, "first"), frame(0x1, "second")])));
    const resolved: { connection?: TransportConnection } = {};
    const seenBeforeResolve: boolean[] = [];
    const messages: string[] = [];
    const listener = new RecordingListener();
    listener.onMessage = (data) => {
      seenBeforeResolve.push(resolved.connection === undefined);
      messages.push(data as string);
      RecordingListener.prototype.onMessage.call(listener, data, false);
    };
    resolved.connection = track(connections, await new WsTransport().connect(raw.url, listener));
    await listener.untilMessages(2);
    expect(messages).toEqual(["first", "second"]);
    expect(seenBeforeResolve).toEqual([false, false]);
  });

  it("reports a message and a close that came with the handshake, after resolving", async () => {
    const raw = await startRaw((socket) => acceptUpgrade(socket, Buffer.concat([frame(0x1, "bye"), closeFrame(4000, "now")])));
    const listener = new RecordingListener();
    track(connections, await new WsTransport().connect(raw.url, listener));
    expect(listener.events).toEqual([]);
    await listener.untilClosed();
    expect(listener.events).toEqual([
      { type: "message", data: "bye", isBinary: false },
      { type: "close", code: 4000, reason: "now" },
    ]);
  });

  it("rejects an invalid URL with TRANSPORT_INVALID_URL", async () => {
    const transport = new WsTransport();
    for (const url of ["not a url", "http://127.0.0.1:1/", "ftp://127.0.0.1/", "ws://127.0.0.1:1/#fragment"]) {
      const error = await rejection(transport.connect(url, new RecordingListener()));
      expect(error.code).toBe("TRANSPORT_INVALID_URL");
    }
  });

  it("rejects a refused port with TRANSPORT_CONNECT_FAILED", async () => {
    const raw = await startRaw();
    const url = raw.url;
    await raw.stop();
    raws.length = 0;
    const error = await rejection(new WsTransport().connect(url, new RecordingListener()));
    expect(error.code).toBe("TRANSPORT_CONNECT_FAILED");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("rejects a connection reset during the handshake with TRANSPORT_CONNECT_FAILED", async () => {
    const raw = await startRaw((socket) => socket.once("data", () => socket.resetAndDestroy()));
    const error = await rejection(new WsTransport().connect(raw.url, new RecordingListener()));
    expect(error.code).toBe("TRANSPORT_CONNECT_FAILED");
  });

  it("rejects a non-101 answer with TRANSPORT_HANDSHAKE_FAILED and the status", async () => {
    const fake = await startFake();
    fake.faults.refuseConnections(60_000);
    const refused = await rejection(new WsTransport().connect(fake.url, new RecordingListener()));
    expect(refused.code).toBe("TRANSPORT_HANDSHAKE_FAILED");
    expect(refused.status).toBe(503);
    expect(refused.message).toContain("503");

    const server = createServer((_request, response) => response.writeHead(404).end("not here"));
    https.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const notFound = await rejection(new WsTransport().connect(`ws://127.0.0.1:${port}/`, new RecordingListener()));
    expect([notFound.code, notFound.status]).toEqual(["TRANSPORT_HANDSHAKE_FAILED", 404]);
  });

  it("times out when TCP is accepted but the upgrade never completes, and closes the socket", async () => {
    const raw = await startRaw();
    const error = await rejection(new WsTransport().connect(raw.url, new RecordingListener(), { timeout: 50 }));
    expect(error.code).toBe("TRANSPORT_CONNECT_TIMEOUT");
    expect(error.message).toContain("50 ms");
    await raw.until(() => raw.closedSockets.length === 1);
  });

  it("times out after 15 s by default (on fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const raw = await startRaw();
    let settled: TransportError | undefined;
    new WsTransport().connect(raw.url, new RecordingListener()).catch((error: TransportError) => (settled = error));
    await raw.until(() => raw.sockets.length === 1);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled?.code).toBe("TRANSPORT_CONNECT_TIMEOUT");
    await raw.until(() => raw.closedSockets.length === 1);
  });

  it("uses the transport's handshakeTimeout when connect has none", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const raw = await startRaw();
    const pending = rejection(new WsTransport({ handshakeTimeout: 3000 }).connect(raw.url, new RecordingListener()));
    await raw.until(() => raw.sockets.length === 1);
    await vi.advanceTimersByTimeAsync(3000);
    expect((await pending).code).toBe("TRANSPORT_CONNECT_TIMEOUT");
  });

  it("cancels a pending connect on abort and tears down the socket", async () => {
    const raw = await startRaw();
    const controller = new AbortController();
    const pending = rejection(new WsTransport().connect(raw.url, new RecordingListener(), { signal: controller.signal }));
    await raw.until(() => raw.sockets.length === 1);
    controller.abort(new Error("shutting down"));
    const error = await pending;
    expect(error.code).toBe("TRANSPORT_ABORTED");
    expect(error.cause).toEqual(new Error("shutting down"));
    await raw.until(() => raw.closedSockets.length === 1);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const raw = await startRaw();
    const error = await rejection(
      new WsTransport().connect(raw.url, new RecordingListener(), { signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe("TRANSPORT_ABORTED");
    // A round trip on a fresh connection: the aborted attempt never reached the server.
    track(connections, await new WsTransport({ handshakeTimeout: 0 }).connect((await startFake()).url, new RecordingListener()));
    expect(raw.sockets).toHaveLength(0);
  });

  it("ignores the signal once open", async () => {
    const fake = await startFake();
    const controller = new AbortController();
    const listener = new RecordingListener();
    const connection = track(connections, await new WsTransport().connect(fake.url, listener, { signal: controller.signal }));
    controller.abort();
    connection.send('{"op":1,"d":null}');
    await listener.untilMessages(2);
    expect(connection.state).toBe("open");
    expect(listener.closes).toEqual([]);
  });

  it("rejects bad options with TRANSPORT_INVALID_ARGUMENT", async () => {
    expect(() => new WsTransport({ maxPayload: -1 })).toThrow(expect.objectContaining({ code: "TRANSPORT_INVALID_ARGUMENT" }));
    const error = await rejection(new WsTransport().connect("ws://127.0.0.1:1/", new RecordingListener(), { timeout: Number.NaN }));
    expect(error.code).toBe("TRANSPORT_INVALID_ARGUMENT");
  });
});

describe("WsTransport over TLS", () => {
  let selfSigned: TestCertificate;
  let caSigned: TestCertificate;
  let otherHost: TestCertificate;

  beforeAll(() => {
    selfSigned = createTestCertificate();
    caSigned = createTestCertificate({ selfSigned: false });
    otherHost = createTestCertificate({ hosts: ["gateway.example"] });
  });

  it("connects to wss:// when the certificate is trusted via ca", async () => {
    const fake = await startFake({ tls: selfSigned });
    const listener = new RecordingListener();
    track(connections, await new WsTransport({ ca: selfSigned.ca }).connect(fake.url, listener));
    await listener.untilMessages(1);
    expect(listener.messages[0]).toContain('"op":10');

    const viaCa = await startFake({ tls: caSigned });
    track(connections, await new WsTransport({ ca: [caSigned.ca] }).connect(viaCa.url, new RecordingListener()));
  });

  it("rejects a self-signed certificate it does not trust with TRANSPORT_TLS_ERROR", async () => {
    const fake = await startFake({ tls: selfSigned });
    const error = await rejection(new WsTransport().connect(fake.url, new RecordingListener()));
    expect(error.code).toBe("TRANSPORT_TLS_ERROR");
    expect(error.tlsCode).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(error.message).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(fake.connections).toEqual([]);
  });

  it("rejects a certificate from an unknown CA", async () => {
    const fake = await startFake({ tls: caSigned });
    const error = await rejection(new WsTransport({ ca: selfSigned.ca }).connect(fake.url, new RecordingListener()));
    expect([error.code, error.tlsCode]).toEqual(["TRANSPORT_TLS_ERROR", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"]);
    expect(error.message).toContain("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("rejects a trusted certificate for another host name", async () => {
    const fake = await startFake({ tls: otherHost });
    const error = await rejection(new WsTransport({ ca: otherHost.ca }).connect(fake.url, new RecordingListener()));
    expect([error.code, error.tlsCode]).toEqual(["TRANSPORT_TLS_ERROR", "ERR_TLS_CERT_ALTNAME_INVALID"]);
    expect(error.message).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("skips verification only when rejectUnauthorized is false", async () => {
    const fake = await startFake({ tls: otherHost });
    const listener = new RecordingListener();
    track(connections, await new WsTransport({ rejectUnauthorized: false }).connect(fake.url, listener));
    await listener.untilMessages(1);
  });

  it("reports wss:// to a server that answers in plain text as a TLS error", async () => {
    const raw = await startRaw((socket) => socket.once("data", () => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n")));
    const error = await rejection(new WsTransport().connect(raw.url.replace("ws:", "wss:"), new RecordingListener()));
    expect(error.code).toBe("TRANSPORT_TLS_ERROR");
    expect(error.tlsCode).toBe("ERR_SSL_WRONG_VERSION_NUMBER");
    expect(error.message).toContain("ERR_SSL_WRONG_VERSION_NUMBER");
  });
});
