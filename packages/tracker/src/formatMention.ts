import type { MentionKind } from "./parseMention.js";
import { TrackerError } from "./TrackerError.js";

/**
 * Formats a mention (PROTOCOL.md §9): `<@id>` for a user, `<@&id>` for a role, `<#id>` for
 * a channel. Whether it pings is up to `allowed_mentions` when the message is sent.
 * Throws `TRACKER_INVALID_ARGUMENT` when `id` is not a snowflake.
 */
export function formatMention(kind: MentionKind, id: string): string {
  if (typeof id !== "string" || !/^\d{1,20}$/.test(id)) {
    throw new TrackerError("TRACKER_INVALID_ARGUMENT", "A mention needs a snowflake id.");
  }
  switch (kind) {
    case "user":
      return `<@${id}>`;
    case "role":
      return `<@&${id}>`;
    case "channel":
      return `<#${id}>`;
    default:
      throw new TrackerError("TRACKER_INVALID_ARGUMENT", `Unknown mention kind ${String(kind)}.`);
  }
}
