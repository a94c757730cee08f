import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { WebSocket, type ClientOptions } from "ws";

/** A `ws` client that records every message and its close, for asserting on the fake. */
export class TestClient {
  readonly ws: WebSocket;
  readonly messages: Array<{ data: Buffer; isBinary: boolean }> = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  constructor(url: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    this.ws.on("message", (data, isBinary) => {
      this.messages.push({ data: data as Buffer, isBinary });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    // Tests that expect a failed open await `opened`; others must not see an unhandled rejection.
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.ws.on("error", () => undefined);
  }

  /** Text of message `index`. */
  text(index: number): string {
    return this.messages[index]!.data.toString("utf8");
  }

  /** JSON of message `index`. */
  json(index: number): unknown {
    return JSON.parse(this.text(index));
  }

  /** Resolves once at least `count` messages have arrived. */
  async waitForMessages(count: number): Promise<void> {
    while (this.messages.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** A ping/pong round trip: everything the server sent before the pong has arrived. */
  roundTrip(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once("pong", () => resolve());
      this.ws.ping();
    });
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === "string" ? payload : JSON.stringify(payload));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** One WebSocket frame as it was on the wire. */
export interface RawFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client on a bare TCP socket that records the individual frames the server
 * sends (which `ws` would join), to prove fragmentation on the wire.
 */
export class RawFrameClient {
  readonly frames: RawFrame[] = [];
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {}

  static async connect(port: number, path = "/"): Promise<RawFrameClient> {
    const socket = connect(port, "127.0.0.1");
    const client = new RawFrameClient(socket);
    const key = randomBytes(16).toString("base64");
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => client.onData(chunk));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const expected = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    await client.until(() => client.upgraded);
    if (!client.head.includes(expected)) throw new Error(`bad handshake: ${client.head}`);
    return client;
  }

  private head = "";

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end === -1) return;
      this.head = this.buffer.subarray(0, end).toString("latin1");
      this.buffer = this.buffer.subarray(end + 4);
      this.upgraded = true;
    }
    for (;;) {
      if (this.buffer.length < 2) break;
      const b0 = this.buffer[0]!;
      const b1 = this.buffer[1]!;
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) break;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) break;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) break;
      this.frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload: this.buffer.subarray(offset, offset + length) });
      this.buffer = this.buffer.subarray(offset + length);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once `condition` holds (checked after every chunk). */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }
}
