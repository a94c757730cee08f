// What an operator or a gamemode embedding the bridge needs. The machinery (the outbox, flood
// control, sanitising and parsing helpers, format internals, the command registry) stays
// inside; tests import it by relative path.
export { Bridge } from "./Bridge.js";
export type { BridgeGateway, BridgeOptions, BridgeRest } from "./BridgeOptions.js";
export type {
  BridgeEvents,
  BridgeLineCounts,
  BridgeSummary,
  CommandEvent,
  DiscordToGameEvent,
  GameToDiscordEvent,
  GatewayBotEvent,
  GuildReadyEvent,
  RelayRole,
  SyncEvent,
} from "./BridgeEvents.js";
export { BridgeError, type BridgeErrorCode, type BridgeErrorDetails } from "./BridgeError.js";
// Type only, for users' convenience: the runtime `systemClock` is @nuwani/util's.
export type { Clock, Secret } from "@nuwani/util";
export {
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
  DEFAULT_LEVELS,
  describeTarget,
  type DeliveryTarget,
  type EchoParam,
  type GameMutes,
  type GameServer,
  type GameServerEvents,
  type MutedPlayer,
  type Player,
  type PlayerLevel,
} from "@nuwani/game";
export { LevelLadder, type LevelLadderOptions, type LevelRoles } from "./LevelLadder.js";
export { SimulatedGameServer, type DeliveredMessage, type SimulatedGameServerOptions } from "./SimulatedGameServer.js";
export { defaultFormats } from "./defaultFormats.js";
export {
  formatEcho,
  loadFormats,
  mergeFormats,
  parseFormats,
  type EchoFormat,
  type EchoFormats,
  type EchoPriority,
  type FormatsOptions,
  type FormattedEcho,
} from "./formats.js";
export { parsePawnEcho } from "./parsePawnEcho.js";
export type { Command, CommandContext, CommandOutcome } from "./commands.js";
