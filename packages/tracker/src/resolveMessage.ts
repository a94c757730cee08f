import { isRecord } from "@nuwani/util";
import type { DiscordTracker } from "./DiscordTracker.js";
import { readId, readUser } from "./parsePayload.js";
import type { TrackerChannel, TrackerGuild, TrackerMember, TrackerRole, TrackerUser } from "./types.js";

/** A MESSAGE_CREATE, resolved against the tracker's state. */
export interface ResolvedMessage {
  readonly id: string;
  readonly content: string;
  readonly channelId: string;
  /** `undefined` when the tracker does not know the channel. */
  readonly channel: TrackerChannel | undefined;
  /** `undefined` for DMs and unknown guilds. */
  readonly guild: TrackerGuild | undefined;
  /** The author as sent (for webhooks: the webhook's id and name). */
  readonly author: TrackerUser;
  /** The author's member, when the message is in a guild and the member is known. */
  readonly member: TrackerMember | undefined;
  /** Whether a webhook sent it. */
  readonly webhook: boolean;
  /** Mentioned members the tracker knows. */
  readonly mentionedMembers: readonly TrackerMember[];
  /** Every mentioned user, as sent. */
  readonly mentionedUsers: readonly TrackerUser[];
  /** Mentioned roles the guild has. */
  readonly mentionedRoles: readonly TrackerRole[];
  readonly mentionsEveryone: boolean;
  /** The bot was mentioned directly, or through a role it holds. */
  readonly mentionsBot: boolean;
}

function user(value: unknown): TrackerUser | undefined {
  const data = readUser(value);
  if (data === undefined) return undefined;
  return {
    id: data.id,
    username: data.username ?? "",
    discriminator: data.discriminator ?? "0000",
    globalName: data.globalName ?? null,
    avatar: data.avatar ?? null,
    bot: data.bot ?? false,
  };
}

/** Resolves a MESSAGE_CREATE `d` (v6 or v10); `undefined` when it is malformed. */
export function resolveMessage(tracker: DiscordTracker, d: unknown): ResolvedMessage | undefined {
  if (!isRecord(d)) return undefined;
  const id = readId(d.id);
  const channelId = readId(d.channel_id);
  const author = user(d.author);
  if (id === undefined || channelId === undefined || author === undefined) return undefined;
  const channel = tracker.getChannel(channelId);
  const guildId = readId(d.guild_id) ?? channel?.guildId ?? undefined;
  const guild = guildId === undefined ? undefined : tracker.getGuild(guildId);
  const member = guildId === undefined ? undefined : tracker.getMember(guildId, author.id);
  const mentionedUsers = Array.isArray(d.mentions)
    ? (d.mentions as unknown[]).map(user).filter((entry): entry is TrackerUser => entry !== undefined)
    : [];
  const mentionedMembers =
    guildId === undefined
      ? []
      : mentionedUsers
          .map((entry) => tracker.getMember(guildId, entry.id))
          .filter((entry): entry is TrackerMember => entry !== undefined);
  const roleIds = Array.isArray(d.mention_roles) ? (d.mention_roles as unknown[]).map(readId) : [];
  const mentionedRoles =
    guildId === undefined
      ? []
      : roleIds
          .map((roleId) => (roleId === undefined ? undefined : tracker.getRole(guildId, roleId)))
          .filter((entry): entry is TrackerRole => entry !== undefined);
  const bot = tracker.botUser;
  const botMember = bot === null || guildId === undefined ? undefined : tracker.getMember(guildId, bot.id);
  const mentionsBot =
    bot !== null &&
    (mentionedUsers.some((entry) => entry.id === bot.id) ||
      (botMember !== undefined && mentionedRoles.some((role) => botMember.roles.includes(role.id))));
  return {
    id,
    content: typeof d.content === "string" ? d.content : "",
    channelId,
    channel,
    guild,
    author,
    member,
    webhook: readId(d.webhook_id) !== undefined,
    mentionedMembers,
    mentionedUsers,
    mentionedRoles,
    mentionsEveryone: d.mention_everyone === true,
    mentionsBot,
  };
}
