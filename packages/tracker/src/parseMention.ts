/** What a mention refers to. */
export type MentionKind = "user" | "role" | "channel";

/** A parsed mention. */
export interface ParsedMention {
  readonly kind: MentionKind;
  readonly id: string;
}

const MENTION = /^<(@!?|@&|#)(\d{1,20})>$/;

/**
 * Parses a whole-string mention (PROTOCOL.md §9): `<@id>` and `<@!id>` (user), `<@&id>`
 * (role), `<#id>` (channel). Anything else gives `undefined`.
 */
export function parseMention(text: string): ParsedMention | undefined {
  const match = MENTION.exec(text.trim());
  if (match === null) return undefined;
  const sigil = match[1]!;
  const kind: MentionKind = sigil === "#" ? "channel" : sigil === "@&" ? "role" : "user";
  return { kind, id: match[2]! };
}
