// Kept as this package's own exports so its users do not break; they live in @nuwani/util.
export { type Clock, type Random, systemClock } from "@nuwani/util";
export { CodePage } from "./CodePage.js";
export { type FakeNuwaniDelivery, FakeNuwaniInclude, type FakeNuwaniIncludeOptions, type FakeNuwaniLevel } from "./FakeNuwaniInclude.js";
export { FakeSampError, type FakeSampErrorCode } from "./FakeSampError.js";
export { type FakeBurstOptions, type FakeMalformKind, FakeSampFaults } from "./FakeSampFaults.js";
export { type FakeSampFlavour, FakeSampLog, type FakeSampLogOptions } from "./FakeSampLog.js";
export { DEFAULT_NAMES, DEFAULT_PHRASES, FakeSampPlay, type FakeSampPlayEvent, type FakeSampPlayOptions } from "./FakeSampPlay.js";
export {
  type FakeCustomCommandRecord,
  type FakeQueryOutcome,
  type FakeQueryRecord,
  type FakeRconContext,
  type FakeRconHandler,
  type FakeRconRecord,
  type FakeSampPeer,
  type FakeSampPlayer,
  type FakeSampPlayerInput,
  type FakeSampRecords,
  type FakeSampServerEvents,
  type FakeSampServerLogOptions,
  type FakeSampServerOptions,
  type FakeSayRecord,
  type FakeTextFilter,
  MAX_NAME_BYTES,
  MAX_SLOTS,
  PLAYER_LIST_LIMIT,
  SAY_LIMIT_BYTES,
} from "./FakeSampServerOptions.js";
export { FakeSampServer } from "./FakeSampServer.js";
export {
  defaultEchoFormat,
  type EchoFormatter,
  type EchoParam,
  formatBadRcon,
  formatChat,
  formatDeath,
  formatJoin,
  formatKill,
  formatPart,
  type PartReason,
  WEAPON_NAMES,
} from "./logLines.js";
export { CLI_USAGE, type RunningCli, runCli } from "./runCli.js";
export { encodeHeader, encodeRconRequest, HEADER_LENGTH, PING_LENGTH, QUERY_MAGIC } from "./packets.js";
