import { MAX_TIMER_MS, SlidingWindow, systemClock, type Clock } from "@nuwani/util";
import { GatewayError } from "./GatewayError.js";

/**
 * The class of an outbound gateway command.
 *
 * - `"heartbeat"`: op 1. May use the whole budget, including the reserve.
 * - `"normal"`: every other command (Identify, Resume, Request Guild Members, Voice State, …).
 * - `"presence"`: op 3, which is a normal command that also counts against the presence
 *   sub-limit.
 */
export type CommandPriority = "heartbeat" | "normal" | "presence";

/** Options of a {@link CommandLimiter}. All windows are sliding (`SlidingWindow` of `@nuwani/util`). */
export interface CommandLimiterOptions {
  /** Payloads per window per connection, heartbeats included. @defaultValue 120 */
  limit?: number;
  /** Milliseconds, positive and below 2^31. @defaultValue 60000 */
  window?: number;
  /**
   * Slots of each window that only heartbeats may use: normal commands get `limit - reserve`.
   * @defaultValue {@link CommandLimiter.DEFAULT_RESERVE} (10)
   */
  reserve?: number;
  /** Presence updates per presence window. @defaultValue 5 */
  presenceLimit?: number;
  /** Milliseconds, positive and below 2^31. @defaultValue 20000 */
  presenceWindow?: number;
  /** @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily) */
  clock?: Clock;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The outbound budget of one gateway connection (PROTOCOL.md §5): at most `limit` (120)
 * payloads per `window` (60 s), of which `reserve` are kept for heartbeats, and at most
 * `presenceLimit` (5) presence updates per `presenceWindow` (20 s). Going over makes Discord
 * close with 4008.
 *
 * Shared by everything that sends on the connection: each caller names its
 * {@link CommandPriority}. Waiting heartbeats go first; waiting normal commands and presence
 * updates are served in the order they asked, except that a presence update held back by its
 * sub-limit does not hold back normal commands behind it. Call {@link CommandLimiter.reset}
 * for a new connection (the limit is per connection) and {@link CommandLimiter.cancelAll}
 * when one closes.
 */
export class CommandLimiter {
  /**
   * The default heartbeat reserve, 10: enough for heartbeats at any interval of 15 s or more,
   * far below the 41.25–45 s Discord sends (see {@link CommandLimiter.reserveFor}).
   */
  public static readonly DEFAULT_RESERVE = 10;

  /**
   * The reserve that keeps heartbeats at `heartbeatInterval` always passing:
   * `2 × (⌊window / interval⌋ + 1)`. A sliding window holds at most `⌊window / interval⌋ + 1`
   * beats at a fixed interval (the +1 is a beat at each end; the jittered first beat only
   * lengthens the first gap); doubling covers the immediate beats the server may ask for with
   * op 1. At 15 s: 2 × (4 + 1) = 10.
   * @param window - @defaultValue 60000
   */
  public static reserveFor(heartbeatInterval: number, window = 60_000): number {
    if (!Number.isFinite(heartbeatInterval) || heartbeatInterval <= 0) {
      throw GatewayError.invalidOption("heartbeatInterval", "a positive number of milliseconds", heartbeatInterval);
    }
    return 2 * (Math.floor(window / heartbeatInterval) + 1);
  }

  /** Slots per window that only heartbeats may use. */
  public readonly reserve: number;

  readonly #clock: Clock;
  readonly #total: SlidingWindow;
  readonly #normal: SlidingWindow;
  readonly #presence: SlidingWindow;
  readonly #heartbeats: Waiter[] = [];
  readonly #normals: Waiter[] = [];
  readonly #presences: Waiter[] = [];
  #seq = 0;
  #timer: unknown = undefined;
  #deadline = Number.POSITIVE_INFINITY;

  /** A limiter with an empty window and nothing queued. */
  public constructor(options: CommandLimiterOptions = {}) {
    const clock = options.clock ?? systemClock;
    const limit = options.limit ?? 120;
    const window = options.window ?? 60_000;
    const reserve = options.reserve ?? CommandLimiter.DEFAULT_RESERVE;
    if (!Number.isInteger(limit) || limit < 1) throw GatewayError.invalidOption("limit", "a positive integer", limit);
    if (!Number.isInteger(reserve) || reserve < 0 || reserve >= limit) {
      throw GatewayError.invalidOption("reserve", `an integer from 0 to ${limit - 1}`, reserve);
    }
    const presenceLimit = options.presenceLimit ?? 5;
    if (!Number.isInteger(presenceLimit) || presenceLimit < 1 || presenceLimit > 1_000_000) {
      throw GatewayError.invalidOption("presenceLimit", "an integer from 1 to 1000000", presenceLimit);
    }
    const presenceWindow = options.presenceWindow ?? 20_000;
    for (const [name, value] of [["window", window], ["presenceWindow", presenceWindow]] as const) {
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
        throw GatewayError.invalidOption(name, "a positive number of milliseconds below 2^31", value);
      }
    }
    if (limit > 1_000_000) throw GatewayError.invalidOption("limit", "an integer from 1 to 1000000", limit);
    this.reserve = reserve;
    this.#clock = clock;
    this.#total = new SlidingWindow({ limit, window, clock });
    this.#normal = new SlidingWindow({ limit: limit - reserve, window, clock });
    this.#presence = new SlidingWindow({ limit: presenceLimit, window: presenceWindow, clock });
  }

  /** How many sends are waiting, all priorities together. */
  public get pending(): number {
    return this.#heartbeats.length + this.#normals.length + this.#presences.length;
  }

  /** How many commands of `priority` could be sent right now, ignoring waiters. */
  public remaining(priority: CommandPriority): number {
    const total = this.#total.remaining;
    if (priority === "heartbeat") return total;
    const normal = Math.min(total, this.#normal.remaining);
    return priority === "normal" ? normal : Math.min(normal, this.#presence.remaining);
  }

  /**
   * Takes a slot for one command of `priority` if that is possible now without overtaking a
   * waiting command of the same priority; returns whether it did. The caller then sends.
   */
  public trySend(priority: CommandPriority): boolean {
    this.#drain();
    if (this.#queueOf(priority).length > 0 || !this.#allowed(priority)) return false;
    this.#record(priority);
    return true;
  }

  /**
   * Resolves once a slot is taken for one command of `priority`; the caller then sends at
   * once. Rejects when `signal` aborts ({@link GatewayError.fromAbort}) or on
   * {@link CommandLimiter.cancelAll}.
   */
  public send(priority: CommandPriority, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(GatewayError.fromAbort(signal));
    if (this.trySend(priority)) return Promise.resolve();
    const queue = this.#queueOf(priority);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { seq: this.#seq++, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index === -1) return;
          queue.splice(index, 1);
          this.#schedule();
          reject(GatewayError.fromAbort(signal));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      queue.push(waiter);
      this.#schedule();
    });
  }

  /**
   * Rejects every waiting send with `error`, heartbeats first, then the rest in order.
   * @param error - @defaultValue a `GATEWAY_DISCONNECTED` {@link GatewayError}
   */
  public cancelAll(error: Error = new GatewayError("GATEWAY_DISCONNECTED", "Disconnected; the queued command was cancelled.")): void {
    this.#disarm();
    const waiters = [...this.#heartbeats.splice(0), ...this.#normals.splice(0), ...this.#presences.splice(0)];
    for (const waiter of waiters) {
      CommandLimiter.#release(waiter);
      waiter.reject(error);
    }
  }

  /** Forgets every send (for a new connection); waiters are then served as the budget allows. */
  public reset(): void {
    this.#total.reset();
    this.#normal.reset();
    this.#presence.reset();
    this.#disarm();
    this.#drain();
    this.#schedule();
  }

  #queueOf(priority: CommandPriority): Waiter[] {
    return priority === "heartbeat" ? this.#heartbeats : priority === "normal" ? this.#normals : this.#presences;
  }

  #allowed(priority: CommandPriority): boolean {
    if (this.#total.remaining === 0) return false;
    if (priority === "heartbeat") return true;
    if (this.#normal.remaining === 0) return false;
    return priority === "normal" || this.#presence.remaining > 0;
  }

  #record(priority: CommandPriority): void {
    this.#total.tryTake();
    if (priority === "heartbeat") return;
    this.#normal.tryTake();
    if (priority === "presence") this.#presence.tryTake();
  }

  /** Milliseconds until a command of `priority` could pass. */
  #waitFor(priority: CommandPriority): number {
    let wait = this.#total.retryAfter;
    if (priority !== "heartbeat") wait = Math.max(wait, this.#normal.retryAfter);
    if (priority === "presence") wait = Math.max(wait, this.#presence.retryAfter);
    return wait;
  }

  #drain(): void {
    for (;;) {
      let queue: Waiter[] | undefined;
      let priority: CommandPriority = "heartbeat";
      if (this.#heartbeats.length > 0 && this.#allowed("heartbeat")) {
        queue = this.#heartbeats;
      } else {
        const normal = this.#normals[0];
        const presence = this.#presences[0];
        const normalOk = normal !== undefined && this.#allowed("normal");
        const presenceOk = presence !== undefined && this.#allowed("presence");
        if (normalOk && (!presenceOk || normal.seq < presence.seq)) {
          queue = this.#normals;
          priority = "normal";
        } else if (presenceOk) {
          queue = this.#presences;
          priority = "presence";
        }
      }
      if (queue === undefined) break;
      this.#record(priority);
      const waiter = queue.shift() as Waiter;
      CommandLimiter.#release(waiter);
      waiter.resolve();
    }
  }

  #schedule(): void {
    let wait = Number.POSITIVE_INFINITY;
    if (this.#heartbeats.length > 0) wait = this.#waitFor("heartbeat");
    if (this.#normals.length > 0) wait = Math.min(wait, this.#waitFor("normal"));
    if (this.#presences.length > 0) wait = Math.min(wait, this.#waitFor("presence"));
    if (wait === Number.POSITIVE_INFINITY) {
      this.#disarm();
      return;
    }
    // At least 1 ms, so a clock whose timers fire a little early cannot spin.
    const deadline = this.#clock.now() + Math.max(1, wait);
    if (deadline >= this.#deadline) return;
    this.#disarm();
    this.#deadline = deadline;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#deadline = Number.POSITIVE_INFINITY;
        this.#drain();
        this.#schedule();
      },
      // Capped (a longer Node timer fires at once); #drain checks the time, so early is safe.
      Math.min(Math.max(1, wait), MAX_TIMER_MS),
    );
  }

  #disarm(): void {
    if (this.#deadline === Number.POSITIVE_INFINITY) return;
    this.#deadline = Number.POSITIVE_INFINITY;
    this.#clock.clearTimeout(this.#timer);
  }

  static #release(waiter: Waiter): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
  }
}
