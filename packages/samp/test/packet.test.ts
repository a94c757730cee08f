import { describe, expect, it } from "vitest";
import { CodePage } from "../src/CodePage.js";
import { SampError } from "../src/SampError.js";
import { buildRconRequest, buildRequest, parseClientList, parseDetailedList, parseInfo, parseRconLine, parseRules } from "../src/packet.js";
import { ascii, reply } from "./support/udpServer.js";

const cp = new CodePage();
const request = (opcode: "i" | "r" | "c" | "d" | "x") => buildRequest("127.0.0.1", 7777, opcode);

function malformed(run: () => unknown): SampError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SampError);
    expect((error as SampError).code).toBe("SAMP_MALFORMED_PACKET");
    return error as SampError;
  }
  throw new Error("expected SAMP_MALFORMED_PACKET");
}

describe("buildRequest", () => {
  it("writes SAMP, the address octets, the port little-endian and the opcode: 11 bytes", () => {
    const packet = buildRequest("192.168.1.20", 7777, "i");
    expect([...packet]).toEqual([0x53, 0x41, 0x4d, 0x50, 192, 168, 1, 20, 0x61, 0x1e, 0x69]);
  });

  it("refuses a host name or a bad port with SAMP_INVALID_ARGUMENT", () => {
    expect(() => buildRequest("example.org", 7777, "i")).toThrow(expect.objectContaining({ code: "SAMP_INVALID_ARGUMENT" }));
    expect(() => buildRequest("1.2.3.256", 7777, "i")).toThrow(expect.objectContaining({ code: "SAMP_INVALID_ARGUMENT" }));
    expect(() => buildRequest("1.2.3.4", 0, "i")).toThrow(expect.objectContaining({ code: "SAMP_INVALID_ARGUMENT" }));
  });

  it("builds RCON with exact u16 lengths of password and command", () => {
    const packet = buildRconRequest("127.0.0.1", 7777, ascii("pw"), ascii("say hi"));
    expect(packet.length).toBe(11 + 2 + 2 + 2 + 6);
    expect(packet.readUInt16LE(11)).toBe(2);
    expect(packet.subarray(13, 15).toString("latin1")).toBe("pw");
    expect(packet.readUInt16LE(15)).toBe(6);
    expect(packet.subarray(17).toString("latin1")).toBe("say hi");
    expect(() => buildRconRequest("127.0.0.1", 7777, ascii("pw"), ascii(""))).toThrow(expect.objectContaining({ code: "SAMP_INVALID_ARGUMENT" }));
  });
});

describe("parsers", () => {
  it("parses i, r, c, d and an RCON line", () => {
    const info = reply.info(request("i"), { players: 3, maxPlayers: 50, hostname: ascii("LVP"), gamemode: ascii("lvp"), language: ascii("English") });
    expect(parseInfo(info, cp)).toEqual({ passworded: false, players: 3, maxPlayers: 50, hostname: "LVP", gamemode: "lvp", language: "English" });
    const rules = reply.rules(request("r"), [[ascii("version"), ascii("0.3.7-R2")], [ascii("weburl"), ascii("sa-mp.com")]]);
    expect([...parseRules(rules, cp)]).toEqual([["version", "0.3.7-R2"], ["weburl", "sa-mp.com"]]);
    const clients = reply.clients(request("c"), [{ name: ascii("Gunther"), score: -5 }]);
    expect(parseClientList(clients, cp)).toEqual([{ name: "Gunther", score: -5 }]);
    const detailed = reply.detailed(request("d"), [{ id: 7, name: ascii("Russell"), score: 2_000_000, ping: 42 }]);
    expect(parseDetailedList(detailed, cp)).toEqual([{ id: 7, name: "Russell", score: 2_000_000, ping: 42 }]);
    expect(parseRconLine(reply.rconLine(request("x"), ascii("hostname = \"LVP\"")), cp)).toBe('hostname = "LVP"');
  });

  it("reports every truncation of a valid answer as SAMP_MALFORMED_PACKET, never a crash", () => {
    const answers = [
      [reply.info(request("i"), { players: 1, maxPlayers: 2, hostname: ascii("host"), gamemode: ascii("gm"), language: ascii("en") }), parseInfo],
      [reply.rules(request("r"), [[ascii("a"), ascii("b")]]), parseRules],
      [reply.clients(request("c"), [{ name: ascii("A"), score: 1 }]), parseClientList],
      [reply.detailed(request("d"), [{ id: 1, name: ascii("A"), score: 1, ping: 1 }]), parseDetailedList],
      [reply.rconLine(request("x"), ascii("line")), parseRconLine],
    ] as const;
    for (const [answer, parse] of answers) {
      for (let length = 11; length < answer.length; length++) {
        const error = malformed(() => parse(answer.subarray(0, length), cp));
        expect(error.opcode).toBe(String.fromCharCode(answer[10]!));
      }
      malformed(() => parse(Buffer.concat([answer, Buffer.from([0])]), cp));
    }
  });

  it("refuses an implausible string length in i instead of allocating it", () => {
    const answer = Buffer.concat([request("i"), Buffer.from([0, 1, 0, 2, 0]), Buffer.from([0xff, 0xff, 0xff, 0x7f])]);
    expect(malformed(() => parseInfo(answer, cp)).message).toMatch(/implausible/);
  });

  it("survives random bytes after the header (property: only SampError is thrown)", () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 2000; run++) {
      const body = Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
      for (const [opcode, parse] of [["i", parseInfo], ["r", parseRules], ["c", parseClientList], ["d", parseDetailedList], ["x", parseRconLine]] as const) {
        try {
          parse(Buffer.concat([request(opcode), body]), cp);
        } catch (error) {
          expect(error).toBeInstanceOf(SampError);
        }
      }
    }
  });
});
