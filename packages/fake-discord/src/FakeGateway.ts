import { EventEmitter } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { type Clock, systemClock } from "@nuwani/util";
import { FakeDiscordError } from "./FakeDiscordError.js";
import { listen } from "./listen.js";
import { FakeGatewayConnection, type FakeGatewayConnectionHost } from "./FakeGatewayConnection.js";
import { FakeGatewayFaults } from "./FakeGatewayFaults.js";
import { createDefaultOpHandlers, type FakeOpHandler, GatewayOp } from "./opHandlers.js";
import type { FakeGatewayPayload, ReceivedPayload } from "./types.js";

/** Options of a {@link FakeGateway}. */
export interface FakeGatewayOptions {
  /**
   * The `heartbeat_interval` sent in HELLO, in milliseconds.
   * @defaultValue 41250
   */
  heartbeatInterval?: number;
  /**
   * Serve `wss://` with this certificate and key (PEM) instead of `ws://`. See
   * {@link createTestCertificate}.
   * @defaultValue plain `ws://`
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Send HELLO (`{op:10,d:{heartbeat_interval}}`) as soon as a client connects.
   * @defaultValue true
   */
  sendHello?: boolean;
  /**
   * The largest message a client may send, in bytes; a larger one closes the connection
   * with 1009.
   * @defaultValue 104857600 (the `ws` default, 100 MiB)
   */
  maxPayload?: number;
  /**
   * The address to listen on. Loopback only, by design.
   * @defaultValue "127.0.0.1"
   */
  host?: string;
  /**
   * Time source for the refuse window, delays and wait timeouts.
   * @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily, so fake timers work)
   */
  clock?: Clock;
}

/** Events of a {@link FakeGateway}. */
export interface FakeGatewayEvents {
  /** A client connected (HELLO, if enabled, is already queued). */
  connection: [connection: FakeGatewayConnection];
  /** A client sent a message: parsed JSON (`undefined` when not JSON) and the raw text. */
  payload: [connection: FakeGatewayConnection, payload: unknown, raw: string];
  /** A connection closed. */
  close: [connection: FakeGatewayConnection, code: number, reason: string];
  /** An upgrade was answered with 503 because of the `refuseConnections` fault. */
  refused: [url: string];
}

const DEFAULT_TIMEOUT = 5000;

function isPayloadObject(value: unknown): value is FakeGatewayPayload {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A fake Discord gateway: a real `ws` server on loopback, started and stopped in-process,
 * that speaks enough of the gateway protocol for tests and records everything clients send.
 *
 * @example
 * ```ts
 * const fake = new FakeGateway({ heartbeatInterval: 1000 });
 * await fake.start();
 * // connect a client to fake.url …
 * const [connection] = await fake.waitFor("connection");
 * fake.faults.dropAll();
 * await fake.stop();
 * ```
 */
export class FakeGateway extends EventEmitter<FakeGatewayEvents> {
  /** Faults injected on demand; they apply to every connection. */
  readonly faults: FakeGatewayFaults;
  /** Everything every client sent, in arrival order, across restarts. */
  readonly received: ReceivedPayload[] = [];
  /** The `heartbeat_interval` sent in HELLO to new connections. */
  heartbeatInterval: number;
  /** Whether new connections get HELLO. */
  sendHello: boolean;

  private readonly clock: Clock;
  private readonly host: string;
  private readonly tls: { cert: string | Buffer; key: string | Buffer } | undefined;
  private readonly wss: WebSocketServer;
  private readonly handlers = createDefaultOpHandlers();
  private readonly open = new Set<FakeGatewayConnection>();
  private readonly history = new Map<number, FakeGatewayConnection>();
  private readonly sockets = new Set<Socket>();
  private readonly claimed = new WeakSet<ReceivedPayload>();
  private readonly payloadWaiters = new Set<(entry: ReceivedPayload) => boolean>();
  private readonly connectionHost: FakeGatewayConnectionHost;
  private server: Server | undefined;
  private listeningPort: number | undefined;
  private nextId = 1;

  /** A gateway server, not yet listening (see `start`). */
  constructor(options: FakeGatewayOptions = {}) {
    super();
    this.heartbeatInterval = options.heartbeatInterval ?? 41250;
    this.sendHello = options.sendHello ?? true;
    this.clock = options.clock ?? systemClock;
    this.host = options.host ?? "127.0.0.1";
    this.tls = options.tls;
    this.faults = new FakeGatewayFaults(this, this.clock);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
    });
    this.connectionHost = {
      faults: this.faults,
      clock: this.clock,
      connectionPayload: (connection, entry) => this.recordPayload(connection, entry),
      connectionClosed: (connection, code, reason) => {
        this.open.delete(connection);
        this.emit("close", connection, code, reason);
      },
    };
  }

  /** Whether the server is listening. */
  get started(): boolean {
    return this.server !== undefined;
  }

  /** The port of the last {@link FakeGateway.start}; `FAKE_DISCORD_NOT_STARTED` before that. */
  get port(): number {
    if (this.listeningPort === undefined) {
      throw new FakeDiscordError("FAKE_DISCORD_NOT_STARTED", "the fake gateway has not been started");
    }
    return this.listeningPort;
  }

  /** `ws://127.0.0.1:PORT`, or `wss://` with TLS. Still valid after `stop()` (for reconnect tests). */
  get url(): string {
    return `${this.tls === undefined ? "ws" : "wss"}://${this.host}:${this.port}`;
  }

  /** The connections open right now, oldest first. */
  get connections(): FakeGatewayConnection[] {
    return [...this.open];
  }

  /**
   * Starts listening on 127.0.0.1. `start(port)` after `stop()` restarts on the same port.
   * @param port - The port; 0 picks a free one.
   * @defaultValue port 0
   */
  async start(port = 0): Promise<void> {
    if (this.server !== undefined) {
      throw new FakeDiscordError("FAKE_DISCORD_ALREADY_STARTED", "the fake gateway is already running");
    }
    const server: Server =
      this.tls === undefined ? createHttpServer() : createHttpsServer({ cert: this.tls.cert, key: this.tls.key });
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    server.on("request", (_request, response) => {
      response.writeHead(426, { "Content-Type": "application/json", Connection: "close" });
      response.end(JSON.stringify({ message: "Upgrade Required", code: 0 }));
    });
    server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    server.on("clientError", (_error, socket) => socket.destroy());
    this.server = server;
    try {
      this.listeningPort = await listen(server, port, this.host);
    } catch (error) {
      this.server = undefined;
      throw error;
    }
  }

  /**
   * Stops the server: every connection is dropped (clients see 1006) and the port is
   * released. Resolves once every connection has reported `close`. Harmless when stopped.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closing = [...this.open].map((connection) => {
      connection.drop();
      return connection.closed;
    });
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), ...closing]);
  }

  /** Sends a payload to every open connection. */
  broadcast(payload: unknown): void {
    for (const connection of this.open) connection.send(payload);
  }

  /**
   * Sets (or, with `undefined`, removes) the handler of a client opcode. Op 1 (heartbeat →
   * ACK) is handled by default.
   */
  handle(op: number, handler: FakeOpHandler | undefined): this {
    if (handler === undefined) this.handlers.delete(op);
    else this.handlers.set(op, handler);
    return this;
  }

  /**
   * Resolves with the arguments of the next `event`.
   * @param timeoutMs - Rejects with `FAKE_DISCORD_TIMEOUT` after this long.
   * @defaultValue 5000
   */
  waitFor<K extends keyof FakeGatewayEvents>(event: K, timeoutMs = DEFAULT_TIMEOUT): Promise<FakeGatewayEvents[K]> {
    return new Promise((resolve, reject) => {
      const emitter = this as EventEmitter;
      const listener = (...args: unknown[]): void => {
        this.clock.clearTimeout(timer);
        resolve(args as FakeGatewayEvents[K]);
      };
      const timer = this.clock.setTimeout(() => {
        emitter.off(event, listener);
        reject(new FakeDiscordError("FAKE_DISCORD_TIMEOUT", `no "${event}" event within ${timeoutMs} ms`));
      }, timeoutMs);
      emitter.once(event, listener);
    });
  }

  /**
   * Resolves with connection number `id` (1, 2, 3…), at once if it has already connected;
   * without `id`, with the next connection.
   * @defaultValue timeoutMs 5000
   */
  async waitForConnection(id?: number, timeoutMs = DEFAULT_TIMEOUT): Promise<FakeGatewayConnection> {
    if (id === undefined) return (await this.waitFor("connection", timeoutMs))[0];
    const known = this.history.get(id);
    if (known !== undefined) return known;
    return new Promise((resolve, reject) => {
      const listener = (connection: FakeGatewayConnection): void => {
        if (connection.id !== id) return;
        this.off("connection", listener);
        this.clock.clearTimeout(timer);
        resolve(connection);
      };
      const timer = this.clock.setTimeout(() => {
        this.off("connection", listener);
        reject(new FakeDiscordError("FAKE_DISCORD_TIMEOUT", `no connection ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on("connection", listener);
    });
  }

  /**
   * Resolves with the oldest received payload (already recorded or still to come) that
   * matches `predicate` and that no earlier `waitForPayload` call returned, so calling it
   * twice for heartbeats yields the first and then the second. Only JSON objects are offered
   * to the predicate.
   * @param timeoutMs - Rejects with `FAKE_DISCORD_TIMEOUT` after this long.
   * @defaultValue timeoutMs 5000
   */
  waitForPayload<T = FakeGatewayPayload>(
    predicate: (payload: FakeGatewayPayload, connection: FakeGatewayConnection) => boolean,
    timeoutMs = DEFAULT_TIMEOUT,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const claim = (entry: ReceivedPayload): boolean => {
        if (this.claimed.has(entry) || !isPayloadObject(entry.payload)) return false;
        const connection = this.history.get(entry.connection);
        if (connection === undefined || !predicate(entry.payload, connection)) return false;
        this.claimed.add(entry);
        return true;
      };
      try {
        const found = this.received.find(claim);
        if (found !== undefined) {
          resolve(found.payload as T);
          return;
        }
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const waiter = (entry: ReceivedPayload): boolean => {
        let matched: boolean;
        try {
          matched = claim(entry);
        } catch (error) {
          matched = false;
          this.payloadWaiters.delete(waiter);
          this.clock.clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        if (!matched) return false;
        this.payloadWaiters.delete(waiter);
        this.clock.clearTimeout(timer);
        resolve(entry.payload as T);
        return true;
      };
      const timer = this.clock.setTimeout(() => {
        this.payloadWaiters.delete(waiter);
        reject(new FakeDiscordError("FAKE_DISCORD_TIMEOUT", `no matching payload within ${timeoutMs} ms`));
      }, timeoutMs);
      this.payloadWaiters.add(waiter);
    });
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => undefined);
    if (this.faults.refusing) {
      const body = "Service Unavailable";
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      );
      this.emit("refused", request.url ?? "/");
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    const id = this.nextId++;
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const connection = new FakeGatewayConnection(id, ws, url, request.headers, this.connectionHost);
    this.open.add(connection);
    this.history.set(id, connection);
    if (this.sendHello) {
      connection.send({ op: GatewayOp.Hello, d: { heartbeat_interval: this.heartbeatInterval } });
    }
    this.emit("connection", connection);
  }

  private recordPayload(connection: FakeGatewayConnection, entry: ReceivedPayload): void {
    this.received.push(entry);
    for (const waiter of this.payloadWaiters) {
      if (waiter(entry)) break;
    }
    this.emit("payload", connection, entry.payload, entry.raw);
    if (isPayloadObject(entry.payload) && typeof entry.payload.op === "number") {
      this.handlers.get(entry.payload.op)?.(connection, entry.payload, this);
    }
  }
}
