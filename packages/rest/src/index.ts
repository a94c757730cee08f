export type { Clock } from "@nuwani/util";
export {
  type AllowedMentions,
  type ChannelPermissionOverwrite,
  type CreateMessageBody,
  DiscordRest,
  type DiscordRestOptions,
  type GatewayBotInfo,
  type GatewayInfo,
  type DiscordRestEvents,
  type RateLimitedInfo,
  type RestCallOptions,
  type RestMessage,
  type RestMethod,
  type RestRequest,
  type RestResponseInfo,
  type RestVersion,
  VERSION,
} from "./DiscordRest.js";
export type { RateLimit } from "./GlobalLimiter.js";
export { RestError, type RestErrorCode, type RestErrorDetails } from "./RestError.js";
export { codePointLength, splitMessage, type SplitMessageOptions } from "./splitMessage.js";
