import {
  TransportError,
  type Transport,
  type TransportConnectOptions,
  type TransportConnection,
  type TransportConnectionState,
  type TransportErrorCode,
  type TransportListener,
} from "@nuwani/transport";

/**
 * An in-memory {@link Transport} for unit tests: every `connect()` becomes a
 * {@link MemoryAttempt} the test settles by hand (or automatically, see `mode`). It behaves
 * like a real transport where it matters: an aborted attempt rejects with
 * `TRANSPORT_ABORTED`, a closed connection reports `onClose` asynchronously, and nothing is
 * reported after `onClose`.
 */
export class MemoryTransport implements Transport {
  readonly attempts: MemoryAttempt[] = [];
  /** `manual`: the test settles attempts; `open`/`refuse`: they settle on their own. */
  mode: "manual" | "open" | "refuse" = "manual";
  /** Whether connections answer a client close at once (a microtask later), like a server. */
  echoClose = true;
  /** Report the close from terminate() synchronously (some transports do). */
  syncTerminate = false;
  /** Whether aborting an attempt rejects it with `TRANSPORT_ABORTED`, as a real transport does. */
  honourAbort = true;

  connect(url: string, listener: TransportListener, options: TransportConnectOptions = {}): Promise<TransportConnection> {
    const attempt = new MemoryAttempt(this, url, listener, options);
    this.attempts.push(attempt);
    if (this.mode === "open") attempt.open();
    if (this.mode === "refuse") attempt.fail("TRANSPORT_CONNECT_FAILED");
    return attempt.promise;
  }

  get last(): MemoryAttempt {
    const attempt = this.attempts.at(-1);
    if (attempt === undefined) throw new Error("no connect() yet");
    return attempt;
  }

  /** Attempts not yet settled plus connections not yet closed: never more than one. */
  get live(): number {
    return this.attempts.filter((attempt) => attempt.live).length;
  }
}

export class MemoryAttempt {
  readonly promise: Promise<TransportConnection>;
  connection: MemoryConnection | undefined;
  settled = false;
  #resolve!: (connection: TransportConnection) => void;
  #reject!: (error: Error) => void;

  constructor(
    readonly transport: MemoryTransport,
    readonly url: string,
    readonly listener: TransportListener,
    readonly options: TransportConnectOptions,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    options.signal?.addEventListener("abort", () => {
      if (!this.settled && transport.honourAbort) this.fail("TRANSPORT_ABORTED");
    });
  }

  get live(): boolean {
    return (!this.settled && !this.aborted) || (this.connection !== undefined && this.connection.state !== "closed");
  }

  get aborted(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** Completes the handshake. */
  open(): MemoryConnection {
    if (this.settled) throw new Error("attempt already settled");
    this.settled = true;
    this.connection = new MemoryConnection(this);
    this.#resolve(this.connection);
    return this.connection;
  }

  /** Fails the handshake with a TransportError of `code`. */
  fail(code: TransportErrorCode): void {
    if (this.settled) throw new Error("attempt already settled");
    this.settled = true;
    this.#reject(new TransportError(code, `fake ${code}`));
  }
}

export class MemoryConnection implements TransportConnection {
  state: TransportConnectionState = "open";
  readonly sent: (string | Uint8Array)[] = [];
  readonly closes: { code: number | undefined; reason: string | undefined }[] = [];
  terminated = false;

  constructor(readonly attempt: MemoryAttempt) {}

  get url(): string {
    return this.attempt.url;
  }

  send(data: string | Uint8Array): void {
    if (this.state !== "open") throw new TransportError("TRANSPORT_NOT_OPEN", "not open");
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (this.state !== "open") return;
    this.state = "closing";
    this.closes.push({ code, reason });
    if (this.attempt.transport.echoClose) {
      queueMicrotask(() => {
        this.#closed(code ?? 1005, reason ?? "");
      });
    }
  }

  terminate(): void {
    this.terminated = true;
    if (this.state === "closed") return;
    if (this.attempt.transport.syncTerminate) this.#closed(1006, "");
    else
      queueMicrotask(() => {
        this.#closed(1006, "");
      });
  }

  // ---- the server's side ----

  /** The server sends a message: text as a string, binary as bytes. */
  receive(data: string | Uint8Array): void {
    if (this.state === "closed") throw new Error("connection is closed");
    this.attempt.listener.onMessage(data, typeof data !== "string");
  }

  /** The server sends a payload as JSON text. */
  receiveJson(payload: unknown): void {
    this.receive(JSON.stringify(payload));
  }

  /** The server closes (or, with 1006, the TCP connection drops). */
  drop(code = 1006, reason = ""): void {
    this.#closed(code, reason);
  }

  /** The transport reports a failure (onClose usually follows). */
  fail(code: TransportErrorCode): void {
    this.attempt.listener.onError(new TransportError(code, `fake ${code}`));
  }

  #closed(code: number, reason: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.attempt.listener.onClose(code, reason);
  }
}
