import type { DiscordTracker } from "./DiscordTracker.js";
import { parseMention } from "./parseMention.js";
import { TrackerError } from "./TrackerError.js";
import type { TrackerMember } from "./types.js";

/**
 * Finds a member of a guild by `<@id>`, `<@!id>`, a bare id, or by name. Names are tried in
 * tiers — exact nickname, username, global name or `username#discriminator`, then the same
 * case-insensitively — and a tier with more than one match gives `undefined` (ambiguous)
 * rather than a guess.
 */
export function resolveMember(tracker: DiscordTracker, guildId: string, query: string): TrackerMember | undefined {
  if (typeof query !== "string") throw new TrackerError("TRACKER_INVALID_ARGUMENT", "The query must be a string.");
  const text = query.trim();
  const mention = parseMention(text);
  const id = mention?.kind === "user" ? mention.id : /^\d{1,20}$/.test(text) ? text : undefined;
  if (id !== undefined) {
    const member = tracker.getMember(guildId, id);
    if (member !== undefined || mention !== undefined) return member;
  }
  const name = text.startsWith("@") ? text.slice(1) : text;
  if (name === "") return undefined;
  const lower = name.toLowerCase();
  let exact: TrackerMember | undefined;
  let exactCount = 0;
  let folded: TrackerMember | undefined;
  let foldedCount = 0;
  for (const member of tracker.members(guildId)) {
    const { user } = member;
    const names = [member.nick, user.username, user.globalName, `${user.username}#${user.discriminator}`];
    if (names.includes(name)) {
      exact = member;
      exactCount++;
    } else if (names.some((candidate) => candidate !== null && candidate.toLowerCase() === lower)) {
      folded = member;
      foldedCount++;
    }
  }
  if (exactCount > 0) return exactCount === 1 ? exact : undefined;
  return foldedCount === 1 ? folded : undefined;
}
