import type { Clock } from "@nuwani/util";
import { GatewayError } from "./GatewayError.js";
import { setLongTimeout, type LongTimeout } from "./longTimeout.js";

/** A pending `connect()`. */
interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  /** Stops its timeout and abort listener. */
  readonly release: () => void;
}

/**
 * The pending `connect()` calls of a GatewayConnection: each one settles once, when a session
 * is ready ({@link ConnectWaiters.resolveAll}), when the connection stops
 * ({@link ConnectWaiters.rejectAll}), or when its own `timeout` or `signal` gives up.
 * @internal
 */
export class ConnectWaiters {
  readonly #clock: Clock;
  #waiters: Waiter[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** How many `connect()` calls wait. */
  get size(): number {
    return this.#waiters.length;
  }

  /**
   * A promise for one `connect()`. When its `timeout` passes (`GATEWAY_CONNECT_TIMEOUT`) or
   * its `signal` aborts ({@link GatewayError.fromAbort}), it rejects, leaves the list, and then
   * `onGiveUp(error)` runs (the connection may stop its attempts if nobody waits any more).
   */
  add(signal: AbortSignal | undefined, timeout: number | undefined, onGiveUp: (error: GatewayError) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: LongTimeout | undefined;
      let onAbort: (() => void) | undefined;
      const waiter: Waiter = {
        resolve,
        reject,
        release: () => {
          timer?.cancel();
          if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
        },
      };
      const giveUp = (error: GatewayError): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index === -1) return;
        this.#waiters.splice(index, 1);
        waiter.release();
        reject(error);
        onGiveUp(error);
      };
      if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
        timer = setLongTimeout(
          this.#clock,
          () => {
            giveUp(new GatewayError("GATEWAY_CONNECT_TIMEOUT", `No ready session within ${String(timeout)} ms.`));
          },
          timeout,
        );
      }
      if (signal !== undefined) {
        onAbort = () => {
          giveUp(GatewayError.fromAbort(signal));
        };
        signal.addEventListener("abort", onAbort, { once: true });
      }
      this.#waiters.push(waiter);
    });
  }

  /** Resolves every waiting `connect()`. */
  resolveAll(): void {
    for (const waiter of this.#take()) {
      waiter.release();
      waiter.resolve();
    }
  }

  /** Rejects every waiting `connect()` with `error`. */
  rejectAll(error: Error): void {
    for (const waiter of this.#take()) {
      waiter.release();
      waiter.reject(error);
    }
  }

  #take(): Waiter[] {
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }
}
