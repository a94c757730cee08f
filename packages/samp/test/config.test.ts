import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { parseGameConfig, RCON_PASSWORD_ENVIRONMENT_VARIABLE } from "../src/config.js";
import { Secret } from "../src/index.js";
import { SampError } from "../src/SampError.js";
import { createSampGameServer } from "../src/createSampGameServer.js";

const SECRET = "Rc0n-Pa55-word";

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SampError);
    expect((error as SampError).code).toBe("SAMP_CONFIG_INVALID");
    expect(`${(error as Error).message}${inspect(error)}`).not.toContain(SECRET);
    return (error as SampError).field;
  }
  throw new Error("expected SAMP_CONFIG_INVALID");
}

describe("parseGameConfig", () => {
  it("applies defaults", () => {
    const config = parseGameConfig({ type: "samp" }, {});
    expect(config).toMatchObject({
      type: "samp", host: "127.0.0.1", port: 7777, rconPassword: undefined, logPath: undefined, encoding: "windows-1252",
      pawnInclude: false, pollInterval: 5000, downAfter: 30_000, logSilentAfter: 0, queryTimeout: 1000, queryRetries: 2,
      queriesPerSecond: 10, rconQuietPeriod: 250, logPollInterval: 1000, warnings: [],
    });
    expect(parseGameConfig({ type: "openmp", pawnInclude: true }, {}).logSilentAfter).toBe(180_000);
  });

  it("resolves a relative logPath against baseDirectory and warns about unknown fields", () => {
    const config = parseGameConfig({ type: "openmp", logPath: "log.txt", colour: "red" }, {}, { baseDirectory: "/srv/omp" });
    expect(config.logPath).toBe("/srv/omp/log.txt");
    expect(config.warnings).toEqual(["game.colour is not a known field and is ignored"]);
  });

  it("names the field of every invalid value", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, "game.type"],
      [{ type: "mta" }, "game.type"],
      [{ type: "samp", host: "bad host" }, "game.host"],
      [{ type: "samp", port: 0 }, "game.port"],
      [{ type: "samp", port: "7777" }, "game.port"],
      [{ type: "samp", rconPassword: "" }, "game.rconPassword"],
      [{ type: "samp", rconPassword: `${SECRET} x` }, "game.rconPassword"],
      [{ type: "samp", rconPassword: "changeme" }, "game.rconPassword"],
      [{ type: "samp", logPath: "" }, "game.logPath"],
      [{ type: "samp", encoding: "klingon" }, "game.encoding"],
      [{ type: "samp", pawnInclude: "yes" }, "game.pawnInclude"],
      [{ type: "samp", pollInterval: 2 ** 31 }, "game.pollInterval"],
      [{ type: "samp", downAfter: 1.5 }, "game.downAfter"],
      [{ type: "samp", logSilentAfter: -1 }, "game.logSilentAfter"],
      [{ type: "samp", queryTimeout: 10 }, "game.queryTimeout"],
      [{ type: "samp", queryRetries: 11 }, "game.queryRetries"],
      [{ type: "samp", queriesPerSecond: 31 }, "game.queriesPerSecond"],
      [{ type: "samp", rconQuietPeriod: 0 }, "game.rconQuietPeriod"],
      [{ type: "samp", logPollInterval: 1 }, "game.logPollInterval"],
    ];
    for (const [section, field] of cases) expect(fieldOf(() => parseGameConfig(section, {}))).toBe(field);
    expect(fieldOf(() => parseGameConfig([], {}))).toBe("game");
    expect(fieldOf(() => parseGameConfig(null, {}))).toBe("game");
  });

  it("takes the RCON password from NUWANI_RCON_PASSWORD first, and names that variable when it is bad", () => {
    const config = parseGameConfig({ type: "samp", rconPassword: "from-file" }, { [RCON_PASSWORD_ENVIRONMENT_VARIABLE]: SECRET });
    expect(config.rconPassword?.reveal()).toBe(SECRET);
    expect(fieldOf(() => parseGameConfig({ type: "samp" }, { [RCON_PASSWORD_ENVIRONMENT_VARIABLE]: `${SECRET}\n` }))).toBe(RCON_PASSWORD_ENVIRONMENT_VARIABLE);
    expect(parseGameConfig({ type: "samp", rconPassword: SECRET }, { [RCON_PASSWORD_ENVIRONMENT_VARIABLE]: "" }).rconPassword?.reveal()).toBe(SECRET);
  });

  it("keeps the RCON password out of String, JSON, inspect, spread and structuredClone", () => {
    const config = parseGameConfig({ type: "samp", rconPassword: SECRET }, {});
    const secret = config.rconPassword!;
    const shown = [
      String(secret),
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- what a careless log line would do
      `${secret}`,
      // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- likewise
      secret + "",
      JSON.stringify(config),
      JSON.stringify(secret),
      inspect(config, { depth: 10, showHidden: true }),
      inspect(secret, { showHidden: true }),
      JSON.stringify({ ...secret }),
      inspect({ ...config }),
      inspect(structuredClone(config), { depth: 10 }),
      JSON.stringify(structuredClone(secret)),
      Object.keys(secret).join(),
    ];
    for (const text of shown) expect(text).not.toContain(SECRET);
    expect(secret.reveal()).toBe(SECRET);
    expect(secret).toBeInstanceOf(Secret);
  });

  it("builds a server from the config that carries no password in its printout", async () => {
    const config = parseGameConfig({ type: "openmp", rconPassword: SECRET, logPath: "/nonexistent/log.txt", pawnInclude: true }, {});
    const server = createSampGameServer(config);
    expect(inspect(server, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(server.mutes).toBeDefined();
    await server.stop();
  });
});
