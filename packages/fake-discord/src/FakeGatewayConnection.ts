import { EventEmitter } from "node:events";
import type { IncomingHttpHeaders } from "node:http";
import type { Clock } from "@nuwani/util";
import { FakeDiscordError } from "./FakeDiscordError.js";
import type { FakeGatewayFaults } from "./FakeGatewayFaults.js";
import type { FakeCompression, ReceivedPayload } from "./types.js";
import { ZlibStreamEncoder } from "./ZlibStreamEncoder.js";

/** Events of a {@link FakeGatewayConnection}. */
export interface FakeGatewayConnectionEvents {
  /** The client sent a message: parsed JSON (or `undefined`) and the raw text. */
  payload: [payload: unknown, raw: string];
  /** The connection closed (1006 when the TCP connection dropped). */
  close: [code: number, reason: string];
}

/** What a server-side WebSocket message carries (the `ws` package's `RawData`). */
export type FakeGatewaySocketData = Buffer | ArrayBuffer | Buffer[];

/**
 * @internal The parts of a server-side `ws` WebSocket a connection uses. Structural, so the
 * published types need no `@types/ws` (a `ws` WebSocket satisfies it).
 */
export interface FakeGatewaySocket {
  /** 1 while open (WebSocket.OPEN). */
  readonly readyState: number;
  send(data: string | Buffer, options: { binary: boolean; fin?: boolean }): void;
  close(code: number, reason: string): void;
  terminate(): void;
  on(event: "message", listener: (data: FakeGatewaySocketData, isBinary: boolean) => void): unknown;
  on(event: "close", listener: (code: number, reason: Buffer) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** @internal What a connection needs from the gateway that accepted it. */
export interface FakeGatewayConnectionHost {
  readonly faults: FakeGatewayFaults;
  readonly clock: Clock;
  connectionPayload(connection: FakeGatewayConnection, entry: ReceivedPayload): void;
  connectionClosed(connection: FakeGatewayConnection, code: number, reason: string): void;
}

/** How the connection ended. */
export interface FakeGatewayCloseInfo {
  code: number;
  reason: string;
}

/** The readiness of a fake connection. */
export type FakeGatewayConnectionState = "open" | "closing" | "closed";

type Outgoing =
  | {
      kind: "message";
      data: string | Buffer;
      binary: boolean;
      /** Compress with the connection's zlib-stream context before sending. */
      compress: boolean;
      /** Number of WebSocket frames (continuation frames) for this message. */
      frames: number;
      /** Number of separate WebSocket messages the (compressed) bytes are split into. */
      messages: number;
      due: number;
    }
  | { kind: "close"; code: number; reason: string; due: number };

const OPEN = 1;

function isValidCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}

/** Splits `bytes` into `count` non-empty, near-equal pieces (fewer when it is shorter). */
function split(bytes: Buffer, count: number): Buffer[] {
  const n = Math.max(1, Math.min(count, bytes.length));
  const pieces: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(bytes.subarray(Math.floor((i * bytes.length) / n), Math.floor(((i + 1) * bytes.length) / n)));
  }
  return pieces;
}

/**
 * One client connected to a {@link FakeGateway}. Outgoing messages go through one ordered
 * queue, so delay, compression and fragmentation faults never reorder them.
 */
export class FakeGatewayConnection extends EventEmitter<FakeGatewayConnectionEvents> {
  /** 1, 2, 3… in the order the gateway accepted connections (kept across restarts). */
  readonly id: number;
  /** The query of the request URL (`v`, `encoding`, `compress`). */
  readonly query: URLSearchParams;
  /** The path of the request URL. */
  readonly path: string;
  /** The headers of the upgrade request. */
  readonly headers: IncomingHttpHeaders;
  /** Everything this client sent, in order. */
  readonly received: ReceivedPayload[] = [];
  /** Settles when the connection has closed. */
  readonly closed: Promise<FakeGatewayCloseInfo>;

  private readonly ws: FakeGatewaySocket;
  private readonly host: FakeGatewayConnectionHost;
  private readonly queue: Outgoing[] = [];
  private pumping = false;
  private encoder: ZlibStreamEncoder | undefined;
  private waitTimer: unknown;
  private wakeUp: (() => void) | undefined;
  private closeInfo: FakeGatewayCloseInfo | undefined;
  private errorCloseCode: number | undefined;
  private error: Error | undefined;
  private resolveClosed!: (info: FakeGatewayCloseInfo) => void;

  /** @internal Created by {@link FakeGateway}. */
  constructor(id: number, ws: FakeGatewaySocket, url: URL, headers: IncomingHttpHeaders, host: FakeGatewayConnectionHost) {
    super();
    this.id = id;
    this.ws = ws;
    this.host = host;
    this.query = url.searchParams;
    this.path = url.pathname;
    this.headers = headers;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    ws.on("message", (data, isBinary) => this.handleMessage(data, isBinary));
    ws.on("close", (code, reason) => this.handleClose(code, reason.toString()));
    ws.on("error", (error) => this.handleError(error));
  }

  /** Whether the connection is open, closing, or closed. */
  get state(): FakeGatewayConnectionState {
    if (this.closeInfo !== undefined) return "closed";
    return this.ws.readyState === OPEN ? "open" : "closing";
  }

  /** The close code and reason once closed. */
  get closeCode(): number | undefined {
    return this.closeInfo?.code;
  }

  /**
   * The error that made the server close the connection (the client broke the protocol or
   * sent more than `maxPayload`), if any.
   */
  get protocolError(): Error | undefined {
    return this.error;
  }

  /** The framing of outgoing payloads: the compression fault if set, else the URL's `compress`. */
  get compression(): FakeCompression {
    const forced = this.host.faults.compressionOverride;
    if (forced !== "auto") return forced;
    return this.query.get("compress") === "zlib-stream" ? "zlib-stream" : "none";
  }

  /**
   * Sends a payload: objects are JSON-encoded, strings sent as they are. Honours the
   * compression, fragmentation and delay faults. Does nothing once the connection is closing.
   */
  send(payload: unknown): void {
    const text = typeof payload === "string" ? payload : JSON.stringify(payload);
    const compress = this.compression === "zlib-stream";
    this.enqueue({
      kind: "message",
      data: text,
      binary: compress,
      compress,
      frames: this.host.faults.takeFragmentation(),
      messages: 1,
      due: this.due(),
    });
  }

  /**
   * Sends bytes as they are, without JSON or compression (malformed payloads, foreign
   * framing): a string as a text message, bytes as a binary message. Honours fragmentation
   * and delay.
   */
  sendRaw(data: string | Uint8Array): void {
    const binary = typeof data !== "string";
    this.enqueue({
      kind: "message",
      data: binary ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : data,
      binary,
      compress: false,
      frames: this.host.faults.takeFragmentation(),
      messages: 1,
      due: this.due(),
    });
  }

  /**
   * Compresses a payload in the connection's zlib-stream context and sends the bytes as
   * `pieces` separate binary WebSocket messages; only the last ends with `00 00 FF FF`.
   */
  sendSplitZlib(payload: unknown, pieces: number): void {
    if (!Number.isFinite(pieces) || pieces < 1) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "pieces must be a finite number ≥ 1");
    }
    this.enqueue({
      kind: "message",
      data: typeof payload === "string" ? payload : JSON.stringify(payload),
      binary: true,
      compress: true,
      frames: 0,
      messages: Math.floor(pieces),
      due: this.due(),
    });
  }

  /**
   * Starts the closing handshake with `code` (1000–1014 or 3000–4999, e.g. 4004) after
   * everything queued before it. Harmless once closing.
   */
  close(code = 1000, reason = ""): void {
    if (!isValidCloseCode(code)) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `invalid close code ${code}`);
    }
    if (Buffer.byteLength(reason) > 123) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", "close reason longer than 123 bytes");
    }
    this.enqueue({ kind: "close", code, reason, due: this.due() });
  }

  /** Destroys the TCP connection at once, without a close frame: the client sees 1006. */
  drop(): void {
    this.queue.length = 0;
    this.ws.terminate();
  }

  private due(): number {
    const delay = this.host.faults.outgoingDelay;
    return delay > 0 ? this.host.clock.now() + delay : 0;
  }

  private enqueue(item: Outgoing): void {
    if (this.closeInfo !== undefined) return;
    if (!this.pumping && item.due === 0 && (item.kind === "close" || !item.compress)) {
      this.write(item, item.kind === "message" ? item.data : "");
      return;
    }
    this.queue.push(item);
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
        const wait = item.due - this.host.clock.now();
        if (wait > 0) await this.sleep(wait);
        if (this.closeInfo !== undefined) return;
        let data: string | Buffer = item.kind === "message" ? item.data : "";
        if (item.kind === "message" && item.compress) {
          this.encoder ??= new ZlibStreamEncoder();
          data = await this.encoder.encode(typeof data === "string" ? Buffer.from(data) : data);
          if (this.closeInfo !== undefined) return;
        }
        this.write(item, data);
      }
    } finally {
      this.pumping = false;
      this.queue.length = 0;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.waitTimer = this.host.clock.setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
    });
  }

  private write(item: Outgoing, data: string | Buffer): void {
    if (this.ws.readyState !== OPEN) return;
    if (item.kind === "close") {
      this.ws.close(item.code, item.reason);
      return;
    }
    if (item.messages > 1) {
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      for (const piece of split(bytes, item.messages)) this.ws.send(piece, { binary: item.binary });
      return;
    }
    if (item.frames > 1) {
      const pieces = split(typeof data === "string" ? Buffer.from(data) : data, item.frames);
      for (let i = 0; i < pieces.length; i++) {
        this.ws.send(pieces[i]!, { binary: item.binary, fin: i === pieces.length - 1 });
      }
      return;
    }
    this.ws.send(data, { binary: item.binary });
  }

  private handleMessage(data: FakeGatewaySocketData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const raw = bytes.toString("utf8");
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      payload = undefined;
    }
    const entry: ReceivedPayload = { connection: this.id, payload, raw, binary: isBinary };
    this.received.push(entry);
    this.emit("payload", payload, raw);
    this.host.connectionPayload(this, entry);
  }

  private handleError(error: Error): void {
    // ws closes with the matching code itself, but stops reading, so its close event then
    // reports 1006; remember what was sent so `close` reports it.
    this.error ??= error;
    const code = (error as { code?: unknown }).code;
    this.errorCloseCode ??=
      code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" || code === "WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH"
        ? 1009
        : code === "WS_ERR_INVALID_UTF8"
          ? 1007
          : code === "WS_ERR_TOO_MANY_BUFFERED_PARTS"
            ? 1008
            : 1002;
  }

  private handleClose(code: number, reason: string): void {
    if (this.closeInfo !== undefined) return;
    if (code === 1006 && this.errorCloseCode !== undefined) {
      code = this.errorCloseCode;
      reason = this.error?.message ?? reason;
    }
    this.closeInfo = { code, reason };
    this.queue.length = 0;
    if (this.wakeUp !== undefined) {
      this.host.clock.clearTimeout(this.waitTimer);
      const wake = this.wakeUp;
      this.wakeUp = undefined;
      wake();
    }
    this.encoder?.close();
    this.encoder = undefined;
    this.emit("close", code, reason);
    this.host.connectionClosed(this, code, reason);
    this.resolveClosed(this.closeInfo);
  }
}
