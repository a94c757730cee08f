import { afterEach, describe, expect, it, vi } from "vitest";
import { appendFile, writeFile } from "node:fs/promises";
import { createSampGameServer, parseGameConfig } from "../src/index.js";
import { startMiniSamp, type MiniSamp } from "./support/miniSamp.js";
import { tempDir } from "./support/tempDir.js";

let mini: MiniSamp | undefined;
let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(async () => {
  await mini?.close();
  await dir?.cleanup();
});

describe("README example", () => {
  it("runs as written (against a small UDP server and a temporary log)", async () => {
    mini = await startMiniSamp({ password: "readme-pw" });
    mini.players = [{ id: 3, name: "Gunther", score: 0 }];
    dir = await tempDir();
    await writeFile(dir.file("server_log.txt"), "[12:00:00] old line\n");

    const config = parseGameConfig(
      { type: "samp", host: "127.0.0.1", port: mini.port, logPath: "server_log.txt", encoding: "windows-1252", rconQuietPeriod: 20 },
      { NUWANI_RCON_PASSWORD: "readme-pw" },
      { baseDirectory: dir.path },
    );
    const warnings: string[] = [];
    const game = createSampGameServer(config, { onWarning: (error) => warnings.push(error.code) });
    const echoes: unknown[] = [];
    game.on("echo", (tag, params) => echoes.push([tag, params]));
    game.on("health", () => undefined);
    await game.start();
    await game.poll();

    expect(game.players()).toEqual([{ id: 3, name: "Gunther", level: "player" }]);
    await appendFile(dir.file("server_log.txt"), "[12:00:01] [chat] [Gunther]: hello\n");
    await vi.waitFor(() => expect(echoes).toEqual([["chat", [3, "Gunther", "hello"]]]), { timeout: 5000 });
    await game.deliver("all", "[Discord] Russell: hello from Discord");
    await vi.waitFor(() => expect(mini!.commands).toEqual(["say [Discord] Russell: hello from Discord"]));
    await game.stop();
    expect(warnings).toEqual([]);
  });
});
