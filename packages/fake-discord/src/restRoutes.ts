import { isRecord } from "@nuwani/util";
import type { FakeRestRequest, FakeRestResponse } from "./FakeRestRouter.js";
import type { FakeRestServer } from "./FakeRestServer.js";
import type { ChannelFixture, GuildFixture, MemberFixture, OverwriteFixture, UserFixture } from "./GuildFixture.js";
import { Permissions } from "./Permissions.js";
import { channelPermissions, overwriteBitsMissing } from "./channelPermissions.js";
import { type GatewayVersion, serializeChannel, serializeUser } from "./serializeGuild.js";
import { type CreatedMessage, type MessageInput, MessageSerializer } from "./serializeMessage.js";

/** A direct-message channel opened through `POST /users/@me/channels` (one per user). */
export interface FakeDmChannel {
  /** The channel's id (the same for every request naming the user). */
  id: string;
  /** The user at the other end. */
  recipient: UserFixture;
}

/** A message created through `POST /channels/:id/messages`. */
export interface FakePostedMessage {
  id: string;
  channelId: string;
  /** `null` for a message to a direct-message channel. */
  guildId: string | null;
  content: string;
  /** The request body as sent (e.g. with `allowed_mentions`). */
  body: Record<string, unknown>;
  version: 6 | 10;
}

/** A reaction added (`PUT …/reactions/:emoji/@me`) or removed (`DELETE`). */
export interface FakeReactionRecord {
  method: "PUT" | "DELETE";
  channelId: string;
  messageId: string;
  /** The emoji as decoded from the path: a Unicode emoji or `name:id`. */
  emoji: string;
}

/** What the REST routes need of the fake. */
export interface FakeRestRouteContext {
  readonly guilds: readonly GuildFixture[];
  readonly user: UserFixture;
  readonly postedMessages: FakePostedMessage[];
  readonly reactions: FakeReactionRecord[];
  /** Direct-message channels by user id. */
  readonly dmChannels: Map<string, FakeDmChannel>;
  /** Dispatches MESSAGE_CREATE to the gateway sessions and returns what was filled in. */
  messageCreate(message: MessageInput): CreatedMessage;
  /** Dispatches an event to the gateway sessions (`d` may be a function of the session's version). */
  dispatch(t: string, d: unknown): number;
  /** A fresh snowflake. */
  newId(): string;
}

/** Discord's limit on `content`. */
export const MAX_MESSAGE_LENGTH = 2000;

/** The bucket hash the reaction routes share (Discord shares one bucket for them). */
export const REACTIONS_BUCKET = "reactions-8d3a1b0c";

const CUSTOM_EMOJI = /^[\w~-]{1,32}:\d{1,20}$/;
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3)+$/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

function discordError(status: number, message: string, code: number): FakeRestResponse {
  return { status, body: { message, code } };
}

/** Whether `emoji` (decoded from the path) names an emoji: Unicode emoji, or custom `name:id`. */
export function isEmoji(emoji: string): boolean {
  if (CUSTOM_EMOJI.test(emoji)) return true;
  return UNICODE_EMOJI.test(emoji) && PICTOGRAPHIC.test(emoji);
}

function findChannel(guilds: readonly GuildFixture[], id: string): { guild: GuildFixture; channel: ChannelFixture } | undefined {
  for (const guild of guilds) {
    const channel = guild.channels.find((candidate) => candidate.id === id);
    if (channel !== undefined) return { guild, channel };
  }
  return undefined;
}

/**
 * Adds the bridge's REST routes to a fake REST server:
 *
 * - `POST /channels/:channelId/messages`: unknown channel → 404 code 10003, a voice or
 *   category channel → 400 code 50008, no `content` (or empty) and no embed (v6: `embed`;
 *   v10: `embeds`) → 400 code 50006; `embed` on v10, `content` over 2000 code points (as
 *   Discord counts), or an invalid `allowed_mentions` (not an object, unknown `parse` types,
 *   more than 100 or non-snowflake `users`/`roles`, `parse: ["users"]` together with `users`
 *   — likewise roles) → 400 code 50035 (v10 with the nested `errors`); otherwise the message
 *   is recorded, MESSAGE_CREATE is dispatched (authored by the bot) and the Message is
 *   returned in the request's version.
 * - `PUT`/`DELETE /channels/:channelId/messages/:messageId/reactions/:emoji/@me` → 204, sharing
 *   one bucket; an emoji that is neither Unicode nor `name:id` (say, encoded twice) → 400
 *   code 10014; unknown channel → 404 code 10003.
 */
export function addRestRoutes(server: FakeRestServer, context: FakeRestRouteContext): void {
  const serializer = new MessageSerializer();
  server.route("POST", "/channels/:channelId/messages", (request) => createMessage(context, serializer, request));
  const reaction = (request: FakeRestRequest): FakeRestResponse => react(context, request);
  const pattern = "/channels/:channelId/messages/:messageId/reactions/:emoji/@me";
  server.route("PUT", pattern, reaction, { bucket: REACTIONS_BUCKET });
  server.route("DELETE", pattern, reaction, { bucket: REACTIONS_BUCKET });
  server.route("POST", "/users/@me/channels", (request) => openDmChannel(context, request));
  addOverwriteRoutes(server, context);
}

/** `POST /channels/:channelId/messages`. */
function createMessage(context: FakeRestRouteContext, serializer: MessageSerializer, request: FakeRestRequest): FakeRestResponse {
  const channelId = request.params.channelId ?? "";
  const found = findChannel(context.guilds, channelId);
  const dm = found === undefined ? [...context.dmChannels.values()].find((channel) => channel.id === channelId) : undefined;
  if (found === undefined && dm === undefined) return discordError(404, "Unknown Channel", 10003);
  if (found !== undefined && (found.channel.type === 2 || found.channel.type === 4)) return discordError(400, "Cannot send messages in a non-text channel", 50008);
  const body = isRecord(request.body) ? request.body : {};
  const content = body.content;
  if (content !== undefined && content !== null && typeof content !== "string") return invalidForm(request, ["content"], "BASE_TYPE_INVALID", "Could not interpret the value as string.");
  // v6 takes one `embed`; v10 only `embeds` (an `embed` there is refused, not silently ignored).
  if (request.version >= 10 && body.embed !== undefined) return invalidForm(request, ["embed"], "UNKNOWN_FIELD", "v10 takes embeds, not embed.");
  const hasEmbed = request.version >= 10 ? Array.isArray(body.embeds) && body.embeds.length > 0 : isRecord(body.embed);
  if ((typeof content !== "string" || content === "") && !hasEmbed) return discordError(400, "Cannot send an empty message", 50006);
  const text = typeof content === "string" ? content : "";
  // Discord counts code points: 2000 emoji fit.
  if (codePoints(text) > MAX_MESSAGE_LENGTH) return invalidForm(request, ["content"], "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_MESSAGE_LENGTH} or fewer in length.`);
  const mentions = checkAllowedMentions(request, body.allowed_mentions);
  if (mentions !== undefined) return mentions;

  const author: MemberFixture | UserFixture = found?.guild.members.find((member) => member.user.id === context.user.id) ?? context.user;
  const input: MessageInput = {
    channelId,
    guildId: found?.guild.id ?? null,
    author,
    content: text,
    ...(typeof body.nonce === "string" ? { nonce: body.nonce } : {}),
  };
  const created = context.messageCreate(input);
  context.postedMessages.push({ id: created.id, channelId, guildId: created.guildId, content: text, body, version: request.version });
  return { status: 200, body: JSON.parse(serializer.serialize(input, created, request.version)) as unknown };
}

/** `PUT`/`DELETE /channels/:channelId/messages/:messageId/reactions/:emoji/@me`. */
function react(context: FakeRestRouteContext, request: FakeRestRequest): FakeRestResponse {
  const channelId = request.params.channelId ?? "";
  if (findChannel(context.guilds, channelId) === undefined) return discordError(404, "Unknown Channel", 10003);
  const emoji = request.params.emoji ?? "";
  if (!isEmoji(emoji)) return discordError(400, "Unknown Emoji", 10014);
  context.reactions.push({ method: request.method === "PUT" ? "PUT" : "DELETE", channelId, messageId: request.params.messageId ?? "", emoji });
  return { status: 204 };
}

/** `POST /users/@me/channels`: one DM channel per recipient. */
function openDmChannel(context: FakeRestRouteContext, request: FakeRestRequest): FakeRestResponse {
  const body = isRecord(request.body) ? request.body : {};
  const recipientId = body.recipient_id;
  if (typeof recipientId !== "string" || !SNOWFLAKE.test(recipientId)) {
    return invalidForm(request, ["recipient_id"], "NUMBER_TYPE_COERCE", `Value "${String(recipientId)}" is not snowflake.`);
  }
  if (recipientId === context.user.id) return discordError(400, "Cannot send messages to this user", 50007);
  let channel = context.dmChannels.get(recipientId);
  if (channel === undefined) {
    const user = findUser(context.guilds, recipientId);
    if (user === undefined) return discordError(404, "Unknown User", 10013);
    channel = { id: context.newId(), recipient: user };
    context.dmChannels.set(recipientId, channel);
  }
  return { status: 200, body: serializeDmChannel(channel, request.version) };
}

/**
 * `PUT`/`DELETE /channels/:channelId/permissions/:overwriteId`, each followed by CHANNEL_UPDATE.
 * Both need MANAGE_ROLES in the channel; PUT also needs every bit it changes held in the guild
 * or parent category (see `overwriteBitsMissing`); DELETE, as documented, only MANAGE_ROLES.
 */
function addOverwriteRoutes(server: FakeRestServer, context: FakeRestRouteContext): void {
  const overwriteTarget = (request: FakeRestRequest): { guild: GuildFixture; channel: ChannelFixture; overwriteId: string } | FakeRestResponse => {
    const found = findChannel(context.guilds, request.params.channelId ?? "");
    if (found === undefined) return discordError(404, "Unknown Channel", 10003);
    if ((channelPermissions(found.guild, found.channel, context.user.id) & Permissions.MANAGE_ROLES) === 0n) return discordError(403, "Missing Permissions", 50013);
    return { ...found, overwriteId: request.params.overwriteId ?? "" };
  };
  const channelUpdate = (guild: GuildFixture, channel: ChannelFixture): void => {
    context.dispatch("CHANNEL_UPDATE", (session: { version: GatewayVersion }) => serializeChannel(channel, session.version, guild.id));
  };
  server.route("PUT", "/channels/:channelId/permissions/:overwriteId", (request: FakeRestRequest): FakeRestResponse => {
    const target = overwriteTarget(request);
    if ("status" in target) return target;
    const { guild, channel, overwriteId } = target;
    const body = isRecord(request.body) ? request.body : {};
    const type = body.type === 0 || body.type === "0" || body.type === "role" ? "role" : body.type === 1 || body.type === "1" || body.type === "member" ? "member" : undefined;
    if (type === undefined) return invalidForm(request, ["type"], "BASE_TYPE_CHOICES", "Value must be one of {0, 1}.");
    const allow = permissionBits(body.allow);
    if (allow === undefined) return invalidForm(request, ["allow"], "NUMBER_TYPE_COERCE", "Value is not a valid permission set.");
    const deny = permissionBits(body.deny);
    if (deny === undefined) return invalidForm(request, ["deny"], "NUMBER_TYPE_COERCE", "Value is not a valid permission set.");
    if (type === "role" && !guild.roles.some((role) => role.id === overwriteId)) return discordError(404, "Unknown Role", 10011);
    if (type === "member" && !guild.members.some((member) => member.user.id === overwriteId)) return discordError(404, "Unknown Member", 10007);
    const overwrite: OverwriteFixture = { id: overwriteId, type, allow, deny };
    const index = channel.overwrites.findIndex((entry) => entry.id === overwriteId);
    // Only bits the bot holds in the guild (or the parent category) may change (channelPermissions.ts).
    if (overwriteBitsMissing(guild, channel, context.user.id, channel.overwrites[index], overwrite) !== 0n) return discordError(403, "Missing Permissions", 50013);
    if (index >= 0) channel.overwrites[index] = overwrite;
    else channel.overwrites.push(overwrite);
    channelUpdate(guild, channel);
    return { status: 204 };
  });
  server.route("DELETE", "/channels/:channelId/permissions/:overwriteId", (request: FakeRestRequest): FakeRestResponse => {
    const target = overwriteTarget(request);
    if ("status" in target) return target;
    const { guild, channel, overwriteId } = target;
    const index = channel.overwrites.findIndex((entry) => entry.id === overwriteId);
    if (index < 0) return discordError(404, "Unknown Overwrite", 10009);
    channel.overwrites.splice(index, 1);
    channelUpdate(guild, channel);
    return { status: 204 };
  });
}

/** `allow`/`deny` of an overwrite: a bit string (v8+) or a number (v6); absent or `null` is none. */
function permissionBits(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return 0n;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^\d{1,40}$/.test(value)) return BigInt(value);
  return undefined;
}

function findUser(guilds: readonly GuildFixture[], id: string): UserFixture | undefined {
  for (const guild of guilds) {
    const member = guild.members.find((entry) => entry.user.id === id);
    if (member !== undefined) return member.user;
  }
  return undefined;
}

/** A DM Channel (type 1) as Discord returns it from `POST /users/@me/channels`. */
function serializeDmChannel(channel: FakeDmChannel, version: GatewayVersion): Record<string, unknown> {
  return { id: channel.id, type: 1, last_message_id: null, recipients: [serializeUser(channel.recipient, version)], ...(version >= 10 ? { flags: 0 } : {}) };
}

/** Discord's 50035 for the field at `path` (e.g. `["allowed_mentions", "parse", 0]`). */
function invalidForm(request: FakeRestRequest, path: ReadonlyArray<string | number>, code: string, message: string): FakeRestResponse {
  // v6 sends `{code, message}`; v8+ adds the nested `errors`.
  const body: Record<string, unknown> = { message: "Invalid Form Body", code: 50035 };
  if (request.version >= 10) {
    let errors: Record<string, unknown> = { _errors: [{ code, message }] };
    for (const key of [...path].reverse()) errors = { [String(key)]: errors };
    body.errors = errors;
  }
  return { status: 400, body };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const MENTION_TYPES = ["roles", "users", "everyone"];
const SNOWFLAKE = /^\d{1,20}$/;

/**
 * Validates `allowed_mentions` as Discord does: an object; `parse` an array of `roles`,
 * `users`, `everyone`; `users`/`roles` arrays of at most 100 snowflakes; `parse` naming
 * `users` (or `roles`) together with a `users` (or `roles`) list is a conflict; `replied_user`
 * a boolean. Answers 50035 (with `errors` in v10), or `undefined` when valid or absent.
 */
function checkAllowedMentions(request: FakeRestRequest, value: unknown): FakeRestResponse | undefined {
  if (value === undefined || value === null) return undefined;
  const field = "allowed_mentions";
  if (!isRecord(value)) return invalidForm(request, [field], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
  const { parse, users, roles } = value;
  if (parse !== undefined) {
    if (!Array.isArray(parse)) return invalidForm(request, [field, "parse"], "BASE_TYPE_LIST", "Must be a list.");
    for (const [index, type] of parse.entries()) {
      if (typeof type !== "string" || !MENTION_TYPES.includes(type)) {
        return invalidForm(request, [field, "parse", index], "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone').");
      }
    }
  }
  for (const [name, list] of [
    ["users", users],
    ["roles", roles],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) return invalidForm(request, [field, name], "BASE_TYPE_LIST", "Must be a list.");
    if (list.length > 100) return invalidForm(request, [field, name], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
    for (const [index, id] of list.entries()) {
      if (typeof id !== "string" || !SNOWFLAKE.test(id)) return invalidForm(request, [field, name, index], "NUMBER_TYPE_COERCE", `Value "${String(id)}" is not snowflake.`);
    }
    if (Array.isArray(parse) && parse.includes(name) && list.length > 0) {
      return invalidForm(request, [field], "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["${name}"] and ${name}: [ids...] are mutually exclusive.`);
    }
  }
  if (value.replied_user !== undefined && typeof value.replied_user !== "boolean") {
    return invalidForm(request, [field, "replied_user"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  }
  return undefined;
}
