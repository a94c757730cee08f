export { BridgeError, type BridgeErrorCode, type BridgeErrorDetails } from "./BridgeError.js";
export { systemClock, type Clock } from "./Clock.js";
export {
  DEFAULT_CHANNEL_NAMES,
  DEFAULT_INTENTS,
  DEFAULT_ROLE_NAMES,
  TOKEN_ENVIRONMENT_VARIABLE,
  loadConfig,
  parseConfig,
  type BridgeConfig,
  type DisabledBridgeConfig,
  type DisabledReason,
  type DiscordChannelReference,
  type DiscordChannels,
  type DiscordLevelMapping,
  type DiscordReference,
  type EnabledBridgeConfig,
} from "./config.js";
export {
  describeTarget,
  type DeliveryTarget,
  type EchoParam,
  type GameMutes,
  type GameServer,
  type GameServerEvents,
  type MutedPlayer,
  type Player,
  type PlayerLevel,
} from "./GameServer.js";
export { DEFAULT_LEVELS, LevelLadder, type LevelLadderOptions, type LevelRoles } from "./LevelLadder.js";
// `Secret` lives in @nuwani/util; still exported here so users of this package do not break.
export { Secret } from "@nuwani/util";
export { FloodControl, type FloodControlOptions, type FloodCounts, type FloodLimit, type FloodVerdict } from "./FloodControl.js";
export { SimulatedGameServer, type DeliveredMessage, type SimulatedGameServerOptions } from "./SimulatedGameServer.js";
export {
  GAME_LINE_LENGTH,
  escapeForDiscord,
  formatDiscordChat,
  sanitizeForGame,
  splitGameLines,
  stripColourCodes,
  stripControlCharacters,
  stripInvisibleCharacters,
  type FormatDiscordChatOptions,
  type SanitizeForGameOptions,
} from "./sanitize.js";
export { ECHO_PRIORITIES, type EchoFormat, type EchoParams, type EchoPriority, type FormattedEcho } from "./echoFormat.js";
export { formatEcho, loadFormats, mergeFormats, parseFormats, type EchoFormats, type FormatsOptions } from "./formats.js";
export { formatLvp } from "./lvpFormat.js";
export { parsePawnEcho } from "./parsePawnEcho.js";
export {
  LVP_AUDIENCE_CHANNELS,
  LVP_CHANNELS,
  LVP_PRIORITIES,
  type EchoAudience,
  type LvpFormatOptions,
  type LvpTagPriority,
} from "./lvpFormats.js";
export { DEFAULT_FORMATS_JSON, defaultFormats } from "./defaultFormats.js";
export {
  Outbox,
  type OutboxCounts,
  type OutboxEvents,
  type OutboxLatency,
  type OutboxOptions,
  type OutboxRate,
  type OutboxSend,
  type OutboxStats,
} from "./Outbox.js";
export {
  CommandRegistry,
  defaultCommands,
  findPlayer,
  parseCommand,
  type Command,
  type CommandContext,
  type CommandOutcome,
  type CommandRegistryOptions,
  type ParsedCommand,
} from "./commands.js";
export {
  Bridge,
  isRetryableSendError,
  type BridgeEvents,
  type BridgeGateway,
  type BridgeLineCounts,
  type BridgeOptions,
  type BridgeRest,
  type BridgeSummary,
  type CommandEvent,
  type DiscordToGameEvent,
  type GameToDiscordEvent,
  type GuildReadyEvent,
  type RelayRole,
  type SyncEvent,
} from "./Bridge.js";
