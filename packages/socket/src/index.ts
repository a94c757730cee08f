export { ReconnectingSocket } from "./ReconnectingSocket.js";
export { Backoff, type BackoffOptions } from "./Backoff.js";
export { GatewayCodec, DEFAULT_MAX_PAYLOAD_SIZE, type GatewayCodecOptions } from "./GatewayCodec.js";
export { SocketError, type SocketErrorCode } from "./SocketError.js";
export { systemClock, type Clock } from "./Clock.js";
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
  SocketCompression,
  SocketState,
} from "./types.js";
// The layer above may only depend on this package, yet configures the transport (e.g. a CA
// for a test server): the transport's public surface is passed through.
export {
  TransportError,
  WsTransport,
  type Transport,
  type TransportConnectOptions,
  type TransportConnection,
  type TransportErrorCode,
  type TransportListener,
  type WsTransportOptions,
} from "@nuwani/transport";
