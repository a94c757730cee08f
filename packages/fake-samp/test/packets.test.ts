import { describe, expect, it } from "vitest";
import { encodeHeader, encodeRconRequest, HEADER_LENGTH } from "../src/packets.js";
import { encodeInfo, readRcon } from "../src/packets.js";
import { header, rconRequest } from "./support/RawClient.js";

const pw = Buffer.from("pw");

describe("encodeHeader", () => {
  it("writes SAMP, the address octets, the little-endian port and the opcode", () => {
    expect(encodeHeader("i", "127.0.0.1", 7777).equals(header("i", 7777))).toBe(true);
    expect([...encodeHeader("x", "10.20.30.40", 0x1234)]).toEqual([0x53, 0x41, 0x4d, 0x50, 10, 20, 30, 40, 0x34, 0x12, 0x78]);
    expect(encodeHeader("p")).toHaveLength(HEADER_LENGTH);
  });
});

describe("encodeInfo", () => {
  it("writes u8 passworded, u16 players, u16 max players and u32-length strings", () => {
    const reply = encodeInfo(header("i"), { passworded: true, players: 3, maxPlayers: 500, hostname: Buffer.from("ab"), gamemode: Buffer.alloc(0), language: Buffer.from("c") });
    expect([...reply.subarray(11)]).toEqual([1, 3, 0, 0xf4, 1, 2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0, 1, 0, 0, 0, 0x63]);
  });
});

describe("readRcon", () => {
  it("reads the command after a matching password (both flavours)", () => {
    for (const flavour of ["samp", "openmp"] as const) {
      const request = readRcon(encodeRconRequest(header("x"), pw, Buffer.from("echo hi")), flavour, pw);
      expect(request.kind === "command" && request.command.toString()).toBe("echo hi");
    }
  });

  it("SA-MP compares the password as a C string and stops the command at a NUL", () => {
    const request = readRcon(rconRequest(Buffer.from("pw\0junk"), Buffer.from("echo a\0b")), "samp", pw);
    expect(request.kind === "command" && request.command.toString()).toBe("echo a");
    expect(readRcon(rconRequest(Buffer.from("pw\0junk"), "echo"), "openmp", pw).kind).toBe("bad-password");
  });

  it("a datagram shorter than its declared lengths is malformed; a wrong password is bad-password", () => {
    const full = rconRequest("pw", "echo hi");
    for (const flavour of ["samp", "openmp"] as const) {
      expect(readRcon(full.subarray(0, 12), flavour, pw).kind).toBe("malformed");
      expect(readRcon(full.subarray(0, full.length - 1), flavour, pw).kind).toBe("malformed");
      expect(readRcon(full.subarray(0, 15), flavour, pw).kind).toBe("malformed");
      expect(readRcon(rconRequest("xx", "echo"), flavour, pw).kind).toBe("bad-password");
    }
    // SA-MP cannot compare a password it has not fully received.
    expect(readRcon(full.subarray(0, 14), "samp", pw).kind).toBe("malformed");
    // open.mp answers a password it has not fully received as a wrong one.
    expect(readRcon(full.subarray(0, 14), "openmp", pw).kind).toBe("bad-password");
  });
});
