import type { GatewayVersion } from "./serializeGuild.js";

/** Gateway intent bits (PROTOCOL.md §2, plus v10's later ones). */
export const Intents = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  GUILD_BANS: 1 << 2,
  GUILD_EMOJIS: 1 << 3,
  GUILD_INTEGRATIONS: 1 << 4,
  GUILD_WEBHOOKS: 1 << 5,
  GUILD_INVITES: 1 << 6,
  GUILD_VOICE_STATES: 1 << 7,
  GUILD_PRESENCES: 1 << 8,
  GUILD_MESSAGES: 1 << 9,
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  GUILD_MESSAGE_TYPING: 1 << 11,
  DIRECT_MESSAGES: 1 << 12,
  DIRECT_MESSAGE_REACTIONS: 1 << 13,
  DIRECT_MESSAGE_TYPING: 1 << 14,
  /** v10 only. Privileged. */
  MESSAGE_CONTENT: 1 << 15,
  /** v10 only. */
  GUILD_SCHEDULED_EVENTS: 1 << 16,
  /** v10 only. */
  AUTO_MODERATION_CONFIGURATION: 1 << 20,
  /** v10 only. */
  AUTO_MODERATION_EXECUTION: 1 << 21,
  /** v10 only. */
  GUILD_MESSAGE_POLLS: 1 << 24,
  /** v10 only. */
  DIRECT_MESSAGE_POLLS: 1 << 25,
} as const;

/** The privileged intents: they need the application's permission (else close 4014). */
export const PRIVILEGED_INTENTS = Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES | Intents.MESSAGE_CONTENT;

const V6_VALID = (1 << 15) - 1;
const V10_VALID = Object.values(Intents).reduce((all, bit) => all | bit, 0);

/** Every intent bit the version knows; any other bit set closes with 4013. */
export function validIntents(version: GatewayVersion): number {
  return version === 6 ? V6_VALID : V10_VALID;
}

const BY_EVENT: Record<string, readonly [guild: number, direct: number]> = {
  GUILD_CREATE: [Intents.GUILDS, 0],
  GUILD_UPDATE: [Intents.GUILDS, 0],
  GUILD_DELETE: [Intents.GUILDS, 0],
  GUILD_ROLE_CREATE: [Intents.GUILDS, 0],
  GUILD_ROLE_UPDATE: [Intents.GUILDS, 0],
  GUILD_ROLE_DELETE: [Intents.GUILDS, 0],
  CHANNEL_CREATE: [Intents.GUILDS, Intents.DIRECT_MESSAGES],
  CHANNEL_UPDATE: [Intents.GUILDS, 0],
  CHANNEL_DELETE: [Intents.GUILDS, 0],
  CHANNEL_PINS_UPDATE: [Intents.GUILDS, Intents.DIRECT_MESSAGES],
  GUILD_MEMBER_ADD: [Intents.GUILD_MEMBERS, 0],
  GUILD_MEMBER_UPDATE: [Intents.GUILD_MEMBERS, 0],
  GUILD_MEMBER_REMOVE: [Intents.GUILD_MEMBERS, 0],
  GUILD_BAN_ADD: [Intents.GUILD_BANS, 0],
  GUILD_BAN_REMOVE: [Intents.GUILD_BANS, 0],
  GUILD_EMOJIS_UPDATE: [Intents.GUILD_EMOJIS, 0],
  GUILD_INTEGRATIONS_UPDATE: [Intents.GUILD_INTEGRATIONS, 0],
  WEBHOOKS_UPDATE: [Intents.GUILD_WEBHOOKS, 0],
  INVITE_CREATE: [Intents.GUILD_INVITES, 0],
  INVITE_DELETE: [Intents.GUILD_INVITES, 0],
  VOICE_STATE_UPDATE: [Intents.GUILD_VOICE_STATES, 0],
  PRESENCE_UPDATE: [Intents.GUILD_PRESENCES, 0],
  MESSAGE_CREATE: [Intents.GUILD_MESSAGES, Intents.DIRECT_MESSAGES],
  MESSAGE_UPDATE: [Intents.GUILD_MESSAGES, Intents.DIRECT_MESSAGES],
  MESSAGE_DELETE: [Intents.GUILD_MESSAGES, Intents.DIRECT_MESSAGES],
  MESSAGE_DELETE_BULK: [Intents.GUILD_MESSAGES, 0],
  MESSAGE_REACTION_ADD: [Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS],
  MESSAGE_REACTION_REMOVE: [Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS],
  MESSAGE_REACTION_REMOVE_ALL: [Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS],
  MESSAGE_REACTION_REMOVE_EMOJI: [Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS],
  TYPING_START: [Intents.GUILD_MESSAGE_TYPING, Intents.DIRECT_MESSAGE_TYPING],
  THREAD_CREATE: [Intents.GUILDS, 0],
  THREAD_UPDATE: [Intents.GUILDS, 0],
  THREAD_DELETE: [Intents.GUILDS, 0],
  THREAD_LIST_SYNC: [Intents.GUILDS, 0],
  THREAD_MEMBER_UPDATE: [Intents.GUILDS, 0],
  THREAD_MEMBERS_UPDATE: [Intents.GUILDS, 0],
};

/**
 * The intent a dispatch needs, or 0 when it belongs to none (always sent): the guild intent
 * when the dispatch is in a guild, the direct-message one otherwise.
 */
export function intentForEvent(t: string, inGuild: boolean): number {
  const pair = BY_EVENT[t];
  if (pair === undefined) return 0;
  return inGuild ? pair[0] : pair[1];
}
