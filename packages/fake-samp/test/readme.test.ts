import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { FakeSampServer } from "../src/index.js";
import { readRconLine } from "./support/decode.js";
import { RawClient, rconRequest } from "./support/RawClient.js";

describe("README example", () => {
  it("runs as written", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "fake-samp-readme-")), "server_log.txt");
    const server = new FakeSampServer({
      flavour: "samp",
      rconPassword: "secret",
      players: [{ name: "Gunther", score: 10 }],
      log: { path },
    });
    await server.start();
    const client = await RawClient.open();
    try {
      server.registerRconCommand("nuwani_pm", (args, { server }) => {
        const [id] = args.split(" ");
        return server.player(Number(id)) === undefined ? "nuwani: no such player" : undefined;
      });

      server.join("Luce");
      server.chat(1, "hello €uro");
      server.echo("admin", 1, "Luce", "hi");
      server.play(50);
      const lines = iconv.decode(readFileSync(path), "windows-1252").split("\n");
      expect(lines.slice(0, 3).map((line) => line.replace(/^\[\d\d:\d\d:\d\d\] /, ""))).toEqual([
        "[join] Luce has joined the server (1:10.0.0.1)",
        "[chat] [Luce]: hello €uro",
        "[nuwani] admin\t1\tLuce\thi",
      ]);
      expect(readFileSync(path).includes(0x80)).toBe(true);

      server.faults.lossPercent = 20;
      const written = server.faults.burst(10_000, { rotateAt: 5_000 });
      expect(readFileSync(path, "latin1").split("\n")).toHaveLength(5_001);
      expect(written).toHaveLength(10_000);
      server.faults.lossPercent = 0;

      expect(readRconLine(await client.ask(server.port, rconRequest("secret", "nuwani_pm 99 hi"))).toString("latin1")).toBe("nuwani: no such player");
      await client.send(server.port, rconRequest("secret", "say hello from Discord"));
      const say = await server.waitFor("say");
      expect([say.text, server.rconCommands.length]).toEqual(["hello from Discord", 2]);
    } finally {
      client.close();
      await server.stop();
    }
  });
});
