const CUSTOM = /^<?(?:a?:)?([\w~-]+):(\d+)>?$/;

/**
 * Encodes an emoji for a reaction route: a custom emoji (`name:id`, `<:name:id>`,
 * `<a:name:id>`) becomes `name:id`, a Unicode emoji is URL-encoded with
 * `encodeURIComponent`. Discord answers 10014 (unknown emoji) to anything else.
 */
export function encodeEmoji(emoji: string): string {
  const custom = CUSTOM.exec(emoji);
  if (custom !== null) return `${custom[1]!}:${custom[2]!}`;
  return encodeURIComponent(emoji);
}
