/**
 * A dispatch (op 0) as the gateway delivers it, v6 or v10: `GatewayConnection`'s `dispatch`
 * payloads fit, and so does any `{ t, d }` object.
 */
export interface TrackerDispatch {
  /** The event name, e.g. `"GUILD_CREATE"`. */
  readonly t: string | null;
  /** The event data. */
  readonly d: unknown;
  readonly op?: number;
  readonly s?: number | null;
}

/**
 * What the tracker needs from a gateway: `GatewayConnection` (v6 or v10) fits, and so does
 * a test double. `requestGuildMembers` is op 8; its `onChunk` must be called with each
 * GUILD_MEMBERS_CHUNK `d` answering it, before the chunk's `dispatch` event. When Discord
 * answers with the `RATE_LIMITED` dispatch, the promise should reject with an error whose
 * `code` is `"GATEWAY_RATE_LIMITED"` and whose `retryAfter` is the wait in milliseconds: the
 * tracker then retries (see `syncRetries`).
 */
export interface TrackerGateway {
  /** Adds a listener for every dispatch, in sequence order. */
  on(event: "dispatch", listener: (payload: TrackerDispatch) => void): unknown;
  /** Removes a `dispatch` listener. */
  off(event: "dispatch", listener: (payload: TrackerDispatch) => void): unknown;
  /** Requests a guild's members (op 8); `onChunk` gets each GUILD_MEMBERS_CHUNK `d` answering it. */
  requestGuildMembers(
    request: { guildId: string; query: string; limit: number },
    options: { onChunk: (chunk: TrackerMemberChunk) => void; collect?: boolean },
  ): Promise<unknown>;
}

/** The GUILD_MEMBERS_CHUNK `d` fields a {@link TrackerGateway} hands to `onChunk`. */
export interface TrackerMemberChunk {
  guild_id: string;
  members: readonly unknown[];
  chunk_index?: number;
  chunk_count?: number;
  presences?: readonly unknown[];
  nonce?: string;
}
