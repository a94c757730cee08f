export { SampError, type SampErrorCode, type SampErrorDetails } from "./SampError.js";
export { systemClock, type Clock } from "./Clock.js";
export { Secret } from "./Secret.js";
export { CodePage, DEFAULT_ENCODING } from "./CodePage.js";
export { GAME_LINE_LENGTH, sanitizeGameText, splitGameLines } from "./sanitize.js";
export { type ServerInfo, type QueriedPlayer, type QueryOpcode } from "./packet.js";
export { SampQueryClient, type SampQueryClientOptions, type SampQueryStats, type PlayerList, type ServerVariant } from "./SampQueryClient.js";
