import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/cli", () => {
  it("exports the command without the process, and nothing of its machinery", () => {
    expect(Object.keys(api).sort()).toEqual(["CLI_USAGE", "CliError", "EXIT_CODES", "neutraliseTerminal", "parseCliArgs", "runCli"]);
    expect(api.EXIT_CODES).toEqual({ OK: 0, FAILURE: 1, USAGE: 2, SIGINT: 130, SIGTERM: 143 });
  });
});
