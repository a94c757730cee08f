import type { MemberFixture, UserFixture } from "./GuildFixture.js";
import { type GatewayVersion, serializeUser } from "./serializeGuild.js";

/** A message for {@link FakeDiscord.messageCreate}. */
export interface MessageInput {
  /** The channel it was posted in. */
  channelId: string;
  /**
   * The guild, or `null` for a direct message.
   * @defaultValue the guild fixture that has `channelId`, else `null`
   */
  guildId?: string | null;
  /** The author: a member (its partial `member` is sent too, in guilds) or a bare user. */
  author: MemberFixture | UserFixture;
  content: string;
  /** @defaultValue a fresh snowflake */
  id?: string;
  /** ISO 8601. @defaultValue now (by the fake's clock) */
  timestamp?: string;
  /** Users mentioned (sent as User objects). @defaultValue [] */
  mentions?: UserFixture[];
  /** Role ids mentioned. @defaultValue [] */
  mentionRoles?: string[];
  /** @defaultValue false */
  mentionEveryone?: boolean;
  /** 0 default, 7 member join, … @defaultValue 0 */
  type?: number;
  /** @defaultValue none */
  nonce?: string;
  /** Makes it a webhook message. @defaultValue none */
  webhookId?: string;
}

/** What {@link FakeDiscord.messageCreate} made of a message: the defaults it filled in. */
export interface CreatedMessage {
  id: string;
  channelId: string;
  /** `null` for a direct message. */
  guildId: string | null;
  timestamp: string;
}

function isMember(author: MemberFixture | UserFixture): author is MemberFixture {
  return "user" in author;
}

interface CachedUser {
  id: string;
  username: string;
  discriminator: string;
  avatar: string | null;
  json: [v6: string | undefined, v10: string | undefined];
}

interface CachedMember {
  roles: string[];
  count: number;
  nick: string | null;
  joinedAt: string;
  deaf: boolean;
  mute: boolean;
  json: string;
}

/**
 * Builds MESSAGE_CREATE `d` texts: JSON assembled from pieces, with each author's User JSON
 * (per version) and partial Member JSON cached, so streaming 100,000 messages does not make
 * the fake the bottleneck. A cached piece is rebuilt when the fixture changes (a new
 * username, discriminator, avatar, nick, or a different or resized `roles` array).
 */
export class MessageSerializer {
  private readonly users = new WeakMap<UserFixture, CachedUser>();
  private readonly members = new WeakMap<MemberFixture, CachedMember>();

  /**
   * The `d` of MESSAGE_CREATE for `message`, as JSON text, in the version's shape; `created`
   * has the id, guild and timestamp (what the input may leave out).
   */
  serialize(message: MessageInput, created: CreatedMessage, version: GatewayVersion): string {
    const user = isMember(message.author) ? message.author.user : message.author;
    let out = `{"id":${quote(created.id)},"type":${message.type ?? 0},"content":${JSON.stringify(message.content)}`;
    out += `,"channel_id":${quote(created.channelId)}`;
    if (created.guildId !== null) out += `,"guild_id":${quote(created.guildId)}`;
    out += `,"author":${this.user(user, version)}`;
    if (created.guildId !== null && isMember(message.author)) out += `,"member":${this.member(message.author)}`;
    const mentions = message.mentions;
    out += mentions === undefined || mentions.length === 0 ? ',"mentions":[]' : `,"mentions":[${mentions.map((mentioned) => this.user(mentioned, version)).join(",")}]`;
    const roles = message.mentionRoles;
    out += roles === undefined || roles.length === 0 ? ',"mention_roles":[]' : `,"mention_roles":${JSON.stringify(roles)}`;
    out += message.mentionEveryone === true ? ',"mention_everyone":true' : ',"mention_everyone":false';
    out += `,"attachments":[],"embeds":[],"pinned":false,"tts":false,"timestamp":${quote(created.timestamp)},"edited_timestamp":null,"flags":0`;
    if (version >= 10) out += ',"components":[]';
    if (message.nonce !== undefined) out += `,"nonce":${JSON.stringify(message.nonce)}`;
    if (message.webhookId !== undefined) out += `,"webhook_id":${quote(message.webhookId)}`;
    return flatten(`${out}}`);
  }

  private user(user: UserFixture, version: GatewayVersion): string {
    let cached = this.users.get(user);
    if (
      cached === undefined ||
      cached.id !== user.id ||
      cached.username !== user.username ||
      cached.discriminator !== user.discriminator ||
      cached.avatar !== user.avatar
    ) {
      cached = { id: user.id, username: user.username, discriminator: user.discriminator, avatar: user.avatar, json: [undefined, undefined] };
      this.users.set(user, cached);
    }
    const slot = version === 6 ? 0 : 1;
    return (cached.json[slot] ??= JSON.stringify(serializeUser(user, version)));
  }

  private member(member: MemberFixture): string {
    const cached = this.members.get(member);
    if (
      cached !== undefined &&
      cached.roles === member.roles &&
      cached.count === member.roles.length &&
      cached.nick === member.nick &&
      cached.joinedAt === member.joinedAt &&
      cached.deaf === member.deaf &&
      cached.mute === member.mute
    ) {
      return cached.json;
    }
    const json = JSON.stringify({
      roles: member.roles,
      nick: member.nick,
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: member.deaf,
      mute: member.mute,
    });
    this.members.set(member, {
      roles: member.roles,
      count: member.roles.length,
      nick: member.nick,
      joinedAt: member.joinedAt,
      deaf: member.deaf,
      mute: member.mute,
      json,
    });
    return json;
  }
}

const PLAIN = /^[\w.:+-]*$/;

/** JSON for a string that is usually a snowflake or a timestamp: no escaping needed then. */
function quote(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

/**
 * Turns a string built by concatenation (a rope of many pieces in V8) into one flat string,
 * so the thousands a replay buffer keeps are single objects for the garbage collector.
 * Converting to a number needs the characters in one piece, so V8 flattens it in place.
 */
function flatten(value: string): string {
  void Number(value);
  return value;
}
