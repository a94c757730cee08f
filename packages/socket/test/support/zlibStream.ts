import { Buffer } from "node:buffer";
import { constants, createDeflate, type Deflate } from "node:zlib";

/**
 * The server side of Discord's `compress=zlib-stream`: one deflate context for a whole
 * connection, each payload ending with a sync flush (`00 00 FF FF`).
 */
export class ZlibStreamWriter {
  readonly #deflate: Deflate = createDeflate();
  #chunks: Buffer[] = [];

  constructor() {
    // Read continuously: waiting for the flush without reading would stall on backpressure.
    this.#deflate.on("data", (chunk: Buffer) => this.#chunks.push(chunk));
  }

  /** Compresses the next message of the stream (a JSON value, or text as it is). */
  async encode(payload: unknown): Promise<Buffer> {
    const text = typeof payload === "string" ? payload : JSON.stringify(payload);
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      this.#deflate.write(text, (error) => {
        if (error) reject(error);
      });
      this.#deflate.flush(constants.Z_SYNC_FLUSH, () => {
        resolve(Buffer.concat(this.#chunks));
        this.#chunks = [];
      });
    });
    if (!bytes.subarray(-4).equals(SUFFIX)) throw new Error("the sync flush did not end the message");
    return bytes;
  }

  close(): void {
    this.#deflate.close();
  }
}

const SUFFIX = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** Splits bytes into `parts` frames of about equal size. */
export function split(bytes: Buffer, parts: number): Buffer[] {
  const size = Math.ceil(bytes.length / parts);
  const frames: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) frames.push(bytes.subarray(offset, offset + size));
  return frames;
}

/** A JSON-friendly value of roughly `bytes` bytes that does not compress to nothing. */
export function bigPayload(bytes: number): { op: number; d: string[] } {
  const d: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const item = `member-${String(i)}-${(i * 2654435761) % 1_000_003}`;
    d.push(item);
    size += item.length + 3;
  }
  return { op: 0, d };
}
