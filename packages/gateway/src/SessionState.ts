import type { GatewaySession } from "./types.js";

/**
 * The session a GatewayConnection holds: what it needs to resume (id, last sequence, where to
 * resume) and the sequence of the last dispatch delivered, so replays are delivered once.
 * @internal
 */
export class SessionState {
  /** The session id of READY, or null without a session. */
  id: string | null = null;
  /** The sequence to resume from (and to send with heartbeats). */
  sequence: number | null = null;
  /** Where to resume (a trusted `resume_gateway_url`), or null for the base URL. */
  resumeUrl: string | null = null;
  /** The sequence of the last dispatch delivered, to drop replays delivered twice. */
  delivered = 0;

  /** Whether a session is held that a Resume could continue. */
  get resumable(): boolean {
    return this.id !== null && this.sequence !== null;
  }

  /** Holds a session: one READY started, or one restored from a {@link GatewaySession}. */
  start(id: string, sequence: number, resumeUrl: string | null): void {
    this.id = id;
    this.sequence = sequence;
    this.delivered = sequence;
    this.resumeUrl = resumeUrl;
  }

  /** A dispatch with sequence `seq` (null: none) was delivered. */
  advance(seq: number | null): void {
    if (seq === null) return;
    this.sequence = seq;
    this.delivered = seq;
  }

  /** Forgets the session. */
  clear(): void {
    this.id = null;
    this.sequence = null;
    this.resumeUrl = null;
    this.delivered = 0;
  }

  /** The session to hand out, resuming at `baseUrl` when no resume URL is trusted; null without one. */
  snapshot(baseUrl: string): GatewaySession | null {
    if (this.id === null || this.sequence === null) return null;
    return { sessionId: this.id, sequence: this.sequence, resumeUrl: this.resumeUrl ?? baseUrl };
  }

  /** Where the next connection goes: the resume URL while a session is held, else `baseUrl`. */
  connectBase(baseUrl: string): string {
    return this.id !== null && this.resumeUrl !== null ? this.resumeUrl : baseUrl;
  }
}
