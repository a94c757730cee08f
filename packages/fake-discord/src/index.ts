// The time source type of the `clock` options, for convenience; `systemClock` and the test
// clocks live in @nuwani/util.
export type { Clock } from "@nuwani/util";
// The fake Discord (protocol, REST, records) and what its users see of it.
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
export { FakeDiscordError, type FakeDiscordErrorCode } from "./FakeDiscordError.js";
export { type FakeFaultTarget, FakeDiscordFaults } from "./FakeDiscordFaults.js";
export { FakeSession, type FakeSessionState } from "./FakeSession.js";
export { FakeThreads, type ThreadInput } from "./FakeThreads.js";
export type { SessionStartLimit, SessionStartLimitOptions } from "./IdentifyLimiter.js";
export type { CreatedMessage, MessageInput } from "./serializeMessage.js";
// The connection core (a bare gateway for transport and socket tests) and its faults.
export { FakeGateway, type FakeGatewayEvents, type FakeGatewayOptions } from "./FakeGateway.js";
export {
  FakeGatewayConnection,
  type FakeGatewayCloseInfo,
  type FakeGatewayConnectionEvents,
  type FakeGatewayConnectionState,
} from "./FakeGatewayConnection.js";
export { FakeGatewayFaults, type FakeCompressionMode } from "./FakeGatewayFaults.js";
export type { FakeOpHandler } from "./opHandlers.js";
export type { FakeCompression, FakeGatewayPayload, ReceivedPayload } from "./types.js";
export { createTestCertificate, type TestCertificate, type TestCertificateOptions } from "./createTestCertificate.js";
// REST: the server behind `discord.rest`, its routes, limits, faults and records.
export {
  type FakeRestRecord,
  FakeRestServer,
  type FakeRestServerRouteOptions,
} from "./FakeRestServer.js";
export type { FakeRestHandler, FakeRestMethod, FakeRestRequest, FakeRestResponse, FakeRestVersion } from "./FakeRestRouter.js";
export { FakeRestBuckets, type FakeRestLimit, type FakeRestRateLimitOptions } from "./FakeRestBuckets.js";
export { type FakeRestFault, FakeRestFaults } from "./FakeRestFaults.js";
export { type FakeDmChannel, type FakePostedMessage, type FakeReactionRecord, REACTIONS_BUCKET } from "./restRoutes.js";
// Fixtures: builders, their types, and Discord's shapes of them.
export { createBotUser, DEFAULT_BOT_ID } from "./createBotUser.js";
export { type ChannelInput, type CreateGuildOptions, createGuild, type PermissionInput, type RoleInput } from "./createGuild.js";
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
export { Intents, PRIVILEGED_INTENTS } from "./Intents.js";
export { Permissions } from "./Permissions.js";
export {
  type GatewayVersion,
  serializeChannel,
  serializeGuild,
  type SerializeGuildOptions,
  serializeMember,
  serializePresence,
  serializeRole,
  serializeThread,
  serializeUser,
} from "./serializeGuild.js";
// Op 8 as the fake answers it, for a test that plays the gateway side of a member sync itself.
export { GuildMembersRateLimit, type GuildMembersRateLimitOptions } from "./GuildMembersRateLimit.js";
export { type GuildMembersRefusal, type GuildMembersRequest, parseGuildMembersRequest, requestGuildMembers } from "./requestGuildMembers.js";
