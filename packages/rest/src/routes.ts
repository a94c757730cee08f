import type {
  AllowedMentionsTypes,
  APIAllowedMentions,
  APIEmbed,
  APIMessage,
  RESTGetAPIGatewayBotResult,
  RESTGetAPIGatewayResult,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPICurrentUserCreateDMChannelJSONBody,
  RESTPutAPIChannelPermissionJSONBody,
} from "discord-api-types/v10";
import type { RestVersion } from "./DiscordRestOptions.js";
import { encodeEmoji } from "./encodeEmoji.js";
import type { RestRequest } from "./RestRequest.js";
import { RestError } from "./RestError.js";
import { codePointLength } from "./splitMessage.js";

/**
 * `allowed_mentions` of a message: Discord's `APIAllowedMentions` (`discord-api-types` v10),
 * whose `parse` also takes the plain strings (`"users"`, not only the `AllowedMentionsTypes` enum).
 */
export type AllowedMentions = Omit<APIAllowedMentions, "parse"> & {
  /** Which mentions in the content ping: `"roles"`, `"users"`, `"everyone"`. */
  parse?: Array<`${AllowedMentionsTypes}`> | undefined;
};

/**
 * The body of Create Message: Discord's `RESTPostAPIChannelMessageJSONBody`
 * (`discord-api-types` v10; JSON fields only, uploads are not supported), plus v6's single
 * `embed`. It has no index signature: a misspelled field is a compile error.
 * `allowed_mentions` defaults to `{ parse: [] }` here: nobody is pinged unless you say so.
 */
export type CreateMessageBody = Omit<RESTPostAPIChannelMessageJSONBody, "allowed_mentions"> & {
  /** @defaultValue `{ parse: [] }` */
  allowed_mentions?: AllowedMentions | undefined;
  /** v6's single embed (sent as `embeds: [embed]` in v10). */
  embed?: APIEmbed | undefined;
};

/** The Message Discord returns: `APIMessage` (`discord-api-types` v10). */
export type RestMessage = APIMessage;

/** The body of `DiscordRest.editChannelPermissions` (Discord's `RESTPutAPIChannelPermissionJSONBody`, bits also as `bigint`). */
export interface ChannelPermissionOverwrite {
  /** 0 a role (`@everyone`'s id is the guild's), 1 a member. */
  type: 0 | 1;
  /** The allowed bits. @defaultValue "0" */
  allow?: string | bigint | null;
  /** The denied bits. @defaultValue "0" */
  deny?: string | bigint | null;
}

/** `GET /gateway`: `RESTGetAPIGatewayResult` (`discord-api-types` v10). */
export type GatewayInfo = RESTGetAPIGatewayResult;

/** `GET /gateway/bot`: `RESTGetAPIGatewayBotResult` (`discord-api-types` v10). */
export type GatewayBotInfo = RESTGetAPIGatewayBotResult;

/** Discord's limit on a message's `content`, in code points. */
const MAX_MESSAGE_LENGTH = 2000;
const SNOWFLAKE = /^\d{1,20}$/;

function checkId(name: string, value: string): void {
  if (typeof value !== "string" || !SNOWFLAKE.test(value)) throw new RestError("REST_INVALID_ARGUMENT", `${name} must be a snowflake string`);
}

function withReason(request: RestRequest, reason: string | undefined): RestRequest {
  return reason === undefined ? request : { ...request, reason };
}

/** The body of Create Message as `version` takes it (see `DiscordRest.createMessage`). */
function messageBody(version: RestVersion, body: string | CreateMessageBody): CreateMessageBody {
  const fields: CreateMessageBody = typeof body === "string" ? { content: body } : { ...body };
  if (typeof fields.content === "string") {
    const length = codePointLength(fields.content);
    if (length > MAX_MESSAGE_LENGTH) {
      throw new RestError("REST_INVALID_ARGUMENT", `content is ${length} code points; Discord allows ${MAX_MESSAGE_LENGTH} (see splitMessage)`);
    }
  }
  if (fields.embed !== undefined && fields.embeds !== undefined) throw new RestError("REST_INVALID_ARGUMENT", "give embed or embeds, not both");
  if (version === 10 && fields.embed !== undefined) {
    const { embed, ...rest } = fields;
    return messageBody(version, { ...rest, embeds: [embed] });
  }
  if (version === 6 && fields.embeds !== undefined) {
    const { embeds, ...rest } = fields;
    if (!Array.isArray(embeds) || embeds.length > 1) throw new RestError("REST_INVALID_ARGUMENT", "v6 sends at most one embed");
    const [embed] = embeds;
    return messageBody(version, embed === undefined ? rest : { ...rest, embed });
  }
  if (!("allowed_mentions" in fields)) fields.allowed_mentions = { parse: [] };
  return fields;
}

/** `POST /channels/{channelId}/messages`. */
export function createMessageRequest(version: RestVersion, channelId: string, body: string | CreateMessageBody): RestRequest {
  checkId("channelId", channelId);
  return { method: "POST", path: `/channels/${channelId}/messages`, body: messageBody(version, body) };
}

/** `PUT /channels/{channelId}/messages/{messageId}/reactions/{emoji}/@me`. */
export function createReactionRequest(channelId: string, messageId: string, emoji: string): RestRequest {
  checkId("channelId", channelId);
  checkId("messageId", messageId);
  if (typeof emoji !== "string" || emoji === "") throw new RestError("REST_INVALID_ARGUMENT", "emoji must be a non-empty string");
  return { method: "PUT", path: `/channels/${channelId}/messages/${messageId}/reactions/${encodeEmoji(emoji)}/@me` };
}

/** `POST /users/@me/channels`. */
export function createDMRequest(userId: string): RestRequest {
  checkId("userId", userId);
  const body: RESTPostAPICurrentUserCreateDMChannelJSONBody = { recipient_id: userId };
  return { method: "POST", path: "/users/@me/channels", body };
}

function permissionBits(name: string, value: string | bigint | null | undefined): string {
  if (value === undefined || value === null) return "0";
  const text = typeof value === "bigint" ? value.toString() : value;
  if (typeof text !== "string" || !/^\d{1,40}$/.test(text)) throw new RestError("REST_INVALID_ARGUMENT", `overwrite.${name} must be a permission bit string`);
  return text;
}

/** `PUT /channels/{channelId}/permissions/{overwriteId}`, its body as `version` takes it. */
export function editChannelPermissionsRequest(
  version: RestVersion,
  channelId: string,
  overwriteId: string,
  overwrite: ChannelPermissionOverwrite,
  reason: string | undefined,
): RestRequest {
  checkId("channelId", channelId);
  checkId("overwriteId", overwriteId);
  if (overwrite.type !== 0 && overwrite.type !== 1) throw new RestError("REST_INVALID_ARGUMENT", "overwrite.type must be 0 (role) or 1 (member)");
  const allow = permissionBits("allow", overwrite.allow);
  const deny = permissionBits("deny", overwrite.deny);
  const body =
    version === 6
      ? { type: overwrite.type === 0 ? "role" : "member", allow: Number(allow), deny: Number(deny) }
      : ({ type: overwrite.type, allow, deny } satisfies RESTPutAPIChannelPermissionJSONBody);
  return withReason({ method: "PUT", path: `/channels/${channelId}/permissions/${overwriteId}`, body }, reason);
}

/** `DELETE /channels/{channelId}/permissions/{overwriteId}`. */
export function deleteChannelPermissionRequest(channelId: string, overwriteId: string, reason: string | undefined): RestRequest {
  checkId("channelId", channelId);
  checkId("overwriteId", overwriteId);
  return withReason({ method: "DELETE", path: `/channels/${channelId}/permissions/${overwriteId}` }, reason);
}
