import { isRecord } from "@nuwani/util";
import type { GuildFixture, MemberFixture } from "./GuildFixture.js";
import { Intents } from "./Intents.js";
import { type GatewayVersion, serializeMember, serializePresence } from "./serializeGuild.js";

/** An op 8 `d` the fake accepted. */
export interface GuildMembersRequest {
  /** The one guild asked for (a list, for compatibility; Discord takes one guild per request). */
  guildIds: string[];
  /** Username prefix (case-insensitive); `""` is every member. Absent with `userIds`. */
  query: string | undefined;
  /** The effective limit: 0 (none) or a positive cap (at most 100 with a non-empty query). */
  limit: number;
  /** As sent (strings, or numbers: echoed as numbers in `not_found`). */
  userIds: Array<string | number> | undefined;
  /** Whether presences are sent: asked for, and allowed by the intents. */
  presences: boolean;
  /** Echoed in every chunk; a nonce over 32 characters is ignored, as Discord does. */
  nonce: string | undefined;
}

/** Why an op 8 was refused: the connection is closed with `code`. */
export interface GuildMembersRefusal {
  code: number;
  reason: string;
}

/** Members per GUILD_MEMBERS_CHUNK. */
export const MEMBERS_PER_CHUNK = 1000;

const MAX_USER_IDS = 100;
const MAX_QUERY_RESULTS = 100;

function refuse(code: number, reason: string): GuildMembersRefusal {
  return { code, reason };
}

/**
 * Validates an op 8 `d` (PROTOCOL.md §2; discord-api-docs "Request Guild Members") for a
 * session with `intents` (`undefined`: none given on v6, so no intent is checked):
 * - malformed (no or bad `guild_id` — an array of guild ids included, on v6 as on v10: one
 *   guild per request since 2020-10 —, both or neither of `query` and `user_ids`, `query`
 *   without an integer `limit`, more than 100 `user_ids`) → 4001;
 * - the whole list (`query: ""`) without GUILD_MEMBERS → 4013.
 *
 * `presences: true` without GUILD_PRESENCES is accepted and answered without presences
 * ("Otherwise, it will always be false"), never closed.
 */
export function parseGuildMembersRequest(
  d: unknown,
  _version: GatewayVersion,
  intents: number | undefined,
): GuildMembersRequest | GuildMembersRefusal {
  if (!isRecord(d)) return refuse(4001, "Invalid request guild members payload");
  const rawGuild = d.guild_id;
  if (typeof rawGuild !== "string") return refuse(4001, "Invalid guild_id");
  const guildIds = [rawGuild];

  const hasQuery = d.query !== undefined && d.query !== null;
  const hasIds = d.user_ids !== undefined && d.user_ids !== null;
  if (hasQuery === hasIds) return refuse(4001, "Exactly one of query and user_ids is required");

  let query: string | undefined;
  let limit = 0;
  let userIds: Array<string | number> | undefined;
  if (hasQuery) {
    if (typeof d.query !== "string") return refuse(4001, "Invalid query");
    if (typeof d.limit !== "number" || !Number.isInteger(d.limit) || d.limit < 0) return refuse(4001, "Invalid limit");
    query = d.query;
    limit = query === "" ? d.limit : Math.min(d.limit === 0 ? MAX_QUERY_RESULTS : d.limit, MAX_QUERY_RESULTS);
  } else {
    const ids: unknown[] = Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids];
    if (ids.length > MAX_USER_IDS) return refuse(4001, "Too many user_ids");
    if (!ids.every((id) => typeof id === "string" || (typeof id === "number" && Number.isInteger(id)))) {
      return refuse(4001, "Invalid user_ids");
    }
    userIds = ids as Array<string | number>;
  }
  if (d.presences !== undefined && typeof d.presences !== "boolean") return refuse(4001, "Invalid presences");
  const presences = d.presences === true && (intents === undefined || (intents & Intents.GUILD_PRESENCES) !== 0);

  if (intents !== undefined && query === "" && (intents & Intents.GUILD_MEMBERS) === 0) return refuse(4013, "Invalid intent(s)");
  const nonce = typeof d.nonce === "string" && d.nonce.length <= 32 ? d.nonce : undefined;
  return { guildIds, query, limit, userIds, presences, nonce };
}

/** The members an accepted request selects, and (for `user_ids`) the ids not found. */
export function selectMembers(
  guild: GuildFixture,
  request: GuildMembersRequest,
): { members: MemberFixture[]; notFound: Array<string | number> | undefined } {
  if (request.userIds !== undefined) {
    const wanted = new Map<string, string | number>();
    for (const id of request.userIds) wanted.set(String(id), id);
    const found = new Map<string, MemberFixture>();
    for (const member of guild.members) if (wanted.has(member.user.id)) found.set(member.user.id, member);
    const members: MemberFixture[] = [];
    const notFound: Array<string | number> = [];
    for (const [key, original] of wanted) {
      const member = found.get(key);
      if (member === undefined) notFound.push(original);
      else members.push(member);
    }
    return { members, notFound };
  }
  const prefix = (request.query ?? "").toLowerCase();
  const cap = request.limit === 0 ? Number.POSITIVE_INFINITY : request.limit;
  const members: MemberFixture[] = [];
  for (const member of guild.members) {
    if (members.length >= cap) break;
    if (prefix === "" || member.user.username.toLowerCase().startsWith(prefix)) members.push(member);
  }
  return { members, notFound: undefined };
}

/**
 * Answers an accepted request for one guild: the `d` of every GUILD_MEMBERS_CHUNK, at most
 * 1000 members each, with `chunk_index`/`chunk_count`, `nonce` when given, `not_found` (in
 * the first chunk) for `user_ids` requests, and `presences` (non-offline members of the
 * chunk) when asked. Always at least one chunk, even when nothing matched.
 */
export function requestGuildMembers(
  guild: GuildFixture,
  request: GuildMembersRequest,
  version: GatewayVersion,
): Array<Record<string, unknown>> {
  const { members, notFound } = selectMembers(guild, request);
  const count = Math.max(1, Math.ceil(members.length / MEMBERS_PER_CHUNK));
  const chunks: Array<Record<string, unknown>> = [];
  for (let index = 0; index < count; index++) {
    const slice = members.slice(index * MEMBERS_PER_CHUNK, (index + 1) * MEMBERS_PER_CHUNK);
    const chunk: Record<string, unknown> = {
      guild_id: guild.id,
      members: slice.map((member) => serializeMember(member, version)),
      chunk_index: index,
      chunk_count: count,
    };
    if (notFound !== undefined && index === 0) chunk.not_found = notFound;
    if (request.presences) {
      chunk.presences = slice.filter((member) => member.status !== "offline").map((member) => serializePresence(member, version));
    }
    if (request.nonce !== undefined) chunk.nonce = request.nonce;
    chunks.push(chunk);
  }
  return chunks;
}
