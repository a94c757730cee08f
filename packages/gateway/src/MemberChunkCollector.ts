import type { GatewayGuildMembersChunkDispatchData } from "discord-api-types/v10";
import { MAX_TIMER_MS, systemClock, type Clock } from "@nuwani/util";
import { GatewayError } from "./GatewayError.js";

/**
 * The fields of a GUILD_MEMBERS_CHUNK `d` the collector reads. Both the v10 type and the v6
 * one (where `chunk_index`/`chunk_count` are optional) fit.
 */
export interface MemberChunk {
  guild_id: string;
  members: readonly unknown[];
  chunk_index?: number;
  chunk_count?: number;
  not_found?: readonly unknown[];
  presences?: readonly unknown[];
  nonce?: string;
}

/** Everything one Request Guild Members (op 8) got back. */
export interface MemberRequestResult<TChunk extends MemberChunk = GatewayGuildMembersChunkDispatchData> {
  /** The request's nonce. */
  nonce: string;
  /** The guild the chunks were for. */
  guildId: string;
  /** The members of all chunks, in chunk order; empty when `collect` was off. */
  members: TChunk["members"][number][];
  /** The presences of all chunks, in chunk order; empty when `collect` was off. */
  presences: NonNullable<TChunk["presences"]>[number][];
  /** Requested user ids that are not members, always as strings. */
  notFound: string[];
  /** How many chunks made up the answer. */
  chunkCount: number;
}

/** Options of {@link MemberChunkCollector.begin}. */
export interface MemberRequestOptions<TChunk extends MemberChunk = GatewayGuildMembersChunkDispatchData> {
  /**
   * Milliseconds to wait for the first chunk, and then between two chunks, before rejecting
   * with `GATEWAY_REQUEST_TIMEOUT`; `Infinity` waits forever.
   * @defaultValue 15000
   */
  timeout?: number;
  /**
   * Called with every new chunk as it arrives (duplicates are not repeated), before the
   * promise settles. If it throws, the request rejects with that error.
   * @defaultValue undefined
   */
  onChunk?: (chunk: TChunk) => void;
  /**
   * Keep the chunks to return every member in the result. Turn off when `onChunk` consumes
   * them, so a large guild's members are not held twice.
   * @defaultValue true
   */
  collect?: boolean;
  /**
   * Gives up waiting when aborted: the request rejects with `GATEWAY_ABORTED` (or the signal's
   * reason, when that is a `GatewayError`; see {@link GatewayError.fromAbort}) and its nonce is
   * forgotten, so chunks that still come are not consumed ({@link MemberChunkCollector.handleChunk}
   * returns `false`). Already aborted: rejects at once.
   * @defaultValue undefined (no signal)
   */
  signal?: AbortSignal;
}

/** A pending member request, as returned by {@link MemberChunkCollector.begin}. */
export interface MemberRequest<TChunk extends MemberChunk = GatewayGuildMembersChunkDispatchData> {
  /** The nonce to send in op 8. */
  readonly nonce: string;
  /** Settles when every chunk arrived, on timeout, or on cancellation. */
  readonly promise: Promise<MemberRequestResult<TChunk>>;
  /**
   * Rejects the request with `error` if it is still pending.
   * @param error - @defaultValue a `GATEWAY_ABORTED` {@link GatewayError}
   */
  cancel(error?: Error): void;
}

/** Options of a {@link MemberChunkCollector}. */
export interface MemberChunkCollectorOptions {
  /** The default per-request timeout. @defaultValue 15000 */
  timeout?: number;
  /** @defaultValue `systemClock` of `@nuwani/util` (the globals, looked up lazily) */
  clock?: Clock;
}

interface Pending<TChunk extends MemberChunk> {
  readonly nonce: string;
  readonly resolve: (result: MemberRequestResult<TChunk>) => void;
  readonly reject: (error: Error) => void;
  readonly onChunk: ((chunk: TChunk) => void) | undefined;
  readonly collect: boolean;
  readonly timeout: number;
  lastChunkAt: number;
  timer: unknown;
  armed: boolean;
  /** 0 until the first chunk. */
  chunkCount: number;
  received: number;
  seen: Uint8Array | undefined;
  guildId: string;
  chunks: (TChunk | undefined)[];
  readonly notFound: string[];
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Discord's limit for op 8 nonces, in bytes. */
const MAX_NONCE_BYTES = 32;
/** Far above any real answer (a 25-million-member guild is 25 000 chunks); bounds allocation. */
const MAX_CHUNK_COUNT = 100_000;

let noncePrefix: string | undefined;
let nonceCounter = 0;

/**
 * A fresh nonce for Request Guild Members (op 8): unique within the process (a counter) and
 * unlikely to collide with another process's (a random 8-character prefix), at most 19
 * ASCII characters (Discord allows 32 bytes).
 */
export function createNonce(): string {
  noncePrefix ??= Math.floor(Math.random() * 36 ** 8)
    .toString(36)
    .padStart(8, "0");
  return `${noncePrefix}${(nonceCounter++).toString(36)}`;
}

/**
 * Assembles the GUILD_MEMBERS_CHUNK dispatches answering Request Guild Members (op 8),
 * matching them to requests by `nonce`.
 *
 * Call {@link MemberChunkCollector.begin} before sending op 8 with the returned nonce, feed
 * every GUILD_MEMBERS_CHUNK `d` to {@link MemberChunkCollector.handleChunk}, and
 * {@link MemberChunkCollector.cancelAll} when the session ends. A request completes when a
 * chunk of every `chunk_index` in `0 … chunk_count − 1` arrived, in any order; duplicates
 * are ignored.
 */
export class MemberChunkCollector<TChunk extends MemberChunk = GatewayGuildMembersChunkDispatchData> {
  readonly #clock: Clock;
  readonly #timeout: number;
  readonly #pending = new Map<string, Pending<TChunk>>();

  /** A collector with no request pending. */
  public constructor(options: MemberChunkCollectorOptions = {}) {
    this.#timeout = MemberChunkCollector.#checkTimeout(options.timeout ?? 15_000);
    this.#clock = options.clock ?? systemClock;
  }

  /** How many requests are waiting for chunks. */
  public get pending(): number {
    return this.#pending.size;
  }

  /**
   * Starts collecting the answer to one op 8 request. Send op 8 with `handle.nonce` after
   * this. Throws `GATEWAY_INVALID_OPTION` for a nonce that is empty, longer than 32 bytes or
   * already pending, or for a bad timeout.
   * @param nonce - @defaultValue {@link createNonce}()
   */
  public begin(nonce: string = createNonce(), options: MemberRequestOptions<TChunk> = {}): MemberRequest<TChunk> {
    const bytes = Buffer.byteLength(nonce, "utf8");
    if (bytes === 0 || bytes > MAX_NONCE_BYTES) throw GatewayError.invalidOption("nonce", "1 to 32 bytes long", bytes);
    if (this.#pending.has(nonce)) throw new GatewayError("GATEWAY_INVALID_OPTION", "nonce is already used by a pending request.");
    const timeout = options.timeout === undefined ? this.#timeout : MemberChunkCollector.#checkTimeout(options.timeout);

    let request!: Pending<TChunk>;
    const promise = new Promise<MemberRequestResult<TChunk>>((resolve, reject) => {
      request = {
        nonce,
        resolve,
        reject,
        onChunk: options.onChunk,
        collect: options.collect ?? true,
        timeout,
        lastChunkAt: this.#clock.now(),
        timer: undefined,
        armed: false,
        chunkCount: 0,
        received: 0,
        seen: undefined,
        guildId: "",
        chunks: [],
        notFound: [],
        signal: undefined,
        onAbort: undefined,
      };
    });
    this.#pending.set(nonce, request);
    this.#arm(request, timeout);
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#fail(request, GatewayError.fromAbort(signal));
      } else {
        request.signal = signal;
        request.onAbort = () => {
          if (this.#pending.get(nonce) === request) this.#fail(request, GatewayError.fromAbort(signal));
        };
        signal.addEventListener("abort", request.onAbort, { once: true });
      }
    }
    return {
      nonce,
      promise,
      cancel: (error = new GatewayError("GATEWAY_ABORTED", "The member request was cancelled.")) => {
        if (this.#pending.get(nonce) === request) this.#fail(request, error);
      },
    };
  }

  /**
   * Routes one GUILD_MEMBERS_CHUNK `d` to its request. Returns `false` when its nonce is
   * absent or belongs to no pending request (the chunk is then someone else's: e.g. guild
   * sync), `true` when it was consumed. A chunk whose `chunk_index`/`chunk_count` are invalid
   * or disagree with earlier chunks rejects its request with `GATEWAY_INVALID_PAYLOAD`.
   * Missing `chunk_index`/`chunk_count` (optional in the v6 types) mean a single chunk.
   * Never throws.
   */
  public handleChunk(d: TChunk): boolean {
    const nonce = d.nonce;
    if (typeof nonce !== "string") return false;
    const request = this.#pending.get(nonce);
    if (request === undefined) return false;

    if (!Array.isArray(d.members) || (d.presences != null && !Array.isArray(d.presences))) {
      this.#invalid(request, "members or presences is not an array");
      return true;
    }
    const count = d.chunk_count ?? 1;
    const index = d.chunk_index ?? 0;
    if (!Number.isInteger(count) || count < 1 || count > MAX_CHUNK_COUNT || !Number.isInteger(index) || index < 0 || index >= count) {
      this.#invalid(request, `chunk ${String(index)} of ${String(count)} is out of range`);
      return true;
    }
    if (request.chunkCount === 0) {
      request.chunkCount = count;
      request.seen = new Uint8Array(count);
      request.guildId = d.guild_id;
      if (request.collect) request.chunks = new Array<TChunk | undefined>(count);
    } else if (count !== request.chunkCount || d.guild_id !== request.guildId) {
      this.#invalid(request, "a chunk disagrees with the earlier ones on chunk_count or guild_id");
      return true;
    }
    request.lastChunkAt = this.#clock.now();

    const seen = request.seen as Uint8Array;
    if (seen[index] === 1) return true;
    seen[index] = 1;
    request.received++;
    if (Array.isArray(d.not_found)) {
      for (const id of d.not_found) {
        if (typeof id === "string") request.notFound.push(id);
        // Ids sent as JSON numbers: print integers in full, never in exponent form.
        else if (typeof id === "number") request.notFound.push(Number.isInteger(id) ? BigInt(id).toString() : String(id));
      }
    }
    if (request.collect) request.chunks[index] = d;

    if (request.onChunk) {
      try {
        request.onChunk(d);
      } catch (error) {
        this.#fail(request, error instanceof Error ? error : new GatewayError("GATEWAY_INVALID_OPTION", "onChunk threw a non-error.", { cause: error }));
        return true;
      }
      // The callback may have cancelled the request.
      if (this.#pending.get(nonce) !== request) return true;
    }
    if (request.received === request.chunkCount) this.#complete(request);
    return true;
  }

  /**
   * Rejects the pending request of `nonce` with `error` (e.g. Discord rate limited it).
   * Returns whether one was pending.
   */
  public fail(nonce: string, error: Error): boolean {
    const request = this.#pending.get(nonce);
    if (request === undefined) return false;
    this.#fail(request, error);
    return true;
  }

  /**
   * Rejects every pending request with `error` (e.g. when the session ended: its chunks will
   * never come).
   * @param error - @defaultValue a `GATEWAY_DISCONNECTED` {@link GatewayError}
   */
  public cancelAll(error: Error = new GatewayError("GATEWAY_DISCONNECTED", "Disconnected; the member request was cancelled.")): void {
    for (const request of [...this.#pending.values()]) this.#fail(request, error);
  }

  #complete(request: Pending<TChunk>): void {
    this.#settle(request);
    const members: TChunk["members"][number][] = [];
    const presences: NonNullable<TChunk["presences"]>[number][] = [];
    for (const chunk of request.chunks) {
      if (chunk === undefined) continue;
      for (const member of chunk.members) members.push(member);
      if (chunk.presences) for (const presence of chunk.presences) presences.push(presence);
    }
    request.chunks = [];
    request.resolve({
      nonce: request.nonce,
      guildId: request.guildId,
      members,
      presences,
      notFound: request.notFound,
      chunkCount: request.chunkCount,
    });
  }

  #invalid(request: Pending<TChunk>, what: string): void {
    this.#fail(request, new GatewayError("GATEWAY_INVALID_PAYLOAD", `Invalid GUILD_MEMBERS_CHUNK for nonce ${request.nonce}: ${what}.`));
  }

  #fail(request: Pending<TChunk>, error: Error): void {
    this.#settle(request);
    request.chunks = [];
    request.reject(error);
  }

  #settle(request: Pending<TChunk>): void {
    this.#pending.delete(request.nonce);
    if (request.onAbort !== undefined) {
      request.signal?.removeEventListener("abort", request.onAbort);
      request.onAbort = undefined;
      request.signal = undefined;
    }
    if (request.armed) {
      request.armed = false;
      this.#clock.clearTimeout(request.timer);
    }
  }

  /** One timer per request, re-armed only when it fires early, not on every chunk. */
  #arm(request: Pending<TChunk>, wait: number): void {
    if (request.timeout === Number.POSITIVE_INFINITY) return;
    request.armed = true;
    // Capped: a longer Node timer fires at once. Firing early re-arms for what is left.
    request.timer = this.#clock.setTimeout(() => {
      request.armed = false;
      const left = request.lastChunkAt + request.timeout - this.#clock.now();
      if (left > 0) {
        this.#arm(request, left);
        return;
      }
      this.#fail(
        request,
        new GatewayError(
          "GATEWAY_REQUEST_TIMEOUT",
          `Request Guild Members (nonce ${request.nonce}) timed out after ${request.received} of ${request.chunkCount || "?"} chunks: none came for ${request.timeout} ms.`,
        ),
      );
    }, Math.min(wait, MAX_TIMER_MS));
  }

  static #checkTimeout(timeout: number): number {
    if (Number.isNaN(timeout) || timeout <= 0) throw GatewayError.invalidOption("timeout", "a positive number of milliseconds or Infinity", timeout);
    return timeout;
  }
}
