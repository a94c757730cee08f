import { EventEmitter } from "node:events";
import { BridgeError } from "./BridgeError.js";
import { MAX_TIMER_MS, SlidingWindow, systemClock, type Clock } from "@nuwani/util";
import { ECHO_PRIORITIES, type EchoPriority } from "./formats.js";

/** Node's longest timer (2^31 − 1 ms); a longer delay would fire after 1 ms. */
const MAX_TIMER_DELAY = MAX_TIMER_MS;

/** Sends one message to a channel (by channel key); resolves once Discord accepted it. */
export type OutboxSend = (channel: string, content: string) => Promise<void>;

/** At most `limit` sends per `window` milliseconds, per channel. */
export interface OutboxRate {
  readonly limit: number;
  readonly window: number;
}

/** Options of {@link Outbox}. */
export interface OutboxOptions {
  /** The send function, e.g. the REST client's create message for the channel's id. */
  readonly send: OutboxSend;
  /** Time source. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
  /** Longest message. @defaultValue 2000 (Discord's limit) */
  readonly maxMessageLength?: number;
  /**
   * Local per-channel send rate, on top of waiting for each send to resolve (one send in
   * flight per channel); `null` relies on the send function alone.
   * @defaultValue `{ limit: 5, window: 5000 }` (Discord's create-message bucket)
   */
  readonly rate?: OutboxRate | null;
  /** Queued non-admin lines in a channel above which `normal`/`low` lines are coalesced (`low` ones without a label dropped). @defaultValue 50 */
  readonly coalesceAbove?: number;
  /** Queued non-admin lines in a channel above which lines are dropped (lower priorities evicted first). @defaultValue 500 */
  readonly maxQueued?: number;
  /** Safety valve: queued admin lines in a channel above which admin lines are dropped. @defaultValue 10000 */
  readonly maxAdminQueued?: number;
  /** Delay before retry `attempt` (1, 2, …) after a retryable failure. @defaultValue 1 s doubling to 30 s */
  readonly retryDelay?: (attempt: number) => number;
  /** Whether a send failure is worth retrying. @defaultValue every error but one with `retryable: false` */
  readonly isRetryable?: (error: unknown) => boolean;
  /**
   * A retryable failure that carries `retryAfter` (milliseconds, as `@nuwani/rest`'s
   * `REST_RATE_LIMITED` does) is retried no sooner than that, but never later than this: a
   * hostile or mistaken `retryAfter` of days must not silence a channel.
   * @defaultValue 60000
   */
  readonly maxRetryAfter?: number;
  /** Latency samples kept per priority (the most recent ones). @defaultValue 10000 */
  readonly latencySamples?: number;
}

/** Line counts of one priority, or of all. */
export interface OutboxCounts {
  /** Lines given to `enqueue`. */
  readonly emitted: number;
  /** Lines Discord accepted. */
  readonly delivered: number;
  /** Lines folded into a `… and N more` summary. */
  readonly coalesced: number;
  /** Lines given up on (overload, or a send failure that is not retryable). */
  readonly dropped: number;
  /** Lines waiting or in flight. Always `emitted = delivered + coalesced + dropped + queued`. */
  readonly queued: number;
}

/** {@link Outbox.stats}: totals plus the same counts per priority. */
export interface OutboxStats extends OutboxCounts {
  readonly byPriority: Readonly<Record<EchoPriority, OutboxCounts>>;
}

/** Enqueue → delivered latency of one priority, in milliseconds, over the kept samples. */
export interface OutboxLatency {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Events of an {@link Outbox}. */
export interface OutboxEvents {
  /** A message was accepted: its channel, content and how many whole lines it completed. */
  sent: [channel: string, content: string, lines: number];
  /** A send failed (`BRIDGE_SEND_FAILED`); `error.retryable` tells whether it is retried. */
  failure: [error: BridgeError];
}

interface Line {
  readonly kind: "line";
  text: string;
  readonly priority: EchoPriority;
  readonly at: number;
  inFlight: boolean;
}

interface Summary {
  readonly kind: "summary";
  readonly key: string;
  count: number;
  readonly priority: EchoPriority;
}

type Entry = Line | Summary;

interface Batch {
  readonly entries: Entry[];
  readonly partial: { readonly line: Line; readonly length: number } | undefined;
  readonly content: string;
}

interface ChannelState {
  readonly queues: Record<EchoPriority, Entry[]>;
  /** Open summaries (queued, not in flight) by coalesce key. */
  readonly summaries: Map<string, Summary>;
  /** Lines queued or in flight: admin, and the rest. */
  admin: number;
  other: number;
  sending: boolean;
  timer: unknown;
  attempt: number;
  /** This channel's sends within the rate window; `null` without a local rate. */
  readonly sends: SlidingWindow | null;
  /** When the last send started (clock time); `-Infinity` before the first. */
  lastSend: number;
}

type MutableCounts = { -readonly [K in keyof OutboxCounts]: OutboxCounts[K] };

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `${field} must be a positive integer`, { field });
  }
  return value;
}

/**
 * Splits off the first message-sized chunk of a line longer than a message: at a line break
 * or space in the last quarter when there is one, never inside a surrogate pair, and never
 * between a backslash and the character it escapes.
 */
function chunkOf(text: string, max: number): string {
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  const space = Math.max(text.lastIndexOf("\n", end - 1), text.lastIndexOf(" ", end - 1));
  if (space >= Math.floor(max * 0.75)) end = space + 1;
  let backslashes = 0;
  while (backslashes < end && text[end - 1 - backslashes] === "\\") backslashes++;
  if (backslashes % 2 === 1 && end > 1) end--;
  return text.slice(0, end);
}

/**
 * The priority outbox in front of Discord. Lines are queued per channel and batched into
 * messages of at most 2000 characters (lines joined with `\n`; a longer line is split across
 * messages). Each channel has at most one send in flight and, by default, at most 5 sends per
 * 5 s; the next batch goes as soon as both allow. Priorities: `admin` lines go first and are
 * never coalesced or dropped; under overload `normal`/`low` lines with a coalesce key become
 * `… and 37 more joins`, and beyond `maxQueued` lines are dropped, lowest priority first.
 * While the sender fails (a retryable rejection) or after `pause()`, lines wait in bounded
 * memory and flush after `resume()` or the retry delay. Every line is accounted for in
 * {@link Outbox.stats}.
 */
export class Outbox extends EventEmitter<OutboxEvents> {
  readonly #send: OutboxSend;
  readonly #clock: Clock;
  readonly #max: number;
  readonly #rate: OutboxRate | null;
  readonly #coalesceAbove: number;
  readonly #maxQueued: number;
  readonly #maxAdminQueued: number;
  readonly #retryDelay: (attempt: number) => number;
  readonly #isRetryable: (error: unknown) => boolean;
  readonly #maxRetryAfter: number;
  readonly #samplesKept: number;
  readonly #channels = new Map<string, ChannelState>();
  readonly #counts = Object.fromEntries(
    ECHO_PRIORITIES.map((p) => [p, { emitted: 0, delivered: 0, coalesced: 0, dropped: 0, queued: 0 }]),
  ) as Record<EchoPriority, MutableCounts>;
  readonly #samples = Object.fromEntries(ECHO_PRIORITIES.map((p) => [p, [] as number[]])) as Record<EchoPriority, number[]>;
  readonly #sampleIndex = Object.fromEntries(ECHO_PRIORITIES.map((p) => [p, 0])) as Record<EchoPriority, number>;
  #paused = false;
  #destroyed = false;

  /**
   * An empty outbox sending through `options.send`, within its rate and length limits.
   * @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` for an unusable option.
   */
  constructor(options: OutboxOptions) {
    super();
    if (typeof options.send !== "function") {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "send must be a function", { field: "send" });
    }
    this.#send = options.send;
    this.#clock = options.clock ?? systemClock;
    this.#max = positiveInteger(options.maxMessageLength ?? 2000, "maxMessageLength");
    if (this.#max < 16) throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "maxMessageLength must be at least 16", { field: "maxMessageLength" });
    const rate = options.rate === undefined ? { limit: 5, window: 5000 } : options.rate;
    if (rate !== null) {
      positiveInteger(rate.limit, "rate.limit");
      positiveInteger(rate.window, "rate.window");
      if (rate.limit > 10_000) throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "rate.limit must be at most 10000", { field: "rate.limit" });
      if (rate.window > MAX_TIMER_DELAY) throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `rate.window must be at most ${MAX_TIMER_DELAY} ms`, { field: "rate.window" });
    }
    this.#rate = rate;
    this.#coalesceAbove = positiveInteger(options.coalesceAbove ?? 50, "coalesceAbove");
    this.#maxQueued = positiveInteger(options.maxQueued ?? 500, "maxQueued");
    if (this.#maxQueued < this.#coalesceAbove) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "maxQueued must be at least coalesceAbove", { field: "maxQueued" });
    }
    this.#maxAdminQueued = positiveInteger(options.maxAdminQueued ?? 10_000, "maxAdminQueued");
    this.#retryDelay = options.retryDelay ?? ((attempt) => Math.min(30_000, 1000 * 2 ** (attempt - 1)));
    this.#isRetryable =
      options.isRetryable ?? ((error) => !(typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === false));
    this.#samplesKept = positiveInteger(options.latencySamples ?? 10_000, "latencySamples");
    this.#maxRetryAfter = positiveInteger(options.maxRetryAfter ?? 60_000, "maxRetryAfter");
    if (this.#maxRetryAfter > MAX_TIMER_DELAY) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `maxRetryAfter must be at most ${MAX_TIMER_DELAY} ms`, { field: "maxRetryAfter" });
    }
  }

  /** Line counts, in total and per priority. */
  get stats(): OutboxStats {
    const byPriority = Object.fromEntries(ECHO_PRIORITIES.map((p) => [p, { ...this.#counts[p] }])) as Record<EchoPriority, OutboxCounts>;
    const total = (key: keyof OutboxCounts): number => ECHO_PRIORITIES.reduce((sum, p) => sum + byPriority[p][key], 0);
    return {
      emitted: total("emitted"),
      delivered: total("delivered"),
      coalesced: total("coalesced"),
      dropped: total("dropped"),
      queued: total("queued"),
      byPriority,
    };
  }

  /** Whether `pause()` is in effect. */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Queues a line for a channel. Never throws for overload: the line is queued, coalesced or
   * dropped, and counted.
   * @param channel - channel key, passed to `send` as is
   * @param text - the line, already escaped for Discord
   * @param priority - @defaultValue `"normal"`
   * @param coalesceKey - label for `… and N more <label>` under overload, or `null`
   * @throws {@link BridgeError} `BRIDGE_DESTROYED` after `destroy()`, `BRIDGE_INVALID_ARGUMENT` for an unknown priority
   */
  enqueue(channel: string, text: string, priority: EchoPriority = "normal", coalesceKey: string | null = null): void {
    if (this.#destroyed) throw new BridgeError("BRIDGE_DESTROYED", "the outbox was destroyed");
    if (!ECHO_PRIORITIES.includes(priority)) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "priority must be one of admin, high, normal, low", { field: "priority" });
    }
    const counts = this.#counts[priority];
    counts.emitted++;
    if (text.trim() === "") {
      counts.dropped++;
      return;
    }
    const state = this.#channel(channel);
    if (priority === "admin") {
      if (state.admin >= this.#maxAdminQueued) {
        counts.dropped++;
        return;
      }
      this.#push(state, { kind: "line", text, priority, at: this.#clock.now(), inFlight: false });
      return this.#flush(channel);
    }
    if (state.other >= this.#maxQueued) {
      if (!this.#evictBelow(state, priority)) {
        counts.dropped++;
        return;
      }
    } else if (state.other >= this.#coalesceAbove && (priority === "normal" || priority === "low")) {
      if (coalesceKey !== null) {
        let summary = state.summaries.get(coalesceKey);
        if (summary === undefined) {
          summary = { kind: "summary", key: coalesceKey, count: 0, priority };
          state.summaries.set(coalesceKey, summary);
          state.queues[priority].push(summary);
        }
        summary.count++;
        counts.coalesced++;
        return this.#flush(channel);
      }
      if (priority === "low") {
        counts.dropped++;
        return;
      }
    }
    this.#push(state, { kind: "line", text, priority, at: this.#clock.now(), inFlight: false });
    this.#flush(channel);
  }

  /** Stops sending (lines keep queueing) until `resume()`, e.g. while Discord is unreachable. */
  pause(): void {
    this.#paused = true;
  }

  /** Sends again, at once: pending retry delays are skipped. */
  resume(): void {
    if (this.#destroyed) return;
    this.#paused = false;
    for (const [channel, state] of this.#channels) {
      if (!state.sending && state.timer !== undefined) {
        this.#clock.clearTimeout(state.timer);
        state.timer = undefined;
      }
      state.attempt = 0;
      this.#flush(channel);
    }
  }

  /** Enqueue → delivered latency of delivered lines of a priority (the most recent samples). */
  latency(priority: EchoPriority): OutboxLatency {
    const samples = [...this.#samples[priority]].sort((a, b) => a - b);
    const at = (q: number): number => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? 0;
    return { count: samples.length, p50: at(0.5), p99: at(0.99), max: samples.at(-1) ?? 0 };
  }

  /**
   * Final and synchronous: stops all timers; queued lines stay counted as queued. Further
   * `enqueue` calls throw `BRIDGE_DESTROYED`. Harmless twice.
   */
  destroy(): void {
    this.#destroyed = true;
    for (const state of this.#channels.values()) {
      if (state.timer !== undefined) this.#clock.clearTimeout(state.timer);
      state.timer = undefined;
    }
  }
  /** @deprecated Use {@link Outbox.destroy}; kept for one release. */
  dispose(): void {
    this.destroy();
  }


  #channel(channel: string): ChannelState {
    let state = this.#channels.get(channel);
    if (state === undefined) {
      state = {
        queues: { admin: [], high: [], normal: [], low: [] },
        summaries: new Map(),
        admin: 0,
        other: 0,
        sending: false,
        timer: undefined,
        attempt: 0,
        sends: this.#rate === null ? null : new SlidingWindow({ ...this.#rate, clock: this.#clock }),
        lastSend: -Infinity,
      };
      this.#channels.set(channel, state);
    }
    return state;
  }

  #push(state: ChannelState, line: Line): void {
    state.queues[line.priority].push(line);
    this.#counts[line.priority].queued++;
    if (line.priority === "admin") state.admin++;
    else state.other++;
  }

  /** Lines leave the queue (delivered or dropped). */
  #settle(state: ChannelState, line: Line, outcome: "delivered" | "dropped"): void {
    const counts = this.#counts[line.priority];
    counts.queued--;
    counts[outcome]++;
    if (line.priority === "admin") state.admin--;
    else state.other--;
    if (outcome === "delivered") this.#sample(line.priority, this.#clock.now() - line.at);
  }

  #sample(priority: EchoPriority, latency: number): void {
    const samples = this.#samples[priority];
    if (samples.length < this.#samplesKept) samples.push(latency);
    else {
      samples[this.#sampleIndex[priority]] = latency;
      this.#sampleIndex[priority] = (this.#sampleIndex[priority] + 1) % this.#samplesKept;
    }
  }

  /** Drops the newest queued line of the lowest priority below `priority`; false if none. */
  #evictBelow(state: ChannelState, priority: EchoPriority): boolean {
    for (const lower of [...ECHO_PRIORITIES].reverse()) {
      if (lower === priority) return false;
      const queue = state.queues[lower];
      for (let i = queue.length - 1; i >= 0; i--) {
        const entry = queue[i]!;
        if (entry.kind === "line" && !entry.inFlight) {
          queue.splice(i, 1);
          this.#settle(state, entry, "dropped");
          return true;
        }
      }
    }
    return false;
  }

  #text(entry: Entry): string {
    return entry.kind === "line" ? entry.text : `… and ${entry.count} more ${entry.key}`;
  }

  #batch(state: ChannelState): Batch | undefined {
    const entries: Entry[] = [];
    let content = "";
    for (const priority of ECHO_PRIORITIES) {
      const queue = state.queues[priority];
      for (let head = queue[0]; head !== undefined; head = queue[0]) {
        const text = this.#text(head);
        if (entries.length === 0 && text.length > this.#max && head.kind === "line") {
          const chunk = chunkOf(text, this.#max);
          head.inFlight = true;
          return { entries, partial: { line: head, length: chunk.length }, content: chunk };
        }
        const joined = entries.length === 0 ? text : `${content}\n${text}`;
        if (joined.length > this.#max) return { entries, partial: undefined, content };
        queue.shift();
        if (head.kind === "summary") state.summaries.delete(head.key);
        entries.push(head);
        content = joined;
      }
    }
    return entries.length === 0 ? undefined : { entries, partial: undefined, content };
  }

  /**
   * Milliseconds before the channel's next send may start (0: now). The window's limit is a
   * hard wait. Within it, sends are paced: once `⌊limit / 2⌋` sends of the window are spent, a
   * message that is not full waits until `window / limit` after the previous send, so that the
   * lines arriving meanwhile join it. Spending the whole budget at once on a few lines each,
   * then waiting out the window, let a light but steady stream (half of what the rate carries)
   * pile up beyond `coalesceAbove` during the wait. A full message never waits for the pace
   * (waiting would not make it carry more), nor does a channel that is coalescing already (a
   * summary is queued): pacing is for light load, and overload keeps its behaviour.
   */
  #rateWait(state: ChannelState): number {
    const sends = state.sends;
    if (sends === null || this.#rate === null) return 0;
    if (sends.full) return sends.retryAfter;
    if (sends.count < Math.max(1, Math.floor(this.#rate.limit / 2)) || state.summaries.size > 0 || this.#fillsMessage(state)) return 0;
    return state.lastSend + this.#rate.window / this.#rate.limit - this.#clock.now();
  }

  /** Whether the queued entries fill at least one whole message. */
  #fillsMessage(state: ChannelState): boolean {
    let length = -1;
    for (const priority of ECHO_PRIORITIES) {
      for (const entry of state.queues[priority]) {
        length += this.#text(entry).length + 1;
        if (length >= this.#max) return true;
      }
    }
    return false;
  }

  #flush(channel: string): void {
    const state = this.#channels.get(channel);
    if (state === undefined || this.#paused || this.#destroyed || state.sending || state.timer !== undefined) return;
    if (ECHO_PRIORITIES.every((p) => state.queues[p].length === 0)) return;
    const rateWait = this.#rateWait(state);
    if (rateWait > 0) {
      // Whole milliseconds, at least 1: with a clock of fractional milliseconds a wait of a
      // rounding error would otherwise come back just short of the window, again and again.
      const wait = Math.min(MAX_TIMER_DELAY, Math.max(1, Math.ceil(rateWait)));
      state.timer = this.#clock.setTimeout(() => {
        state.timer = undefined;
        this.#flush(channel);
      }, wait);
      return;
    }
    const batch = this.#batch(state);
    if (batch === undefined) return;
    state.sending = true;
    state.sends?.record();
    state.lastSend = this.#clock.now();
    let sending: Promise<void>;
    try {
      sending = Promise.resolve(this.#send(channel, batch.content));
    } catch (error) {
      sending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    sending
      .then(
        () => this.#delivered(channel, state, batch),
        (error: unknown) => this.#failed(channel, state, batch, error),
      )
      .catch(() => {
        // A `sent` or `failure` listener threw. The outbox went on regardless (see the
        // `finally` blocks); the error has no caller to reach, and an unhandled rejection
        // would end the process.
      });
  }

  #delivered(channel: string, state: ChannelState, batch: Batch): void {
    state.sending = false;
    state.attempt = 0;
    let lines = 0;
    for (const entry of batch.entries) {
      if (entry.kind === "line") {
        this.#settle(state, entry, "delivered");
        lines++;
      }
    }
    if (batch.partial !== undefined) {
      batch.partial.line.text = batch.partial.line.text.slice(batch.partial.length);
      batch.partial.line.inFlight = false;
    }
    try {
      this.emit("sent", channel, batch.content, lines);
    } finally {
      this.#flush(channel);
    }
  }

  #failed(channel: string, state: ChannelState, batch: Batch, cause: unknown): void {
    state.sending = false;
    let retryable: boolean;
    try {
      retryable = this.#isRetryable(cause);
    } catch {
      retryable = true;
    }
    if (batch.partial !== undefined) batch.partial.line.inFlight = false;
    if (retryable) {
      for (const entry of [...batch.entries].reverse()) {
        if (entry.kind === "summary") {
          const open = state.summaries.get(entry.key);
          if (open !== undefined) {
            entry.count += open.count;
            const queue = state.queues[open.priority];
            queue.splice(queue.indexOf(open), 1);
          }
          state.summaries.set(entry.key, entry);
        }
        state.queues[entry.priority].unshift(entry);
      }
    } else {
      for (const entry of batch.entries) if (entry.kind === "line") this.#settle(state, entry, "dropped");
      if (batch.partial !== undefined) {
        const queue = state.queues[batch.partial.line.priority];
        queue.splice(queue.indexOf(batch.partial.line), 1);
        this.#settle(state, batch.partial.line, "dropped");
      }
    }
    const message = `sending to channel "${channel}" failed${retryable ? "; retrying" : "; its lines were dropped"}`;
    try {
      this.emit("failure", new BridgeError("BRIDGE_SEND_FAILED", message, { channel, retryable, cause }));
    } finally {
      this.#afterFailure(channel, state, retryable, cause);
    }
  }

  #afterFailure(channel: string, state: ChannelState, retryable: boolean, cause: unknown): void {
    if (this.#destroyed) return;
    if (retryable) {
      state.attempt++;
      let delay: number;
      try {
        delay = this.#retryDelay(state.attempt);
      } catch {
        delay = 1000;
      }
      if (!(Number.isFinite(delay) && delay >= 0)) delay = 1000;
      const retryAfter = typeof cause === "object" && cause !== null ? (cause as { retryAfter?: unknown }).retryAfter : undefined;
      if (typeof retryAfter === "number" && retryAfter > 0) delay = Math.max(delay, Math.min(retryAfter, this.#maxRetryAfter));
      state.timer = this.#clock.setTimeout(
        () => {
          state.timer = undefined;
          this.#flush(channel);
        },
        Math.min(delay, MAX_TIMER_DELAY),
      );
    } else {
      this.#flush(channel);
    }
  }
}
