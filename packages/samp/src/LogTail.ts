import { EventEmitter } from "node:events";
import { open, stat, type FileHandle } from "node:fs/promises";
import { watch as fsWatch } from "node:fs";
import { basename, dirname } from "node:path";
import { CodePage } from "./CodePage.js";
import { SampError } from "./SampError.js";
import { unrefTimer } from "./unrefTimer.js";
import { type Clock, MAX_TIMER_MS, systemClock } from "@nuwani/util";

/** A way to hear that a directory changed; returns something to close. */
export type WatchDirectory = (directory: string, onChange: (filename: string | null) => void, onError: (error: unknown) => void) => {
  /** Stops watching. */
  close(): void;
};

/** Options of {@link LogTail}. */
export interface LogTailOptions {
  /** The log file (`server_log.txt` of SA-MP, `log.txt` of open.mp). */
  readonly path: string;
  /** The log's code page. @defaultValue windows-1252 */
  readonly codePage?: CodePage;
  /** Time source for polling. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
  /** The polling fallback: the file is checked this often even when `fs.watch` says nothing, in ms. @defaultValue 1000 */
  readonly pollInterval?: number;
  /** How to watch the log's directory; `false` polls only. @defaultValue `fs.watch` on the directory */
  readonly watch?: WatchDirectory | false;
  /** Read an existing file from its start instead of its end. @defaultValue false (no replay of old lines) */
  readonly fromStart?: boolean;
  /** A line longer than this many bytes is cut into pieces of this size. @defaultValue 65536 */
  readonly maxLineBytes?: number;
}

/** Events of {@link LogTail}. */
export interface LogTailEvents {
  /** One complete line, decoded, without its line break; in file order. */
  line: [line: string];
  /** The file was replaced (new inode) or truncated; reading went on at its start. */
  rotated: [reason: "replaced" | "truncated"];
  /** Reading failed (other than the file not existing yet); the tail keeps trying. Emitted only when listened to. */
  error: [error: SampError];
}

/** Counters of a {@link LogTail}. */
export interface LogTailStats {
  lines: number;
  bytes: number;
  rotations: number;
  truncations: number;
  /** Lines cut because they exceeded `maxLineBytes`. */
  overlong: number;
}

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;
/** How many of the last bytes read are kept to recognise the file (a truncation that regrew past the offset). */
const FINGERPRINT = 64;

const defaultWatch: WatchDirectory = (directory, onChange, onError) => {
  const watcher = fsWatch(directory, { persistent: false }, (_event, filename) => onChange(filename === null ? null : String(filename)));
  watcher.on("error", onError);
  return watcher;
};

/**
 * Follows a game server's log from a kept offset. It starts at the END of an existing file (no
 * replay), emits every complete line in order (a partial last line waits for its line break),
 * and survives rotation (the path now names another file: the old one is read to its end
 * first) and truncation (size below the offset: reading restarts at 0). `fs.watch` on the
 * directory makes it prompt; a polling timer makes it certain. Reads are serialised: a change
 * during a read triggers one more read, so a burst is never lost.
 */
export class LogTail extends EventEmitter<LogTailEvents> {
  /** Counters, for a summary. */
  readonly stats: LogTailStats = { lines: 0, bytes: 0, rotations: 0, truncations: 0, overlong: 0 };
  readonly #path: string;
  readonly #codePage: CodePage;
  readonly #clock: Clock;
  readonly #pollInterval: number;
  readonly #watch: WatchDirectory | false;
  readonly #maxLineBytes: number;
  #fromStart: boolean;
  #handle: FileHandle | undefined;
  #ino = -1;
  #dev = -1;
  #offset = 0;
  // The bytes just before #offset, as read: if the file no longer has them there, it was
  // truncated (or rewritten) and has grown again past the offset since the last read.
  #fingerprint: Buffer = Buffer.alloc(0);
  readonly #probe = Buffer.alloc(FINGERPRINT);
  #partial: Buffer = Buffer.alloc(0);
  #running: Promise<void> | undefined;
  #again = false;
  #timer: unknown = undefined;
  #watcher: { close(): void } | undefined;
  #state: "idle" | "running" | "stopped" = "idle";
  readonly #buffer = Buffer.alloc(CHUNK);

  /** A tail of `options.path`; nothing is read until it is started. */
  constructor(options: LogTailOptions) {
    super();
    if (typeof options.path !== "string" || options.path === "") throw new SampError("SAMP_INVALID_ARGUMENT", "path must be the log file's path");
    this.#path = options.path;
    this.#codePage = options.codePage ?? new CodePage();
    this.#clock = options.clock ?? systemClock;
    this.#pollInterval = options.pollInterval ?? 1000;
    if (!Number.isInteger(this.#pollInterval) || this.#pollInterval < 10 || this.#pollInterval > MAX_TIMER_MS) {
      throw new SampError("SAMP_INVALID_ARGUMENT", "pollInterval must be an integer number of ms from 10");
    }
    this.#watch = options.watch ?? defaultWatch;
    this.#fromStart = options.fromStart ?? false;
    this.#maxLineBytes = options.maxLineBytes ?? 64 * 1024;
    if (!Number.isInteger(this.#maxLineBytes) || this.#maxLineBytes < 1) throw new SampError("SAMP_INVALID_ARGUMENT", "maxLineBytes must be a positive integer");
  }

  /** The byte offset read up to in the current file. */
  get offset(): number {
    return this.#offset;
  }

  /**
   * Opens the log (positioned at its end unless `fromStart`), and starts watching and polling.
   * A missing file is fine: it is read from its start once it appears.
   */
  async start(): Promise<void> {
    if (this.#state !== "idle") return;
    this.#state = "running";
    await this.check();
    if (this.#state !== "running") return;
    if (this.#watch !== false) {
      try {
        const name = basename(this.#path);
        this.#watcher = this.#watch(
          dirname(this.#path),
          (filename) => {
            if (filename === null || filename === name) void this.check();
          },
          () => this.#stopWatching(),
        );
      } catch {
        this.#watcher = undefined;
      }
    }
    this.#schedulePoll();
  }

  /** Reads whatever is new now; resolves when it has been emitted. Safe to call at any time. */
  check(): Promise<void> {
    if (this.#state !== "running") return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        try {
          await this.#drain();
        } catch (error) {
          if (this.listenerCount("error") > 0) {
            const code = (error as NodeJS.ErrnoException).code ?? "error";
            this.emit("error", new SampError("SAMP_LOG_ERROR", `cannot read the log (${code})`, { cause: error }));
          }
          await this.#closeHandle();
          return;
        }
      } while (this.#again && this.#state === "running");
    };
    this.#running = run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops watching and polling and closes the file. Idempotent. */
  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    this.#stopWatching();
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#closeHandle();
  }

  #stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #schedulePoll(): void {
    if (this.#state !== "running") return;
    this.#timer = unrefTimer(
      this.#clock.setTimeout(() => {
        this.#timer = undefined;
        void this.check().finally(() => this.#schedulePoll());
      }, this.#pollInterval),
    );
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  async #openCurrent(): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(this.#path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        // No file yet: whatever appears later is new, read it from its start.
        this.#fromStart = true;
        return false;
      }
      throw error;
    }
    const info = await handle.stat();
    this.#handle = handle;
    this.#ino = info.ino;
    this.#dev = info.dev;
    this.#offset = this.#fromStart ? 0 : info.size;
    this.#fingerprint = Buffer.alloc(0);
    if (this.#offset > 0) {
      const length = Math.min(FINGERPRINT, this.#offset);
      const { bytesRead } = await handle.read(this.#probe, 0, length, this.#offset - length);
      this.#fingerprint = Buffer.from(this.#probe.subarray(0, bytesRead));
    }
    this.#fromStart = true;
    return true;
  }

  async #drain(): Promise<void> {
    if (this.#handle === undefined && !(await this.#openCurrent())) return;
    for (;;) {
      if (this.#state !== "running") return;
      const handle = this.#handle!;
      if (!(await this.#sameFile(handle))) {
        // Truncated and written again past the offset before this read: the size alone
        // cannot tell, the bytes before the offset can. Read the new content from its start.
        this.#restartTruncated();
        continue;
      }
      const { bytesRead } = await handle.read(this.#buffer, 0, CHUNK, this.#offset);
      if (bytesRead > 0) {
        this.#offset += bytesRead;
        this.stats.bytes += bytesRead;
        const chunk = this.#buffer.subarray(0, bytesRead);
        this.#fingerprint =
          bytesRead >= FINGERPRINT ? Buffer.from(chunk.subarray(bytesRead - FINGERPRINT)) : Buffer.concat([this.#fingerprint, chunk]).subarray(-FINGERPRINT);
        this.#consume(chunk);
        continue;
      }
      const info = await handle.stat();
      if (info.size < this.#offset) {
        this.#restartTruncated();
        continue;
      }
      let current;
      try {
        current = await stat(this.#path);
      } catch (error) {
        // Renamed away and not recreated yet: keep reading the old file.
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      if (current.ino === this.#ino && current.dev === this.#dev) return;
      // Replaced: the old file is read to its end (above); go on with the new one from its start.
      this.stats.rotations++;
      this.#flushPartial();
      await this.#closeHandle();
      this.emit("rotated", "replaced");
      if (!(await this.#openCurrent())) return;
    }
  }

  /** Whether the bytes before the offset are still those read there. */
  async #sameFile(handle: FileHandle): Promise<boolean> {
    const length = this.#fingerprint.length;
    if (length === 0) return true;
    const { bytesRead } = await handle.read(this.#probe, 0, length, this.#offset - length);
    return bytesRead === length && this.#probe.subarray(0, length).equals(this.#fingerprint);
  }

  #restartTruncated(): void {
    this.stats.truncations++;
    this.#flushPartial();
    this.#offset = 0;
    this.#fingerprint = Buffer.alloc(0);
    this.emit("rotated", "truncated");
  }

  #consume(chunk: Buffer): void {
    let start = 0;
    let data = chunk;
    if (this.#partial.length > 0) {
      data = Buffer.concat([this.#partial, chunk]);
      this.#partial = Buffer.alloc(0);
    }
    for (;;) {
      const end = data.indexOf(NEWLINE, start);
      if (end === -1) break;
      this.#emitLine(data.subarray(start, end));
      start = end + 1;
    }
    let rest = data.subarray(start);
    while (rest.length > this.#maxLineBytes) {
      this.stats.overlong++;
      this.#emitLine(rest.subarray(0, this.#maxLineBytes));
      rest = rest.subarray(this.#maxLineBytes);
    }
    // Copy: the read buffer is reused.
    this.#partial = Buffer.from(rest);
  }

  #flushPartial(): void {
    if (this.#partial.length > 0) this.#emitLine(this.#partial);
    this.#partial = Buffer.alloc(0);
  }

  #emitLine(bytes: Buffer): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    if (end === 0) return;
    if (end > this.#maxLineBytes) {
      this.stats.overlong++;
      for (let at = 0; at < end; at += this.#maxLineBytes) this.#emitLine(bytes.subarray(at, Math.min(end, at + this.#maxLineBytes)));
      return;
    }
    this.stats.lines++;
    try {
      this.emit("line", this.#codePage.decode(bytes.subarray(0, end)));
    } catch (error) {
      // A listener's bug must not stop the tail or lose the rest of the chunk.
      if (this.listenerCount("error") > 0) this.emit("error", new SampError("SAMP_LOG_ERROR", "a line listener threw", { cause: error }));
    }
  }
}
