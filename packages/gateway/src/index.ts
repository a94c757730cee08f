export type { Clock } from "@nuwani/util";
export { GatewayConnection } from "./GatewayConnection.js";
export type {
  GatewayConnectOptions,
  GatewayConnectionEvents,
  GatewayConnectionOptions,
  GatewayDispatch,
  GatewayMemberRequest,
  GatewayMemberRequestOptions,
  GatewayPresence,
  GatewayReconnectInfo,
  GatewayReconnectReason,
  GatewaySendOptions,
  GatewaySession,
  GatewayState,
  GatewayVersion,
  IdentifyProperties,
} from "./types.js";
export { GatewayError } from "./GatewayError.js";
export type { GatewayErrorCode, GatewayErrorOptions } from "./GatewayError.js";
// Shared by the connections (shards) of a process, and fed GET /gateway/bot's session_start_limit.
export { IdentifyThrottle } from "./IdentifyThrottle.js";
export type { IdentifyStormGuard, IdentifyThrottleOptions, SessionStartLimit, SessionStartLimitState } from "./IdentifyThrottle.js";
export type { MemberChunk, MemberRequestResult } from "./MemberChunkCollector.js";

// ---- Discord's types, from the same discord-api-types this package is built against ----------
// One import suffices and the listener types cannot skew from a separately installed copy.

export {
  ActivityType,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  PresenceUpdateStatus,
} from "discord-api-types/v10";
export type {
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIUser,
  GatewayDispatchPayload,
  GatewayGuildCreateDispatchData,
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayGuildMemberUpdateDispatchData,
  GatewayGuildMembersChunkDispatchData,
  GatewayMessageCreateDispatchData,
  GatewayMessageUpdateDispatchData,
  GatewayPresenceUpdateData,
  GatewayReadyDispatchData,
} from "discord-api-types/v10";
/**
 * Everything of `discord-api-types/v10` (the default gateway version), e.g. `v10.GatewayIntentBits`,
 * `v10.APIChannel`: the same copy the {@link GatewayConnection} types use.
 */
export * as v10 from "discord-api-types/v10";
/** Everything of `discord-api-types/v6`, for `version: 6` connections. */
export * as v6 from "discord-api-types/v6";
