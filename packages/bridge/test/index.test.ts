import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/bridge", () => {
  it("exports what an operator or embedder needs, and none of its machinery (outbox, flood control, sanitising, parsing)", () => {
    expect(Object.keys(api).sort()).toEqual([
      "Bridge",
      "BridgeError",
      "DEFAULT_LEVELS",
      "LevelLadder",
      "SimulatedGameServer",
      "defaultFormats",
      "describeTarget",
      "formatEcho",
      "loadConfig",
      "loadFormats",
      "mergeFormats",
      "parseConfig",
      "parseFormats",
      "parsePawnEcho",
    ]);
  });
});
