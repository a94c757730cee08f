import { Buffer } from "node:buffer";
import { deflateSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayCodec } from "../src/GatewayCodec.js";
import type { InflaterKind } from "../src/Inflater.js";
import { SocketError } from "../src/SocketError.js";
import { bigPayload, split, ZlibStreamWriter } from "./support/zlibStream.js";

function decodeError(codec: GatewayCodec, data: string | Uint8Array): SocketError {
  try {
    codec.decode(data);
  } catch (error) {
    expect(error).toBeInstanceOf(SocketError);
    return error as SocketError;
  }
  throw new Error("decode() did not throw");
}

describe("GatewayCodec without compression", () => {
  const codec = new GatewayCodec();

  it("parses a text frame as JSON", () => {
    expect(codec.compression).toBe("none");
    expect(codec.decode('{"op":10,"d":{"heartbeat_interval":41250}}')).toEqual({ op: 10, d: { heartbeat_interval: 41250 } });
  });

  it("parses a binary frame without a zlib header as UTF-8 JSON", () => {
    expect(codec.decode(new TextEncoder().encode('{"op":11,"d":"ünï"}'))).toEqual({ op: 11, d: "ünï" });
  });

  it("inflates a standalone zlib frame (payload compression)", () => {
    const payload = { op: 0, t: "READY", s: 1, d: bigPayload(10_000) };
    const frame = deflateSync(JSON.stringify(payload));
    expect(frame[0]).toBe(0x78);
    expect(codec.decode(frame)).toEqual(payload);
    // Self-contained: the same frame decodes again, with no shared context.
    expect(codec.decode(new Uint8Array(frame))).toEqual(payload);
  });

  it("reports a corrupt standalone zlib frame, and stays usable", () => {
    const frame = deflateSync('{"op":1}');
    const corrupt = Buffer.concat([frame.subarray(0, 4), Buffer.from("garbage, not deflate")]);
    const error = decodeError(codec, corrupt);
    expect(error.code).toBe("SOCKET_DECOMPRESS_ERROR");
    expect(error.cause).toBeInstanceOf(Error);
    expect(codec.failed).toBe(false);
    expect(codec.decode(frame)).toEqual({ op: 1 });
  });

  it("reports malformed JSON without quoting it, and stays usable", () => {
    const error = decodeError(codec, '{"token":"Bot very.secret.token", oops');
    expect(error.code).toBe("SOCKET_DECODE_ERROR");
    expect(error.cause).toBeInstanceOf(SyntaxError);
    const everything = `${error.message} ${String(error.cause)} ${(error.cause as Error).stack ?? ""}`;
    expect(everything).not.toContain("secret");
    expect(codec.decode('{"op":11}')).toEqual({ op: 11 });
  });

  it("rejects invalid options", () => {
    expect(() => new GatewayCodec({ compression: "zstd-stream" as "none" })).toThrow(SocketError);
    expect(() => new GatewayCodec({ maxPayloadSize: 0 })).toThrow(expect.objectContaining({ code: "SOCKET_INVALID_ARGUMENT" }) as Error);
  });
});

describe.each<InflaterKind>(["native", "window"])("GatewayCodec with zlib-stream (%s inflater)", (inflater) => {
  let writer: ZlibStreamWriter;
  let codec: GatewayCodec;

  function setUp(maxPayloadSize?: number): void {
    writer = new ZlibStreamWriter();
    codec = new GatewayCodec({ compression: "zlib-stream", inflater, ...(maxPayloadSize === undefined ? {} : { maxPayloadSize }) });
  }

  afterEach(() => {
    writer.close();
    codec.close();
  });

  it("joins one payload split over several frames", async () => {
    setUp();
    const payload = { op: 0, t: "GUILD_CREATE", s: 2, d: bigPayload(20_000) };
    const frames = split(await writer.encode(payload), 7);
    expect(frames.length).toBe(7);
    const results = frames.map((frame) => codec.decode(frame));
    expect(results.slice(0, 6)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(results[6]).toEqual(payload);
  });

  it("decodes a 1 MB payload", async () => {
    setUp();
    const payload = bigPayload(1024 * 1024);
    const bytes = await writer.encode(payload);
    expect(JSON.stringify(payload).length).toBeGreaterThan(1024 * 1024);
    expect(codec.decode(bytes)).toEqual(payload);
    // The context carries on after it.
    expect(codec.decode(await writer.encode({ op: 11 }))).toEqual({ op: 11 });
  });

  it("keeps many small payloads in order, with one context", async () => {
    setUp();
    const frames: Buffer[] = [];
    for (let s = 1; s <= 1000; s++) frames.push(await writer.encode({ op: 0, t: "MESSAGE_CREATE", s, d: { content: `hello ${String(s % 7)}` } }));
    // Later payloads refer back into earlier ones, so they only inflate with the shared context.
    expect(frames[999]!.length).toBeLessThan(40);
    const sequence = frames.map((frame) => (codec.decode(frame) as { s: number }).s);
    expect(sequence).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it("keeps the context across a large payload between small ones", async () => {
    setUp();
    const small = { op: 0, s: 1, d: { content: "x".repeat(100) } };
    expect(codec.decode(await writer.encode(small))).toEqual(small);
    const large = bigPayload(100_000);
    expect(codec.decode(await writer.encode(large))).toEqual(large);
    expect(codec.decode(await writer.encode(small))).toEqual(small);
  });

  it("decodes a text frame as plain JSON without touching the stream", async () => {
    setUp();
    expect(codec.decode(await writer.encode({ op: 10 }))).toEqual({ op: 10 });
    expect(codec.decode('{"op":11}')).toEqual({ op: 11 });
    expect(codec.decode(await writer.encode({ op: 10 }))).toEqual({ op: 10 });
  });

  it("reports a corrupted stream as SOCKET_DECOMPRESS_ERROR and marks itself failed", async () => {
    setUp();
    expect(codec.decode(await writer.encode({ op: 10 }))).toEqual({ op: 10 });
    const frame = Buffer.from(await writer.encode({ op: 0, d: "some text that is long enough to corrupt" }));
    frame.fill(0xff, 0, frame.length - 4); // BTYPE 11: an invalid deflate block
    const error = decodeError(codec, frame);
    expect(error.code).toBe("SOCKET_DECOMPRESS_ERROR");
    expect(error.cause).toBeInstanceOf(Error);
    expect(codec.failed).toBe(true);
    expect(decodeError(codec, await writer.encode({ op: 11 })).code).toBe("SOCKET_DECOMPRESS_ERROR");
  });

  it("rejects a stream that does not start with a zlib header", () => {
    setUp();
    const error = decodeError(codec, Buffer.from([0x12, 0x34, 0x56, 0x00, 0x00, 0xff, 0xff]));
    expect(error.code).toBe("SOCKET_DECOMPRESS_ERROR");
    expect(codec.failed).toBe(true);
  });

  it("skips a payload that is not JSON, and the next one still arrives", async () => {
    setUp();
    const error = decodeError(codec, await writer.encode('{"op":0,"d":{"token":"Bot secret.token"'));
    expect(error.code).toBe("SOCKET_DECODE_ERROR");
    expect(`${error.message} ${String(error.cause)}`).not.toContain("secret");
    expect(codec.failed).toBe(false);
    expect(codec.decode(await writer.encode({ op: 11 }))).toEqual({ op: 11 });
  });

  it("fails a payload whose frames exceed maxPayloadSize before the end", async () => {
    setUp(4096);
    const frames = split(await writer.encode(bigPayload(50_000)), 20);
    let error: SocketError | undefined;
    for (const frame of frames) {
      try {
        codec.decode(frame);
      } catch (caught) {
        error = caught as SocketError;
        break;
      }
    }
    expect(error?.code).toBe("SOCKET_PAYLOAD_TOO_LARGE");
    expect(codec.failed).toBe(true);
  });

  it("fails a payload that inflates beyond maxPayloadSize (a zlib bomb)", async () => {
    setUp(64 * 1024);
    const bomb = await writer.encode("0".repeat(4 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const error = decodeError(codec, bomb);
    expect(error.code).toBe("SOCKET_PAYLOAD_TOO_LARGE");
    expect(codec.failed).toBe(true);
  });

  it("needs a fresh codec for a fresh stream", async () => {
    setUp();
    expect(codec.decode(await writer.encode({ op: 10 }))).toEqual({ op: 10 });
    // A new connection: a new server-side stream, which starts with a zlib header again.
    const next = new ZlibStreamWriter();
    const fresh = new GatewayCodec({ compression: "zlib-stream", inflater });
    try {
      const first = await next.encode({ op: 10, d: 2 });
      expect(fresh.decode(first)).toEqual({ op: 10, d: 2 });
      expect(() => codec.decode(first)).toThrow(SocketError);
    } finally {
      next.close();
      fresh.close();
    }
  });
});
