import { constants, createDeflate, type Deflate } from "node:zlib";

/**
 * Discord's `compress=zlib-stream` transport compression: one deflate context for the whole
 * connection, every payload flushed with `Z_SYNC_FLUSH` so it ends with `00 00 FF FF`.
 * Calls to {@link ZlibStreamEncoder.encode} must not overlap (the connection's outgoing queue
 * serialises them).
 */
export class ZlibStreamEncoder {
  private readonly deflate: Deflate;
  private chunks: Buffer[] = [];

  /** A fresh zlib stream, as a new connection gets. */
  constructor() {
    this.deflate = createDeflate();
    this.deflate.on("data", (chunk: Buffer) => this.chunks.push(chunk));
    // A write after close() is the only way to get here; the connection is gone anyway.
    this.deflate.on("error", () => undefined);
  }

  /** Compresses one payload in the shared context. */
  encode(data: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.deflate.write(data);
      this.deflate.flush(constants.Z_SYNC_FLUSH, () => {
        const out = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  /** Releases the zlib context. */
  close(): void {
    this.deflate.close();
  }
}
