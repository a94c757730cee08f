import { WebSocket } from "ws";
import { ManualClock as UtilManualClock } from "@nuwani/util";

/** A gateway payload as a test client sees it. */
export interface Payload {
  op: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON off the wire; tests read what they assert on
  d: any;
  s: number | null;
  t: string | null;
}

/** util's hand-moved test clock, standing at a 2020 epoch time (snowflakes in tests read like real ones). */
export class ManualClock extends UtilManualClock {
  constructor(start = 1_600_000_000_000) {
    super(start);
  }
}

/** A bare gateway client on `ws`: records every payload, waits for the ones a test wants. */
export class GatewayClient {
  readonly ws: WebSocket;
  readonly payloads: Payload[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private cursor = 0;
  private waiters: Array<() => void> = [];

  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on("message", (data: Buffer) => {
      this.payloads.push(JSON.parse(data.toString("utf8")) as Payload);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.ws.on("error", () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.once("close", (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /** The dispatches received so far. */
  get dispatches(): Payload[] {
    return this.payloads.filter((payload) => payload.op === 0);
  }

  /** The last sequence number received, or null. */
  get seq(): number | null {
    let seq: number | null = null;
    for (const payload of this.payloads) if (payload.s !== null && payload.s !== undefined) seq = payload.s;
    return seq;
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === "string" ? payload : JSON.stringify(payload));
  }

  /**
   * Resolves with the next payload (after the previous `next`) that matches; payloads it
   * skips stay skipped. Rejects if the connection closes first.
   */
  async next(match: (payload: Payload) => boolean = () => true): Promise<Payload> {
    for (;;) {
      while (this.cursor < this.payloads.length) {
        const payload = this.payloads[this.cursor++]!;
        if (match(payload)) return payload;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed while waiting; got ${JSON.stringify(this.payloads.map((p) => p.t ?? p.op))}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The next payload with `op` (and `t`, for dispatches). */
  nextOp(op: number, t?: string): Promise<Payload> {
    return this.next((payload) => payload.op === op && (t === undefined || payload.t === t));
  }

  /** Resolves once `count` payloads in total have arrived. */
  async waitForCount(count: number): Promise<void> {
    while (this.payloads.length < count) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error("closed while waiting");
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends Identify (v6 properties unless `d` overrides). */
  identify(d: Record<string, unknown> = {}): void {
    this.send({ op: 2, d: { token: "fake-token", properties: { $os: "linux", $browser: "test", $device: "test" }, ...d } });
  }

  close(code?: number): void {
    if (code === undefined) this.ws.terminate();
    else this.ws.close(code);
  }
}
