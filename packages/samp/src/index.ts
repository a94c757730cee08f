export { SampError, type SampErrorCode, type SampErrorDetails } from "./SampError.js";
export type { Clock } from "@nuwani/util";
// `Secret` lives in @nuwani/util; still exported here so users of this package do not break.
export { Secret } from "@nuwani/util";
export { CodePage, DEFAULT_ENCODING } from "./CodePage.js";
export { sanitizeGameText, splitGameLines } from "./sanitize.js";
export type { ServerInfo, QueriedPlayer, QueryOpcode } from "./packet.js";
export { SampQueryClient, type SampQueryClientOptions, type SampQueryStats, type PlayerList, type ServerVariant } from "./SampQueryClient.js";
export { LogTail, type LogTailOptions, type LogTailEvents, type LogTailStats, type WatchDirectory } from "./LogTail.js";
export { parseLogLine, weaponName, type LogEvent, type PartReason } from "./parseLogLine.js";
export { ECHO_MARKER, formatEchoLine } from "./echoLine.js";
// The game contract and its constants live in @nuwani/game; still exported here so users of this package do not break.
export { DEFAULT_LEVELS, GAME_LINE_LENGTH, type EchoParam, type PlayerLevel, type Player, type DeliveryTarget, type GameServerEvents, type MutedPlayer, type GameMutes, type GameServer } from "@nuwani/game";
export { SampGameServer, PART_REASONS, SAY_PREFIX, type SampGameServerOptions, type SampGameServerStats } from "./SampGameServer.js";
export { parseGameConfig, RCON_PASSWORD_ENVIRONMENT_VARIABLE, type GameConfig, type ParseGameConfigOptions } from "./config.js";
export { createSampGameServer, type CreateSampGameServerOptions } from "./createSampGameServer.js";
