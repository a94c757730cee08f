import { parseFormats, type EchoFormats } from "./formats.js";

/**
 * The default formats, as they would be written in a formats file. Tags and positional
 * parameters are LVP's: the gamemode's `echo(tag, ...params)` calls (and
 * {@link SimulatedGameServer}) pass them in the order of LVP's `irc_messages.json`, e.g.
 * `echo("join", id, name)` or `echo("kill", victim, victimId, killer, killerId, reason)`.
 * Object entries are Discord markdown with LVP's placeholders (`%{1}s` is the second
 * parameter); string entries are LVP's own syntax (routing by `<target:…>`/`<command:…>`).
 * For LVP's full set, load its `irc_messages.json` (see `loadFormats`).
 */
export const DEFAULT_FORMATS_JSON = {
  init: { channel: "echo", template: "🔄 The gamemode has started", priority: "high" },
  // [id, name, text]
  chat: { channel: "echo", template: "**%{1}s**: %{2}s", priority: "normal", coalesce: "chat messages" },
  "chat-admin": { channel: "admin", template: "🛡️ **%{1}s**: %{2}s", priority: "admin" },
  "chat-vip": { channel: "vip", template: "💎 **%{1}s**: %{2}s", priority: "normal" },
  // [name, text]
  "chat-from-irc": { channel: "echo", template: "**%{0}s** (Discord): %{1}s", priority: "normal", coalesce: "chat messages" },
  // [channel, name, id, text]: the channel (#LVP.Crew, #LVP.Management) is chosen per call.
  "chat-irc": "<target:{0}>%{1}s (id %{2}d): %{3}s",
  // [member, name, id, text]: a direct message to the member.
  "chat-irc-notice": "<command:NOTICE><target:{0}>%{1}s (id %{2}d): %{3}s",
  // [id, name]
  join: { channel: "echo", template: "➡️ **%{1}s** joined the server", priority: "low", coalesce: "joins" },
  "join-sampcac": { channel: "echo", template: "➡️ **%{1}s** joined the server (SAMPCAC)", priority: "low", coalesce: "joins" },
  login: { channel: "echo", template: "🔑 **%{1}s** logged in", priority: "low", coalesce: "logins" },
  // [id, name, guest name]
  guest: { channel: "echo", template: "➡️ **%{1}s** plays as the guest **%{2}s**", priority: "low", coalesce: "joins" },
  // [id, name, reason] and [id, name, reason, detail]
  quit: { channel: "echo", template: "⬅️ **%{1}s** left the server (%{2}s)", priority: "low", coalesce: "quits" },
  "quit-reason": { channel: "echo", template: "⬅️ **%{1}s** left the server (%{2}s): %{3}s", priority: "low", coalesce: "quits" },
  // [name]
  death: { channel: "echo", template: "💀 **%{0}s** died", priority: "low", coalesce: "deaths" },
  // [victim, victim id, killer, killer id, reason]
  kill: { channel: "echo", template: "💀 **%{2}s** killed **%{0}s** (%{4}s)", priority: "low", coalesce: "kills" },
  "kill-no-reason": { channel: "echo", template: "💀 **%{2}s** killed **%{0}s**", priority: "low", coalesce: "kills" },
  // [name, id, target, target id, reason]
  report: { channel: "reports", template: "🚩 **%{0}s** reported **%{2}s** (id %{3}d): %{4}s", priority: "admin" },
  "notice-report": { channel: "reports", template: "🚩 **%{0}s** reported **%{2}s** (id %{3}d): %{4}s", priority: "admin" },
  // [text]
  "notice-admin": { channel: "admin", template: "🛡️ %{0}s", priority: "admin" },
  "notice-announce": { channel: "announcements", template: "📢 %{0}s", priority: "high" },
  // [name, text]
  "notice-say": { channel: "echo", template: "📢 **%{0}s**: %{1}s", priority: "high" },
  // [name, id, achievement]
  achievement: { channel: "echo", template: "🏆 **%{0}s** earned the achievement **%{2}s**", priority: "low", coalesce: "achievements" },
  // no parameters: mute or unmute the echo channel
  "mute-echo": "<command:MODE>+m",
  "unmute-echo": "<command:MODE>-m",
} as const;

/** The default formats (LVP's tags and positional parameters), validated and compiled. */
export const defaultFormats: EchoFormats = parseFormats(DEFAULT_FORMATS_JSON);
