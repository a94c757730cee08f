import { readFileSync } from "node:fs";
import { ManualClock } from "@nuwani/util";
import { describe, expect, it } from "vitest";
import { FakeSampServer } from "../src/index.js";
import { readClients, readInfo, readRconLine } from "./support/decode.js";
import { header, type RawClient, rconRequest } from "./support/RawClient.js";
import { tempLog, useServers } from "./support/useServers.js";

let client: RawClient;
let nonce = 100;
const serve = useServers((opened) => (client = opened));

const ping = (n: number): Buffer => Buffer.concat([header("p"), Buffer.from([n & 0xff, 0, 0, 0])]);

describe("packet loss", () => {
  it("dropNext(n) loses exactly the next n replies", async () => {
    const server = await serve();
    server.faults.dropNext(2);
    await client.send(server.port, header("i"));
    await client.send(server.port, header("r"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(server.faults.dropped).toBe(2);
    expect(server.received.slice(0, 2).map((r) => r.outcome)).toEqual(["answered", "answered"]);
  });

  it("lossPercent drops a seeded share of replies, the same share for the same seed", async () => {
    const run = async (seed: number): Promise<boolean[]> => {
      const server = await serve({ seed });
      server.faults.lossPercent = 30;
      const delivered: boolean[] = [];
      for (let i = 0; i < 40; i++) {
        const before = server.faults.dropped;
        await client.send(server.port, ping(i));
        await server.waitFor("query");
        const lost = server.faults.dropped > before;
        if (!lost) expect((await client.next()).equals(ping(i))).toBe(true);
        delivered.push(!lost);
      }
      return delivered;
    };
    const first = await run(7);
    const lost = first.filter((ok) => !ok).length;
    expect(lost).toBeGreaterThan(4);
    expect(lost).toBeLessThan(24);
    expect(await run(7)).toEqual(first);
    const server = await serve();
    expect(() => {
      server.faults.lossPercent = 101;
    }).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });

  it("loses single lines of a multi-line RCON reply", async () => {
    const server = await serve({ rconPassword: "pw", players: [{ name: "A" }, { name: "B" }] });
    server.faults.dropNext(1);
    await client.send(server.port, rconRequest("pw", "players"));
    const lines = [await client.next(), await client.next()].map((reply) => readRconLine(reply).toString("latin1"));
    expect(lines).toEqual(["0\tA\t50\t10.0.0.0", "1\tB\t50\t10.0.0.1"]);
    await client.expectNothingBefore(server.port, ++nonce);
    expect(server.rconCommands[0]!.reply).toHaveLength(3);
  });
});

describe("broken replies", () => {
  it("truncateNext cuts the next reply to half, or to the given length", async () => {
    const server = await serve({ hostname: "A long enough hostname" });
    const whole = await client.ask(server.port, header("i"));
    server.faults.truncateNext(1);
    const half = await client.ask(server.port, header("i"));
    expect(half.equals(whole.subarray(0, Math.floor(whole.length / 2)))).toBe(true);
    expect(() => readInfo(half)).toThrow();
    server.faults.truncateNext(1, 5);
    expect(await client.ask(server.port, header("i"))).toHaveLength(5);
    expect((await client.ask(server.port, header("i"))).equals(whole)).toBe(true);
  });

  it("malformNext breaks the magic, the opcode or a length field", async () => {
    const server = await serve({ rconPassword: "pw", players: [{ name: "A" }] });
    server.faults.malformNext(1, "magic");
    expect((await client.ask(server.port, header("i"))).subarray(0, 4).toString("latin1")).not.toBe("SAMP");
    server.faults.malformNext(1, "opcode");
    expect(String.fromCharCode((await client.ask(server.port, header("i")))[10]!)).not.toBe("i");
    server.faults.malformNext(1, "length");
    const info = await client.ask(server.port, header("i"));
    expect(info.readUInt32LE(16)).toBeGreaterThan(info.length);
    expect(() => readInfo(info)).toThrow();
    server.faults.malformNext(1, "length");
    const clients = await client.ask(server.port, header("c"));
    expect(clients.readUInt16LE(11)).toBe(51);
    expect(() => readClients(clients)).toThrow();
    server.faults.malformNext(1, "length");
    const line = await client.ask(server.port, rconRequest("pw", "echo hi"));
    expect(line.readUInt16LE(11)).toBe(0xffff);
    server.faults.malformNext(1, "length");
    expect((await client.ask(server.port, ping(1))).subarray(0, 4).toString("latin1")).not.toBe("SAMP");
    expect(readInfo(await client.ask(server.port, header("i"))).players).toBe(1);
  });
});

describe("wrong password and silence", () => {
  it("wrongPassword() rejects the right password until turned off", async () => {
    const path = tempLog();
    const server = await serve({ rconPassword: "pw", log: { path, timestamps: false } });
    server.faults.wrongPassword();
    expect(readRconLine(await client.ask(server.port, rconRequest("pw", "echo hi"))).toString("latin1")).toBe("Invalid RCON password.");
    expect(readFileSync(path, "latin1")).toBe("BAD RCON ATTEMPT BY: 127.0.0.1\n");
    server.faults.wrongPassword(false);
    expect(readRconLine(await client.ask(server.port, rconRequest("pw", "echo hi"))).toString("latin1")).toBe("hi");
  });

  it("silence() receives and records but answers nothing, until lifted", async () => {
    const server = await serve({ rconPassword: "pw" });
    server.faults.silence();
    await client.send(server.port, header("i"));
    await client.send(server.port, rconRequest("pw", "say hi"));
    await client.send(server.port, ping(1));
    await server.waitFor("query", (r) => r.opcode === "p");
    expect(server.received.map((r) => r.outcome)).toEqual(["silenced", "silenced", "silenced"]);
    expect(server.said).toHaveLength(0);
    server.faults.silence(false);
    await client.expectNothingBefore(server.port, ++nonce);
  });

  it("delay(ms) holds every reply on the server's clock; stop() cancels held replies", async () => {
    const clock = new ManualClock();
    const server = await serve({ clock });
    server.faults.delay(500);
    await client.send(server.port, header("i"));
    await server.waitFor("query");
    expect(clock.pending).toBe(1);
    clock.advance(499);
    expect(clock.pending).toBe(1);
    clock.advance(1);
    expect(readInfo(await client.next()).players).toBe(0);
    await client.send(server.port, header("i"));
    await server.waitFor("query");
    expect(clock.pending).toBe(1);
    await server.stop();
    expect(clock.pending).toBe(0);
    server.faults.reset();
    expect(server.faults.delayMs).toBe(0);
    expect(() => server.faults.delay(2 ** 31)).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });
});

describe("log faults", () => {
  it("burst(k) writes k lines in one write, numbered in order", () => {
    const path = tempLog();
    const server = new FakeSampServer({ log: { path, timestamps: false } });
    const written = server.faults.burst(1000);
    const lines = readFileSync(path, "latin1").split("\n").slice(0, -1);
    expect(lines).toEqual(written);
    expect(lines[0]).toBe("[nuwani] burst\t1\t1000");
    expect(lines[999]).toBe("[nuwani] burst\t1000\t1000");
  });

  it("burst of chat lines uses the players online", () => {
    const path = tempLog();
    const server = new FakeSampServer({ log: { path, timestamps: false }, players: [{ name: "A" }, { name: "B" }] });
    expect(server.faults.burst(3, { kind: "chat" })).toEqual(["[chat] [A]: burst line 1", "[chat] [B]: burst line 2", "[chat] [A]: burst line 3"]);
  });

  it("burst with rotateAt leaves the first part in the archive and the rest in a new file", () => {
    const path = tempLog();
    const server = new FakeSampServer({ log: { path, timestamps: false } });
    const written = server.faults.burst(10, { rotateAt: 4 });
    expect(readFileSync(`${path}.1`, "latin1")).toBe(written.slice(0, 4).map((l) => `${l}\n`).join(""));
    expect(readFileSync(path, "latin1")).toBe(written.slice(4).map((l) => `${l}\n`).join(""));
  });

  it("burst with truncateAt leaves only the lines after the truncation", () => {
    const path = tempLog();
    const server = new FakeSampServer({ log: { path, timestamps: false } });
    const written = server.faults.burst(10, { truncateAt: 7 });
    expect(readFileSync(path, "latin1")).toBe(written.slice(7).map((l) => `${l}\n`).join(""));
  });

  it("rotateLog and truncateLog act on the server's log; without a log they are typed errors", () => {
    const path = tempLog();
    const server = new FakeSampServer({ log: { path, timestamps: false }, players: [{ name: "A" }] });
    server.chat(0, "before");
    expect(server.faults.rotateLog()).toBe(`${path}.1`);
    server.chat(0, "after");
    expect(readFileSync(`${path}.1`, "latin1")).toBe("[chat] [A]: before\n");
    expect(readFileSync(path, "latin1")).toBe("[chat] [A]: after\n");
    server.faults.truncateLog();
    expect(readFileSync(path, "latin1")).toBe("");
    const bare = new FakeSampServer();
    expect(() => bare.faults.burst(5)).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
    expect(() => server.faults.burst(5, { rotateAt: 5 })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });
});
