import { Buffer } from "node:buffer";
import { constants, inflateSync, type ZlibOptions } from "node:zlib";
import type * as Zlib from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { GatewayCodec as GatewayCodecClass } from "../src/GatewayCodec.js";
import { createInflater, type Inflater, NativeInflater, nativeInflaterWorks, WindowInflater } from "../src/Inflater.js";
import type * as InflaterModule from "../src/Inflater.js";
import { bigPayload, split, ZlibStreamWriter } from "./support/zlibStream.js";

describe("Inflater", () => {
  it("drives node:zlib natively on this Node version (its self-test passes)", () => {
    expect(nativeInflaterWorks()).toBe(true);
    const inflater = createInflater(1024);
    expect(inflater).toBeInstanceOf(NativeInflater);
    inflater.close();
    expect(createInflater(1024, "window")).toBeInstanceOf(WindowInflater);
  });

  it("inflates synchronously, in order, with the same native context", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on("warning", onWarning);
    const writer = new ZlibStreamWriter();
    const inflater = new NativeInflater(1024 * 1024);
    const texts: string[] = [];
    for (let i = 0; i < 50; i++) {
      const frame = await writer.encode({ i, text: "the same words again and again" });
      texts.push(inflater.push(frame).toString("utf8"));
    }
    expect(texts.map((text) => (JSON.parse(text) as { i: number }).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // No 'error' listeners pile up (MaxListenersExceededWarning), however many messages went through.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    expect(warnings).toEqual([]);
    inflater.close();
    inflater.close();
    writer.close();
  });

  it("does not leave an unhandled error behind after corrupt data", async () => {
    const inflater = new NativeInflater(1024);
    expect(() => inflater.push(Buffer.from("this is not zlib at all, 0000ffff"))).toThrow();
    // A stream error is emitted on the next tick; it must not become an uncaught exception.
    await new Promise((resolve) => setImmediate(resolve));
    inflater.close();
  });

  it("window inflater: slides its history over many messages and across big ones", async () => {
    const writer = new ZlibStreamWriter();
    const inflater = new WindowInflater(10 * 1024 * 1024);
    const messages = [
      ...Array.from({ length: 200 }, (_, i) => `message ${String(i)}: ${"abc".repeat(100 + (i % 300))}`),
      "x".repeat(40_000) + "tail",
      ...Array.from({ length: 200 }, (_, i) => `again ${String(i)}: ${"abc".repeat(100 + (i % 300))} tail`),
    ];
    for (const message of messages) {
      expect(inflater.push(await writer.encode(message)).toString("utf8")).toBe(message);
    }
    inflater.close();
    writer.close();
  });

  it("window inflater: rejects a bad or truncated zlib header", () => {
    expect(() => new WindowInflater(1024).push(Buffer.from([0x78]))).toThrow(/truncated/);
    expect(() => new WindowInflater(1024).push(Buffer.from([0x78, 0x00, 0x00]))).toThrow(/header/);
    expect(() => new WindowInflater(1024).push(Buffer.from([0x78, 0xbb, 0x00]))).toThrow(/dictionar/);
  });
});

/** What one inflater made of each message: its text, or that it threw. */
function run(inflater: Inflater, frames: readonly Buffer[]): string[] {
  const results: string[] = [];
  for (const frame of frames) {
    try {
      results.push(inflater.push(frame).toString("utf8"));
    } catch {
      results.push("<error>");
      break;
    }
  }
  inflater.close();
  return results;
}

/** One zlib stream: small messages, a large one, many small ones that refer back, then a corrupt one. */
async function mixedStream(corruptAtEnd: boolean): Promise<Buffer[]> {
  const writer = new ZlibStreamWriter();
  const frames: Buffer[] = [];
  try {
    frames.push(await writer.encode({ op: 10, d: { heartbeat_interval: 41250 } }));
    frames.push(await writer.encode(bigPayload(300_000)));
    for (let s = 1; s <= 300; s++) frames.push(await writer.encode({ op: 0, t: "MESSAGE_CREATE", s, d: { content: `hi ${String(s % 5)}` } }));
    frames.push(await writer.encode("y".repeat(70_000)));
    frames.push(await writer.encode({ op: 11 }));
    if (corruptAtEnd) {
      const frame = Buffer.from(await writer.encode({ op: 0, d: "some text that is long enough to corrupt" }));
      frame.fill(0xff, 0, frame.length - 4);
      frames.push(frame, await writer.encode({ op: 11 }));
    }
  } finally {
    writer.close();
  }
  return frames;
}

describe("window inflater gives the same outputs as the native one", () => {
  it("over a stream of small, large and many small messages", async () => {
    const frames = await mixedStream(false);
    const native = run(new NativeInflater(4 * 1024 * 1024), frames);
    expect(native).toHaveLength(frames.length);
    expect(run(new WindowInflater(4 * 1024 * 1024), frames)).toEqual(native);
  });

  it("over a stream that turns corrupt: both stop with an error at the same message", async () => {
    const frames = await mixedStream(true);
    const native = run(new NativeInflater(4 * 1024 * 1024), frames);
    expect(native.at(-1)).toBe("<error>");
    expect(native).toHaveLength(frames.length - 1);
    expect(run(new WindowInflater(4 * 1024 * 1024), frames)).toEqual(native);
  });

  it("both refuse a message that inflates beyond the output limit", async () => {
    const writer = new ZlibStreamWriter();
    const frames = [await writer.encode({ op: 10 }), await writer.encode("0".repeat(1024 * 1024))];
    writer.close();
    const native = run(new NativeInflater(64 * 1024), frames);
    expect(native).toEqual(['{"op":10}', "<error>"]);
    expect(run(new WindowInflater(64 * 1024), frames)).toEqual(native);
  });
});

/**
 * A Node upgrade that changes zlib's internals must land on the window inflater, not on a
 * broken native one. These tests load the inflater and the codec afresh over a `node:zlib`
 * whose internals are altered the way such an upgrade could alter them.
 */
describe("falls back to the window inflater when node:zlib internals change", () => {
  type Internals = { _handle: unknown; _processChunk: unknown };

  async function loadWith(alter: (stream: Internals) => void): Promise<{
    inflater: typeof InflaterModule;
    GatewayCodec: typeof GatewayCodecClass;
  }> {
    vi.resetModules();
    vi.doMock("node:zlib", async (importOriginal) => {
      const zlib = await importOriginal<typeof Zlib>();
      return {
        ...zlib,
        createInflate: (options?: ZlibOptions) => {
          const stream = zlib.createInflate(options);
          alter(stream as unknown as Internals);
          return stream;
        },
      };
    });
    const inflater = await import("../src/Inflater.js");
    const { GatewayCodec } = await import("../src/GatewayCodec.js");
    return { inflater, GatewayCodec };
  }

  afterEach(() => {
    vi.doUnmock("node:zlib");
    vi.resetModules();
  });

  async function expectWindowPath(loaded: Awaited<ReturnType<typeof loadWith>>): Promise<void> {
    expect(loaded.inflater.nativeInflaterWorks()).toBe(false);
    const chosen = loaded.inflater.createInflater(1024);
    expect(chosen).toBeInstanceOf(loaded.inflater.WindowInflater);
    chosen.close();
    // The codec, with no inflater chosen, still decodes a whole stream: split, large, many small.
    const codec = new loaded.GatewayCodec({ compression: "zlib-stream" });
    const writer = new ZlibStreamWriter();
    try {
      const large = bigPayload(200_000);
      const parts = split(await writer.encode(large), 5);
      expect(parts.map((part) => codec.decode(part)).at(-1)).toEqual(large);
      for (let s = 1; s <= 100; s++) {
        expect(codec.decode(await writer.encode({ op: 0, s, d: { content: "again" } }))).toEqual({ op: 0, s, d: { content: "again" } });
      }
    } finally {
      writer.close();
      codec.close();
    }
  }

  it("when the synchronous path is gone", async () => {
    await expectWindowPath(
      await loadWith((stream) => {
        stream._processChunk = undefined;
      }),
    );
  });

  it("when the native handle is not there", async () => {
    await expectWindowPath(
      await loadWith((stream) => {
        stream._handle = null;
      }),
    );
  });

  it("when the synchronous path no longer keeps the context between calls", async () => {
    await expectWindowPath(
      await loadWith((stream) => {
        // Each call inflates on its own, as if the context were reset: the self-test's second
        // message refers back into the first and cannot inflate.
        stream._processChunk = (chunk: Buffer) => inflateSync(chunk, { finishFlush: constants.Z_SYNC_FLUSH });
      }),
    );
  });

  it("and keeps the native path when the internals are as expected (the alteration is the cause)", async () => {
    const loaded = await loadWith(() => undefined);
    expect(loaded.inflater.nativeInflaterWorks()).toBe(true);
    const chosen = loaded.inflater.createInflater(1024);
    expect(chosen).toBeInstanceOf(loaded.inflater.NativeInflater);
    chosen.close();
  });
});
