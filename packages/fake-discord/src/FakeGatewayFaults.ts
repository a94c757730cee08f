import type { Clock } from "@nuwani/util";
import { FakeDiscordError } from "./FakeDiscordError.js";
import type { FakeGatewayConnection } from "./FakeGatewayConnection.js";
import type { FakeCompression } from "./types.js";

/** What {@link FakeGatewayFaults} needs from its gateway. */
export interface FakeGatewayFaultTarget {
  readonly connections: readonly FakeGatewayConnection[];
}

/** A compression override, or `"auto"`: zlib-stream iff the URL asked for `compress=zlib-stream`. */
export type FakeCompressionMode = FakeCompression | "auto";

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `${name} must be a finite number ≥ ${min}`);
  }
}

/**
 * Faults injected on demand. They apply to every connection of the gateway, current and
 * future, until changed or {@link FakeGatewayFaults.reset | reset}.
 */
export class FakeGatewayFaults {
  private fragmentPieces = 0;
  private compressionMode: FakeCompressionMode = "auto";
  private refuseUntil = Number.NEGATIVE_INFINITY;
  private delayMs = 0;
  private acking = true;

  /** @internal */
  constructor(
    private readonly target: FakeGatewayFaultTarget,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends the next message (on whichever connection sends first) as `pieces` WebSocket
   * frames: a first frame with FIN clear, then continuation frames. Works with zlib-stream
   * too (the compressed bytes are fragmented). `pieces` is capped at the message's length.
   */
  fragmentNext(pieces: number): this {
    checkCount("pieces", pieces, 1);
    this.fragmentPieces = Math.floor(pieces);
    return this;
  }

  /**
   * Forces the framing of outgoing payloads: `"zlib-stream"` (binary frames, one shared
   * deflate context per connection, each payload ending with `00 00 FF FF`), `"none"` (JSON
   * text frames), or `"auto"` to follow each connection's `compress` query parameter.
   */
  compression(mode: FakeCompressionMode): this {
    this.compressionMode = mode;
    return this;
  }

  /** New connections are refused with HTTP 503 on upgrade for `ms` milliseconds. */
  refuseConnections(ms: number): this {
    checkCount("ms", ms, 0);
    this.refuseUntil = this.clock.now() + ms;
    return this;
  }

  /** Delays every outgoing message by `ms` (0 clears). Order is preserved. */
  delay(ms: number): this {
    checkCount("ms", ms, 0);
    this.delayMs = ms;
    return this;
  }

  /** Destroys every open TCP connection without a close frame (clients see 1006). */
  dropAll(): this {
    for (const connection of this.target.connections) connection.drop();
    return this;
  }

  /** Closes every open connection with `code` (e.g. 4000–4014) and `reason`. */
  closeAll(code: number, reason = ""): this {
    for (const connection of this.target.connections) connection.close(code, reason);
    return this;
  }

  /** Stops (or, with `false`, resumes) answering heartbeats (op 1) with ACK (op 11). */
  stopAcking(stop = true): this {
    this.acking = !stop;
    return this;
  }

  /** Clears every fault. */
  reset(): this {
    this.fragmentPieces = 0;
    this.compressionMode = "auto";
    this.refuseUntil = Number.NEGATIVE_INFINITY;
    this.delayMs = 0;
    this.acking = true;
    return this;
  }

  /** Whether heartbeats are answered with ACK. */
  get ackingHeartbeats(): boolean {
    return this.acking;
  }

  /** The current outgoing delay in milliseconds. */
  get outgoingDelay(): number {
    return this.delayMs;
  }

  /** The compression override, or `"auto"`. */
  get compressionOverride(): FakeCompressionMode {
    return this.compressionMode;
  }

  /** Whether new connections are being refused right now. */
  get refusing(): boolean {
    return this.clock.now() < this.refuseUntil;
  }

  /** @internal Takes the pending fragmentation fault: the number of frames for the next message. */
  takeFragmentation(): number {
    const pieces = this.fragmentPieces;
    this.fragmentPieces = 0;
    return pieces;
  }
}
