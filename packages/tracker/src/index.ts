export { DiscordTracker } from "./DiscordTracker.js";
export type { DiscordTrackerOptions } from "./DiscordTracker.js";
export type { DiscordTrackerEvents, MemberChanges } from "./DiscordTrackerEvents.js";
export type { TrackerDispatch, TrackerGateway, TrackerMemberChunk } from "./TrackerGateway.js";
export { TrackerError } from "./TrackerError.js";
export type { TrackerErrorCode, TrackerErrorOptions } from "./TrackerError.js";
export { Permissions } from "./Permissions.js";
export { computePermissions } from "./computePermissions.js";
export type { PermissionInput } from "./computePermissions.js";
export { parseMention } from "./parseMention.js";
export type { MentionKind, ParsedMention } from "./parseMention.js";
export { formatMention } from "./formatMention.js";
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
