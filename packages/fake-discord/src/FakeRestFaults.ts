import { FakeDiscordError } from "./FakeDiscordError.js";

/** A fault the fake REST API applies to one request. */
export type FakeRestFault = { kind: "error"; status: number } | { kind: "reset" };

/**
 * Faults of the fake REST API, on demand: the next requests answer 5xx or have their TCP
 * connection destroyed (a reset), and responses can be slowed down. Faulty requests skip
 * routing and rate limits; they are recorded with their `fault`.
 */
export class FakeRestFaults {
  private readonly queue: FakeRestFault[] = [];
  private slowBy = 0;
  private slowCount = 0;

  /** The next `count` requests answer `status` (a 5xx) with Discord's error body. */
  failNext(count = 1, status = 500): void {
    check(count, "count");
    if (!Number.isInteger(status) || status < 500 || status > 599) {
      throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `failNext needs a 5xx status, got ${status}`);
    }
    for (let i = 0; i < count; i++) this.queue.push({ kind: "error", status });
  }

  /** The next `count` requests get no answer: their connection is destroyed (`ECONNRESET`). */
  resetNext(count = 1): void {
    check(count, "count");
    for (let i = 0; i < count; i++) this.queue.push({ kind: "reset" });
  }

  /**
   * The next `count` responses are delayed by `ms` (by the fake's clock) before they are
   * answered. `slow(0)` turns it off.
   * @defaultValue count: every response until turned off
   */
  slow(ms: number, count = Number.POSITIVE_INFINITY): void {
    if (!Number.isFinite(ms) || ms < 0) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `slow needs a delay ≥ 0, got ${ms}`);
    if (!(count >= 0)) throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `slow needs a count ≥ 0, got ${count}`);
    this.slowBy = ms;
    this.slowCount = ms === 0 ? 0 : count;
  }

  /** Removes every pending fault. */
  clear(): void {
    this.queue.length = 0;
    this.slowBy = 0;
    this.slowCount = 0;
  }

  /** How many queued faults (5xx and resets) are still pending. */
  get pending(): number {
    return this.queue.length;
  }

  /** The fault for the next request, if any (used by the server). */
  takeFault(): FakeRestFault | undefined {
    return this.queue.shift();
  }

  /** The delay for the next response in ms, 0 for none (used by the server). */
  takeDelay(): number {
    if (this.slowCount <= 0) return 0;
    this.slowCount--;
    return this.slowBy;
  }
}

function check(count: number, name: string): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new FakeDiscordError("FAKE_DISCORD_INVALID_ARGUMENT", `${name} must be a positive integer, got ${count}`);
  }
}
