// The game contract lives in @nuwani/game, shared with the bridge.
export type { DeliveryTarget, EchoParam, GameMutes, GameServer, GameServerEvents, MutedPlayer, Player, PlayerLevel } from "@nuwani/game";
export { DEFAULT_LEVELS, GAME_LINE_LENGTH } from "@nuwani/game";
