import type { GatewayError } from "./GatewayError.js";
import type { Heartbeat } from "./Heartbeat.js";
import type { GatewayState } from "./types.js";

// The connection state of a GatewayConnection: one private discriminated union, its
// transition table, and what a pending connect() holds. Only GatewayConnection uses these.

export interface Idle {
  readonly kind: "idle";
}
export interface Connecting {
  readonly kind: "connecting";
  /** The HELLO deadline, from the socket's open (undefined while the attempt is in flight). */
  readonly helloTimer: unknown;
}
export interface Identifying {
  readonly kind: "identifying";
  readonly heartbeat: Heartbeat;
  /** Cancels the wait for the identify throttle. */
  readonly abort: AbortController;
  /** The READY deadline, once Identify was sent. */
  timer: unknown;
}
export interface Resuming {
  readonly kind: "resuming";
  readonly heartbeat: Heartbeat;
  /** The op 9 wait before Resume, then the RESUMED deadline. */
  timer: unknown;
}
export interface Ready {
  readonly kind: "ready";
  readonly heartbeat: Heartbeat;
  /** Whether the socket was told this connection works. */
  healthy: boolean;
}
export interface Reconnecting {
  readonly kind: "reconnecting";
}
export interface Disconnected {
  readonly kind: "disconnected";
}
export interface Stopped {
  readonly kind: "stopped";
  readonly error: GatewayError;
}

/** The connection state: one discriminated union, replaced only by `#transition`. */
export type State = Idle | Connecting | Identifying | Resuming | Ready | Reconnecting | Disconnected | Stopped;

/** The transitions `#transition` allows; anything else is a bug and throws. */
export const TRANSITIONS: Readonly<Record<GatewayState, readonly GatewayState[]>> = {
  idle: ["connecting", "disconnected", "stopped"],
  connecting: ["connecting", "identifying", "resuming", "reconnecting", "disconnected", "stopped"],
  identifying: ["ready", "reconnecting", "disconnected", "stopped"],
  resuming: ["resuming", "ready", "reconnecting", "disconnected", "stopped"],
  ready: ["resuming", "reconnecting", "disconnected", "stopped"],
  reconnecting: ["connecting", "reconnecting", "disconnected", "stopped"],
  disconnected: ["connecting", "disconnected", "stopped"],
  stopped: ["connecting", "disconnected", "stopped"],
};
