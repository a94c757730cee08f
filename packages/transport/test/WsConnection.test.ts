import { constants, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type TransportConnection, TransportError, WsTransport } from "../src/index.js";
import { RawServer, RecordingListener, acceptUpgrade, frame, track, useFixtures } from "./helpers.js";

const { raws, connections, startFake } = useFixtures();

async function connect(
  url: string,
  transport = new WsTransport(),
): Promise<{ connection: TransportConnection; listener: RecordingListener }> {
  const listener = new RecordingListener();
  const connection = track(connections, await transport.connect(url, listener));
  return { connection, listener };
}

describe("an open WsTransport connection", () => {
  it("joins a message sent as continuation frames and delivers it once", async () => {
    const fake = await startFake({ sendHello: false });
    const { connection, listener } = await connect(fake.url);
    const server = await fake.waitForConnection(1);
    const payload = JSON.stringify({ op: 0, t: "GUILD_CREATE", s: 1, d: { name: "Las Venturas Playground ✓", members: Array(40).fill("m") } });
    fake.faults.fragmentNext(5);
    server.send(payload);
    // A heartbeat round trip: the ACK comes after the fragmented message, so nothing is pending.
    connection.send('{"op":1,"d":1}');
    await listener.untilMessages(2);
    expect(listener.events).toEqual([
      { type: "message", data: payload, isBinary: false },
      { type: "message", data: '{"op":11}', isBinary: false },
    ]);
  });

  it("delivers binary messages as bytes, fragmented ones joined (zlib-stream)", async () => {
    const fake = await startFake({ heartbeatInterval: 777 });
    const { listener } = await connect(`${fake.url}/?v=6&encoding=json&compress=zlib-stream`);
    const server = await fake.waitForConnection(1);
    fake.faults.fragmentNext(3);
    server.send({ op: 0, t: "READY", s: 1, d: { session_id: "abc" } });
    await listener.untilMessages(2);
    const [hello, ready] = listener.events;
    expect(hello).toMatchObject({ type: "message", isBinary: true });
    expect(ready).toMatchObject({ type: "message", isBinary: true });
    const bytes = listener.messages.map((message) => {
      expect(message).toBeInstanceOf(Uint8Array);
      return Buffer.from(message as Uint8Array);
    });
    expect(bytes[1]!.subarray(-4)).toEqual(Buffer.from([0, 0, 0xff, 0xff]));
    const text = inflateSync(Buffer.concat(bytes), { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    expect(text).toBe('{"op":10,"d":{"heartbeat_interval":777}}{"op":0,"t":"READY","s":1,"d":{"session_id":"abc"}}');
  });

  it("sends text and binary messages", async () => {
    const fake = await startFake({ sendHello: false });
    const { connection } = await connect(fake.url);
    connection.send('{"op":1,"d":null}');
    connection.send(new Uint8Array([0x83, 0x6a]));
    await fake.waitForPayload((p) => p.op === 1);
    const server = await fake.waitForConnection(1);
    await new Promise<void>((resolve) => (server.received.length === 2 ? resolve() : server.once("payload", () => resolve())));
    expect(server.received.map((entry) => entry.binary)).toEqual([false, true]);
  });

  it("reports the server's close code and reason, exactly once", async () => {
    const fake = await startFake();
    const { connection, listener } = await connect(fake.url);
    const server = await fake.waitForConnection(1);
    server.close(4004, "Authentication failed.");
    await listener.untilClosed();
    expect(listener.closes).toEqual([{ code: 4004, reason: "Authentication failed." }]);
    expect(connection.state).toBe("closed");
    connection.close();
    connection.terminate();
    expect(listener.closes).toHaveLength(1);
  });

  it("closes with the client's code and reason; close twice is harmless", async () => {
    const fake = await startFake();
    const { connection, listener } = await connect(fake.url);
    await fake.waitForConnection(1);
    const serverClose = fake.waitFor("close");
    connection.close(4000, "zombie");
    expect(connection.state).toBe("closing");
    connection.close(4000, "zombie");
    connection.close(1000);
    const [, code, reason] = await serverClose;
    expect([code, reason]).toEqual([4000, "zombie"]);
    await listener.untilClosed();
    expect(listener.closes).toEqual([{ code: 4000, reason: "zombie" }]);
    connection.close();
    expect(listener.closes).toHaveLength(1);
  });

  it("closes with 1000 by default and rejects codes a close frame cannot carry", async () => {
    const fake = await startFake();
    const { connection } = await connect(fake.url);
    for (const code of [1005, 1006, 999, 2000, 5000, 1000.5]) {
      expect(() => connection.close(code)).toThrow(expect.objectContaining({ code: "TRANSPORT_INVALID_ARGUMENT" }));
    }
    expect(() => connection.close(4000, "é".repeat(62))).toThrow(TransportError);
    expect(connection.state).toBe("open");
    await fake.waitForConnection(1);
    const serverClose = fake.waitFor("close");
    connection.close();
    expect((await serverClose)[1]).toBe(1000);
  });

  it("reports 1006 when the TCP connection drops", async () => {
    const fake = await startFake();
    const { listener } = await connect(fake.url);
    (await fake.waitForConnection(1)).drop();
    await listener.untilClosed();
    expect(listener.closes).toEqual([{ code: 1006, reason: "" }]);
    expect(listener.events.filter((event) => event.type === "error")).toEqual([]);
  });

  it("terminate() drops TCP without a close frame", async () => {
    const fake = await startFake();
    const { connection, listener } = await connect(fake.url);
    await fake.waitForConnection(1);
    const serverClose = fake.waitFor("close");
    connection.terminate();
    expect((await serverClose)[1]).toBe(1006);
    await listener.untilClosed();
    expect(listener.closes).toEqual([{ code: 1006, reason: "" }]);
    connection.terminate();
  });

  it("send on a closed or closing connection throws TRANSPORT_NOT_OPEN", async () => {
    const fake = await startFake();
    const { connection, listener } = await connect(fake.url);
    connection.close(1000);
    expect(() => connection.send("x")).toThrow(expect.objectContaining({ code: "TRANSPORT_NOT_OPEN", name: "TransportError" }));
    await listener.untilClosed();
    let thrown: unknown;
    try {
      connection.send(new Uint8Array([1]));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TransportError);
    expect((thrown as TransportError).code).toBe("TRANSPORT_NOT_OPEN");
  });

  it("fails a message over maxPayload with TRANSPORT_PAYLOAD_TOO_LARGE, closes 1009, and carries on", async () => {
    const fake = await startFake({ sendHello: false });
    const transport = new WsTransport({ maxPayload: 1024 });
    const { listener } = await connect(fake.url, transport);
    const server = await fake.waitForConnection(1);
    server.send("x".repeat(1025));
    await listener.untilClosed();
    expect(listener.events.map((event) => event.type)).toEqual(["error", "close"]);
    const [error, close] = listener.events;
    expect(error).toMatchObject({ type: "error", error: { code: "TRANSPORT_PAYLOAD_TOO_LARGE", closeCode: 1009 } });
    expect(close).toMatchObject({ type: "close", code: 1009 });
    expect((await server.closed).code).toBe(1009);

    // The limit counts the joined message, not each frame; the process and transport carry on.
    const second = await connect(fake.url, transport);
    const server2 = await fake.waitForConnection(2);
    server2.send("y".repeat(1024));
    await second.listener.untilMessages(1);
    fake.faults.fragmentNext(4);
    server2.send("z".repeat(1100));
    await second.listener.untilClosed();
    expect(second.listener.events.map((event) => event.type)).toEqual(["message", "error", "close"]);
    expect(second.listener.closes).toEqual([{ code: 1009, reason: expect.stringMatching(/payload/i) as string }]);
  });

  it("accepts large messages by default (64 MiB limit)", async () => {
    const fake = await startFake({ sendHello: false });
    const { listener } = await connect(fake.url);
    const server = await fake.waitForConnection(1);
    const big = JSON.stringify({ op: 0, t: "GUILD_CREATE", s: 1, d: "m".repeat(4 * 1024 * 1024) });
    server.send(big);
    await listener.untilMessages(1);
    expect((listener.messages[0] as string).length).toBe(big.length);
  });

  it("reports a protocol error from the server as TRANSPORT_PROTOCOL_ERROR, then closes 1002", async () => {
    const raw = await RawServer.start((socket) => acceptUpgrade(socket, frame(0x3, "reserved opcode")));
    raws.push(raw);
    const { listener } = await connect(raw.url);
    await listener.untilClosed();
    expect(listener.events).toEqual([
      { type: "error", error: expect.objectContaining({ code: "TRANSPORT_PROTOCOL_ERROR", closeCode: 1002 }) as TransportError },
      { type: "close", code: 1002, reason: expect.stringContaining("opcode") as string },
    ]);
  });

  it("reports invalid UTF-8 in a text message as a protocol error with 1007", async () => {
    const raw = await RawServer.start((socket) => acceptUpgrade(socket, frame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))));
    raws.push(raw);
    const { listener } = await connect(raw.url);
    await listener.untilClosed();
    expect(listener.events.map((event) => event.type)).toEqual(["error", "close"]);
    expect(listener.events[0]).toMatchObject({ error: { code: "TRANSPORT_PROTOCOL_ERROR", closeCode: 1007 } });
    expect(listener.closes[0]?.code).toBe(1007);
  });
});
