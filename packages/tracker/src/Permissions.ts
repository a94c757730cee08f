import { PermissionFlagsBits } from "discord-api-types/v10";

/**
 * Permission bits (PROTOCOL.md §8) as BigInt, named as Discord's documentation names them.
 * The values come from `discord-api-types`; `ALL` is every bit known to it (what the guild
 * owner and holders of `ADMINISTRATOR` have).
 */
export const Permissions = {
  CREATE_INSTANT_INVITE: PermissionFlagsBits.CreateInstantInvite,
  KICK_MEMBERS: PermissionFlagsBits.KickMembers,
  BAN_MEMBERS: PermissionFlagsBits.BanMembers,
  ADMINISTRATOR: PermissionFlagsBits.Administrator,
  MANAGE_CHANNELS: PermissionFlagsBits.ManageChannels,
  MANAGE_GUILD: PermissionFlagsBits.ManageGuild,
  ADD_REACTIONS: PermissionFlagsBits.AddReactions,
  VIEW_AUDIT_LOG: PermissionFlagsBits.ViewAuditLog,
  PRIORITY_SPEAKER: PermissionFlagsBits.PrioritySpeaker,
  STREAM: PermissionFlagsBits.Stream,
  VIEW_CHANNEL: PermissionFlagsBits.ViewChannel,
  SEND_MESSAGES: PermissionFlagsBits.SendMessages,
  SEND_TTS_MESSAGES: PermissionFlagsBits.SendTTSMessages,
  MANAGE_MESSAGES: PermissionFlagsBits.ManageMessages,
  EMBED_LINKS: PermissionFlagsBits.EmbedLinks,
  ATTACH_FILES: PermissionFlagsBits.AttachFiles,
  READ_MESSAGE_HISTORY: PermissionFlagsBits.ReadMessageHistory,
  MENTION_EVERYONE: PermissionFlagsBits.MentionEveryone,
  USE_EXTERNAL_EMOJIS: PermissionFlagsBits.UseExternalEmojis,
  CONNECT: PermissionFlagsBits.Connect,
  SPEAK: PermissionFlagsBits.Speak,
  MANAGE_ROLES: PermissionFlagsBits.ManageRoles,
  MANAGE_WEBHOOKS: PermissionFlagsBits.ManageWebhooks,
  MANAGE_EMOJIS: PermissionFlagsBits.ManageGuildExpressions,
  MANAGE_THREADS: PermissionFlagsBits.ManageThreads,
  CREATE_PUBLIC_THREADS: PermissionFlagsBits.CreatePublicThreads,
  CREATE_PRIVATE_THREADS: PermissionFlagsBits.CreatePrivateThreads,
  /** Posting in threads (v10): threads do not inherit SEND_MESSAGES. */
  SEND_MESSAGES_IN_THREADS: PermissionFlagsBits.SendMessagesInThreads,
  /** Timing members out. */
  MODERATE_MEMBERS: PermissionFlagsBits.ModerateMembers,
  ALL: Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n),
} as const;
