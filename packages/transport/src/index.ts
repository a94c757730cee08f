export type {
  Transport,
  TransportConnectOptions,
  TransportConnection,
  TransportConnectionState,
  TransportListener,
} from "./Transport.js";
export { TransportError, type TransportErrorCode, type TransportErrorOptions } from "./TransportError.js";
export { WsTransport, type WsTransportOptions } from "./WsTransport.js";
