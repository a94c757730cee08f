import { createNonce } from "./MemberChunkCollector.js";
import type { MemberRequestResult } from "./MemberChunkCollector.js";
import { identifyData, trustedResumeUrl } from "./connectionOptions.js";
import type { Identifying, Ready, Resuming } from "./connectionState.js";
import { GatewayError } from "./GatewayError.js";
import { GatewayLink } from "./GatewayLink.js";
import { Heartbeat } from "./Heartbeat.js";
import { checkSequence, helloInterval, parseRateLimited } from "./inbound.js";
import type {
  GatewayDispatch,
  GatewayMemberRequest,
  GatewayMemberRequestOptions,
  GatewayPresence,
  GatewaySendOptions,
  GatewayVersion,
} from "./types.js";

/**
 * The protocol engine behind a {@link GatewayConnection}: on the {@link GatewayLink} beneath,
 * payloads and dispatches (in sequence order, each once), Hello → Identify or Resume, READY and
 * RESUMED, op 1/7/9, heartbeats with zombie detection, and the user's commands (member
 * requests, presence, any op). It emits on the connection it serves, its public face.
 * @internal
 */
export class GatewayEngine<V extends GatewayVersion = 10> extends GatewayLink<V> {
  /** Requests guild members (op 8); see {@link GatewayConnection.requestGuildMembers}. */
  async requestGuildMembers(request: GatewayMemberRequest, options: GatewayMemberRequestOptions = {}  ): Promise<MemberRequestResult> {
    if (request.query !== undefined && request.userIds !== undefined) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "Give either query or userIds, not both.");
    }
    const nonce = createNonce();
    const pending = this.members.begin(nonce, {
      timeout: options.timeout ?? this.options.memberRequestTimeout ?? 30_000,
      ...(options.onChunk ? { onChunk: options.onChunk } : {}),
      ...(options.collect === undefined ? {} : { collect: options.collect }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const d: Record<string, unknown> = { guild_id: request.guildId, nonce };
    if (request.userIds !== undefined) d.user_ids = request.userIds;
    else {
      d.query = request.query ?? "";
      d.limit = request.limit ?? 0;
    }
    if (request.presences !== undefined) d.presences = request.presences;
    try {
      await this.command({ op: 8, d }, "normal", true, options.signal);
    } catch (error) {
      pending.cancel(error as Error);
    }
    return pending.promise;
  }

  /** Op 3, within its own limit; see {@link GatewayConnection.updatePresence}. */
  async updatePresence(presence: GatewayPresence<V>): Promise<void> {
    await this.command({ op: 3, d: presence }, "presence", true);
  }

  /** Any command through the limiter; see {@link GatewayConnection.send}. */
  async send(payload: { op: number; d: unknown }, options: GatewaySendOptions = {}): Promise<void> {
    await this.command(payload, "normal", true, options.signal);
  }

  protected override onPayload(raw: unknown): void {
    if (typeof raw !== "object" || raw === null) {
      this.debug(`ignored a payload that is not an object (${raw === null ? "null" : typeof raw})`);
      return;
    }
    const payload = raw as { op?: unknown; d?: unknown; s?: unknown; t?: unknown };
    switch (payload.op) {
      case 0:
        this.onDispatch(payload);
        return;
      case 1:
        this.onHeartbeatRequest();
        return;
      case 7:
        this.debug("server asked to reconnect (op 7)");
        this.reconnect("reconnectRequested", 4000, "reconnect requested");
        return;
      case 9:
        this.onInvalidSession(payload.d === true);
        return;
      case 10:
        this.onHello(payload.d);
        return;
      case 11:
        this.onHeartbeatAck();
        return;
      default:
        this.debug(`ignored a payload with op ${typeof payload.op === "number" ? String(payload.op) : typeof payload.op}`);
    }
  }

  protected onDispatch(payload: { d?: unknown; s?: unknown; t?: unknown }): void {
    const { s, t } = payload;
    if (typeof t !== "string") {
      this.debug(`ignored a dispatch whose t is ${t === null ? "null" : typeof t}`);
      return;
    }
    const checked = checkSequence(t, s, this.sessionState.delivered);
    if ("skip" in checked) {
      if (checked.skip !== undefined) this.debug(checked.skip);
      return;
    }
    const { seq } = checked;
    switch (t) {
      case "READY":
        this.onReady(payload as GatewayDispatch<V>, seq);
        return;
      case "RESUMED":
        this.onResumed(payload as GatewayDispatch<V>, seq);
        return;
      case "GUILD_MEMBERS_CHUNK":
        this.sessionState.advance(seq);
        this.members.handleChunk(payload.d as never);
        break;
      case "RATE_LIMITED":
        this.sessionState.advance(seq);
        this.onRateLimited(payload.d);
        break;
      default:
        this.sessionState.advance(seq);
        break;
    }
    const state = this.current;
    const heartbeat = this.heartbeatOf(state);
    if (heartbeat !== undefined) heartbeat.dispatches++;
    if (state.kind === "ready" && !state.healthy) this.markHealthy(state);
    this.events.emit("dispatch", payload as GatewayDispatch<V>);
  }

  protected onReady(payload: GatewayDispatch<V>, seq: number | null): void {
    const d = payload.d as { session_id?: unknown; resume_gateway_url?: unknown } | null;
    if (typeof d !== "object" || d === null || typeof d.session_id !== "string" || d.session_id === "") {
      // Reading it would throw into the socket's message handler (an uncaught exception).
      this.debug("READY without a session_id; reconnecting");
      this.reconnect("invalidPayload", 4000, "invalid ready");
      return;
    }
    const state = this.current;
    if (state.kind !== "identifying" && state.kind !== "resuming" && state.kind !== "ready") {
      this.debug(`ignored a READY in state ${state.kind}`);
      return;
    }
    let resumeUrl: string | null = null;
    if (this.version === 10 && d.resume_gateway_url !== undefined) {
      resumeUrl = trustedResumeUrl(this.baseUrl, d.resume_gateway_url);
      if (resumeUrl === null) this.debug("READY's resume_gateway_url is not on the gateway's host or domain: resuming at the base URL");
    }
    this.sessionState.start(d.session_id, seq ?? 0, resumeUrl);
    this.debug(`ready: session ${d.session_id}`);
    // The Identify reached READY: it no longer counts towards the op 9 storm guard.
    this.throttle.sessionReady(this.options.shard?.[0] ?? 0);
    if (state.kind === "ready") this.markHealthy(state);
    else this.transition({ kind: "ready", heartbeat: state.heartbeat, healthy: false });
    this.events.emit("dispatch", payload);
    this.events.emit("ready", this.session!);
    this.waiters.resolveAll();
  }

  protected onResumed(payload: GatewayDispatch<V>, seq: number | null): void {
    const state = this.current;
    if (this.sessionState.id === null) {
      this.debug("RESUMED without a session: protocol error, reconnecting to identify");
      this.reconnect("invalidPayload", 4000, "unexpected resumed");
      this.emitError(new GatewayError("GATEWAY_INVALID_PAYLOAD", "The gateway sent RESUMED while no session was held."));
      return;
    }
    if (state.kind !== "resuming") {
      this.debug(`ignored a RESUMED in state ${state.kind}`);
      return;
    }
    this.sessionState.advance(seq);
    this.debug(`resumed at sequence ${String(this.sessionState.sequence)}`);
    const ready: Ready = { kind: "ready", heartbeat: state.heartbeat, healthy: false };
    this.transition(ready);
    // The replay (dispatches delivered before RESUMED) shows the connection works.
    if (state.heartbeat.dispatches > 0) this.markHealthy(ready);
    this.events.emit("dispatch", payload);
    this.events.emit("resumed", this.session!);
    this.waiters.resolveAll();
  }

  protected markHealthy(state: Ready): void {
    state.healthy = true;
    this.socket.markHealthy();
  }

  /** v10: Discord refused a command (op 8) for now; the pending request learns when to retry. */
  protected onRateLimited(d: unknown): void {
    const info = parseRateLimited(d);
    if (info === undefined) return;
    const { opcode, nonce, retryAfter: ms } = info;
    this.debug(`rate limited: op ${typeof opcode === "number" ? String(opcode) : "?"}, retry after ${String(ms)} ms`);
    if (opcode !== 8 || typeof nonce !== "string") return;
    this.members.fail(
      nonce,
      new GatewayError("GATEWAY_RATE_LIMITED", `Request Guild Members (nonce ${nonce}) was rate limited; retry after ${String(ms)} ms.`, {
        retryAfter: ms,
      }),
    );
  }

  protected onHello(d: unknown): void {
    const state = this.current;
    if (state.kind !== "connecting") {
      this.debug(`ignored a HELLO in state ${state.kind}`);
      return;
    }
    const hello = helloInterval(d);
    if ("reject" in hello) {
      this.debug(hello.reject);
      this.reconnect("invalidPayload", 4000, "invalid hello");
      return;
    }
    const { interval } = hello;
    const heartbeat = new Heartbeat(interval, this.clock);
    this.debug(`hello: heartbeat every ${String(interval)} ms`);
    if (this.sessionState.resumable) {
      const resuming: Resuming = { kind: "resuming", heartbeat, timer: undefined };
      this.transition(resuming);
      this.startHeartbeat(heartbeat);
      this.sendResume(resuming);
    } else {
      const identifying: Identifying = { kind: "identifying", heartbeat, abort: new AbortController(), timer: undefined };
      this.transition(identifying);
      this.startHeartbeat(heartbeat);
      void this.identify(identifying);
    }
  }

  protected sendResume(state: Resuming): void {
    this.debug(`resuming session ${String(this.sessionState.id)} at sequence ${String(this.sessionState.sequence)}`);
    this.command({ op: 6, d: { token: this.token, session_id: this.sessionState.id, seq: this.sessionState.sequence } }, "normal").catch((error: unknown) => {
      this.debug(`resume not sent: ${(error as Error).message}`);
    });
    state.timer = this.readyDeadline(state, "RESUMED");
  }

  protected async identify(state: Identifying): Promise<void> {
    const shardId = this.options.shard?.[0] ?? 0;
    try {
      await this.throttle.acquire(shardId, state.abort.signal);
    } catch (error) {
      if (this.current !== state) return;
      if (error instanceof GatewayError && (error.code === "GATEWAY_SESSION_LIMIT_EXHAUSTED" || error.code === "GATEWAY_IDENTIFY_STORM")) {
        this.stop(error);
        return;
      }
      this.debug(`identify not sent: ${(error as Error).message}`);
      return;
    }
    if (this.current !== state || this.socket.state !== "open") return;
    this.debug(`identifying (v${String(this.version)}${this.options.shard ? `, shard ${this.options.shard.join("/")}` : ""})`);
    this.command({ op: 2, d: identifyData(this.options, this.version, this.token) }, "normal").catch((error: unknown) => {
      // Retrying cannot shrink it (a huge presence): stop rather than hang.
      if (GatewayError.is(error, "GATEWAY_PAYLOAD_TOO_LARGE")) this.stop(error);
      else this.debug(`identify not sent: ${(error as Error).message}`);
    });
    if (this.current === state) state.timer = this.readyDeadline(state, "READY");
  }

  /** The deadline for READY/RESUMED after Identify/Resume: the connection is replaced. */
  protected readyDeadline(state: Identifying | Resuming, what: "READY" | "RESUMED"): unknown {
    if (this.readyTimeout === 0) return undefined;
    return this.clock.setTimeout(() => {
      if (this.current !== state) return;
      this.debug(`no ${what} within ${String(this.readyTimeout)} ms: reconnecting`);
      this.reconnect("timeout", 4000, `${what.toLowerCase()} timeout`);
      this.emitError(new GatewayError("GATEWAY_READY_TIMEOUT", `No ${what} within ${String(this.readyTimeout)} ms.`));
    }, this.readyTimeout);
  }

  /**
   * Op 9. `d: true` with a session: wait 1–5 s, then Resume on this connection. Otherwise the
   * session is gone: close, and Identify on a new connection to the base URL after 1–5 s.
   */
  protected onInvalidSession(resumable: boolean): void {
    const state = this.current;
    if (state.kind !== "identifying" && state.kind !== "resuming" && state.kind !== "ready") {
      this.debug(`ignored op 9 in state ${state.kind}`);
      return;
    }
    const delay = 1000 + Math.floor(this.random() * 4000);
    if (resumable && this.sessionState.id !== null) {
      this.debug(`invalid session (resumable): resuming in ${String(delay)} ms`);
      // The session is not usable until the resume: no user commands meanwhile.
      const resuming: Resuming = { kind: "resuming", heartbeat: state.heartbeat, timer: undefined };
      this.transition(resuming);
      this.emitReconnecting({ reason: "invalidSession", delay });
      resuming.timer = this.clock.setTimeout(() => {
        if (this.current !== resuming) return;
        resuming.timer = undefined;
        this.sendResume(resuming);
      }, delay);
      return;
    }
    this.clearSession(new GatewayError("GATEWAY_DISCONNECTED", "The session was invalidated (op 9)."));
    this.debug(`invalid session (not resumable): identifying on a new connection in ${String(delay)} ms`);
    this.reconnect("invalidSession", 4000, "invalid session", delay);
  }

  // ---- heartbeats ---------------------------------------------------------------------------

  /** Beats every `interval`, the first after a random part of it (so reconnecting clients spread out). */
  protected startHeartbeat(heartbeat: Heartbeat): void {
    heartbeat.start(Math.floor(heartbeat.interval * this.random()), () => {
      if (this.heartbeatOf(this.current) !== heartbeat) return false;
      if (!heartbeat.acked) {
        this.debug("no heartbeat ACK since the last heartbeat: zombie connection, reconnecting");
        this.reconnect("zombie", 4000, "heartbeat not acknowledged");
        return false;
      }
      this.sendHeartbeat(heartbeat);
      return true;
    });
  }

  protected sendHeartbeat(heartbeat: Heartbeat): void {
    heartbeat.sent();
    this.debug(`heartbeat (seq ${String(this.sessionState.sequence)})`);
    this.command({ op: 1, d: this.sessionState.sequence }, "heartbeat").catch((error: unknown) => {
      this.debug(`heartbeat not sent: ${(error as Error).message}`);
    });
  }

  protected onHeartbeatRequest(): void {
    const heartbeat = this.heartbeatOf(this.current);
    if (heartbeat === undefined) {
      this.debug("ignored a heartbeat request before HELLO");
      return;
    }
    this.debug("heartbeat requested by the server");
    this.sendHeartbeat(heartbeat);
  }

  protected onHeartbeatAck(): void {
    const state = this.current;
    const heartbeat = this.heartbeatOf(state);
    if (heartbeat === undefined) {
      this.debug("ignored a heartbeat ACK before HELLO");
      return;
    }
    this.latencyMs = heartbeat.ack();
    this.debug(`heartbeat ACK after ${String(this.latencyMs)} ms`);
    if (state.kind === "ready" && !state.healthy) this.markHealthy(state);
  }

}
