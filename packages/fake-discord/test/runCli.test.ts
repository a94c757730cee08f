import { afterEach, describe, expect, it } from "vitest";
import { CLI_USAGE, type RunningCli, runCli } from "../src/runCli.js";
import { GatewayClient } from "./support/protocol.js";

const running: RunningCli[] = [];
const clients: GatewayClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

async function run(argv: string[]): Promise<{ cli: RunningCli; lines: Map<string, string>; output: string[] }> {
  const output: string[] = [];
  const cli = await runCli(argv, (text) => output.push(text));
  if (cli === undefined) throw new Error("no fake started");
  running.push(cli);
  const lines = new Map<string, string>();
  for (const line of output.join("").split("\n")) {
    const match = /^(\w+): (.+)$/.exec(line);
    if (match !== null) lines.set(match[1]!, match[2]!);
  }
  return { cli, lines, output };
}

describe("runCli", () => {
  it("starts a fake with a demo guild and prints the gateway URL, the REST URL and the token", async () => {
    const { cli, lines } = await run(["--port", "0", "--members", "5"]);
    expect(lines.get("gateway")).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.get("rest")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(lines.get("token")).toBe("fake-token");
    expect(lines.get("guild")).toContain("5 members");

    const client = new GatewayClient(`${lines.get("gateway")}/?v=6&encoding=json`);
    clients.push(client);
    await client.nextOp(10);
    client.send({ op: 2, d: { token: lines.get("token"), properties: { $os: "linux", $browser: "t", $device: "t" } } });
    await client.nextOp(0, "READY");
    expect((await client.nextOp(0, "GUILD_CREATE")).d.member_count).toBe(5);
    const rest = await fetch(`${lines.get("rest")}/v6/gateway`);
    expect(await rest.json()).toEqual({ url: lines.get("gateway") });
    expect(cli.discord.sessions).toHaveLength(1);
  });

  it("takes --token and --online, and reports when it stopped", async () => {
    const { cli, lines, output } = await run(["--token", "abc", "--online", "1", "--members", "3"]);
    expect(lines.get("token")).toBe("abc");
    expect(cli.discord.token).toBe("abc");
    expect(cli.discord.guilds[0]!.members.every((member) => member.status !== "offline")).toBe(true);
    await cli.stop();
    expect(output.at(-1)).toBe("fake-discord stopped\n");
    await expect(fetch(`${lines.get("rest")}/v6/gateway`)).rejects.toThrow();
  });

  it("prints the usage for --help and starts nothing", async () => {
    const output: string[] = [];
    expect(await runCli(["--help"], (text) => output.push(text))).toBeUndefined();
    expect(output).toEqual([CLI_USAGE]);
  });

  it("prints the version for --version and starts nothing", async () => {
    const output: string[] = [];
    expect(await runCli(["--version"], (text) => output.push(text), { version: "4.5.6" })).toBeUndefined();
    expect(await runCli(["-v", "--port", "1"], (text) => output.push(text), { version: "4.5.6" })).toBeUndefined();
    expect(output).toEqual(["fake-discord 4.5.6\n", "fake-discord 4.5.6\n"]);
  });

  it.each([
    [["--port", "abc"]],
    [["--port", "70000"]],
    [["--members", "0"]],
    [["--online", "2"]],
    [["--token", ""]],
    [["--nope"]],
    [["positional"]],
  ])("rejects bad arguments %j", async (argv) => {
    await expect(runCli(argv, () => undefined)).rejects.toMatchObject({ code: "FAKE_DISCORD_INVALID_ARGUMENT" });
  });
});
