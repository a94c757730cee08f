import type { Clock } from "@nuwani/util";

/**
 * One connection's heartbeat, from HELLO until the connection ends: its timer, whether the
 * last beat was acknowledged (a missed ACK means a zombie connection), and the dispatches
 * delivered on the connection (READY/RESUMED not counted).
 * @internal
 */
export class Heartbeat {
  /** Milliseconds between beats, from HELLO. */
  readonly interval: number;
  /** Whether the last beat was acknowledged (true before the first). */
  acked = true;
  /** Dispatches delivered on this connection. */
  dispatches = 0;
  readonly #clock: Clock;
  #sentAt = 0;
  #timer: unknown = undefined;

  constructor(interval: number, clock: Clock) {
    this.interval = interval;
    this.#clock = clock;
  }

  /** Calls `onDue` after `delay` ms, then every `interval` for as long as `onDue` returns true. */
  start(delay: number, onDue: () => boolean): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (onDue()) this.start(this.interval, onDue);
    }, delay);
  }

  /** Stops the timer; harmless when stopped. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A beat went out now: its ACK is due before the next one. */
  sent(): void {
    this.acked = false;
    this.#sentAt = this.#clock.now();
  }

  /** The ACK came; returns the latency in milliseconds since the last beat. */
  ack(): number {
    this.acked = true;
    return this.#clock.now() - this.#sentAt;
  }
}
