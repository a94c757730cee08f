import { MAX_TIMER_MS } from "@nuwani/util";

// Checks of what the gateway sends, before the connection believes it: HELLO's interval, a
// dispatch's sequence, a RATE_LIMITED dispatch. Text from Discord is untrusted.

/** HELLO's `heartbeat_interval` must lie in this range (Discord sends about 41 s). */
const MIN_HEARTBEAT_INTERVAL = 1_000;
const MAX_HEARTBEAT_INTERVAL = 600_000;

/**
 * A dispatch whose sequence jumps further ahead than this from the last one delivered is not
 * believed: a session's sequence grows by one per dispatch.
 */
const MAX_SEQUENCE_JUMP = 100_000;

/** HELLO's `heartbeat_interval` when it is usable; else a debug message saying why not. */
export function helloInterval(d: unknown): { interval: number } | { reject: string } {
  const interval = (d as { heartbeat_interval?: unknown } | null)?.heartbeat_interval;
  if (typeof interval !== "number" || !(interval >= MIN_HEARTBEAT_INTERVAL && interval <= MAX_HEARTBEAT_INTERVAL)) {
    return {
      reject: `HELLO with a heartbeat_interval outside ${String(MIN_HEARTBEAT_INTERVAL)}–${String(MAX_HEARTBEAT_INTERVAL)} ms; reconnecting`,
    };
  }
  return { interval };
}

/**
 * Whether a dispatch named `t` with sequence `s` is delivered, given the last sequence
 * delivered: `{ seq }` when it is (`seq` null for a dispatch without one), `{ skip }` when it
 * is not — with a debug message, or `undefined` for a replay this client already delivered.
 */
export function checkSequence(t: string, s: unknown, delivered: number): { seq: number | null } | { skip: string | undefined } {
  if (s === null || s === undefined) return { seq: null };
  if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) {
    return { skip: `ignored a ${t} dispatch with an invalid sequence; resuming from ${String(delivered)}` };
  }
  if (t === "READY") {
    if (s > MAX_SEQUENCE_JUMP) return { skip: `ignored a READY with an implausible sequence ${String(s)}` };
    return { seq: s };
  }
  // A replayed dispatch this client already delivered.
  if (s <= delivered) return { skip: undefined };
  if (s - delivered > MAX_SEQUENCE_JUMP) {
    return {
      skip: `ignored a ${t} dispatch with an implausible sequence ${String(s)} (last ${String(delivered)}); resuming from ${String(delivered)}`,
    };
  }
  return { seq: s };
}

/** A v10 RATE_LIMITED dispatch: which op, which nonce (op 8), and when to retry (ms, capped). */
export interface RateLimitedInfo {
  readonly opcode: unknown;
  readonly nonce: unknown;
  readonly retryAfter: number;
}

/** Reads a RATE_LIMITED dispatch's `d`; `undefined` when it is not an object. */
export function parseRateLimited(d: unknown): RateLimitedInfo | undefined {
  if (typeof d !== "object" || d === null) return undefined;
  const { opcode, retry_after: retryAfter, meta } = d as { opcode?: unknown; retry_after?: unknown; meta?: unknown };
  const nonce = (meta as { nonce?: unknown } | null | undefined)?.nonce;
  const seconds = typeof retryAfter === "number" && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 0;
  return { opcode, nonce, retryAfter: Math.min(Math.ceil(seconds * 1000), MAX_TIMER_MS) };
}
