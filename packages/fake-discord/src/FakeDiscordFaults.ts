import type { FakeGateway } from "./FakeGateway.js";
import type { FakeGatewayConnection } from "./FakeGatewayConnection.js";

/** Options shared by the faults that can target one session. */
export interface FakeFaultTarget {
  /** Only the connection of this session. @defaultValue every open connection */
  sessionId?: string;
}

/** @internal What {@link FakeDiscordFaults} needs from its {@link FakeDiscord}. */
export interface FakeDiscordFaultHost {
  readonly gateway: FakeGateway;
  targets(sessionId: string | undefined): FakeGatewayConnection[];
  send(connection: FakeGatewayConnection, op: number, d: unknown): void;
  close(connection: FakeGatewayConnection, code: number, reason: string): void;
  invalidate(connection: FakeGatewayConnection, resumable: boolean): void;
  dispatch(t: string, d: unknown, options: { sessionId?: string }): number;
  expire(sessionId: string): void;
}

/**
 * Protocol faults of a {@link FakeDiscord}: they act on sessions the way Discord would.
 * Transport faults (drops, fragmentation, compression, delays, refused connections) are the
 * core's, on `discord.gateway.faults`.
 */
export class FakeDiscordFaults {
  private firstFrameText: string | undefined;
  private resumeUrlOverride: string | undefined;

  /** @internal */
  constructor(private readonly host: FakeDiscordFaultHost) {}

  /**
   * Sends `frame` as it is (garbage, or a stray `{"op":11}`) as the first message of every new
   * connection, before HELLO (with `sendHello = false`, instead of it). `undefined` clears.
   */
  firstFrame(frame: string | undefined): this {
    this.firstFrameText = frame;
    return this;
  }

  /**
   * Sends a dispatch whose `s` is `sequence` as given (any JSON value: huge, negative,
   * fractional, a string) to connected sessions. It is outside the session's own numbering:
   * not counted and not kept for a resume, so the next real dispatch has the next real `s`.
   * @returns connections reached
   */
  dispatchWithSequence(t: string, d: unknown, sequence: unknown, target: FakeFaultTarget = {}): number {
    const text = `{"op":0,"t":${JSON.stringify(t)},"s":${JSON.stringify(sequence) ?? "null"},"d":${JSON.stringify(d) ?? "null"}}`;
    const connections = this.host.targets(target.sessionId);
    for (const connection of connections) connection.send(text);
    return connections.length;
  }

  /**
   * The `resume_gateway_url` that READY gives new v10 sessions (a foreign host, another
   * scheme, something that is no URL); `undefined` restores the gateway's own URL.
   */
  resumeGatewayUrl(url: string | undefined): this {
    this.resumeUrlOverride = url;
    return this;
  }

  /** @internal The first-frame fault, if any. */
  get firstFrameFault(): string | undefined {
    return this.firstFrameText;
  }

  /** @internal The resume URL fault, if any. */
  get resumeGatewayUrlFault(): string | undefined {
    return this.resumeUrlOverride;
  }

  /** Sends op 7 Reconnect (the client should close and resume). @returns connections reached */
  reconnect(target: FakeFaultTarget = {}): number {
    const connections = this.host.targets(target.sessionId);
    for (const connection of connections) this.host.send(connection, 7, null);
    return connections.length;
  }

  /**
   * Sends op 9 Invalid Session with `d: resumable`. The connection stays open and may
   * Identify (or, when resumable, Resume) again; its session is detached: kept for a resume
   * (buffering) when `resumable`, ended otherwise.
   * @returns connections reached
   */
  invalidSession(resumable: boolean, target: FakeFaultTarget = {}): number {
    const connections = this.host.targets(target.sessionId);
    for (const connection of connections) this.host.invalidate(connection, resumable);
    return connections.length;
  }

  /** Sends op 1, asking the client for an immediate heartbeat. @returns connections reached */
  requestHeartbeat(target: FakeFaultTarget = {}): number {
    const connections = this.host.targets(target.sessionId);
    for (const connection of connections) this.host.send(connection, 1, null);
    return connections.length;
  }

  /** Stops (or, with `false`, resumes) answering heartbeats with op 11. */
  stopAcking(stop = true): this {
    this.host.gateway.faults.stopAcking(stop);
    return this;
  }

  /**
   * Closes connections with `code`; their sessions end as Discord's table says: 4007,
   * 4004, 4010–4014, 1000 and 1001 end them (a resume gets op 9 `d:false`), 4009 expires
   * them (a resume is closed with 4009), any other code keeps them resumable.
   * @returns connections closed
   */
  close(code: number, reason = "", target: FakeFaultTarget = {}): number {
    const connections = this.host.targets(target.sessionId);
    for (const connection of connections) this.host.close(connection, code, reason);
    return connections.length;
  }

  /** Destroys the TCP connection(s) without a close frame (clients see 1006); sessions stay resumable. */
  drop(target: FakeFaultTarget = {}): number {
    const connections = this.host.targets(target.sessionId);
    for (const connection of connections) connection.drop();
    return connections.length;
  }

  /** Expires a session now, as if `sessionTimeout` had passed (closing its connection with 4009 if it has one). */
  expireSession(sessionId: string): this {
    this.host.expire(sessionId);
    return this;
  }

  /**
   * Dispatches `count` events of type `t` as fast as possible (synchronously), `make(i)`
   * giving the `d` of the i-th, to every live session or one.
   * @returns how many dispatches were made
   */
  burst(count: number, t: string, make: (index: number) => unknown, target: FakeFaultTarget = {}): number {
    const options = target.sessionId === undefined ? {} : { sessionId: target.sessionId };
    const total = Math.max(0, Math.floor(count));
    for (let i = 0; i < total; i++) this.host.dispatch(t, make(i), options);
    return total;
  }
}
