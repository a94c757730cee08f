import { createHash } from "node:crypto";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { FakeGateway } from "@nuwani/fake-discord";
import { afterEach } from "vitest";
import type { TransportConnection, TransportError, TransportListener } from "../src/index.js";

/** One thing a listener was told, in order. */
export type ListenerEvent =
  | { type: "message"; data: string | Uint8Array; isBinary: boolean }
  | { type: "close"; code: number; reason: string }
  | { type: "error"; error: TransportError };

/** A listener that records every call and lets a test wait for one. */
export class RecordingListener implements TransportListener {
  readonly events: ListenerEvent[] = [];
  private waiters: Array<() => void> = [];

  onMessage(data: string | Uint8Array, isBinary: boolean): void {
    this.push({ type: "message", data, isBinary });
  }

  onClose(code: number, reason: string): void {
    this.push({ type: "close", code, reason });
  }

  onError(error: TransportError): void {
    this.push({ type: "error", error });
  }

  get messages(): Array<string | Uint8Array> {
    return this.events.flatMap((event) => (event.type === "message" ? [event.data] : []));
  }

  get closes(): Array<{ code: number; reason: string }> {
    return this.events.flatMap((event) => (event.type === "close" ? [{ code: event.code, reason: event.reason }] : []));
  }

  /** Resolves once `condition` holds (checked after every call). */
  async until(condition: (events: ListenerEvent[]) => boolean): Promise<void> {
    while (!condition(this.events)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  untilMessages(count: number): Promise<void> {
    return this.until(() => this.messages.length >= count);
  }

  untilClosed(): Promise<void> {
    return this.until((events) => events.some((event) => event.type === "close"));
  }

  private push(event: ListenerEvent): void {
    this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** A raw TCP server on 127.0.0.1 that hands each socket to the test, and records closes. */
export class RawServer {
  readonly sockets: Socket[] = [];
  readonly closedSockets: Socket[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly server: Server) {}

  static async start(onSocket: (socket: Socket) => void = () => undefined): Promise<RawServer> {
    const raw: RawServer = new RawServer(
      createServer((socket) => {
        socket.on("error", () => undefined);
        socket.once("close", () => {
          raw.closedSockets.push(socket);
          raw.wake();
        });
        raw.sockets.push(socket);
        raw.wake();
        onSocket(socket);
        // Read (and drop) what nobody listens to, so the client's FIN is seen.
        if (socket.listenerCount("data") === 0) socket.resume();
      }),
    );
    await new Promise<void>((resolve) => raw.server.listen(0, "127.0.0.1", resolve));
    return raw;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** A WebSocket frame from a server (unmasked). */
export function frame(opcode: number, payload: Buffer | string, fin = true): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  if (body.length > 125) throw new Error("frame() only builds short frames");
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, body.length]), body]);
}

/** A close frame with a code and reason. */
export function closeFrame(code: number, reason = ""): Buffer {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return frame(0x8, body);
}

/**
 * Answers the WebSocket upgrade on a raw socket, writing `after` (frames) in the same write
 * as the 101 response, so the client receives them together with the handshake.
 */
export function acceptUpgrade(socket: Socket, after: Buffer = Buffer.alloc(0)): void {
  let head = "";
  const onData = (chunk: Buffer): void => {
    head += chunk.toString("latin1");
    if (!head.includes("\r\n\r\n")) return;
    socket.off("data", onData);
    const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? "";
    const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    const response = Buffer.from(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      "latin1",
    );
    socket.write(Buffer.concat([response, after]));
  };
  socket.on("data", onData);
}

/** Tracks connections so afterEach can drop them. */
export function track(list: TransportConnection[], connection: TransportConnection): TransportConnection {
  list.push(connection);
  return connection;
}

/** What a test file starts, all stopped after each of its tests (see {@link useFixtures}). */
export interface Fixtures {
  /** Fake gateways started by `startFake`. */
  readonly fakes: FakeGateway[];
  /** Raw servers started by `startRaw`; a test that stops one itself empties this. */
  readonly raws: RawServer[];
  /** Other servers (HTTP, HTTPS) a test listens on: closed after it. */
  readonly servers: Server[];
  /** Connections to terminate (see {@link track}). */
  readonly connections: TransportConnection[];
  /** A started {@link FakeGateway}. */
  startFake(...args: ConstructorParameters<typeof FakeGateway>): Promise<FakeGateway>;
  /** A started {@link RawServer}. */
  startRaw(onSocket?: Parameters<typeof RawServer.start>[0]): Promise<RawServer>;
}

/**
 * The fixtures of a test file: after each test every tracked connection is terminated and every
 * server stopped. Call it once at the top of the file.
 */
export function useFixtures(): Fixtures {
  const fixtures: Fixtures = {
    fakes: [],
    raws: [],
    servers: [],
    connections: [],
    async startFake(...args) {
      const fake = new FakeGateway(...args);
      fixtures.fakes.push(fake);
      await fake.start();
      return fake;
    },
    async startRaw(onSocket) {
      const raw = await RawServer.start(onSocket);
      fixtures.raws.push(raw);
      return raw;
    },
  };
  afterEach(async () => {
    for (const connection of fixtures.connections.splice(0)) connection.terminate();
    await Promise.all([
      ...fixtures.fakes.splice(0).map((fake) => fake.stop()),
      ...fixtures.raws.splice(0).map((raw) => raw.stop()),
      ...fixtures.servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
    ]);
  });
  return fixtures;
}
