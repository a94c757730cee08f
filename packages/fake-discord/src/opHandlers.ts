import type { FakeGateway } from "./FakeGateway.js";
import type { FakeGatewayConnection } from "./FakeGatewayConnection.js";
import type { FakeGatewayPayload } from "./types.js";

/**
 * Handles one client opcode. Registered per op on a {@link FakeGateway} (see
 * {@link FakeGateway.handle}); the protocol grows by adding entries to this table.
 */
export type FakeOpHandler = (connection: FakeGatewayConnection, payload: FakeGatewayPayload, gateway: FakeGateway) => void;

/** Gateway opcodes the fake knows by name (PROTOCOL.md §2). */
export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Op 1 from a client: answer with op 11, unless the `stopAcking` fault is on. */
const heartbeat: FakeOpHandler = (connection, _payload, gateway) => {
  if (gateway.faults.ackingHeartbeats) connection.send({ op: GatewayOp.HeartbeatAck });
};

/** The handlers a new {@link FakeGateway} starts with. */
export function createDefaultOpHandlers(): Map<number, FakeOpHandler> {
  return new Map<number, FakeOpHandler>([[GatewayOp.Heartbeat, heartbeat]]);
}
