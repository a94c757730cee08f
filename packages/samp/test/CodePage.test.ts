import { describe, expect, it } from "vitest";
import { CodePage } from "../src/CodePage.js";

describe("CodePage", () => {
  it("decodes windows-1252's 0x80–0x9F as the characters players typed (€, curly quotes, dashes)", () => {
    const cp = new CodePage();
    expect(cp.encoding).toBe("windows-1252");
    expect(cp.decode(Buffer.from([0x80, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x85]))).toBe("€‘’“”–—…");
    // Node's own TextDecoder gets this range wrong (C1 controls); ours does not.
    expect(cp.decode(Buffer.from([0x80]))).not.toBe("\u0080");
  });

  it("round-trips every windows-1252 character of 0x80–0xFF", () => {
    const cp = new CodePage("windows-1252");
    const bytes = Buffer.from(Array.from({ length: 128 }, (_, index) => 0x80 + index).filter((b) => ![0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b)));
    const text = cp.decode(bytes);
    expect(cp.encode(text).equals(bytes)).toBe(true);
    expect(cp.encode("Café “quoted” €5 — Jörg")).toEqual(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x71, 0x75, 0x6f, 0x74, 0x65, 0x64, 0x94, 0x20, 0x80, 0x35, 0x20, 0x97, 0x20, 0x4a, 0xf6, 0x72, 0x67]));
  });

  it("round-trips Cyrillic names in windows-1251", () => {
    const cp = new CodePage("windows-1251");
    const name = "Дмитрий_Ёжиков";
    const bytes = cp.encode(name);
    expect(bytes.length).toBe(name.length);
    expect(bytes[0]).toBe(0xc4);
    expect(cp.decode(bytes)).toBe(name);
    expect(cp.canEncode(name)).toBe(true);
  });

  it("replaces characters the code page lacks with ? and says so", () => {
    const cp = new CodePage("windows-1252");
    expect(cp.encode("Привет 😀").toString("latin1")).toMatch(/^\?{6} \?+$/);
    expect(cp.canEncode("Привет")).toBe(false);
  });

  it("refuses an unknown encoding with SAMP_INVALID_ARGUMENT", () => {
    expect(() => new CodePage("klingon-42")).toThrow(expect.objectContaining({ code: "SAMP_INVALID_ARGUMENT" }));
  });
});
