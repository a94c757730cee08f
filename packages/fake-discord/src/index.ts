// Kept as this package's own exports so its users do not break; they live in @nuwani/util.
export { type Clock, systemClock } from "@nuwani/util";
export {
  createTestCertificate,
  type TestCertificate,
  type TestCertificateOptions,
} from "./createTestCertificate.js";
export { FakeDiscordError, type FakeDiscordErrorCode } from "./FakeDiscordError.js";
export { FakeGateway, type FakeGatewayEvents, type FakeGatewayOptions } from "./FakeGateway.js";
export {
  FakeGatewayConnection,
  type FakeGatewayCloseInfo,
  type FakeGatewayConnectionEvents,
  type FakeGatewayConnectionState,
} from "./FakeGatewayConnection.js";
export { FakeGatewayFaults, type FakeCompressionMode } from "./FakeGatewayFaults.js";
export { createDefaultOpHandlers, type FakeOpHandler, GatewayOp } from "./opHandlers.js";
export type { FakeCompression, FakeGatewayPayload, ReceivedPayload } from "./types.js";
export { ZlibStreamEncoder } from "./ZlibStreamEncoder.js";
// Protocol half (FakeDiscord): sessions, fixtures, REST, CLI helpers.
export { createBotUser, DEFAULT_BOT_ID } from "./createBotUser.js";
export { type ChannelInput, type CreateGuildOptions, createGuild, type PermissionInput, type RoleInput } from "./createGuild.js";
export { FakeDiscord } from "./FakeDiscord.js";
export type { FakeDiscordOptions, FakeDiscordStartOptions, FakeDispatchOptions } from "./FakeDiscordOptions.js";
export type {
  FakeCloseRecord,
  FakeDiscordEvents,
  FakeHeartbeatRecord,
  FakeIdentifyRecord,
  FakeMemberRequestRecord,
  FakeResumeRecord,
} from "./FakeDiscordRecords.js";
export { type FakeFaultTarget, FakeDiscordFaults } from "./FakeDiscordFaults.js";
export {
  type FakeRestHandler,
  type FakeRestMatch,
  type FakeRestMethod,
  type FakeRestRequest,
  type FakeRestResponse,
  type FakeRestRoute,
  type FakeRestRouteOptions,
  FakeRestRouter,
  type FakeRestVersion,
} from "./FakeRestRouter.js";
export {
  FakeRestBuckets,
  type FakeRestLimit,
  type FakeRestLimitKey,
  type FakeRestLimitVerdict,
  type FakeRestRateLimitOptions,
} from "./FakeRestBuckets.js";
export { type FakeRestFault, FakeRestFaults } from "./FakeRestFaults.js";
export { type FakeRestRecord, FakeRestServer, type FakeRestServerOptions, type FakeRestServerRouteOptions } from "./FakeRestServer.js";
export {
  addRestRoutes,
  type FakeDmChannel,
  type FakePostedMessage,
  type FakeReactionRecord,
  type FakeRestRouteContext,
  isEmoji,
  MAX_MESSAGE_LENGTH,
  REACTIONS_BUCKET,
} from "./restRoutes.js";
export { FakeSession, type FakeSessionInit, type FakeSessionState } from "./FakeSession.js";
export { FakeThreads, type ThreadInput } from "./FakeThreads.js";
export { GuildMembersRateLimit, type GuildMembersRateLimitOptions } from "./GuildMembersRateLimit.js";
export type {
  ActivityFixture,
  ChannelFixture,
  GuildFixture,
  MemberFixture,
  OverwriteFixture,
  PresenceStatus,
  RoleFixture,
  ThreadFixture,
  ThreadType,
  UserFixture,
} from "./GuildFixture.js";
export {
  IdentifyLimiter,
  type IdentifyLimiterOptions,
  type IdentifyVerdict,
  type SessionStartLimit,
  type SessionStartLimitOptions,
} from "./IdentifyLimiter.js";
export { intentForEvent, Intents, PRIVILEGED_INTENTS, validIntents } from "./Intents.js";
export { Permissions } from "./Permissions.js";
export {
  type GuildMembersRefusal,
  type GuildMembersRequest,
  MEMBERS_PER_CHUNK,
  parseGuildMembersRequest,
  requestGuildMembers,
  selectMembers,
} from "./requestGuildMembers.js";
export { CLI_USAGE, type RunCliOptions, type RunningCli, runCli } from "./runCli.js";
export {
  type GatewayVersion,
  serializeChannel,
  serializeGuild,
  type SerializeGuildOptions,
  serializeMember,
  serializeOverwrite,
  serializePresence,
  serializeRole,
  serializeThread,
  serializeUser,
} from "./serializeGuild.js";
export { type CreatedMessage, type MessageInput, MessageSerializer } from "./serializeMessage.js";
export { DISCORD_EPOCH, snowflake } from "./snowflake.js";
