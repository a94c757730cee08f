export {
  DEFAULT_LEVELS,
  GAME_LINE_LENGTH,
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
