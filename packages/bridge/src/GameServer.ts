// The game contract lives in @nuwani/game, shared with the game adapters (@nuwani/samp).
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
} from "@nuwani/game";
