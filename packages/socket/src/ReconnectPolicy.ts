import type { Backoff } from "./Backoff.js";
import { SocketError } from "./SocketError.js";
import type { ReconnectDecision, SocketCloseInfo } from "./types.js";

/** What a {@link ReconnectPolicy} consults. @internal */
export interface ReconnectPolicyOptions {
  readonly backoff: Backoff;
  readonly retryDelay: ((attempt: number) => number) | undefined;
  readonly shouldReconnect: ((close: SocketCloseInfo) => ReconnectDecision) | undefined;
  readonly random: () => number;
}

/**
 * Whether and when a ReconnectingSocket connects again: it asks the user's `shouldReconnect`
 * and `retryDelay`, falls back to the backoff schedule when they throw or answer nonsense,
 * and collects those failures as `SOCKET_CALLBACK_ERROR`s for the socket to report once its
 * state change is done.
 * @internal
 */
export class ReconnectPolicy {
  readonly #backoff: Backoff;
  readonly #retryDelay: ((attempt: number) => number) | undefined;
  readonly #shouldReconnect: ((close: SocketCloseInfo) => ReconnectDecision) | undefined;
  readonly #random: () => number;
  /** Errors of user callbacks, held until the state change they happened in is done. */
  #errors: SocketError[] = [];

  constructor(options: ReconnectPolicyOptions) {
    this.#backoff = options.backoff;
    this.#retryDelay = options.retryDelay;
    this.#shouldReconnect = options.shouldReconnect;
    this.#random = options.random;
  }

  /** The callback errors collected since the last call, oldest first. */
  takeErrors(): SocketError[] {
    const errors = this.#errors;
    this.#errors = [];
    return errors;
  }

  /** A random number in [0, 1] (a broken `random` counts as 0). */
  jitter(): number {
    const r = this.#random();
    return Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  }

  /** Asks `shouldReconnect`, falling back to "reconnect after backoff" if it misbehaves. */
  decide(info: SocketCloseInfo): { reconnect: boolean; delay: number | undefined } {
    if (this.#shouldReconnect === undefined) return { reconnect: true, delay: undefined };
    let answer: unknown;
    try {
      answer = this.#shouldReconnect({ ...info });
    } catch (error) {
      this.#errors.push(new SocketError("SOCKET_CALLBACK_ERROR", "shouldReconnect threw; reconnecting", { cause: error }));
      return { reconnect: true, delay: undefined };
    }
    if (typeof answer === "boolean") return { reconnect: answer, delay: undefined };
    if (typeof answer === "object" && answer !== null && typeof (answer as { reconnect?: unknown }).reconnect === "boolean") {
      const { reconnect, delay } = answer as { reconnect: boolean; delay?: unknown };
      if (delay === undefined) return { reconnect, delay: undefined };
      if (typeof delay === "number" && Number.isFinite(delay) && delay >= 0) return { reconnect, delay };
      this.#errors.push(
        new SocketError("SOCKET_CALLBACK_ERROR", `shouldReconnect returned an invalid delay (${typeof delay === "number" ? String(delay) : typeof delay}); using the backoff delay`),
      );
      return { reconnect, delay: undefined };
    }
    this.#errors.push(new SocketError("SOCKET_CALLBACK_ERROR", "shouldReconnect returned no decision; reconnecting"));
    return { reconnect: true, delay: undefined };
  }


  /** The delay after failure number `attempt`: `retryDelay`, else the backoff schedule. */
  backoffDelay(attempt: number): number {
    if (this.#retryDelay === undefined) return this.#backoff.delay(attempt);
    let delay: unknown;
    try {
      delay = this.#retryDelay(attempt);
    } catch (error) {
      this.#errors.push(new SocketError("SOCKET_CALLBACK_ERROR", "retryDelay threw; using the backoff delay", { cause: error }));
      return this.#backoff.delay(attempt);
    }
    if (typeof delay === "number" && Number.isFinite(delay) && delay >= 0) return delay;
    this.#errors.push(
      new SocketError("SOCKET_CALLBACK_ERROR", `retryDelay returned an invalid delay (${typeof delay === "number" ? String(delay) : typeof delay}); using the backoff delay`),
    );
    return this.#backoff.delay(attempt);
  }
}
