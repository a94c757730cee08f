export { Bucket, type BucketUpdate } from "./Bucket.js";
export { type Clock, systemClock } from "./Clock.js";
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
export { encodeEmoji } from "./encodeEmoji.js";
export { GlobalLimiter, type RateLimit } from "./GlobalLimiter.js";
export { InvalidRequestGuard } from "./InvalidRequestGuard.js";
export { RateLimitManager, type RateLimitManagerOptions } from "./RateLimitManager.js";
export { RestError, type RestErrorCode, type RestErrorDetails } from "./RestError.js";
export { type RouteKey, routeKey } from "./routeKey.js";
export { codePointLength, splitMessage, type SplitMessageOptions } from "./splitMessage.js";
