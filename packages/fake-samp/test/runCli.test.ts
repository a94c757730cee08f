import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningCli, runCli } from "../src/runCli.js";
import { readInfo, readRconLine } from "./support/decode.js";
import { header, RawClient, rconRequest } from "./support/RawClient.js";

let running: RunningCli | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("runCli", () => {
  it("starts a server with a roster and a log, and prints where, never the RCON password", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "fake-samp-cli-")), "log.txt");
    let out = "";
    running = await runCli(["--players", "3", "--log", path, "--no-timestamps", "--play-interval", "0", "--flavour", "openmp", "--include"], (text) => (out += text), {
      FAKE_SAMP_RCON_PASSWORD: "cli-secret-pw",
    });
    expect(running).toBeDefined();
    const server = running!.server;
    expect(out).toContain(`query: 127.0.0.1:${server.port}`);
    expect(out).toContain("rcon: on");
    expect(out).not.toContain("cli-secret-pw");
    const client = await RawClient.open();
    try {
      expect(readInfo(await client.ask(server.port, header("i"))).players).toBe(3);
      expect(readRconLine(await client.ask(server.port, rconRequest("cli-secret-pw", "echo ok"))).toString("latin1")).toBe("ok");
      await client.send(server.port, rconRequest("cli-secret-pw", "nuwani_announce hello"));
      await server.waitFor("command");
      expect(running!.include!.delivered.map((d) => d.text)).toEqual(["hello"]);
    } finally {
      client.close();
    }
    server.play(1);
    expect(readFileSync(path, "latin1")).toMatch(/^\[Info\] /);
  });

  it("prints usage for --help and rejects bad arguments with FAKE_SAMP_INVALID_ARGUMENT", async () => {
    let out = "";
    expect(await runCli(["--help"], (text) => (out += text))).toBeUndefined();
    expect(out).toContain("Usage: fake-samp");
    for (const argv of [["--port", "70000"], ["--flavour", "mta"], ["--bogus"], ["--players", "60"]]) {
      await expect(runCli(argv, () => undefined)).rejects.toMatchObject({ code: "FAKE_SAMP_INVALID_ARGUMENT" });
    }
  });
});
