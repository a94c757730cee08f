// The time source type of the `clock` options, for convenience; `systemClock` lives in @nuwani/util.
export type { Clock } from "@nuwani/util";
// The fake server, its options, events and records.
export { FakeSampServer } from "./FakeSampServer.js";
export type {
  FakeCustomCommandRecord,
  FakeQueryOutcome,
  FakeQueryRecord,
  FakeRconContext,
  FakeRconHandler,
  FakeRconRecord,
  FakeSampPeer,
  FakeSampPlayer,
  FakeSampPlayerInput,
  FakeSampRecords,
  FakeSampServerEvents,
  FakeSampServerLogOptions,
  FakeSampServerOptions,
  FakeSayRecord,
  FakeTextFilter,
} from "./FakeSampServerOptions.js";
export { FakeSampError, type FakeSampErrorCode } from "./FakeSampError.js";
// Faults (`server.faults`), the server log (`server.log`, or on its own) and scripted play.
export { type FakeBurstOptions, type FakeMalformKind, FakeSampFaults } from "./FakeSampFaults.js";
export { type FakeSampFlavour, FakeSampLog, type FakeSampLogOptions } from "./FakeSampLog.js";
export type { FakeSampPlayEvent, FakeSampPlayOptions } from "./FakeSampPlay.js";
export { defaultEchoFormat, type EchoFormatter, type EchoParam, type PartReason } from "./logLines.js";
export { CodePage } from "./CodePage.js";
// The Nuwani Pawn include, emulated on a fake server.
export { type FakeNuwaniDelivery, FakeNuwaniInclude, type FakeNuwaniIncludeOptions, type FakeNuwaniLevel } from "./FakeNuwaniInclude.js";
