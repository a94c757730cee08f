// The member sync of large guilds: op 8 requests through the attached gateway, the chunks
// that answer them, retries after Discord's op 8 rate limit, and the mark-and-sweep that ends
// a sync. Internal: the dispatch handlers start, cancel and complete syncs through it.
import { GatewayError } from "@nuwani/gateway";
import type { Clock } from "@nuwani/util";
import { isRecord } from "@nuwani/util";
import type { TrackerEmit, TrackerReporter } from "./TrackerContext.js";
import { TrackerError } from "./TrackerError.js";
import type { TrackerGateway, TrackerMemberChunk } from "./TrackerGateway.js";
import type { GuildState, TrackerStore } from "./TrackerStore.js";

/** A guild's member sync in progress. */
export interface SyncState {
  /** The nonce of the tracker's own op 8, once its first chunk arrived. */
  nonce: string | undefined;
  /** Whether the tracker asked the gateway (else chunks fed through `handle()` complete it). */
  requested: boolean;
  /** Chunks seen per nonce. */
  readonly chunks: Map<string, { count: number; seen: Set<number> }>;
  received: number;
  /** Requests made so far (1 + retries after GATEWAY_RATE_LIMITED). */
  attempts: number;
  /** The timer of a pending retry, if any. */
  retryTimer: unknown;
}

/** What a {@link MemberSync} works with. */
export interface MemberSyncOptions {
  readonly store: TrackerStore;
  readonly report: TrackerReporter;
  readonly emit: TrackerEmit;
  /** Waits before a retry after GATEWAY_RATE_LIMITED. */
  readonly clock: Clock;
  /** Whether to request members (op 8) at all. */
  readonly syncMembers: boolean;
  /** Retries after GATEWAY_RATE_LIMITED before TRACKER_SYNC_FAILED. */
  readonly retries: number;
  /** The longest wait before a retry, in ms. */
  readonly maxRetryDelay: number;
  /** Queues a GUILD_MEMBERS_CHUNK `d` answering the tracker's own request, to be applied in order. */
  readonly enqueueChunk: (chunk: TrackerMemberChunk) => void;
}

/** A gateway's "op 8 was rate limited" rejection, recognised by shape (any gateway may send it). */
export function rateLimitedRetryAfter(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, retryAfter } = error as { code?: unknown; retryAfter?: unknown };
  if (code !== "GATEWAY_RATE_LIMITED" || typeof retryAfter !== "number" || !(retryAfter >= 0)) return undefined;
  return retryAfter;
}

/**
 * Syncs every member of guilds whose GUILD_CREATE did not carry them all: asks the gateway
 * (op 8, `query: ""`, `limit: 0`), counts the chunks answering it (fed back through
 * {@link MemberSync.chunkDone}), retries after `GATEWAY_RATE_LIMITED`, and finishes the
 * guild's mark-and-sweep when the last chunk is in.
 */
export class MemberSync {
  /** The gateway to request members from, while one is attached. */
  gateway: TrackerGateway | null = null;
  readonly #options: MemberSyncOptions;
  /** Nonces of the tracker's own member requests: their chunk dispatches come via `onChunk`. */
  readonly #ownNonces = new Set<string>();

  constructor(options: MemberSyncOptions) {
    this.#options = options;
  }

  /** Whether `nonce` is one of the tracker's own requests (its chunks come through `onChunk`). */
  isOwn(nonce: string): boolean {
    return this.#ownNonces.has(nonce);
  }

  /** A new session: no request of the old one is the tracker's any more. */
  forgetRequests(): void {
    this.#ownNonces.clear();
  }

  /** Starts syncing a guild's members: asks the gateway, or waits for chunks fed through `handle()`. */
  start(guild: GuildState): void {
    const sync: SyncState = { nonce: undefined, requested: false, chunks: new Map(), received: 0, attempts: 0, retryTimer: undefined };
    guild.sync = sync;
    const gateway = this.gateway;
    if (gateway === null || !this.#options.syncMembers) {
      this.#options.report.debug(`guild ${guild.id}: waiting for GUILD_MEMBERS_CHUNK to sync its members`);
      return;
    }
    sync.requested = true;
    this.#request(guild, sync, gateway);
  }

  /** Drops a guild's member sync, with its pending retry. */
  cancel(guild: GuildState): void {
    const sync = guild.sync;
    if (sync === null) return;
    if (sync.retryTimer !== undefined) this.#options.clock.clearTimeout(sync.retryTimer);
    sync.retryTimer = undefined;
    guild.sync = null;
  }

  /** Drops every pending retry (the gateway is being detached). */
  cancelRetries(): void {
    for (const guild of this.#options.store.guilds.values()) {
      if (guild.sync?.retryTimer !== undefined) this.cancel(guild);
    }
  }

  /** Ends a mark-and-sweep: members not seen since GUILD_CREATE are gone. */
  finish(guild: GuildState): void {
    const { store, emit, report } = this.#options;
    this.cancel(guild);
    if (guild.refreshing) {
      guild.refreshing = false;
      const gone = guild.members.unmarked();
      for (const slot of gone) {
        const view = store.memberView(guild, slot);
        store.removeMember(guild, slot);
        emit("memberLeave", view, "swept");
      }
      if (gone.length > 0) report.debug(`guild ${guild.id}: ${gone.length} member(s) left while disconnected`);
    }
    guild.synced = true;
    emit("synced", store.guildView(guild));
  }

  /** A GUILD_MEMBERS_CHUNK of `count` members was applied to `guild`: counts it, and finishes the sync with the last one. */
  chunkDone(guild: GuildState, d: Record<string, unknown>, count: number): void {
    const sync = guild.sync;
    if (sync === null || this.#options.store.guilds.get(guild.id) !== guild) return;
    const nonce = typeof d.nonce === "string" ? d.nonce : "";
    // With a gateway attached only the tracker's own request completes the sync; fed
    // through handle(), any complete answer does.
    if (sync.requested && nonce !== sync.nonce) return;
    const chunkCount = typeof d.chunk_count === "number" && d.chunk_count >= 1 ? d.chunk_count : 1;
    const chunkIndex = typeof d.chunk_index === "number" ? d.chunk_index : 0;
    let entry = sync.chunks.get(nonce);
    if (entry === undefined) sync.chunks.set(nonce, (entry = { count: chunkCount, seen: new Set() }));
    if (entry.seen.has(chunkIndex)) return;
    entry.seen.add(chunkIndex);
    sync.received += count;
    this.#options.emit("syncProgress", guild.id, sync.received, guild.memberCount);
    if (entry.seen.size >= entry.count) {
      if (sync.nonce !== undefined) this.#ownNonces.delete(sync.nonce);
      this.finish(guild);
    }
  }

  /** Sends (or re-sends) the op 8 of a member sync; `sync` must be the guild's current one. */
  #request(guild: GuildState, sync: SyncState, gateway: TrackerGateway): void {
    sync.attempts++;
    this.#options.report.debug(`guild ${guild.id}: requesting ${guild.memberCount} member(s)${sync.attempts > 1 ? ` (attempt ${sync.attempts})` : ""}`);
    const onChunk = (chunk: TrackerMemberChunk): void => {
      if (!isRecord(chunk)) return;
      if (sync.nonce === undefined && typeof chunk.nonce === "string") {
        sync.nonce = chunk.nonce;
        if (guild.sync === sync) this.#ownNonces.add(chunk.nonce);
      }
      this.#options.enqueueChunk(chunk);
    };
    let request: Promise<unknown>;
    try {
      request = gateway.requestGuildMembers({ guildId: guild.id, query: "", limit: 0 }, { onChunk, collect: false });
    } catch (error) {
      request = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    request.then(
      () => undefined,
      (error: unknown) => this.#failed(guild, sync, gateway, error),
    );
  }

  /** The op 8 was rejected: retry after a rate limit, or give the sync up (reported unless the session was lost). */
  #failed(guild: GuildState, sync: SyncState, gateway: TrackerGateway, error: unknown): void {
    const { report, clock } = this.#options;
    if (sync.nonce !== undefined) this.#ownNonces.delete(sync.nonce);
    sync.nonce = undefined;
    if (!this.#current(guild, sync)) return;
    const retryAfter = rateLimitedRetryAfter(error);
    if (retryAfter !== undefined && sync.attempts <= this.#options.retries && this.gateway === gateway) {
      // Discord allows one request for every member of a guild per 30 s: wait, then ask again.
      const wait = Math.min(Math.ceil(retryAfter), this.#options.maxRetryDelay);
      report.debug(`guild ${guild.id}: member sync rate limited, retrying in ${wait} ms`);
      sync.retryTimer = clock.setTimeout(() => {
        sync.retryTimer = undefined;
        if (!this.#current(guild, sync) || this.gateway !== gateway) return;
        this.#request(guild, sync, gateway);
      }, wait);
      return;
    }
    guild.sync = null;
    if (GatewayError.is(error, "GATEWAY_DISCONNECTED") || GatewayError.is(error, "GATEWAY_DESTROYED")) {
      // The session was lost: the next READY and GUILD_CREATE rebuild the guild anyway.
      report.debug(`guild ${guild.id}: member sync cancelled, the session was lost`);
      return;
    }
    const tries = retryAfter === undefined ? "" : ` (rate limited ${sync.attempts} time(s))`;
    report.error(
      new TrackerError("TRACKER_SYNC_FAILED", `The member sync of guild ${guild.id} failed${tries}: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      }),
    );
  }

  /** Whether `sync` is still the sync of `guild`, and `guild` still in the store. */
  #current(guild: GuildState, sync: SyncState): boolean {
    return guild.sync === sync && this.#options.store.guilds.get(guild.id) === guild;
  }
}
