import type { TransportConnection } from "@nuwani/transport";
import type { GatewayCodec } from "./GatewayCodec.js";
import type { SocketState } from "./types.js";

// The connection state of a ReconnectingSocket: one private discriminated union and the
// transitions allowed between its kinds. Only ReconnectingSocket uses these.

/** One connection attempt and, once it opened, its connection. */
export interface Link {
  readonly url: string;
  readonly attempt: number;
  /** Messages that arrived before the connect promise settled (see `#onConnected`). */
  early: (string | Uint8Array)[] | undefined;
  /** A close reported before the connect promise settled. */
  earlyClose: { code: number; reason: string } | undefined;
}

/** A close the client asked for, and what follows it. */
export interface CloseRequest {
  readonly code: number;
  readonly reason: string;
  reconnect: boolean;
  delay: number | undefined;
}

export interface Idle {
  readonly kind: "idle";
}
export interface Connecting {
  readonly kind: "connecting";
  readonly link: Link;
  readonly abort: AbortController;
  readonly timer: unknown;
}
export interface Open {
  readonly kind: "open";
  readonly link: Link;
  readonly connection: TransportConnection;
  readonly codec: GatewayCodec;
  helloTimer: unknown;
  stableTimer: unknown;
  /** Marked by `markHealthy()` or by staying up `stableAfter`: its drop is not a failure. */
  healthy: boolean;
}
export interface Closing {
  readonly kind: "closing";
  readonly link: Link;
  readonly connection: TransportConnection;
  readonly request: CloseRequest;
  readonly timer: unknown;
  /** Whether the connection being closed had been healthy. */
  readonly healthy: boolean;
}
export interface Waiting {
  readonly kind: "waiting";
  timer: unknown;
}
export interface Destroyed {
  readonly kind: "destroyed";
}

/** The connection state: one discriminated union, replaced only by `#transition`. */
export type State = Idle | Connecting | Open | Closing | Waiting | Destroyed;

/** The transitions `#transition` allows; anything else is a bug and is rejected. */
export const TRANSITIONS: Readonly<Record<SocketState, readonly SocketState[]>> = {
  idle: ["connecting", "waiting", "destroyed"],
  connecting: ["open", "waiting", "idle", "destroyed"],
  open: ["closing", "waiting", "idle", "destroyed"],
  closing: ["waiting", "idle", "destroyed"],
  waiting: ["connecting", "idle", "destroyed"],
  destroyed: [],
};
