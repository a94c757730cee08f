import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Clock, FakeNuwaniInclude, FakeSampServer } from "../src/index.js";
import { RawClient, rconRequest } from "./support/RawClient.js";

let client: RawClient;
let server: FakeSampServer;
let include: FakeNuwaniInclude;
let path: string;
let nonce = 200;

beforeEach(async () => {
  client = await RawClient.open();
  path = join(mkdtempSync(join(tmpdir(), "fake-samp-inc-")), "server_log.txt");
  server = new FakeSampServer({
    rconPassword: "pw",
    log: { path, timestamps: false },
    players: [{ name: "Gunther" }, { name: "Vip" }, { name: "Admin" }, { name: "Boss" }],
  });
  await server.start();
  include = new FakeNuwaniInclude(server, { heartbeatMs: 0 });
});

afterEach(async () => {
  include.destroy();
  client.close();
  await server.stop();
});

const rcon = async (command: string): Promise<void> => {
  await client.send(server.port, rconRequest("pw", iconv.encode(command, "windows-1252")));
  await client.expectNothingBefore(server.port, ++nonce);
};

const log = (): string[] => iconv.decode(readFileSync(path), "windows-1252").split("\n").slice(0, -1);

describe("FakeNuwaniInclude", () => {
  it("delivers nuwani_msg to a level and up, nuwani_pm to one player, nuwani_announce to all, without replying", async () => {
    include.setLevel(1, "vip");
    include.setLevel(2, "administrator");
    include.setLevel(3, "management");
    await rcon("nuwani_msg administrators admins only €");
    await rcon("nuwani_msg vips vips and up");
    await rcon("nuwani_msg management ");
    await rcon("nuwani_msg nobody hi");
    await rcon("nuwani_pm 0 just you");
    await rcon("nuwani_pm 9 nobody there");
    await rcon("nuwani_announce Server restart in 5 minutes");
    expect(include.delivered.map(({ to, recipients, text }) => ({ to, recipients, text }))).toEqual([
      { to: "administrator", recipients: [2, 3], text: "admins only €" },
      { to: "vip", recipients: [1, 2, 3], text: "vips and up" },
      { to: { playerId: 0 }, recipients: [0], text: "just you" },
      { to: "all", recipients: [0, 1, 2, 3], text: "Server restart in 5 minutes" },
    ]);
    expect(server.customCommands.map((c) => c.name)).toEqual(["nuwani_msg", "nuwani_msg", "nuwani_msg", "nuwani_msg", "nuwani_pm", "nuwani_pm", "nuwani_announce"]);
    expect(log()).toEqual(["[nuwani] nuwani-level\t1\tvip", "[nuwani] nuwani-level\t2\tadministrator", "[nuwani] nuwani-level\t3\tmanagement"]);
  });

  it("mutes and unmutes with echo lines; a mute ends on the clock; leaving forgets level and mute", async () => {
    await rcon("nuwani_mute 1 60");
    await rcon("nuwani_mute 0 0");
    await rcon("nuwani_mute 42 10");
    expect(include.isMuted(1)).toBe(true);
    const shown: boolean[] = [];
    server.on("chat", (_player, _text, seen) => shown.push(seen));
    // Logged (the server logs before OnPlayerText), but nobody sees it.
    expect(server.chat(1, "can anyone hear me?")).toBe("[chat] [Vip]: can anyone hear me?");
    expect(server.chat(2, "I can talk")).toBe("[chat] [Admin]: I can talk");
    expect(shown).toEqual([false, true]);
    await rcon("nuwani_unmute 0");
    expect(include.isMuted(0)).toBe(false);
    expect(log()).toEqual([
      "[nuwani] nuwani-mute\t1\tVip\t60",
      "[nuwani] nuwani-mute\t0\tGunther\t0",
      "[chat] [Vip]: can anyone hear me?",
      "[chat] [Admin]: I can talk",
      "[nuwani] nuwani-unmute\t0",
    ]);
    include.setLevel(1, "vip");
    server.part(1);
    expect([include.isMuted(1), include.levelOf(1)]).toEqual([false, "player"]);
  });

  it("mutes expire on the server's clock", () => {
    let now = 0;
    const clock: Clock = { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined };
    const fake = new FakeSampServer({ clock, players: [{ name: "A" }] });
    const inc = new FakeNuwaniInclude(fake, { heartbeatMs: 0 });
    inc.mute(0, 60);
    now += 59_999;
    expect(inc.isMuted(0)).toBe(true);
    now += 1;
    expect(inc.isMuted(0)).toBe(false);
    expect(() => inc.setLevel(0, "god" as never)).toThrow(expect.objectContaining({ code: "FAKE_SAMP_INVALID_ARGUMENT" }));
  });

  it("prints the heartbeat while the server listens, and stops with the server", async () => {
    vi.useFakeTimers();
    try {
      const heartbeatPath = join(mkdtempSync(join(tmpdir(), "fake-samp-hb-")), "log.txt");
      const fake = new FakeSampServer({ log: { path: heartbeatPath, timestamps: false } });
      const inc = new FakeNuwaniInclude(fake, { heartbeatMs: 1000 });
      vi.advanceTimersByTime(5000);
      expect(fake.log!.linesWritten).toBe(0);
      await fake.start();
      vi.advanceTimersByTime(3000);
      expect(fake.log!.lines).toEqual(["[nuwani] nuwani-heartbeat", "[nuwani] nuwani-heartbeat", "[nuwani] nuwani-heartbeat"]);
      await fake.stop();
      vi.advanceTimersByTime(5000);
      expect(fake.log!.linesWritten).toBe(3);
      inc.stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("destroy() unregisters the commands (they become unknown) and lifts the chat filter", async () => {
    include.mute(1, 0);
    include.destroy();
    expect(server.chat(1, "free again")).toBe("[chat] [Vip]: free again");
    await client.send(server.port, rconRequest("pw", "nuwani_announce hi"));
    expect((await server.waitFor("rcon")).reply).toEqual(["Unknown command or variable:\n  nuwani_announce"]);
  });

  it("is unusable after destroy(): setLevel, mute and unmute throw FAKE_SAMP_DESTROYED; destroy() twice is harmless", () => {
    include.destroy();
    include.destroy();
    for (const call of [() => include.setLevel(1, "vip"), () => include.mute(1, 0), () => include.unmute(1)]) {
      expect(call).toThrow(expect.objectContaining({ code: "FAKE_SAMP_DESTROYED" }));
    }
  });

  it("keeps stop() one release as a deprecated alias of destroy()", async () => {
    include.stop();
    expect(() => include.mute(1, 0)).toThrow(expect.objectContaining({ code: "FAKE_SAMP_DESTROYED" }));
    await client.send(server.port, rconRequest("pw", "nuwani_announce hi"));
    expect((await server.waitFor("rcon")).reply).toEqual(["Unknown command or variable:\n  nuwani_announce"]);
  });
});
