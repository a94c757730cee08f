export type {
  Transport,
  TransportConnectOptions,
  TransportConnection,
  TransportConnectionState,
  TransportListener,
} from "./Transport.js";
export { TransportError, type TransportErrorCode } from "./TransportError.js";
