export { ReconnectingSocket } from "./ReconnectingSocket.js";
export { SocketError, type SocketErrorCode } from "./SocketError.js";
export type { Clock } from "@nuwani/util";
export type {
  CloseInitiator,
  ReconnectDecision,
  ReconnectOptions,
  ReconnectingSocketEvents,
  ReconnectingSocketOptions,
  SocketAttemptInfo,
  SocketBackoffOptions,
  SocketCloseEvent,
  SocketCloseInfo,
  SocketRetryInfo,
  SocketCompression,
  SocketState,
} from "./types.js";
