import { TransportError } from "@nuwani/transport";
import type {
  Transport,
  TransportConnectOptions,
  TransportConnection,
  TransportListener,
} from "@nuwani/transport";

type TransportConnectionState = TransportConnection["state"];

/** A payload as the client sent it, parsed. */
export interface SentPayload {
  op: number;
  d: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary fields
  s?: unknown;
  t?: unknown;
}

/** How a connection ended, and who ended it. */
export interface ScriptedClose {
  code: number;
  reason: string;
  by: "client" | "server" | "network";
}

/** Lets a promise chain (or several) run without moving fake time. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * One in-memory WebSocket connection. The client side is the {@link TransportConnection}
 * interface the socket uses (`send`, `close`, `terminate`); the server side is for the test,
 * which plays Discord: it pushes payloads, closes with a code, or drops the connection, and
 * reads what the client sent.
 *
 * Everything the test does happens synchronously. What the client starts ends a microtask
 * later, as with `ws`: its `close()` completes when the server answers the close frame
 * (never, while {@link ScriptedTransport.answerCloses} is off: a zombie server), and its
 * `terminate()` reports `onClose(1006)` asynchronously.
 */
export class ScriptedConnection implements TransportConnection {
  /** The URL the client connected to. */
  readonly url: string;
  /** The query of {@link ScriptedConnection.url}. */
  readonly query: URLSearchParams;
  /** Everything the client sent, parsed, in order. */
  readonly sent: SentPayload[] = [];
  /** Everything the client sent, as text. */
  readonly raw: string[] = [];
  /** `Date.now()` (fake time in tests) when each payload of {@link ScriptedConnection.sent} was sent. */
  readonly times: number[] = [];
  /** How the connection ended; `undefined` while it is open or closing. */
  closed: ScriptedClose | undefined;
  /** The code and reason of the client's `close()`/`terminate()`, if it started the close. */
  clientClose: { code: number; reason: string } | undefined;

  #state: TransportConnectionState = "open";
  #terminated = false;
  readonly #listener: TransportListener;
  readonly #transport: ScriptedTransport;

  constructor(url: string, listener: TransportListener, transport: ScriptedTransport) {
    this.url = url;
    this.query = new URL(url).searchParams;
    this.#listener = listener;
    this.#transport = transport;
  }

  get state(): TransportConnectionState {
    return this.#state;
  }

  // ---- the client side (TransportConnection) -----------------------------------------------

  send(data: string | Uint8Array): void {
    if (this.#state !== "open" || this.#terminated) throw new TransportError("TRANSPORT_NOT_OPEN", "the scripted connection is not open");
    const text = typeof data === "string" ? data : Buffer.from(data).toString("utf8");
    const payload = JSON.parse(text) as SentPayload;
    this.raw.push(text);
    this.sent.push(payload);
    this.times.push(Date.now());
    if (payload.op === 1 && this.#transport.autoAck) {
      void Promise.resolve().then(() => {
        if (this.#state === "open") this.ack();
      });
    }
  }

  close(code = 1000, reason = ""): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.clientClose = { code, reason };
    if (this.#transport.answerCloses) {
      void Promise.resolve().then(() => {
        this.#finish(code, reason, "client");
      });
    }
  }

  /** Like `ws`: the connection is gone at once, `onClose(1006)` follows asynchronously. */
  terminate(): void {
    if (this.#state === "closed" || this.#terminated) return;
    this.#terminated = true;
    this.clientClose ??= { code: 1006, reason: "" };
    void Promise.resolve().then(() => {
      this.#finish(1006, "", "client");
    });
  }

  // ---- the server side (the test) -----------------------------------------------------------

  /** Sends a payload to the client (one JSON text message). */
  push(payload: unknown): void {
    this.pushRaw(JSON.stringify(payload));
  }

  /** Sends a message as it is. */
  pushRaw(data: string | Uint8Array): void {
    if (this.#state !== "open" || this.#terminated) throw new Error(`cannot push on a ${this.#state} scripted connection`);
    this.#listener.onMessage(data, typeof data !== "string");
  }

  /** Op 10 Hello. */
  hello(heartbeatInterval = 41_250): void {
    this.push({ op: 10, d: { heartbeat_interval: heartbeatInterval }, s: null, t: null });
  }

  /** Op 0 Dispatch. */
  dispatch(t: string, s: number, d: unknown = {}): void {
    this.push({ op: 0, d, s, t });
  }

  /** READY with `session_id` (and whatever `extra` adds, e.g. `resume_gateway_url`). */
  ready(sessionId: string, s = 1, extra: Record<string, unknown> = {}): void {
    this.dispatch("READY", s, { v: 6, user: { id: "1", username: "bot" }, guilds: [], session_id: sessionId, ...extra });
  }

  /** RESUMED. */
  resumed(s: number): void {
    this.dispatch("RESUMED", s, {});
  }

  /** Op 11 Heartbeat ACK. */
  ack(): void {
    this.push({ op: 11, d: null, s: null, t: null });
  }

  /** Op 1: the server asks for a heartbeat now. */
  requestHeartbeat(): void {
    this.push({ op: 1, d: null, s: null, t: null });
  }

  /** Op 7 Reconnect. */
  reconnect(): void {
    this.push({ op: 7, d: null, s: null, t: null });
  }

  /** Op 9 Invalid Session. */
  invalidSession(resumable: boolean): void {
    this.push({ op: 9, d: resumable, s: null, t: null });
  }

  /** The server closes with a close frame. */
  closeWith(code: number, reason = ""): void {
    if (this.#state === "closed") return;
    this.#finish(code, reason, "server");
  }

  /** The TCP connection dies without a close frame (the client sees 1006). */
  drop(): void {
    if (this.#state === "closed") return;
    this.#finish(1006, "", "network");
  }

  /** Completes a close the client started, when {@link ScriptedTransport.answerCloses} is off. */
  answerClose(): void {
    if (this.#state !== "closing" || this.clientClose === undefined) return;
    this.#finish(this.clientClose.code, this.clientClose.reason, "client");
  }

  /** The payloads the client sent with `op`. */
  ops(op: number): SentPayload[] {
    return this.sent.filter((payload) => payload.op === op);
  }

  /** When each payload with `op` was sent (fake time). */
  timesOf(op: number): number[] {
    return this.sent.flatMap((payload, index) => (payload.op === op ? [this.times[index] as number] : []));
  }

  /** Op 2 payloads sent. */
  get identifies(): SentPayload[] {
    return this.ops(2);
  }

  /** Op 6 payloads sent. */
  get resumes(): SentPayload[] {
    return this.ops(6);
  }

  /** Op 1 payloads sent. */
  get heartbeats(): SentPayload[] {
    return this.ops(1);
  }

  #finish(code: number, reason: string, by: ScriptedClose["by"]): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.closed = { code, reason, by };
    this.#listener.onClose(code, reason);
  }
}

/**
 * An in-memory {@link Transport}: every `connect()` makes a {@link ScriptedConnection} the
 * test plays Discord on. Connects succeed a microtask later, unless `refuse` says otherwise.
 */
export class ScriptedTransport implements Transport {
  /** Every connection made, oldest first. */
  readonly connections: ScriptedConnection[] = [];
  /** The URL of every attempt, refused ones included. */
  readonly attempts: string[] = [];
  /** Whether a close the client starts completes by itself (the server answers the close frame). */
  answerCloses = true;
  /** How many of the next attempts fail with `TRANSPORT_CONNECT_FAILED`. */
  refuse = 0;
  /** Whether every heartbeat (op 1) is answered with an ACK (op 11) a microtask later. */
  autoAck = false;

  connect(url: string, listener: TransportListener, options: TransportConnectOptions = {}): Promise<TransportConnection> {
    this.attempts.push(url);
    if (options.signal?.aborted) return Promise.reject(new TransportError("TRANSPORT_ABORTED", "aborted"));
    if (this.refuse > 0) {
      this.refuse--;
      return Promise.reject(new TransportError("TRANSPORT_CONNECT_FAILED", `connecting to ${url} was refused (scripted)`));
    }
    const connection = new ScriptedConnection(url, listener, this);
    this.connections.push(connection);
    return Promise.resolve(connection);
  }

  /** The newest connection. */
  get last(): ScriptedConnection {
    const connection = this.connections.at(-1);
    if (connection === undefined) throw new Error("no connection was made");
    return connection;
  }

  /** Every payload sent on every connection, in order. */
  get sent(): SentPayload[] {
    return this.connections.flatMap((connection) => connection.sent);
  }
}

