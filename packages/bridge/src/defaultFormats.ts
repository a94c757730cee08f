import { parseFormats, type EchoFormats } from "./formats.js";

/**
 * The default formats, as they would be written in a formats file. Tags and fields are the
 * ones the gamemode's echo calls (and {@link SimulatedGameServer}) emit.
 */
export const DEFAULT_FORMATS_JSON = {
  chat: { channel: "echo", template: "**{name}**: {text}", priority: "normal", coalesce: "chat messages" },
  adminChat: { channel: "admin", template: "🛡️ **{name}**: {text}", priority: "admin" },
  join: { channel: "echo", template: "➡️ **{name}** joined the server", priority: "low", coalesce: "joins" },
  quit: { channel: "echo", template: "⬅️ **{name}** left the server ({reason})", priority: "low", coalesce: "quits" },
  kill: { channel: "echo", template: "💀 **{killer}** killed **{victim}** ({weapon})", priority: "low", coalesce: "kills" },
  report: { channel: "reports", template: "🚩 **{name}** reported **{target}** (id {targetId}): {reason}", priority: "admin" },
  announcement: { channel: "announcements", template: "📢 {text}", priority: "high" },
} as const;

/** {@link DEFAULT_FORMATS_JSON}, validated. */
export const defaultFormats: EchoFormats = parseFormats(DEFAULT_FORMATS_JSON);
