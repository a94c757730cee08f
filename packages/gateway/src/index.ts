export { defaultClock } from "./Clock.js";
export type { Clock } from "./Clock.js";
export { GatewayError } from "./GatewayError.js";
export type { GatewayErrorCode, GatewayErrorOptions } from "./GatewayError.js";
export { CLOSE_CODES, classifyClose } from "./closeCodes.js";
export type { CloseAction, CloseClassification, CloseCodeInfo } from "./closeCodes.js";
export { RateLimiter } from "./RateLimiter.js";
export type { RateLimiterOptions } from "./RateLimiter.js";
export { CommandLimiter } from "./CommandLimiter.js";
export type { CommandLimiterOptions, CommandPriority } from "./CommandLimiter.js";
export { IdentifyThrottle } from "./IdentifyThrottle.js";
export type { IdentifyStormGuard, IdentifyThrottleOptions, SessionStartLimit, SessionStartLimitState } from "./IdentifyThrottle.js";
export { MemberChunkCollector, createNonce } from "./MemberChunkCollector.js";
export type {
  MemberChunk,
  MemberChunkCollectorOptions,
  MemberRequest,
  MemberRequestOptions,
  MemberRequestResult,
} from "./MemberChunkCollector.js";
export { GatewayConnection } from "./GatewayConnection.js";
export type {
  GatewayConnectionEvents,
  GatewayConnectionOptions,
  GatewayDispatch,
  GatewayPresence,
  GatewaySession,
  GatewayState,
  GatewayVersion,
  IdentifyProperties,
} from "./GatewayConnection.js";
