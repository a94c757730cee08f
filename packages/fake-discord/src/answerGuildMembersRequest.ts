import type { FakeSession } from "./FakeSession.js";
import type { GuildFixture } from "./GuildFixture.js";
import type { GuildMembersRateLimit } from "./GuildMembersRateLimit.js";
import { Intents } from "./Intents.js";
import { parseGuildMembersRequest, requestGuildMembers } from "./requestGuildMembers.js";

/** @internal What {@link answerGuildMembersRequest} needs from the fake. */
export interface GuildMembersRequestHost {
  readonly guilds: readonly GuildFixture[];
  /** The op 8 limit (v10 sessions), or `undefined` when turned off. */
  readonly rateLimit: GuildMembersRateLimit | undefined;
  /** Sends a dispatch to the session (with the session's next sequence). */
  dispatch(session: FakeSession, t: string, d: unknown): void;
}

/** What the fake did with one op 8. */
export type GuildMembersRequestOutcome =
  | { outcome: "refused"; code: number; reason: string }
  | { outcome: "answered"; chunks: number }
  /** `retryAfter` in seconds, as sent in `RATE_LIMITED`. */
  | { outcome: "rate-limited"; retryAfter: number };

/**
 * Answers one op 8 of a session, as Discord does:
 * - malformed, or the whole list without GUILD_MEMBERS → `refused` (the caller closes with
 *   the code; see {@link parseGuildMembersRequest});
 * - on v10, a request for every member of a guild asked for less than the window ago →
 *   the `RATE_LIMITED` dispatch `{opcode: 8, retry_after: seconds (float), meta: {guild_id,
 *   nonce?}}` and no chunks (v6 has no such event: its sessions are not limited);
 * - else GUILD_MEMBERS_CHUNK dispatches (nothing for a guild the bot is not in or that is
 *   unavailable), without presences unless the session has GUILD_PRESENCES.
 */
export function answerGuildMembersRequest(host: GuildMembersRequestHost, session: FakeSession, d: unknown): GuildMembersRequestOutcome {
  const request = parseGuildMembersRequest(d, session.version, session.intents);
  if ("code" in request) return { outcome: "refused", code: request.code, reason: request.reason };
  // v6 without intents: presences only when the application may use GUILD_PRESENCES.
  if (request.presences && !session.hasIntent(Intents.GUILD_PRESENCES)) request.presences = false;
  const guildId = request.guildIds[0]!;
  const everyMember = request.query === "" && request.limit === 0;
  if (everyMember && session.version >= 10 && host.rateLimit !== undefined) {
    const wait = host.rateLimit.take(guildId);
    if (wait > 0) {
      const retryAfter = wait / 1000;
      const meta: Record<string, unknown> = { guild_id: guildId };
      if (request.nonce !== undefined) meta.nonce = request.nonce;
      host.dispatch(session, "RATE_LIMITED", { opcode: 8, retry_after: retryAfter, meta });
      return { outcome: "rate-limited", retryAfter };
    }
  }
  const guild = host.guilds.find((candidate) => candidate.id === guildId);
  // Discord answers nothing for a guild the bot is not in (or that is unavailable).
  if (guild === undefined || guild.unavailable) return { outcome: "answered", chunks: 0 };
  const chunks = requestGuildMembers(guild, request, session.version);
  for (const chunk of chunks) host.dispatch(session, "GUILD_MEMBERS_CHUNK", chunk);
  return { outcome: "answered", chunks: chunks.length };
}
