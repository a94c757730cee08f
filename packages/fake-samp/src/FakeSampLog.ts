import { appendFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { type Clock, systemClock } from "@nuwani/util";
import { CodePage } from "./CodePage.js";
import { FakeSampError } from "./FakeSampError.js";
import {
  defaultEchoFormat,
  type EchoFormatter,
  type EchoParam,
  formatChat,
  formatDeath,
  formatJoin,
  formatKill,
  formatPart,
  type PartReason,
} from "./logLines.js";

/** Which server's log format to write. */
export type FakeSampFlavour = "samp" | "openmp";

/** Options of {@link FakeSampLog}. */
export interface FakeSampLogOptions {
  /** The log file. Created if missing; appended to if present (as the servers do). */
  path: string;
  /** `"samp"`: `[HH:MM:SS] ` prefix; `"openmp"`: `[2026-11-29T07:04:45+0000] [Info] `. @defaultValue `"samp"` */
  flavour?: FakeSampFlavour;
  /** Write the timestamp (SA-MP `timestamp 1`, open.mp `logging.use_timestamp`). Times are UTC. @defaultValue `true` */
  timestamps?: boolean;
  /** open.mp only: write the `[Info] ` prefix (`logging.use_prefix`). @defaultValue `true` */
  prefix?: boolean;
  /** Write `[chat]` lines (SA-MP `chatlogging`, open.mp `logging.log_chat`). @defaultValue `true` */
  logChat?: boolean;
  /** Write `[kill]`/`[death]` lines (SA-MP `chatlogging`, open.mp `logging.log_deaths`). @defaultValue `true` */
  logDeaths?: boolean;
  /** The code page of the file. @defaultValue `"windows-1252"` */
  encoding?: string;
  /** Line ending (SA-MP on Windows writes `"\r\n"`). @defaultValue `"\n"` */
  eol?: "\n" | "\r\n";
  /** How custom echo events are written. @defaultValue {@link defaultEchoFormat} */
  echoFormat?: EchoFormatter;
  /** Time for the timestamps. @defaultValue `systemClock` of `@nuwani/util` */
  clock?: Clock;
  /** How many written lines {@link FakeSampLog.lines} keeps (oldest dropped first). @defaultValue `100000` */
  keepLines?: number;
}

/**
 * Writes a server log as SA-MP or open.mp would: each line with its timestamp prefix, in the
 * code page, appended synchronously (so every line is on disk, in order, when a call returns).
 * A burst goes out as one write. Faults: {@link rotate} (rename + new file) and
 * {@link truncate}.
 *
 * @example
 * ```ts
 * const log = new FakeSampLog({ path: "server_log.txt", timestamps: false });
 * log.join("Gunther", 0, "127.0.0.1"); // [join] Gunther has joined the server (0:127.0.0.1)
 * log.echo("admin", [0, "Gunther", "hello"]); // [nuwani] admin\t0\tGunther\thello
 * ```
 */
export class FakeSampLog {
  /** The file written to. */
  readonly path: string;
  /** The log format in use. */
  readonly flavour: FakeSampFlavour;
  /** Whether timestamps are written; writable, applies to the next line. */
  timestamps: boolean;
  /** Whether `[chat]` lines are written; writable. */
  logChat: boolean;
  /** Whether `[kill]`/`[death]` lines are written; writable. */
  logDeaths: boolean;
  readonly #prefix: boolean;
  readonly #codePage: CodePage;
  readonly #eol: string;
  readonly #echoFormat: EchoFormatter;
  readonly #clock: Clock;
  readonly #keepLines: number;
  readonly #lines: string[] = [];
  #linesWritten = 0;
  #bytesWritten = 0;
  #rotations = 0;

  /** @throws {@link FakeSampError} `FAKE_SAMP_INVALID_ARGUMENT`, `FAKE_SAMP_UNKNOWN_ENCODING`, `FAKE_SAMP_LOG_FAILED`. */
  constructor(options: FakeSampLogOptions) {
    if (typeof options.path !== "string" || options.path === "") {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "log path must be a non-empty string");
    }
    const keepLines = options.keepLines ?? 100_000;
    if (!Number.isInteger(keepLines) || keepLines < 0) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "keepLines must be a non-negative integer");
    }
    this.path = options.path;
    this.flavour = options.flavour ?? "samp";
    this.timestamps = options.timestamps ?? true;
    this.#prefix = options.prefix ?? true;
    this.logChat = options.logChat ?? true;
    this.logDeaths = options.logDeaths ?? true;
    this.#codePage = new CodePage(options.encoding ?? "windows-1252");
    this.#eol = options.eol ?? "\n";
    this.#echoFormat = options.echoFormat ?? defaultEchoFormat;
    this.#clock = options.clock ?? systemClock;
    this.#keepLines = keepLines;
    this.#append(Buffer.alloc(0));
  }

  /** The code page of the file. */
  get encoding(): string {
    return this.#codePage.encoding;
  }

  /** The lines written (text without prefix), oldest first, at most `keepLines`. */
  get lines(): readonly string[] {
    return this.#lines.length > this.#keepLines ? this.#lines.slice(-this.#keepLines) : this.#lines;
  }

  /** How many lines were written since construction (rotation and truncation do not reset it). */
  get linesWritten(): number {
    return this.#linesWritten;
  }

  /** How many bytes were written since construction. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** The prefix the next line would get, e.g. `[07:04:45] `. */
  prefixAt(time: number): string {
    const date = new Date(time);
    const hms = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
    if (this.flavour === "samp") return this.timestamps ? `[${hms}] ` : "";
    const stamp = this.timestamps ? `[${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${hms}+0000] ` : "";
    return stamp + (this.#prefix ? "[Info] " : "");
  }

  /**
   * Writes one message as one log entry (prefix once; a message with `\n` inside, like SA-MP's
   * unknown-command reply, spans several physical lines). Returns the message.
   */
  write(message: string): string {
    this.writeBurst([message]);
    return message;
  }

  /** Writes messages as one append, so a tail sees them arrive at once. */
  writeBurst(messages: readonly string[]): void {
    if (messages.length === 0) return;
    const prefix = this.prefixAt(this.#clock.now());
    let text = "";
    for (const message of messages) text += prefix + message + this.#eol;
    this.#append(this.#codePage.encode(text));
    for (const message of messages) this.#remember(message);
  }

  /** `[join] Name has joined the server (id:ip)` */
  join(name: string, id: number, ip: string): string {
    return this.write(formatJoin(name, id, ip));
  }

  /** `[part] Name has left the server (id:reason)` */
  part(name: string, id: number, reason: PartReason): string {
    return this.write(formatPart(name, id, reason));
  }

  /** `[chat] [Name]: text`, when chat logging is on; returns the line, or `undefined` when off. */
  chat(name: string, text: string): string | undefined {
    return this.logChat ? this.write(formatChat(name, text)) : undefined;
  }

  /** `[kill] Killer killed Victim Weapon`, when death logging is on. */
  kill(killer: string, victim: string, weapon: string | number): string | undefined {
    return this.logDeaths ? this.write(formatKill(killer, victim, weapon)) : undefined;
  }

  /** `[death] Name died <reason>`, when death logging is on. */
  death(name: string, reason: number): string | undefined {
    return this.logDeaths ? this.write(formatDeath(name, reason)) : undefined;
  }

  /** A custom echo event in the configured convention. */
  echo(tag: string, params: readonly EchoParam[] = []): string {
    return this.write(this.formatEcho(tag, params));
  }

  /** The line {@link echo} would write. */
  formatEcho(tag: string, params: readonly EchoParam[]): string {
    return this.#echoFormat(tag, params);
  }

  /**
   * Rotation as an operator does it before `reloadlog`: renames the file to `archivePath`
   * and starts a new empty one at {@link path}. Returns the archive's path.
   * @defaultValue archivePath `${path}.1`, `.2`, … one more each rotation
   */
  rotate(archivePath?: string): string {
    this.#rotations += 1;
    const target = archivePath ?? `${this.path}.${this.#rotations}`;
    try {
      renameSync(this.path, target);
      writeFileSync(this.path, Buffer.alloc(0));
    } catch (cause) {
      throw new FakeSampError("FAKE_SAMP_LOG_FAILED", `could not rotate the log: ${(cause as Error).message}`, { cause });
    }
    return target;
  }

  /** Truncation in place (`copytruncate`, or an operator's `> server_log.txt`): the file becomes empty. */
  truncate(): void {
    try {
      truncateSync(this.path, 0);
    } catch (cause) {
      throw new FakeSampError("FAKE_SAMP_LOG_FAILED", `could not truncate the log: ${(cause as Error).message}`, { cause });
    }
  }

  #append(bytes: Buffer): void {
    try {
      appendFileSync(this.path, bytes);
    } catch (cause) {
      throw new FakeSampError("FAKE_SAMP_LOG_FAILED", `could not write the log: ${(cause as Error).message}`, { cause });
    }
    this.#bytesWritten += bytes.length;
  }

  #remember(message: string): void {
    this.#linesWritten += 1;
    if (this.#keepLines === 0) return;
    this.#lines.push(message);
    // Trimmed in halves, so a long run costs O(1) per line.
    if (this.#lines.length >= this.#keepLines * 2) this.#lines.splice(0, this.#lines.length - this.#keepLines);
  }
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
