import { Buffer } from "node:buffer";
import { constants, createInflate, inflateRawSync, type Inflate } from "node:zlib";

/**
 * One zlib stream (Discord's `compress=zlib-stream`), inflated synchronously message by
 * message with its context kept between messages. Internal to the codec.
 */
export interface Inflater {
  /**
   * Inflates the next message of the stream: every byte of it, ending at a `Z_SYNC_FLUSH`
   * boundary (`00 00 FF FF`). The returned bytes are only valid until the next call.
   * @throws the zlib error when the data is corrupt or inflates beyond the output limit.
   */
  push(chunk: Buffer): Buffer;
  /** Frees the context. */
  close(): void;
}

/**
 * `native`: one `node:zlib` inflate context driven synchronously (see {@link NativeInflater}).
 * `window`: a public-API fallback that keeps the 32 KiB window itself (see {@link WindowInflater}).
 */
export type InflaterKind = "native" | "window";

const { Z_SYNC_FLUSH } = constants;
const WINDOW_SIZE = 32 * 1024;

function ignore(): void {
  // An 'error' event with no listener would throw; errors are reported by push() instead.
}

/** The native zlib handle of a stream; only its `close` matters here. */
interface NativeHandle {
  close: () => void;
}

/** The parts of a `node:zlib` stream that {@link NativeInflater} relies on (Node internals). */
interface ZlibInternals {
  _handle: NativeHandle | null;
  _processChunk(chunk: Buffer, flushFlag: number): Buffer;
}

/**
 * One native inflate context per stream, driven synchronously.
 *
 * `node:zlib` has no public synchronous API that keeps a context: `inflateSync()` starts a
 * fresh one every call, and the stream API is asynchronous (a thread-pool round trip per
 * message, about 10× the CPU here). Its synchronous path, `_processChunk(chunk, flush)`, does
 * keep the context but closes the native handle when done. Like `minizlib` (used by npm's
 * `tar`), this class makes that close a no-op for the duration of the call and puts the handle
 * back. Because this rests on internals, {@link createInflater} only uses it after it passed a
 * self-test on the running Node version, and otherwise falls back to {@link WindowInflater}.
 */
export class NativeInflater implements Inflater {
  readonly #stream: Inflate;
  readonly #internals: ZlibInternals;
  readonly #handle: NativeHandle;
  #closed = false;

  constructor(maxOutputLength: number) {
    this.#stream = createInflate({ maxOutputLength });
    this.#stream.on("error", ignore);
    this.#internals = this.#stream as unknown as ZlibInternals;
    const handle = this.#internals._handle;
    if (handle === null || typeof handle !== "object" || typeof this.#internals._processChunk !== "function") {
      this.#stream.destroy();
      throw new Error("node:zlib internals are not as expected");
    }
    this.#handle = handle;
  }

  push(chunk: Buffer): Buffer {
    const handle = this.#handle;
    const close = handle.close;
    handle.close = ignore;
    try {
      return this.#internals._processChunk(chunk, Z_SYNC_FLUSH);
    } finally {
      handle.close = close;
      this.#internals._handle = handle;
      // _processChunk adds an 'error' listener on every call; drop it, keep ours.
      this.#stream.removeAllListeners("error");
      this.#stream.on("error", ignore);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Close the native handle exactly once ourselves: after a zlib error the stream is already
    // destroyed (with our no-op close), so destroy() alone would leave the handle to the GC.
    this.#internals._handle = null;
    this.#handle.close();
    this.#stream.destroy();
  }
}

/**
 * Inflates each message with a fresh raw-inflate call whose dictionary is the last 32 KiB of
 * output, which is exactly the state a deflate stream refers back to across a sync flush.
 * Public API only, about five times the CPU of {@link NativeInflater}; the fallback.
 */
export class WindowInflater implements Inflater {
  readonly #maxOutputLength: number;
  /** Recent output; the dictionary is its last WINDOW_SIZE bytes before `#end`. */
  #history = Buffer.allocUnsafe(4 * WINDOW_SIZE);
  #end = 0;
  #started = false;

  constructor(maxOutputLength: number) {
    this.#maxOutputLength = maxOutputLength;
  }

  push(chunk: Buffer): Buffer {
    let input = chunk;
    if (!this.#started) {
      input = chunk.subarray(zlibHeaderLength(chunk));
      this.#started = true;
    }
    const output =
      this.#end === 0
        ? inflateRawSync(input, { finishFlush: Z_SYNC_FLUSH, maxOutputLength: this.#maxOutputLength })
        : inflateRawSync(input, {
            finishFlush: Z_SYNC_FLUSH,
            maxOutputLength: this.#maxOutputLength,
            dictionary: this.#history.subarray(Math.max(0, this.#end - WINDOW_SIZE), this.#end),
          });
    this.#remember(output);
    return output;
  }

  close(): void {
    this.#end = 0;
  }

  #remember(output: Buffer): void {
    if (output.length >= WINDOW_SIZE) {
      output.copy(this.#history, 0, output.length - WINDOW_SIZE);
      this.#end = WINDOW_SIZE;
      return;
    }
    if (this.#end + output.length > this.#history.length) {
      // Slide: keep the last window at the start. Each byte moves at most once per 3 windows.
      this.#history.copy(this.#history, 0, this.#end - WINDOW_SIZE, this.#end);
      this.#end = WINDOW_SIZE;
    }
    output.copy(this.#history, this.#end);
    this.#end += output.length;
  }
}

/** Validates the two-byte zlib header (RFC 1950) and returns its length. */
function zlibHeaderLength(chunk: Buffer): number {
  const cmf = chunk[0];
  const flg = chunk[1];
  if (cmf === undefined || flg === undefined) throw new Error("zlib header is truncated");
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) {
    throw new Error("incorrect zlib header check");
  }
  if ((flg & 0x20) !== 0) throw new Error("zlib preset dictionaries are not supported");
  return 2;
}

// Two messages of one zlib stream, sync-flushed; the second one only inflates with the
// context the first left behind ("invalid distance too far back" otherwise).
const SELF_TEST_FIRST = Buffer.from(
  "789c04c1410a80201005d0bbfcb582466de62a1131e5448258e8540bf1eebdd770dd20ef0c02a8e1142eba09eb1ab34a793981463f4cce400bef029a919f8f73b455d26155aa62e9fd070000ffff",
  "hex",
);
const SELF_TEST_SECOND = Buffer.from("aa86186348a13100000000ffff", "hex");
const SELF_TEST_TEXT = (op: number): string =>
  `{"op":${String(op)},"d":{"heartbeat_interval":41250,"trace":["nuwani-self-test"]}}`;

let nativeWorks: boolean | undefined;

/** Whether {@link NativeInflater} keeps its context on this Node version; checked once. */
export function nativeInflaterWorks(): boolean {
  if (nativeWorks === undefined) {
    try {
      const inflater = new NativeInflater(1024);
      try {
        nativeWorks =
          inflater.push(SELF_TEST_FIRST).toString("utf8") === SELF_TEST_TEXT(10) &&
          inflater.push(SELF_TEST_SECOND).toString("utf8") === SELF_TEST_TEXT(11);
      } finally {
        inflater.close();
      }
    } catch {
      nativeWorks = false;
    }
  }
  return nativeWorks;
}

/** A fresh {@link Inflater}: the native one when it works here, else the window one. */
export function createInflater(maxOutputLength: number, kind?: InflaterKind): Inflater {
  const chosen = kind ?? (nativeInflaterWorks() ? "native" : "window");
  return chosen === "native" ? new NativeInflater(maxOutputLength) : new WindowInflater(maxOutputLength);
}
