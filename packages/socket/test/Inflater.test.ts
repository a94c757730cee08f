import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { createInflater, NativeInflater, nativeInflaterWorks, WindowInflater } from "../src/Inflater.js";
import { ZlibStreamWriter } from "./support/zlibStream.js";

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
