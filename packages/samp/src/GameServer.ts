// The game contract lives in @nuwani/game, shared with the bridge.
export type { DeliveryTarget, EchoParam, GameMutes, GameServer, GameServerEvents, MutedPlayer, Player, PlayerLevel } from "@nuwani/game";
