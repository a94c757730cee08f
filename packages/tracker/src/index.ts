export { DiscordTracker } from "./DiscordTracker.js";
export type {
  DiscordTrackerEvents,
  DiscordTrackerOptions,
  MemberChanges,
  TrackerDispatch,
  TrackerGateway,
  TrackerMemberChunk,
} from "./DiscordTracker.js";
export { TrackerError } from "./TrackerError.js";
export type { TrackerErrorCode, TrackerErrorOptions } from "./TrackerError.js";
export { Permissions } from "./Permissions.js";
export { computePermissions } from "./computePermissions.js";
export type { PermissionInput } from "./computePermissions.js";
export { parseMention } from "./parseMention.js";
export type { MentionKind, ParsedMention } from "./parseMention.js";
export { formatMention } from "./formatMention.js";
export { resolveChannel } from "./resolveChannel.js";
export { resolveMember } from "./resolveMember.js";
export { resolveRole } from "./resolveRole.js";
export { resolveMessage } from "./resolveMessage.js";
export type { ResolvedMessage } from "./resolveMessage.js";
export type {
  PresenceStatus,
  TrackerChannel,
  TrackerGuild,
  TrackerMember,
  TrackerOverwrite,
  TrackerRole,
  TrackerThread,
  TrackerUser,
} from "./types.js";
// The gateway the tracker attaches to, re-exported so that the layer above (the bridge, which
// may import only the tracker and rest) can open one (as socket re-exports transport).
export { GatewayConnection, GatewayError } from "@nuwani/gateway";
export type {
  GatewayConnectionEvents,
  GatewayConnectionOptions,
  GatewayDispatch,
  GatewayErrorCode,
  GatewaySession,
  GatewayState,
  GatewayVersion,
} from "@nuwani/gateway";
