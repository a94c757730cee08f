import { constants, inflateSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeDiscordError, FakeGateway } from "../src/index.js";
import { RawFrameClient, TestClient } from "./helpers.js";

const fakes: FakeGateway[] = [];
const clients: Array<TestClient | RawFrameClient> = [];

async function startFake(...args: ConstructorParameters<typeof FakeGateway>): Promise<FakeGateway> {
  const fake = new FakeGateway(...args);
  fakes.push(fake);
  await fake.start();
  return fake;
}

function client(url: string): TestClient {
  const c = new TestClient(url);
  clients.push(c);
  return c;
}

async function rawClient(port: number, path?: string): Promise<RawFrameClient> {
  const c = await RawFrameClient.connect(port, path);
  clients.push(c);
  return c;
}

/** Inflates zlib-stream messages 0..n-1 with one shared context (Z_SYNC_FLUSH, no end). */
function inflateStream(messages: Buffer[]): string {
  return inflateSync(Buffer.concat(messages), { finishFlush: constants.Z_SYNC_FLUSH }).toString("utf8");
}

const SUFFIX = Buffer.from([0x00, 0x00, 0xff, 0xff]);

afterEach(async () => {
  vi.useRealTimers();
  for (const c of clients.splice(0)) {
    if (c instanceof TestClient) c.close();
    else c.destroy();
  }
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

describe("FakeGatewayFaults", () => {
  it("fragmentNext sends the next message as that many frames, which ws joins into one", async () => {
    const fake = await startFake({ sendHello: false });
    const raw = await rawClient(fake.port);
    const connection = await fake.waitForConnection(1);
    const payload = { op: 0, t: "MESSAGE_CREATE", s: 1, d: { content: "é".repeat(40) } };
    fake.faults.fragmentNext(4);
    connection.send(payload);
    connection.send({ op: 11 });
    await raw.until(() => raw.frames.length === 5);
    expect(raw.frames.map((f) => [f.opcode, f.fin])).toEqual([
      [1, false],
      [0, false],
      [0, false],
      [0, true],
      [1, true],
    ]);
    expect(Buffer.concat(raw.frames.slice(0, 4).map((f) => f.payload)).toString("utf8")).toBe(JSON.stringify(payload));

    const c = client(fake.url);
    const second = await fake.waitForConnection(2);
    fake.faults.fragmentNext(3);
    second.send(payload);
    second.send({ op: 11 });
    await c.waitForMessages(2);
    await c.roundTrip();
    expect(c.messages).toHaveLength(2);
    expect(c.json(0)).toEqual(payload);
    expect(c.json(1)).toEqual({ op: 11 });
  });

  it("compresses with zlib-stream when the URL asks for it: one context, each message ending 00 00 FF FF", async () => {
    const fake = await startFake({ heartbeatInterval: 100 });
    const c = client(`${fake.url}/?v=6&encoding=json&compress=zlib-stream`);
    const connection = await fake.waitForConnection(1);
    expect(connection.compression).toBe("zlib-stream");
    const dispatch = { op: 0, t: "GUILD_CREATE", s: 1, d: { name: "LVP", members: Array(50).fill("member") } };
    connection.send(dispatch);
    connection.send(dispatch);
    await c.waitForMessages(3);
    for (const message of c.messages) {
      expect(message.isBinary).toBe(true);
      expect(message.data.subarray(-4)).toEqual(SUFFIX);
    }
    // The second copy compresses to a back-reference: proof that the context is shared.
    expect(c.messages[2]!.data.length).toBeLessThan(c.messages[1]!.data.length);
    expect(() => inflateSync(c.messages[2]!.data, { finishFlush: constants.Z_SYNC_FLUSH })).toThrow();
    const text = inflateStream(c.messages.map((m) => m.data));
    expect(text).toBe(JSON.stringify({ op: 10, d: { heartbeat_interval: 100 } }) + JSON.stringify(dispatch) + JSON.stringify(dispatch));
  });

  it("compression() forces zlib-stream or plain text regardless of the URL", async () => {
    const fake = await startFake();
    fake.faults.compression("zlib-stream");
    const forced = client(fake.url);
    await forced.waitForMessages(1);
    expect(forced.messages[0]!.isBinary).toBe(true);
    expect(JSON.parse(inflateStream([forced.messages[0]!.data]))).toMatchObject({ op: 10 });

    fake.faults.compression("none");
    const plain = client(`${fake.url}/?compress=zlib-stream`);
    await plain.waitForMessages(1);
    expect(plain.messages[0]!.isBinary).toBe(false);
    expect(plain.json(0)).toMatchObject({ op: 10 });
  });

  it("sendSplitZlib splits one compressed payload over several binary messages", async () => {
    const fake = await startFake({ sendHello: false });
    const c = client(`${fake.url}/?compress=zlib-stream`);
    const connection = await fake.waitForConnection(1);
    const payload = { op: 0, t: "READY", s: 1, d: { session_id: "abc", guilds: [{ id: "1", unavailable: true }] } };
    connection.sendSplitZlib(payload, 3);
    await c.waitForMessages(3);
    expect(c.messages.map((m) => m.isBinary)).toEqual([true, true, true]);
    expect(c.messages[0]!.data.subarray(-4)).not.toEqual(SUFFIX);
    expect(c.messages[2]!.data.subarray(-4)).toEqual(SUFFIX);
    expect(JSON.parse(inflateStream(c.messages.map((m) => m.data)))).toEqual(payload);
    expect(() => connection.sendSplitZlib(payload, 0)).toThrow(FakeDiscordError);
  });

  it("fragmentNext also fragments a zlib-stream message into binary continuation frames", async () => {
    const fake = await startFake({ sendHello: false });
    const raw = await rawClient(fake.port, "/?v=6&compress=zlib-stream");
    const connection = await fake.waitForConnection(1);
    fake.faults.fragmentNext(2);
    connection.send({ op: 7, d: null });
    await raw.until(() => raw.frames.length === 2);
    expect(raw.frames.map((f) => [f.opcode, f.fin])).toEqual([
      [2, false],
      [0, true],
    ]);
    expect(JSON.parse(inflateStream(raw.frames.map((f) => f.payload)))).toEqual({ op: 7, d: null });
  });

  it("refuseConnections answers upgrades with 503 for a window, then accepts again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const fake = await startFake();
    const refusedUrls: string[] = [];
    fake.on("refused", (url) => refusedUrls.push(url));
    fake.faults.refuseConnections(10_000);
    expect(fake.faults.refusing).toBe(true);
    const first = client(`${fake.url}/?v=6`);
    await expect(first.opened).rejects.toThrow(/Unexpected server response: 503/);
    vi.advanceTimersByTime(9_999);
    const second = client(fake.url);
    await expect(second.opened).rejects.toThrow(/503/);
    vi.advanceTimersByTime(1);
    expect(fake.faults.refusing).toBe(false);
    const third = client(fake.url);
    await third.waitForMessages(1);
    expect(refusedUrls).toEqual(["/?v=6", "/"]);
    expect(fake.connections).toHaveLength(1);
  });

  it("delay holds every outgoing message for the given time, in order", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const fake = await startFake({ sendHello: false });
    const c = client(fake.url);
    const connection = await fake.waitForConnection(1);
    await c.opened;
    fake.faults.delay(1000);
    connection.send({ n: 1 });
    vi.advanceTimersByTime(500);
    connection.send({ n: 2 });
    fake.faults.delay(0);
    connection.send({ n: 3 });
    connection.close(4000, "late");

    await vi.advanceTimersByTimeAsync(499);
    await c.roundTrip();
    expect(c.messages).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await c.waitForMessages(1);
    await vi.advanceTimersByTimeAsync(499);
    await c.roundTrip();
    expect(c.messages).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await c.waitForMessages(3);
    expect([c.json(0), c.json(1), c.json(2)]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await c.closed).toEqual({ code: 4000, reason: "late" });
  });

  it("dropAll destroys every connection; closeAll closes them with a code", async () => {
    const fake = await startFake();
    const a = client(fake.url);
    const b = client(fake.url);
    await Promise.all([a.opened, b.opened]);
    await fake.waitForConnection(2);
    fake.faults.dropAll();
    expect((await a.closed).code).toBe(1006);
    expect((await b.closed).code).toBe(1006);

    const c = client(fake.url);
    const d = client(fake.url);
    await Promise.all([c.opened, d.opened]);
    await fake.waitForConnection(4);
    fake.faults.closeAll(4009, "Session timed out.");
    expect(await c.closed).toEqual({ code: 4009, reason: "Session timed out." });
    expect(await d.closed).toEqual({ code: 4009, reason: "Session timed out." });
  });

  it("sendRaw sends malformed data untouched", async () => {
    const fake = await startFake({ sendHello: false });
    const c = client(`${fake.url}/?compress=zlib-stream`);
    const connection = await fake.waitForConnection(1);
    connection.sendRaw("{not json");
    connection.sendRaw(new Uint8Array([1, 2, 3]));
    await c.waitForMessages(2);
    expect(c.messages[0]).toEqual({ data: Buffer.from("{not json"), isBinary: false });
    expect(c.messages[1]).toEqual({ data: Buffer.from([1, 2, 3]), isBinary: true });
  });

  it("reset clears every fault, and bad arguments are typed errors", async () => {
    const fake = await startFake();
    fake.faults.delay(5).stopAcking().compression("zlib-stream").refuseConnections(60_000).fragmentNext(3);
    fake.faults.reset();
    expect([fake.faults.outgoingDelay, fake.faults.ackingHeartbeats, fake.faults.compressionOverride, fake.faults.refusing]).toEqual([
      0,
      true,
      "auto",
      false,
    ]);
    expect(fake.faults.takeFragmentation()).toBe(0);
    expect(() => fake.faults.delay(-1)).toThrow(expect.objectContaining({ code: "FAKE_DISCORD_INVALID_ARGUMENT" }));
    expect(() => fake.faults.fragmentNext(0)).toThrow(FakeDiscordError);
  });
});
