/**
 * A gateway payload as the fake sees it: the envelope `{op, d, s, t}` of PROTOCOL.md, loosely
 * typed because clients under test may send anything.
 */
export interface FakeGatewayPayload {
  op?: unknown;
  d?: unknown;
  s?: unknown;
  t?: unknown;
  [key: string]: unknown;
}

/** One message a client sent, as recorded by the fake. */
export interface ReceivedPayload {
  /** The `id` of the connection that sent it. */
  connection: number;
  /** The parsed JSON, or `undefined` when the message was not valid JSON. */
  payload: unknown;
  /** The message as received (binary messages decoded as UTF-8). */
  raw: string;
  /** Whether it arrived in a binary frame. */
  binary: boolean;
}

/** How a connection frames outgoing payloads. */
export type FakeCompression = "zlib-stream" | "none";
