import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { createInflater, type Inflater, type InflaterKind } from "./Inflater.js";
import { SocketError } from "./SocketError.js";
import type { SocketCompression } from "./types.js";

/** Options of {@link GatewayCodec}. */
export interface GatewayCodecOptions {
  /**
   * `"zlib-stream"` when the URL asks for `compress=zlib-stream`: binary frames form one zlib
   * stream. With `"none"`, a binary frame that starts with a zlib header (`0x78`) is taken as
   * a self-contained zlib payload (Discord's payload compression), any other as UTF-8 JSON.
   * @defaultValue "none"
   */
  compression?: SocketCompression;
  /**
   * The largest payload in bytes: joined compressed frames, and the inflated text.
   * @defaultValue 104857600 (100 MiB)
   */
  maxPayloadSize?: number;
  /**
   * How to drive zlib; normally chosen automatically (see the README). For tests.
   * @internal
   */
  inflater?: InflaterKind;
}

/** Default of {@link GatewayCodecOptions.maxPayloadSize}: 100 MiB, as `ws` allows. */
export const DEFAULT_MAX_PAYLOAD_SIZE = 100 * 1024 * 1024;

/**
 * Decodes the messages of one connection into payloads: text frames as JSON; with
 * `zlib-stream`, binary frames joined until the `00 00 FF FF` suffix and inflated with one
 * inflate context for the whole connection, synchronously, so payloads keep their order.
 * Use a fresh codec for every connection: the zlib context belongs to one stream.
 *
 * @example
 * ```ts
 * const codec = new GatewayCodec({ compression: "zlib-stream" });
 * const payload = codec.decode(frame); // undefined until the frame that ends the payload
 * ```
 */
export class GatewayCodec {
  /** The framing this codec decodes. */
  readonly compression: SocketCompression;
  readonly #maxPayloadSize: number;
  readonly #inflater: Inflater | undefined;
  /** Frames of a zlib-stream payload that has not ended yet. */
  #pending: Buffer[] = [];
  #pendingSize = 0;
  #failed = false;

  /** @throws {@link SocketError} `SOCKET_INVALID_ARGUMENT` for an unknown compression or a bad size. */
  constructor(options: GatewayCodecOptions = {}) {
    const { compression = "none", maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE } = options;
    checkCodecOptions(compression, maxPayloadSize);
    this.compression = compression;
    this.#maxPayloadSize = maxPayloadSize;
    this.#inflater = compression === "zlib-stream" ? createInflater(maxPayloadSize, options.inflater) : undefined;
  }

  /**
   * True once the zlib stream is broken (corrupt data or a payload over the limit): every
   * later payload of this connection would be garbage, so the connection must be replaced.
   */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Decodes one WebSocket message.
   * @returns the payload, or `undefined` while a zlib-stream payload waits for more frames
   *   (JSON never decodes to `undefined`).
   * @throws {@link SocketError} `SOCKET_DECODE_ERROR` (not JSON; the codec stays usable),
   *   `SOCKET_DECOMPRESS_ERROR` or `SOCKET_PAYLOAD_TOO_LARGE` (check {@link GatewayCodec.failed}).
   */
  decode(data: string | Uint8Array): unknown {
    if (typeof data === "string") return parseJson(data, data.length);
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.#inflater !== undefined) return this.#decodeStream(this.#inflater, bytes);
    if (bytes[0] === 0x78) return parseJson(this.#inflateStandalone(bytes), bytes.length);
    return parseJson(bytes.toString("utf8"), bytes.length);
  }

  /** Frees the inflate context; the codec must not be used afterwards. */
  close(): void {
    this.#pending = [];
    this.#pendingSize = 0;
    this.#inflater?.close();
  }

  #decodeStream(inflater: Inflater, bytes: Buffer): unknown {
    if (this.#failed) {
      throw new SocketError("SOCKET_DECOMPRESS_ERROR", "the zlib stream of this connection already failed");
    }
    const size = bytes.length;
    const total = this.#pendingSize + size;
    if (total > this.#maxPayloadSize) {
      this.#fail();
      throw new SocketError("SOCKET_PAYLOAD_TOO_LARGE", `a zlib-stream payload grew over ${String(this.#maxPayloadSize)} bytes`);
    }
    const ended =
      size >= 4 && bytes[size - 4] === 0x00 && bytes[size - 3] === 0x00 && bytes[size - 2] === 0xff && bytes[size - 1] === 0xff;
    if (!ended) {
      // The transport hands over each message's bytes; keep references, join once at the end
      // (joining on every frame would copy quadratically).
      this.#pending.push(bytes);
      this.#pendingSize = total;
      return undefined;
    }
    let input = bytes;
    if (this.#pending.length > 0) {
      this.#pending.push(bytes);
      input = Buffer.concat(this.#pending, total);
      this.#pending = [];
      this.#pendingSize = 0;
    }
    let text: string;
    try {
      text = inflater.push(input).toString("utf8");
    } catch (error) {
      this.#fail();
      throw inflateError(error, this.#maxPayloadSize, `could not inflate a zlib-stream payload of ${String(total)} bytes`);
    }
    return parseJson(text, total);
  }

  #inflateStandalone(bytes: Buffer): string {
    try {
      return inflateSync(bytes, { maxOutputLength: this.#maxPayloadSize }).toString("utf8");
    } catch (error) {
      throw inflateError(error, this.#maxPayloadSize, `could not inflate a zlib payload of ${String(bytes.length)} bytes`);
    }
  }

  #fail(): void {
    this.#failed = true;
    this.close();
  }
}

/**
 * Validates codec options up front (the socket creates its codecs later, per connection).
 * @internal
 */
export function checkCodecOptions(compression: unknown, maxPayloadSize: unknown): void {
  if (compression !== "none" && compression !== "zlib-stream") {
    throw new SocketError("SOCKET_INVALID_ARGUMENT", `compression must be "none" or "zlib-stream", got ${String(compression)}`);
  }
  if (typeof maxPayloadSize !== "number" || !Number.isInteger(maxPayloadSize) || maxPayloadSize <= 0) {
    throw new SocketError("SOCKET_INVALID_ARGUMENT", `maxPayloadSize must be a positive integer, got ${String(maxPayloadSize)}`);
  }
}

function inflateError(error: unknown, limit: number, message: string): SocketError {
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
    return new SocketError("SOCKET_PAYLOAD_TOO_LARGE", `a payload inflated to more than ${String(limit)} bytes`, { cause: error });
  }
  return new SocketError("SOCKET_DECOMPRESS_ERROR", message, { cause: error });
}

function parseJson(text: string, length: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SocketError("SOCKET_DECODE_ERROR", `a payload (length ${String(length)}) is not valid JSON`, {
      cause: withoutExcerpt(error),
    });
  }
}

/** V8 quotes part of the input in JSON errors; payload contents must not reach errors or logs. */
function withoutExcerpt(error: unknown): unknown {
  if (!(error instanceof SyntaxError)) return error;
  return new SyntaxError(error.message.replace(/"[\s\S]*"/, "<payload>"));
}
