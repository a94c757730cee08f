import type { DiscordTracker } from "./DiscordTracker.js";
import { parseMention } from "./parseMention.js";
import { TrackerError } from "./TrackerError.js";
import type { TrackerChannel } from "./types.js";

/**
 * Finds a channel by `<#id>`, a bare id, `#name` or `name`: an exact name before a
 * case-insensitive one, optionally within one guild. `undefined` when none, or several
 * equally good ones, match.
 */
export function resolveChannel(tracker: DiscordTracker, query: string, guildId?: string): TrackerChannel | undefined {
  if (typeof query !== "string") throw new TrackerError("TRACKER_INVALID_ARGUMENT", "The query must be a string.");
  const text = query.trim();
  const mention = parseMention(text);
  const id = mention?.kind === "channel" ? mention.id : /^\d{1,20}$/.test(text) ? text : undefined;
  if (id !== undefined) {
    const channel = tracker.getChannel(id);
    if (channel !== undefined && (guildId === undefined || channel.guildId === guildId)) return channel;
    if (mention !== undefined) return undefined;
  }
  const name = text.startsWith("#") ? text.slice(1) : text;
  if (name === "") return undefined;
  const candidates = tracker.channels(guildId).filter((channel) => channel.name !== null);
  return unique(candidates.filter((channel) => channel.name === name)) ??
    unique(candidates.filter((channel) => channel.name!.toLowerCase() === name.toLowerCase()));
}

function unique<T>(found: T[]): T | undefined {
  return found.length === 1 ? found[0] : undefined;
}
