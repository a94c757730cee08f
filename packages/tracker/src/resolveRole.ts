import type { DiscordTracker } from "./DiscordTracker.js";
import { parseMention } from "./parseMention.js";
import { TrackerError } from "./TrackerError.js";
import type { TrackerRole } from "./types.js";

/**
 * Finds a role of a guild by `<@&id>`, a bare id, `@name` or `name`: an exact name before a
 * case-insensitive one. `undefined` when none, or several equally good ones, match.
 */
export function resolveRole(tracker: DiscordTracker, guildId: string, query: string): TrackerRole | undefined {
  if (typeof query !== "string") throw new TrackerError("TRACKER_INVALID_ARGUMENT", "The query must be a string.");
  const text = query.trim();
  const mention = parseMention(text);
  const id = mention?.kind === "role" ? mention.id : /^\d{1,20}$/.test(text) ? text : undefined;
  if (id !== undefined) {
    const role = tracker.getRole(guildId, id);
    if (role !== undefined || mention !== undefined) return role;
  }
  const roles = tracker.roles(guildId);
  const exact = roles.filter((role) => role.name === text);
  if (exact.length > 0) return exact.length === 1 ? exact[0] : undefined;
  const name = text.startsWith("@") && text !== "@everyone" ? text.slice(1) : text;
  const lower = name.toLowerCase();
  const found = roles.filter((role) => role.name === name || role.name.toLowerCase() === lower);
  return found.length === 1 ? found[0] : undefined;
}
