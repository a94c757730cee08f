import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCertificate, FakeDiscordError, FakeGateway, type FakeGatewayConnection } from "../src/index.js";
import { TestClient } from "./helpers.js";

const fakes: FakeGateway[] = [];
const clients: TestClient[] = [];

function createFake(...args: ConstructorParameters<typeof FakeGateway>): FakeGateway {
  const fake = new FakeGateway(...args);
  fakes.push(fake);
  return fake;
}

function client(url: string, options?: ConstructorParameters<typeof TestClient>[1]): TestClient {
  const c = new TestClient(url, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

describe("FakeGateway", () => {
  it("listens on 127.0.0.1 with a free port and sends HELLO on connect", async () => {
    const fake = createFake();
    await fake.start();
    expect(fake.url).toBe(`ws://127.0.0.1:${fake.port}`);
    expect(fake.port).toBeGreaterThan(0);
    const c = client(`${fake.url}/?v=6&encoding=json`);
    const [connection] = await fake.waitFor("connection");
    await c.waitForMessages(1);
    expect(c.json(0)).toEqual({ op: 10, d: { heartbeat_interval: 41250 } });
    expect(c.messages[0]!.isBinary).toBe(false);
    expect(connection.id).toBe(1);
    expect(connection.query.get("v")).toBe("6");
    expect(connection.query.get("encoding")).toBe("json");
    expect(connection.compression).toBe("none");
    expect(fake.connections).toEqual([connection]);
  });

  it("uses the configured heartbeat interval, and sends no HELLO when told not to", async () => {
    const fake = createFake({ heartbeatInterval: 1234 });
    await fake.start();
    const first = client(fake.url);
    await first.waitForMessages(1);
    expect(first.json(0)).toEqual({ op: 10, d: { heartbeat_interval: 1234 } });

    fake.sendHello = false;
    const second = client(fake.url);
    const connection = await fake.waitForConnection(2);
    connection.send({ op: 0, t: "PING", s: 1, d: null });
    await second.waitForMessages(1);
    expect(second.json(0)).toEqual({ op: 0, t: "PING", s: 1, d: null });
  });

  it("answers a heartbeat with an ACK, and stops when told to", async () => {
    const fake = createFake();
    await fake.start();
    const c = client(fake.url);
    await c.waitForMessages(1);
    c.send({ op: 1, d: null });
    await c.waitForMessages(2);
    expect(c.json(1)).toEqual({ op: 11 });

    fake.faults.stopAcking();
    c.send({ op: 1, d: 5 });
    await fake.waitForPayload((p) => p.op === 1 && p.d === 5);
    await c.roundTrip();
    expect(c.messages).toHaveLength(2);

    fake.faults.stopAcking(false);
    c.send({ op: 1, d: 6 });
    await c.waitForMessages(3);
    expect(c.json(2)).toEqual({ op: 11 });
  });

  it("records what clients send, per gateway and per connection, JSON or not", async () => {
    const fake = createFake();
    await fake.start();
    const payloads: unknown[] = [];
    let allArrived!: () => void;
    const three = new Promise<void>((resolve) => (allArrived = resolve));
    fake.on("payload", (_connection, payload) => {
      if (payloads.push(payload) === 3) allArrived();
    });
    const a = client(fake.url);
    await a.opened;
    const b = client(fake.url);
    await b.opened;
    a.send({ op: 2, d: { token: "t" } });
    await fake.waitForPayload((p) => p.op === 2);
    b.send("not json {");
    b.ws.send(Buffer.from([0x83, 0x61, 0x01]));
    await three;

    expect(fake.received.map(({ connection, payload, raw, binary }) => ({ connection, payload, raw, binary }))).toEqual([
      { connection: 1, payload: { op: 2, d: { token: "t" } }, raw: '{"op":2,"d":{"token":"t"}}', binary: false },
      { connection: 2, payload: undefined, raw: "not json {", binary: false },
      { connection: 2, payload: undefined, raw: Buffer.from([0x83, 0x61, 0x01]).toString("utf8"), binary: true },
    ]);
    const [first, second] = fake.connections as [FakeGatewayConnection, FakeGatewayConnection];
    expect(first.received).toHaveLength(1);
    expect(second.received).toHaveLength(2);
    expect(payloads).toEqual([{ op: 2, d: { token: "t" } }, undefined, undefined]);
  });

  it("waitForPayload returns each matching payload once, oldest first, including earlier ones", async () => {
    const fake = createFake();
    await fake.start();
    const c = client(fake.url);
    await c.opened;
    c.send({ op: 1, d: 1 });
    c.send({ op: 1, d: 2 });
    c.send({ op: 3, d: {} });
    await fake.waitForPayload((p) => p.op === 3);
    expect(await fake.waitForPayload((p) => p.op === 1)).toEqual({ op: 1, d: 1 });
    expect(await fake.waitForPayload((p) => p.op === 1)).toEqual({ op: 1, d: 2 });
    const later = fake.waitForPayload<{ op: number; d: number }>((p, connection) => p.op === 1 && connection.id === 1);
    c.send({ op: 1, d: 3 });
    expect((await later).d).toBe(3);
  });

  it("wait helpers reject with FAKE_DISCORD_TIMEOUT", async () => {
    const fake = createFake();
    await fake.start();
    await expect(fake.waitFor("connection", 20)).rejects.toMatchObject({ code: "FAKE_DISCORD_TIMEOUT" });
    await expect(fake.waitForPayload(() => true, 20)).rejects.toBeInstanceOf(FakeDiscordError);
    await expect(fake.waitForConnection(7, 20)).rejects.toMatchObject({ code: "FAKE_DISCORD_TIMEOUT" });
  });

  it("dispatches client opcodes through the handler table", async () => {
    const fake = createFake();
    await fake.start();
    fake.handle(2, (connection, payload) => {
      connection.send({ op: 0, t: "READY", s: 1, d: { echoed: payload.d } });
    });
    fake.handle(1, undefined);
    const c = client(fake.url);
    await c.waitForMessages(1);
    c.send({ op: 1, d: null });
    c.send({ op: 2, d: "hi" });
    await c.waitForMessages(2);
    expect(c.json(1)).toEqual({ op: 0, t: "READY", s: 1, d: { echoed: "hi" } });
  });

  it("broadcasts to every open connection", async () => {
    const fake = createFake({ sendHello: false });
    await fake.start();
    const a = client(fake.url);
    const b = client(fake.url);
    await Promise.all([a.opened, b.opened]);
    await fake.waitForConnection(2);
    fake.broadcast({ op: 7, d: null });
    await Promise.all([a.waitForMessages(1), b.waitForMessages(1)]);
    expect(a.json(0)).toEqual({ op: 7, d: null });
    expect(b.json(0)).toEqual({ op: 7, d: null });
  });

  it("closes a connection with a code and reason, reported on both sides", async () => {
    const fake = createFake();
    await fake.start();
    const c = client(fake.url);
    const connection = await fake.waitForConnection();
    const serverClose = fake.waitFor("close");
    connection.close(4004, "Authentication failed.");
    expect(await c.closed).toEqual({ code: 4004, reason: "Authentication failed." });
    const [closed, code, reason] = await serverClose;
    expect([closed.id, code, reason]).toEqual([1, 4004, "Authentication failed."]);
    expect(connection.state).toBe("closed");
    expect(fake.connections).toEqual([]);
    connection.close(4000);
    connection.send({ op: 11 });
  });

  it("rejects close codes a WebSocket cannot carry", async () => {
    const fake = createFake();
    await fake.start();
    client(fake.url);
    const connection = await fake.waitForConnection();
    expect(() => connection.close(1006)).toThrow(FakeDiscordError);
    expect(() => connection.close(4000, "x".repeat(124))).toThrow(/123 bytes/);
  });

  it("drops the TCP connection without a close frame (client sees 1006)", async () => {
    const fake = createFake();
    await fake.start();
    const c = client(fake.url);
    const connection = await fake.waitForConnection();
    connection.drop();
    expect((await c.closed).code).toBe(1006);
    expect((await connection.closed).code).toBe(1006);
  });

  it("closes a client that sends more than maxPayload with 1009", async () => {
    const fake = createFake({ maxPayload: 64 });
    await fake.start();
    const c = client(fake.url);
    await c.opened;
    c.send("x".repeat(65));
    const [connection, code, reason] = await fake.waitFor("close");
    expect(code).toBe(1009);
    expect(reason).toMatch(/payload/i);
    expect(connection.protocolError).toMatchObject({ code: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" });
    expect((await c.closed).code).toBe(1009);
  });

  it("stops (clients see 1006) and restarts on the same port, keeping ids and records", async () => {
    const fake = createFake();
    await fake.start();
    const port = fake.port;
    const c = client(fake.url);
    await c.opened;
    c.send({ op: 1, d: null });
    await fake.waitForPayload((p) => p.op === 1);
    await fake.stop();
    expect((await c.closed).code).toBe(1006);
    expect(fake.started).toBe(false);
    await fake.stop();

    const refused = client(fake.url);
    await expect(refused.opened).rejects.toMatchObject({ code: "ECONNREFUSED" });

    await fake.start(port);
    expect(fake.port).toBe(port);
    const again = client(fake.url);
    await again.waitForMessages(1);
    expect((await fake.waitForConnection(2)).id).toBe(2);
    expect(fake.received).toHaveLength(1);
  });

  it("refuses to start twice and to report a port before starting", async () => {
    const fake = createFake();
    expect(() => fake.port).toThrow(expect.objectContaining({ code: "FAKE_DISCORD_NOT_STARTED" }));
    await fake.start();
    await expect(fake.start()).rejects.toMatchObject({ code: "FAKE_DISCORD_ALREADY_STARTED" });
    const other = createFake();
    await expect(other.start(fake.port)).rejects.toMatchObject({ code: "FAKE_DISCORD_LISTEN_FAILED" });
  });

  it("answers a plain HTTP request with 426", async () => {
    const fake = createFake();
    await fake.start();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: "127.0.0.1", port: fake.port, path: "/" }, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(426);
  });

  it("serves wss:// with a generated certificate", async () => {
    const certificate = createTestCertificate();
    const fake = createFake({ tls: certificate });
    await fake.start();
    expect(fake.url).toBe(`wss://127.0.0.1:${fake.port}`);
    const trusted = client(fake.url, { ca: certificate.ca });
    await trusted.waitForMessages(1);
    expect(trusted.json(0)).toMatchObject({ op: 10 });

    const untrusted = client(fake.url);
    await expect(untrusted.opened).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });
});
