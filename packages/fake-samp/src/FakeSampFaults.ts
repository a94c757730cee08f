import type { Random } from "@nuwani/util";
import { FakeSampError } from "./FakeSampError.js";
import type { FakeSampLog } from "./FakeSampLog.js";
import { HEADER_LENGTH } from "./packets.js";

/**
 * How {@link FakeSampFaults.malformNext} breaks a reply:
 * - `"magic"`: the first byte is not `S` (a reply that is not "SAMP");
 * - `"opcode"`: byte 10 names another opcode than the request's;
 * - `"length"`: the first length or count field after the header claims far more than
 *   follows (`i`: hostname length 0xFFFFFFF0; `r`/`c`/`d`: count + 50; RCON: line length
 *   0xFFFF); a reply with no such field (a ping) gets a wrong magic instead.
 */
export type FakeMalformKind = "magic" | "opcode" | "length";

/** Options of {@link FakeSampFaults.burst}. */
export interface FakeBurstOptions {
  /** `"echo"`: `burst` echo events with params (sequence, k); `"chat"`: chat lines of online players (echo when nobody is online). @defaultValue `"echo"` */
  kind?: "echo" | "chat";
  /** Rotate the log after this many lines of the burst (0 < n < k). */
  rotateAt?: number;
  /** Truncate the log after this many lines of the burst (0 < n < k). */
  truncateAt?: number;
}

/** What the faults need from the server they belong to. */
export interface FakeFaultHost {
  readonly log: FakeSampLog | undefined;
  burst(count: number, options: FakeBurstOptions): string[];
}

/**
 * Faults of a {@link FakeSampServer}, on demand. Reply faults act on each outgoing datagram
 * (an RCON reply of five lines is five datagrams); the rest act on the log.
 */
export class FakeSampFaults {
  readonly #random: Random;
  readonly #host: FakeFaultHost;
  #lossPercent = 0;
  #dropNext = 0;
  #truncateNext = 0;
  #truncateTo: number | undefined;
  #malformNext = 0;
  #malformKind: FakeMalformKind = "length";
  #silent = false;
  #wrongPassword = false;
  #delayMs = 0;
  #dropped = 0;

  /** @internal Built by the server. */
  constructor(random: Random, host: FakeFaultHost) {
    this.#random = random;
    this.#host = host;
  }

  /** Drop this share of outgoing datagrams at random (seeded), 0–100. @defaultValue 0 */
  set lossPercent(percent: number) {
    if (!(percent >= 0 && percent <= 100)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "lossPercent must be from 0 to 100");
    this.#lossPercent = percent;
  }

  /** The share of outgoing datagrams dropped, 0–100. */
  get lossPercent(): number {
    return this.#lossPercent;
  }

  /** Drop the next `count` outgoing datagrams. */
  dropNext(count = 1): void {
    this.#dropNext = count_(count);
  }

  /** Cut the next `count` outgoing datagrams to `length` bytes (default: half, at least 1 byte short). */
  truncateNext(count = 1, length?: number): void {
    if (length !== undefined && !(Number.isInteger(length) && length >= 0)) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "length must be a non-negative integer");
    }
    this.#truncateNext = count_(count);
    this.#truncateTo = length;
  }

  /** Break the next `count` outgoing datagrams in the given way. */
  malformNext(count = 1, kind: FakeMalformKind = "length"): void {
    this.#malformNext = count_(count);
    this.#malformKind = kind;
  }

  /** Silence: receive and record datagrams, answer none (a server that hangs or is firewalled). */
  silence(on = true): void {
    this.#silent = on;
  }

  /** Whether the server is silenced. */
  get silent(): boolean {
    return this.#silent;
  }

  /** Treat every RCON password as wrong (`Invalid RCON password.`, and SA-MP's log line). */
  wrongPassword(on = true): void {
    this.#wrongPassword = on;
  }

  /** Whether every RCON password is treated as wrong. */
  get rejectsPasswords(): boolean {
    return this.#wrongPassword;
  }

  /** Delay every reply by `ms` on the server's clock (0: none). */
  delay(ms: number): void {
    if (!(Number.isInteger(ms) && ms >= 0 && ms < 2 ** 31)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "delay must be an integer from 0 to 2^31-1 ms");
    this.#delayMs = ms;
  }

  /** The current reply delay in ms. */
  get delayMs(): number {
    return this.#delayMs;
  }

  /** How many outgoing datagrams were dropped by loss faults. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Clears every reply fault (loss, drops, truncation, malformation, silence, wrong password, delay). */
  reset(): void {
    this.#lossPercent = 0;
    this.#dropNext = 0;
    this.#truncateNext = 0;
    this.#truncateTo = undefined;
    this.#malformNext = 0;
    this.#silent = false;
    this.#wrongPassword = false;
    this.#delayMs = 0;
  }

  /** Rotates the server's log (see {@link FakeSampLog.rotate}); returns the archive path. */
  rotateLog(archivePath?: string): string {
    return this.#log().rotate(archivePath);
  }

  /** Truncates the server's log to 0 bytes in place. */
  truncateLog(): void {
    this.#log().truncate();
  }

  /**
   * Writes `count` lines to the log at once (one write each side of a rotation or
   * truncation), and returns them in order.
   */
  burst(count: number, options: FakeBurstOptions = {}): string[] {
    this.#log();
    if (!(Number.isInteger(count) && count > 0)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "burst count must be a positive integer");
    for (const at of [options.rotateAt, options.truncateAt]) {
      if (at !== undefined && !(Number.isInteger(at) && at > 0 && at < count)) {
        throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "rotateAt/truncateAt must be inside the burst");
      }
    }
    return this.#host.burst(count, options);
  }

  /** @internal The datagram to send after reply faults, or `undefined` when it is lost. */
  apply(reply: Buffer): Buffer | undefined {
    if (this.#dropNext > 0) {
      this.#dropNext -= 1;
      this.#dropped += 1;
      return undefined;
    }
    if (this.#lossPercent > 0 && this.#random() * 100 < this.#lossPercent) {
      this.#dropped += 1;
      return undefined;
    }
    let out = reply;
    if (this.#malformNext > 0) {
      this.#malformNext -= 1;
      out = malform(out, this.#malformKind);
    }
    if (this.#truncateNext > 0) {
      this.#truncateNext -= 1;
      const length = this.#truncateTo ?? Math.min(Math.floor(out.length / 2), out.length - 1);
      out = out.subarray(0, Math.max(0, Math.min(length, out.length)));
    }
    return out;
  }

  #log(): FakeSampLog {
    const log = this.#host.log;
    if (log === undefined) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "this server writes no log (no `log` option)");
    return log;
  }
}

function count_(count: number): number {
  if (!(Number.isInteger(count) && count >= 0)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "count must be a non-negative integer");
  return count;
}

function malform(reply: Buffer, kind: FakeMalformKind): Buffer {
  const out = Buffer.from(reply);
  const opcode = String.fromCharCode(out[10] ?? 0);
  if (kind === "opcode" && out.length > 10) {
    out[10] = opcode === "i" ? "r".charCodeAt(0) : "i".charCodeAt(0);
    return out;
  }
  if (kind === "length") {
    if (opcode === "i" && out.length >= HEADER_LENGTH + 9) {
      out.writeUInt32LE(0xfffffff0, HEADER_LENGTH + 5);
      return out;
    }
    if ("rcd".includes(opcode) && out.length >= HEADER_LENGTH + 2) {
      out.writeUInt16LE((out.readUInt16LE(HEADER_LENGTH) + 50) & 0xffff, HEADER_LENGTH);
      return out;
    }
    if (opcode === "x" && out.length >= HEADER_LENGTH + 2) {
      out.writeUInt16LE(0xffff, HEADER_LENGTH);
      return out;
    }
  }
  if (out.length > 0) out[0] = "X".charCodeAt(0);
  return out;
}
