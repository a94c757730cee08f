import { describe, expect, it } from "vitest";
import { CliError } from "../src/CliError.js";
import { parseCliArgs } from "../src/parseCliArgs.js";

describe("parseCliArgs", () => {
  it("reads the demo, --config and --for", () => {
    expect(parseCliArgs([])).toEqual({ kind: "demo", seconds: undefined, simulateGame: false });
    expect(parseCliArgs(["--demo", "--for", "2.5"])).toEqual({ kind: "demo", seconds: 2.5, simulateGame: false });
    expect(parseCliArgs(["--demo", "--simulate-game"])).toEqual({ kind: "demo", seconds: undefined, simulateGame: true });
    expect(parseCliArgs(["--config", "nuwani.json"])).toEqual({ kind: "config", path: "nuwani.json", simulateGame: false, seconds: undefined });
    expect(parseCliArgs(["--config=n.json", "--simulate-game", "--for", "60"])).toEqual({ kind: "config", path: "n.json", simulateGame: true, seconds: 60 });
  });

  it("lets --help and --version win", () => {
    expect(parseCliArgs(["--config", "x", "-h"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["--version", "--for", "3"])).toEqual({ kind: "version" });
  });

  it.each([
    [["--bogus"]],
    [["positional"]],
    [["--config"]],
    [["--config", ""]],
    [["--for", "0"]],
    [["--for", "86401"]],
    [["--for", "NaN"]],
    [["--for", "Infinity"]],
    [["--demo", "--config", "x"]],
  ])("rejects %j with CLI_INVALID_ARGUMENT", (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(CliError);
    try {
      parseCliArgs(argv);
    } catch (error) {
      expect((error as CliError).code).toBe("CLI_INVALID_ARGUMENT");
    }
  });
});
