import { readFileSync, rmSync } from "node:fs";
import { inspect } from "node:util";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { FakeSampError, FakeSampServer } from "../src/index.js";
import { readClients, readDetailed, readInfo, readRconLine, readRules, Reader } from "./support/decode.js";
import { header, type RawClient, rconRequest } from "./support/RawClient.js";
import { tempLog, useServers } from "./support/useServers.js";

let client: RawClient;
let nonce = 0;
const serve = useServers((opened) => (client = opened));

const text = (bytes: Buffer): string => bytes.toString("latin1");

describe("info (i)", () => {
  it("answers passworded, players, max players, hostname, gamemode and language after the request's 11 bytes", async () => {
    const server = await serve({ hostname: "LVP", gamemode: "Freeroam", language: "English", maxPlayers: 200, passworded: true, players: [{ name: "Gunther" }, { name: "Luce" }] });
    const request = header("i", 41234);
    const reply = await client.ask(server.port, request);
    expect(reply.subarray(0, 11).equals(request)).toBe(true);
    const info = readInfo(reply);
    expect(info).toMatchObject({ passworded: 1, players: 2, maxPlayers: 200 });
    expect([text(info.hostname), text(info.gamemode), text(info.language)]).toEqual(["LVP", "Freeroam", "English"]);
  });

  it("SA-MP caps hostname/gamemode/language at 50/30/30 bytes and sends the map name when no language is set", async () => {
    const server = await serve({ hostname: "h".repeat(80), gamemode: "g".repeat(80), mapname: "Las Venturas" });
    const info = readInfo(await client.ask(server.port, header("i")));
    expect([info.hostname.length, info.gamemode.length]).toEqual([50, 30]);
    expect(text(info.language)).toBe("Las Venturas");
    server.language = "l".repeat(80);
    expect(readInfo(await client.ask(server.port, header("i"))).language.length).toBe(30);
  });

  it("open.mp caps at 63/39/39 bytes and sends EN when no language is set", async () => {
    const server = await serve({ flavour: "openmp", hostname: "h".repeat(80), gamemode: "g".repeat(80) });
    const info = readInfo(await client.ask(server.port, header("i")));
    expect([info.hostname.length, info.gamemode.length, text(info.language)]).toEqual([63, 39, "EN"]);
    server.language = "l".repeat(80);
    expect(readInfo(await client.ask(server.port, header("i"))).language.length).toBe(39);
  });

  it("SA-MP answers a request with trailing bytes; open.mp answers only exactly 11 bytes", async () => {
    const samp = await serve();
    const long = Buffer.concat([header("i"), Buffer.from([1, 2])]);
    expect(readInfo(await client.ask(samp.port, long)).players).toBe(0);
    const openmp = await serve({ flavour: "openmp" });
    await client.send(openmp.port, long);
    await client.expectNothingBefore(openmp.port, ++nonce);
    expect(openmp.received[0]).toMatchObject({ opcode: "i", length: 13, outcome: "ignored" });
  });
});

describe("rules (r)", () => {
  it("answers the flavour's rules with the given ones over them", async () => {
    const server = await serve({ rules: { weburl: "sa-mp.nl", lvp: "yes" }, mapname: "LV" });
    const rules = readRules(await client.ask(server.port, header("r")));
    expect(Object.fromEntries(rules)).toMatchObject({ version: "0.3.7-R2", weburl: "sa-mp.nl", lvp: "yes", mapname: "LV" });
  });

  it("open.mp sends the rules sorted by name", async () => {
    const server = await serve({ flavour: "openmp", rules: { zz: "1", aa: "2" } });
    const names = readRules(await client.ask(server.port, header("r"))).map(([name]) => name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain("allowed_clients");
  });
});

describe("player lists (c, d)", () => {
  const roster = [
    { name: "Gunther", score: -5, ping: 12 },
    { name: "Luce", score: 1_000_000, ping: 300, id: 7 },
  ];

  it("c lists name and i32 score", async () => {
    const server = await serve({ players: roster });
    const players = readClients(await client.ask(server.port, header("c")));
    expect(players.map((p) => [text(p.name), p.score])).toEqual([["Gunther", -5], ["Luce", 1_000_000]]);
  });

  it("d lists id, name, score and ping on SA-MP", async () => {
    const server = await serve({ players: roster });
    const players = readDetailed(await client.ask(server.port, header("d")));
    expect(players.map((p) => [p.id, text(p.name), p.score, p.ping])).toEqual([[0, "Gunther", -5, 12], [7, "Luce", 1_000_000, 300]]);
  });

  it("open.mp never answers d, but answers c", async () => {
    const server = await serve({ flavour: "openmp", players: roster });
    await client.send(server.port, header("d"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(readClients(await client.ask(server.port, header("c")))).toHaveLength(2);
  });

  it.each(["samp", "openmp"] as const)("%s lists 100 players but answers nothing for c or d above 100", async (flavour) => {
    const server = await serve({ flavour, maxPlayers: 500, players: Array.from({ length: 100 }, (_, i) => ({ name: `p${i}` })) });
    expect(readClients(await client.ask(server.port, header("c")))).toHaveLength(100);
    server.join("p100");
    await client.send(server.port, header("c"));
    await client.send(server.port, header("d"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(readInfo(await client.ask(server.port, header("i"))).players).toBe(101);
    expect(server.received.filter((r) => r.outcome === "ignored").map((r) => r.opcode)).toEqual(["c", "d"]);
  });
});

describe("ping (p)", () => {
  it("echoes exactly-15-byte requests and ignores others", async () => {
    const server = await serve();
    const ping = Buffer.concat([header("p"), Buffer.from([9, 8, 7, 6])]);
    expect((await client.ask(server.port, ping)).equals(ping)).toBe(true);
    await client.send(server.port, header("p"));
    await client.send(server.port, Buffer.concat([ping, Buffer.from([0])]));
    await client.expectNothingBefore(server.port, ++nonce);
  });

  it("ignores datagrams that are not SAMP queries and unknown opcodes", async () => {
    const server = await serve();
    await client.send(server.port, Buffer.from("hello world"));
    await client.send(server.port, header("z"));
    await client.send(server.port, Buffer.from("SAMP"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(server.received.slice(0, 3).map((r) => [r.opcode, r.outcome])).toEqual([["", "ignored"], ["z", "ignored"], ["", "ignored"]]);
  });
});

describe("open.mp extra info (o)", () => {
  it("open.mp answers four u32-length strings; SA-MP ignores o", async () => {
    const openmp = await serve({ flavour: "openmp", extraInfo: { discordLink: "discord.gg/lvp", logoUrl: "https://x/logo.png" } });
    const r = new Reader(await client.ask(openmp.port, header("o")));
    expect([r.take(r.u32()), r.take(r.u32()), r.take(r.u32()), r.take(r.u32())].map(text)).toEqual(["discord.gg/lvp", "", "", "https://x/logo.png"]);
    const samp = await serve();
    await client.send(samp.port, header("o"));
    await client.expectNothingBefore(samp.port, ++nonce);
  });
});

describe("RCON (x)", () => {
  it("echo replies with one datagram carrying the header, a u16 length and the text, and logs it", async () => {
    const path = tempLog();
    const server = await serve({ rconPassword: "secret", log: { path, timestamps: false } });
    const reply = await client.ask(server.port, rconRequest("secret", "echo hello there"));
    expect(reply.subarray(0, 11).equals(header("x"))).toBe(true);
    expect(text(readRconLine(reply))).toBe("hello there");
    expect(readFileSync(path, "latin1")).toBe("hello there\n");
    expect(server.rconCommands[0]).toMatchObject({ accepted: true, command: "echo hello there", name: "echo", args: "hello there", reply: ["hello there"] });
  });

  it("players answers a header line and one datagram per player, with no end marker", async () => {
    const server = await serve({ rconPassword: "secret", players: [{ name: "Gunther", ping: 20, ip: "1.2.3.4" }, { name: "Luce", ping: 30, ip: "5.6.7.8" }] });
    await client.send(server.port, rconRequest("secret", "players"));
    const lines = [await client.next(), await client.next(), await client.next()].map((reply) => text(readRconLine(reply)));
    expect(lines).toEqual(["ID\tName\tPing\tIP", "0\tGunther\t20\t1.2.3.4", "1\tLuce\t30\t5.6.7.8"]);
    await client.expectNothingBefore(server.port, ++nonce);
  });

  it("a wrong password gets one 'Invalid RCON password.' and SA-MP logs BAD RCON ATTEMPT BY", async () => {
    const path = tempLog();
    const server = await serve({ rconPassword: "secret", log: { path, timestamps: false } });
    expect(text(readRconLine(await client.ask(server.port, rconRequest("guess", "echo hi"))))).toBe("Invalid RCON password.");
    await client.expectNothingBefore(server.port, ++nonce);
    expect(readFileSync(path, "latin1")).toBe("BAD RCON ATTEMPT BY: 127.0.0.1\n");
    expect(server.rconCommands[0]).toMatchObject({ accepted: false, command: undefined, reply: ["Invalid RCON password."] });
  });

  it("open.mp answers a wrong password (also one of another length) without a log line", async () => {
    const path = tempLog();
    const server = await serve({ flavour: "openmp", rconPassword: "secret", log: { path, timestamps: false } });
    for (const guess of ["secreT", "secret2", "s"]) {
      expect(text(readRconLine(await client.ask(server.port, rconRequest(guess, "echo hi"))))).toBe("Invalid RCON password.");
    }
    expect(readFileSync(path, "latin1")).toBe("");
  });

  it("say answers nothing and writes no log line, but is recorded", async () => {
    const path = tempLog();
    const server = await serve({ rconPassword: "secret", log: { path } });
    await client.send(server.port, rconRequest("secret", "say hello from Discord"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(server.said.map((s) => s.text)).toEqual(["hello from Discord"]);
    expect(readFileSync(path, "latin1")).toBe("");
    await expect(server.waitFor("say")).resolves.toMatchObject({ text: "hello from Discord" });
  });

  it("SA-MP cuts say at 230 bytes; open.mp does not", async () => {
    const samp = await serve({ rconPassword: "pw" });
    await client.send(samp.port, rconRequest("pw", `say ${"a".repeat(300)}`));
    expect((await samp.waitFor("say")).text).toHaveLength(230);
    const openmp = await serve({ flavour: "openmp", rconPassword: "pw" });
    await client.send(openmp.port, rconRequest("pw", `say ${"a".repeat(300)}`));
    expect((await openmp.waitFor("say")).text).toHaveLength(300);
  });

  it("unknown commands: SA-MP lowercases the first word under a header line, open.mp repeats the command as sent", async () => {
    const samp = await serve({ rconPassword: "pw" });
    expect(text(readRconLine(await client.ask(samp.port, rconRequest("pw", "FooBar baz"))))).toBe("Unknown command or variable:\n  foobar");
    expect(text(readRconLine(await client.ask(samp.port, rconRequest("pw", "  FooBar"))))).toBe("Unknown command or variable:\n  foobar");
    const openmp = await serve({ flavour: "openmp", rconPassword: "pw" });
    expect(text(readRconLine(await client.ask(openmp.port, rconRequest("pw", "FooBar baz "))))).toBe("Unknown command or variable: FooBar baz ");
  });

  it("splits arguments as each server does: SA-MP keeps them as sent, open.mp trims; empty commands get no reply", async () => {
    const samp = await serve({ rconPassword: "pw" });
    await client.send(samp.port, rconRequest("pw", " say  two spaces "));
    expect((await samp.waitFor("say")).text).toBe(" two spaces ");
    expect(text(readRconLine(await client.ask(samp.port, rconRequest("pw", "echo"))))).toBe("");
    const openmp = await serve({ flavour: "openmp", rconPassword: "pw" });
    await client.send(openmp.port, rconRequest("pw", " say  two spaces "));
    expect((await openmp.waitFor("say")).text).toBe("two spaces");
    for (const server of [samp, openmp]) {
      await client.send(server.port, rconRequest("pw", ""));
      await client.send(server.port, rconRequest("pw", "   "));
      await client.expectNothingBefore(server.port, ++nonce);
    }
  });

  it("open.mp needs the exact command length; SA-MP ignores trailing bytes", async () => {
    const trailing = Buffer.concat([rconRequest("pw", "echo hi"), Buffer.from("junk")]);
    const samp = await serve({ rconPassword: "pw" });
    expect(text(readRconLine(await client.ask(samp.port, trailing)))).toBe("hi");
    const openmp = await serve({ flavour: "openmp", rconPassword: "pw" });
    await client.send(openmp.port, trailing);
    await client.expectNothingBefore(openmp.port, ++nonce);
    expect(text(readRconLine(await client.ask(openmp.port, rconRequest("pw", "echo hi"))))).toBe("hi");
  });

  it("ignores truncated RCON requests (declared lengths longer than the datagram)", async () => {
    const server = await serve({ rconPassword: "pw" });
    const full = rconRequest("pw", "echo hi");
    for (const length of [11, 12, 14, 16, full.length - 1]) await client.send(server.port, full.subarray(0, length));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(server.rconCommands).toHaveLength(0);
  });

  it("with no RCON password, RCON is off: nothing is answered", async () => {
    const server = await serve();
    await client.send(server.port, rconRequest("", "echo hi"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(server.received[0]).toMatchObject({ opcode: "x", outcome: "ignored" });
  });

  it("registered commands answer like a Pawn script and are recorded; they win over built-ins", async () => {
    const path = tempLog();
    const server = await serve({ rconPassword: "pw", log: { path, timestamps: false }, players: [{ name: "Gunther" }] });
    const delivered: string[] = [];
    server.registerRconCommand("nuwani_admin", (args) => {
      delivered.push(`admins: ${args}`);
    });
    server.registerRconCommand("NUWANI_PM", (args, { server: fake }) => {
      const [id, ...rest] = args.split(" ");
      return fake.player(Number(id)) === undefined ? "nuwani: no such player" : [`pm to ${id}: ${rest.join(" ")}`];
    });
    server.registerRconCommand("echo", () => "overridden");
    await client.send(server.port, rconRequest("pw", "nuwani_admin hello admins"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(text(readRconLine(await client.ask(server.port, rconRequest("pw", "nuwani_pm 0 hi there"))))).toBe("pm to 0: hi there");
    expect(text(readRconLine(await client.ask(server.port, rconRequest("pw", "nuwani_pm 5 hi"))))).toBe("nuwani: no such player");
    expect(text(readRconLine(await client.ask(server.port, rconRequest("pw", "echo x"))))).toBe("overridden");
    expect(delivered).toEqual(["admins: hello admins"]);
    expect(server.customCommands.map((c) => [c.name, c.args])).toEqual([
      ["nuwani_admin", "hello admins"],
      ["nuwani_pm", "0 hi there"],
      ["nuwani_pm", "5 hi"],
      ["echo", "x"],
    ]);
    server.unregisterRconCommand("echo");
    expect(text(readRconLine(await client.ask(server.port, rconRequest("pw", "echo y"))))).toBe("y");
  });

  it("a throwing custom command answers nothing and is recorded with its error, and the server keeps going", async () => {
    const server = await serve({ rconPassword: "pw" });
    server.registerRconCommand("boom", () => {
      throw new Error("script error");
    });
    await client.send(server.port, rconRequest("pw", "boom"));
    await client.expectNothingBefore(server.port, ++nonce);
    expect(server.rconCommands[0]).toMatchObject({ name: "boom", error: "script error", reply: [] });
  });

  it("regression: text filters hide chat like OnPlayerText returning 0, but the line is logged first (as open.mp does)", () => {
    // open.mp's PlayerTextRPCHandler logs `[chat]` before it dispatches onPlayerText; the fake
    // used to leave a blocked line out of the log, so a log reader never met a muted player's chat.
    const path = tempLog();
    const server = new FakeSampServer({ log: { path, timestamps: false }, players: [{ name: "A" }, { name: "B" }] });
    const shown: [string, boolean][] = [];
    server.on("chat", (player, _text, seen) => shown.push([player.name, seen]));
    const remove = server.addTextFilter((player, said) => player.name !== "A" && !said.includes("spam"));
    expect([server.chat(0, "hi"), server.chat(1, "spam"), server.chat(1, "ok")]).toEqual(["[chat] [A]: hi", "[chat] [B]: spam", "[chat] [B]: ok"]);
    remove();
    server.chat(0, "hi");
    expect(shown).toEqual([["A", false], ["B", false], ["B", true], ["A", true]]);
    expect(readFileSync(path, "latin1")).toBe("[chat] [A]: hi\n[chat] [B]: spam\n[chat] [B]: ok\n[chat] [A]: hi\n");
  });

  it("kick parts the player with reason 2", async () => {
    const path = tempLog();
    const server = await serve({ rconPassword: "pw", log: { path, timestamps: false }, players: [{ name: "Gunther" }] });
    await client.send(server.port, rconRequest("pw", "kick 0"));
    await server.waitFor("rcon");
    expect(server.players).toHaveLength(0);
    expect(readFileSync(path, "latin1")).toBe("[part] Gunther has left the server (0:2)\n");
  });

  it("never records the RCON password, right or wrong", async () => {
    const server = await serve({ rconPassword: "hunter2-secret" });
    await client.ask(server.port, rconRequest("hunter2-secret", "echo ok"));
    await client.ask(server.port, rconRequest("hunter3-secret", "echo ok"));
    const records = JSON.stringify({ received: server.received.map((r) => ({ ...r, bytes: r.bytes.toString("latin1") })), rcon: server.rconCommands });
    expect(records).not.toContain("hunter");
    expect(inspect(server, { depth: 6 })).not.toContain("hunter");
    expect(server.received.every((r) => r.bytes.length === 11)).toBe(true);
  });
});

describe("lifecycle and records", () => {
  it("restarts on the same port and rejects a second start", async () => {
    const server = await serve();
    await expect(server.start()).rejects.toMatchObject({ code: "FAKE_SAMP_ALREADY_STARTED" });
    const port = server.port;
    await server.stop();
    await server.stop();
    expect(server.started).toBe(false);
    await server.start(port);
    expect(readInfo(await client.ask(port, header("i"))).players).toBe(0);
  });

  it("stop() while start() is binding leaves the server stopped", async () => {
    const server = new FakeSampServer();
    const starting = server.start();
    await server.stop();
    await starting;
    expect(server.started).toBe(false);
  });

  it("a log that can no longer be written does not crash the datagram handler: the query is recorded as failed", async () => {
    const path = tempLog();
    const server = await serve({ rconPassword: "pw", log: { path } });
    rmSync(join(path, ".."), { recursive: true, force: true });
    await client.send(server.port, rconRequest("wrong", "echo hi"));
    const failed = await server.waitFor("query", (r) => r.opcode === "x");
    expect(failed).toMatchObject({ outcome: "failed", error: expect.stringContaining("could not write the log") });
    await client.expectNothingBefore(server.port, ++nonce);
  });

  it("reports a port in use as FAKE_SAMP_LISTEN_FAILED", async () => {
    const first = await serve();
    const second = new FakeSampServer();
    await expect(second.start(first.port)).rejects.toMatchObject({ code: "FAKE_SAMP_LISTEN_FAILED" });
    expect(second.started).toBe(false);
  });

  it("rejects bad options with typed errors", () => {
    expect(() => new FakeSampServer({ maxPlayers: 0 })).toThrow(FakeSampError);
    expect(() => new FakeSampServer({ encoding: "klingon" })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_UNKNOWN_ENCODING" }));
    expect(() => new FakeSampServer({ flavour: "mta" as never })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
    for (const queriesPerSecond of [0, 1.5, 1_000_001]) {
      expect(() => new FakeSampServer({ queriesPerSecond })).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
    }
    const server = new FakeSampServer({ maxPlayers: 1 });
    server.join("Gunther");
    expect(() => server.join("Luce")).toThrow(expect.objectContaining({ code: "FAKE_SAMP_SERVER_FULL" }));
    expect(() => server.part(5)).toThrow(expect.objectContaining({ code: "FAKE_SAMP_PLAYER_NOT_FOUND" }));
    const roomy = new FakeSampServer();
    expect(() => roomy.join("")).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
    expect(() => roomy.join("x".repeat(25))).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
    roomy.join("Gunther");
    expect(() => roomy.join("gunther")).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });

  it("anti-flood: answers at most queriesPerSecond queries per second of the clock, pings exempt", async () => {
    let now = 1_000;
    const clock = { now: () => now, setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
    const server = await serve({ queriesPerSecond: 2, clock });
    await client.ask(server.port, header("i"));
    await client.ask(server.port, header("i"));
    await client.send(server.port, header("i"));
    await client.expectNothingBefore(server.port, ++nonce);
    now += 1_000;
    expect(readInfo(await client.ask(server.port, header("i"))).players).toBe(0);
    expect(server.received.map((r) => r.outcome)).toEqual(["answered", "answered", "flood", "answered", "answered"]);
  });

  it("waitFor rejects with FAKE_SAMP_TIMEOUT on the clock", async () => {
    vi.useFakeTimers();
    try {
      const server = new FakeSampServer();
      const waiting = server.waitFor("rcon", () => true, 1000);
      vi.advanceTimersByTime(1000);
      await expect(waiting).rejects.toMatchObject({ code: "FAKE_SAMP_TIMEOUT" });
      await expect(server.waitFor("say", () => true, 2 ** 31)).rejects.toMatchObject({ code: "FAKE_SAMP_INVALID_ARGUMENT" });
    } finally {
      vi.useRealTimers();
    }
  });
});
