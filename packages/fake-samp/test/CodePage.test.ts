import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CodePage, FakeSampServer } from "../src/index.js";
import { readClients, readDetailed, readInfo, readRconLine } from "./support/decode.js";
import { header, RawClient, rconRequest } from "./support/RawClient.js";

let client: RawClient;
let server: FakeSampServer | undefined;

beforeEach(async () => {
  client = await RawClient.open();
});

afterEach(async () => {
  client.close();
  await server?.stop();
  server = undefined;
});

describe("CodePage", () => {
  it("round-trips every defined windows-1252 byte of 0x80–0x9F", () => {
    const page = new CodePage("windows-1252");
    const defined = [0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8e, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9e, 0x9f];
    const text = page.decode(Buffer.from(defined));
    expect(text.startsWith("€‚ƒ„…")).toBe(true);
    expect([...page.encode(text)]).toEqual(defined);
  });

  it("encodes what the code page lacks as ?", () => {
    expect(new CodePage("windows-1251").encode("é€").toString("latin1")).toBe("?\x88");
  });
});

describe("code pages on the wire", () => {
  it("windows-1252 hostnames and player names go out as single bytes", async () => {
    server = new FakeSampServer({ hostname: "Café €uro", players: [{ name: "Jürgen" }, { name: "Zoë" }] });
    await server.start();
    const info = readInfo(await client.ask(server.port, header("i")));
    expect([...info.hostname]).toEqual([...iconv.encode("Café €uro", "windows-1252")]);
    expect(info.hostname).toHaveLength(9);
    const names = readClients(await client.ask(server.port, header("c"))).map((p) => iconv.decode(p.name, "windows-1252"));
    expect(names).toEqual(["Jürgen", "Zoë"]);
  });

  it("windows-1251 names round-trip through c, d and RCON players", async () => {
    server = new FakeSampServer({ encoding: "windows-1251", rconPassword: "пароль", players: [{ name: "Вася" }, { name: "Пётр_Иванов" }] });
    await server.start();
    const detailed = readDetailed(await client.ask(server.port, header("d")));
    expect(detailed.map((p) => iconv.decode(p.name, "windows-1251"))).toEqual(["Вася", "Пётр_Иванов"]);
    expect(detailed[0]!.name).toHaveLength(4);
    const password = iconv.encode("пароль", "windows-1251");
    await client.send(server.port, rconRequest(password, "players"));
    const lines = [await client.next(), await client.next(), await client.next()].map((reply) => iconv.decode(readRconLine(reply), "windows-1251"));
    expect(lines[2]).toBe("1\tПётр_Иванов\t50\t10.0.0.1");
  });

  it("RCON commands are decoded from the code page: say in windows-1251 and windows-1252", async () => {
    server = new FakeSampServer({ encoding: "windows-1251", rconPassword: "pw" });
    await server.start();
    await client.send(server.port, rconRequest("pw", iconv.encode("say Привет всем", "windows-1251")));
    expect((await server.waitFor("say")).text).toBe("Привет всем");
    await server.stop();
    server = new FakeSampServer({ rconPassword: "pw" });
    await server.start();
    await client.send(server.port, rconRequest("pw", iconv.encode("say “quoted” — €5", "windows-1252")));
    expect((await server.waitFor("say")).text).toBe("say “quoted” — €5".slice(4));
  });

  it("names are limited to 24 bytes of the code page, not 24 UTF-16 units", () => {
    const page = new FakeSampServer();
    expect(page.join("Ü".repeat(24)).name).toHaveLength(24);
    expect(() => page.join("É".repeat(25))).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });
});
